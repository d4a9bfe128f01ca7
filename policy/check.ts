// `npm run policy:check -- --stack <stack>`: runs the policy pack's rules over the offline plan of a stack, with no
// Pulumi CLI and no credentials (so fork pull requests get the verdict too). Exit 0 = compliant, 1 = violations.
import { spawnSync } from "child_process";
import { mkdtempSync, readFileSync, rmSync } from "fs";
import * as os from "os";
import * as path from "path";
import type { PlanResource } from "../tools/plan/render";
import { checkPlan } from "./offline";

function main(): number {
    const argv = process.argv.slice(2);
    const stack = argv[0] === "--stack" ? argv[1] : undefined;
    if (!stack || argv.length !== 2) {
        process.stderr.write("usage: npm run policy:check -- --stack <stack>\n");
        return 1;
    }
    const out = mkdtempSync(path.join(os.tmpdir(), "policy-check-"));
    try {
        // The plan runs in its own process: the recording mocks are global to a process.
        const plan = spawnSync(
            process.execPath,
            [
                require.resolve("ts-node/dist/bin.js"),
                "--transpile-only",
                "tools/plan/cli.ts",
                "--stack",
                stack,
                "--out",
                out,
            ],
            { encoding: "utf8" },
        );
        if (plan.status !== 0) {
            process.stderr.write(`the plan of stack ${stack} failed:\n${plan.stderr}`);
            return 1;
        }
        const resources = JSON.parse(
            readFileSync(path.join(out, "resources.json"), "utf8"),
        ) as PlanResource[];
        const violations = checkPlan(stack, resources);
        for (const v of violations) process.stdout.write(`[${v.rule}] ${v.message}\n    ${v.urn}\n`);
        process.stdout.write(
            `stack ${stack}: ${resources.length} resources, ${violations.length} policy violations\n`,
        );
        return violations.length === 0 ? 0 : 1;
    } finally {
        rmSync(out, { recursive: true, force: true });
    }
}

process.exitCode = main();
