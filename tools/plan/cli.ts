import * as path from "path";
import { ConfigError } from "../../components/config/problems";
import { renderSummary } from "./render";
import { planStack, writePlan } from "./run";

function usage(): never {
    process.stderr.write("usage: npm run plan -- --stack <stack> [--out <dir>]\n");
    process.exit(1);
}

function parseArgs(argv: string[]): { stack: string; out?: string } {
    let stack: string | undefined;
    let out: string | undefined;
    for (let i = 0; i < argv.length; i++) {
        if (argv[i] === "--stack") stack = argv[++i];
        else if (argv[i] === "--out") out = argv[++i];
        else usage();
    }
    if (!stack) usage();
    return { stack, out };
}

async function main(): Promise<void> {
    const { stack, out } = parseArgs(process.argv.slice(2));
    const dir = out ?? path.join("out", "plan", stack);
    try {
        const plan = await planStack(stack);
        const files = writePlan(plan, dir);
        process.stdout.write(`${renderSummary(stack, plan)}\n\nWrote ${files.join(", ")}\n`);
    } catch (err) {
        // A configuration mistake is the user's to fix: print the list of fixes, not a stack trace.
        if (err instanceof ConfigError) {
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
