// `npm run policy:check -- --stack <stack>`: runs the policy pack's rules over the offline plan of a stack, with no
// Pulumi CLI and no credentials (so fork pull requests get the verdict too). Exit 0 = compliant, 1 = violations,
// 2 = a command line it cannot read.
import { parseFlags, required, usageExit } from "../tools/cli/args";
import type { PlanResource } from "../tools/plan/render";

const USAGE = "usage: npm run policy:check -- --stack <stack>";

async function main(): Promise<number> {
    const values = parseFlags(process.argv.slice(2), { stack: { type: "string" } }, USAGE);
    const stack = required(values.stack, "--stack", USAGE);
    // Loaded only now: the plan and the policy pack take seconds to load, which a usage error should not wait for.
    const { planResources } = await import("../tools/plan/process");
    const { checkPlan } = await import("./offline");
    let resources: PlanResource[];
    try {
        resources = await planResources(stack);
    } catch (err) {
        process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
        return 1;
    }
    const violations = checkPlan(stack, resources);
    for (const v of violations) process.stdout.write(`[${v.rule}] ${v.message}\n    ${v.urn}\n`);
    process.stdout.write(
        `stack ${stack}: ${resources.length} resources, ${violations.length} policy violations\n`,
    );
    return violations.length === 0 ? 0 : 1;
}

void main().then(
    (code) => {
        process.exitCode = code;
    },
    (err: unknown) => {
        process.exitCode = usageExit(err);
        if (process.exitCode === undefined) throw err;
    },
);
