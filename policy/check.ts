// `npm run policy:check -- --stack <stack>`: runs the policy pack's rules over the offline plan of a stack, with no
// Pulumi CLI and no credentials (so fork pull requests get the verdict too). Exit 0 = compliant, 1 = violations,
// 2 = a command line it cannot read.
import { CommandResult, parseFlags, printResult, required, usageResult } from "../tools/cli/args";
import type { PlanResource } from "../tools/plan/render";

const USAGE = "usage: npm run policy:check -- --stack <stack>";

/** The command, callable in-process (tests): what it prints and its exit code, for the checkout in `cwd`. */
export async function policyCheckCommand(argv: string[], cwd?: string): Promise<CommandResult> {
    let stack: string;
    try {
        const values = parseFlags(argv, { stack: { type: "string" } }, USAGE);
        stack = required(values.stack, "--stack", USAGE);
    } catch (err) {
        return usageResult(err);
    }
    // Loaded only now: the plan and the policy pack take seconds to load, which a usage error should not wait for.
    const { planResources } = await import("../tools/plan/process");
    const { checkPlan } = await import("./offline");
    let resources: PlanResource[];
    try {
        resources = await planResources(stack, cwd);
    } catch (err) {
        return { code: 1, stdout: "", stderr: `${err instanceof Error ? err.message : String(err)}\n` };
    }
    const violations = checkPlan(stack, resources);
    let stdout = "";
    for (const v of violations) stdout += `[${v.rule}] ${v.message}\n    ${v.urn}\n`;
    stdout += `stack ${stack}: ${resources.length} resources, ${violations.length} policy violations\n`;
    return { code: violations.length === 0 ? 0 : 1, stdout, stderr: "" };
}

if (require.main === module) {
    void policyCheckCommand(process.argv.slice(2)).then((r) => {
        process.exitCode = printResult(r);
    });
}
