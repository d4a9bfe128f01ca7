import * as path from "path";
import { ConfigError } from "../../components/config/problems";
import { renderSummary } from "./render";
import { PlanOutputError, checkOutputDir, planStack, removeStalePlan, writePlan } from "./run";
import { StackFileError } from "./stackfile";

function usage(): never {
    process.stderr.write("usage: npm run plan -- --stack <stack> [--out <dir>]\n");
    process.exit(1);
}

function parseArgs(argv: string[]): { stack: string; out?: string } {
    let stack: string | undefined;
    let out: string | undefined;
    for (let i = 0; i < argv.length; i++) {
        if (argv[i] === "--stack" && i + 1 < argv.length) stack = argv[++i];
        else if (argv[i] === "--out" && i + 1 < argv.length) out = argv[++i];
        else usage();
    }
    if (!stack) usage();
    return { stack, out };
}

/** Errors that are the user's to fix: their message is the whole story, a stack trace would only hide it. */
export function isUserError(err: unknown): err is Error {
    return err instanceof ConfigError || err instanceof StackFileError || err instanceof PlanOutputError;
}

async function main(): Promise<void> {
    const { stack, out } = parseArgs(process.argv.slice(2));
    const dir = out ?? path.join("out", "plan", stack);
    try {
        // Refuse a directory that is not ours before spending a minute on the plan.
        checkOutputDir(dir, stack);
        const plan = await planStack(stack);
        const files = writePlan(plan, dir, stack);
        process.stdout.write(`${renderSummary(stack, plan)}\n\nWrote ${files.join(", ")}\n`);
    } catch (err) {
        // An earlier plan of this stack would pass for the current one: it goes (only it: the marker proves it).
        if (!(err instanceof PlanOutputError) && removeStalePlan(dir, stack)) {
            process.stderr.write(
                `Removed the earlier plan in ${dir}: it no longer matches the stack file.\n`,
            );
        }
        if (isUserError(err)) {
            process.stderr.write(`${err.message}\n`);
            process.exit(1);
        }
        throw err;
    }
}

main().catch((err: unknown) => {
    process.stderr.write(`plan failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
});
