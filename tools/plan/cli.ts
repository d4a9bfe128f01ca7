import * as path from "path";
import { CommandResult, crashText, parseFlags, printResult, required, usageResult } from "../cli/args";
import { staleRunningBuild } from "../../components/shared/buildFreshness";
import { renderSummary, wrapped } from "./render";
import type { PlanObserver } from "./run";
import { stackTracesAsked } from "./stacks";

const USAGE = "usage: npm run plan -- --stack <stack> [--out <dir>]";

function parseArgs(argv: string[]): { stack: string; out?: string } {
    const values = parseFlags(argv, { stack: { type: "string" }, out: { type: "string" } }, USAGE);
    return { stack: required(values.stack, "--stack", USAGE), out: values.out };
}

/**
 * The plan command, callable in-process (tests): what it prints and its exit code; `observer` also sees what the
 * evaluation recorded.
 */
export async function planCommand(
    argv: string[],
    cwd = process.cwd(),
    observer: PlanObserver = {},
): Promise<CommandResult> {
    let args: { stack: string; out?: string };
    try {
        args = parseArgs(argv);
    } catch (err) {
        return usageResult(err);
    }
    const { stack, out } = args;
    // Before anything else: stale compiled code plans what `pulumi up` refuses to run, and proves nothing about the
    // earlier plan in --out (left as it is).
    const stale = staleRunningBuild();
    if (stale !== undefined) return { code: 1, stdout: "", stderr: `${stale}\n` };
    // Loaded only now: the program and the SDK take a second to load, which a stale build should not wait for.
    const { PlanOutputError, checkOutputDir, isUserError, keptLine, planStack, removeStalePlan, writePlan } =
        await import("./run");
    const dir = path.resolve(cwd, out ?? path.join("out", "plan", stack));
    try {
        // Refuse a directory that is not ours before spending a minute on the plan.
        checkOutputDir(dir, stack);
        const plan = await planStack(stack, cwd, observer);
        const { files, kept } = writePlan(plan, dir, stack);
        const keptText = kept.length > 0 ? `\n${keptLine(dir, kept)}` : "";
        // The directory as the user named it (relative to where they are), once: the files by their names in it.
        const relative = path.relative(cwd, dir);
        const shown = relative === "" || relative.startsWith("..") ? dir : relative;
        const names = files.map((f) => path.relative(dir, f));
        return {
            code: 0,
            stdout: `${renderSummary(stack, plan, shown)}\n\n${wrapped(`Wrote ${shown}: ${names.join(", ")}`, "  ").join("\n")}${keptText}\n`,
            stderr: "",
        };
    } catch (err) {
        let stderr = "";
        // An earlier plan of this stack would pass for the current one: its files go (only they: the marker lists them).
        const removal = err instanceof PlanOutputError ? undefined : removeStalePlan(dir, stack);
        if (removal) {
            stderr += `Removed the earlier plan in ${dir} (${removal.removed.join(", ") || "its marker"}): it would pass for the result of this failed plan.\n`;
            if (removal.kept.length > 0) stderr += `${keptLine(dir, removal.kept)}\n`;
        }
        if (isUserError(err)) return { code: 1, stdout: "", stderr: `${stderr}${err.message}\n` };
        throw err;
    }
}

/**
 * Stack capture off for the whole run unless asked for (see {@link stackTracesAsked}). Under ts-node, its
 * source-map hook would also map every frame of the full-depth stack the SDK still takes per resource (for source
 * positions the mocks never use).
 */
export function quietStacks(): boolean {
    if (stackTracesAsked()) return false;
    Error.stackTraceLimit = 0;
    Reflect.deleteProperty(Error, "prepareStackTrace");
    return true;
}

if (require.main === module) {
    const quiet = quietStacks();
    planCommand(process.argv.slice(2))
        .then((r) => process.exit(printResult(r)))
        .catch((err: unknown) => {
            const hint = quiet
                ? "\n(for a stack trace, run again with NODE_OPTIONS=--stack-trace-limit=50)"
                : "";
            process.stderr.write(`plan failed: ${crashText(err)}${hint}\n`);
            process.exit(1);
        });
}
