import { existsSync, writeFileSync } from "fs";
import * as path from "path";
import { CommandResult, UsageError, crashText, parseFlags, printResult } from "../cli/args";
import type { PlanResource } from "../plan/render";
import type { DiffMeta } from "./render";
import {
    PlanDiffError,
    PlanProcessError,
    bothPlans,
    git,
    resolveCommit,
    runCleanups,
    startPlan,
    withTempDir,
    withWorktree,
} from "./run";

const USAGE =
    "usage: npm run plan:diff -- --stack <stack> --base <git-ref> [--format text|markdown] [--output <file>]";

/**
 * Exit codes, so CI can tell "nothing changes" from "changes" from "could not tell". A command line it cannot read
 * is "could not tell" (1), not the usual usage code 2: here 2 means "changes", which CI does not fail on.
 */
const EXIT = { same: 0, error: 1, changes: 2 } as const;

interface Args {
    stack: string;
    base: string;
    format: "text" | "markdown";
    output?: string;
}

function parseArgs(argv: string[]): Args {
    const values = parseFlags(
        argv,
        {
            stack: { type: "string" },
            base: { type: "string" },
            format: { type: "string", default: "text" },
            output: { type: "string" },
        },
        USAGE,
    );
    if (!values.stack || !values.base) throw new UsageError("--stack and --base are required", USAGE);
    if (!/^[A-Za-z0-9_.-]+$/.test(values.stack))
        throw new PlanDiffError(`--stack ${values.stack}: not a stack name`);
    const format = values.format;
    if (format !== "text" && format !== "markdown")
        throw new PlanDiffError(`--format ${format}: use text or markdown`);
    return { stack: values.stack, base: values.base, format, output: values.output };
}

// Git's own abbreviation: a fixed prefix length can name two objects once the repository grows.
function abbreviated(root: string, rev: string): string {
    return git(root, ["rev-parse", "--short", rev]);
}

function headLabel(root: string): string {
    const commit = abbreviated(root, "HEAD");
    const dirty = git(root, ["status", "--porcelain", "--untracked-files=no"]) !== "";
    return `working tree at ${commit}${dirty ? " with uncommitted changes" : ""}`;
}

async function main(args: Args, cwd: string): Promise<CommandResult> {
    const root = git(cwd, ["rev-parse", "--show-toplevel"]);
    const stackFile = `Pulumi.${args.stack}.yaml`;
    if (!existsSync(path.join(root, stackFile)))
        throw new PlanDiffError(`--stack ${args.stack}: ${stackFile} does not exist`);
    const commit = resolveCommit(root, args.base);
    const short = abbreviated(root, commit);
    const meta: DiffMeta = {
        stack: args.stack,
        base: commit.startsWith(args.base) ? short : `${args.base} (${short})`,
        head: headLabel(root),
    };

    // A clean working tree at the base commit is the base: one plan instead of two identical ones.
    const unchanged =
        git(root, ["rev-parse", "HEAD"]) === commit && git(root, ["status", "--porcelain"]) === "";
    const [base, head] = await withTempDir((out) =>
        unchanged
            ? startPlan(root, args.stack, path.join(out, "head"), meta.head).done.then(
                  (plan): [PlanResource[], PlanResource[]] => [plan, plan],
              )
            : withWorktree(root, commit, async (worktree): Promise<[PlanResource[], PlanResource[]]> => {
                  const headPlan = startPlan(root, args.stack, path.join(out, "head"), meta.head);
                  if (!existsSync(path.join(worktree, stackFile))) {
                      // A stack that is new in this change: everything in it is added.
                      meta.note = `${stackFile} does not exist on the base revision: every resource is new.`;
                      return [[], await headPlan.done];
                  }
                  return bothPlans(
                      startPlan(worktree, args.stack, path.join(out, "base"), `base ${meta.base}`),
                      headPlan,
                  );
              }),
    );

    // Loaded only now: they pull in @pulumi/pulumi (seconds), which argument errors should not wait for.
    const { diffPlans } = await import("./diff");
    const { renderMarkdown, renderText, summaryLine } = await import("./render");
    const { stepsTouching } = await import("../conformance/match");
    const { runbookTables } = await import("../conformance/load");
    const diff = diffPlans(base, head, (r) => stepsTouching(runbookTables(), r, args.stack));
    const report = args.format === "markdown" ? renderMarkdown(diff, meta) : renderText(diff, meta);
    let stdout = report;
    if (args.output) {
        writeFileSync(path.resolve(cwd, args.output), report);
        stdout = `${summaryLine(args.stack, diff)} (written to ${args.output})\n`;
    }
    return { code: diff.changes.length > 0 ? EXIT.changes : EXIT.same, stdout, stderr: "" };
}

/** Reports a failure on stderr and, for a pull-request comment, in the markdown file in place of the diff. */
async function fail(err: unknown, cwd: string, args?: Args): Promise<CommandResult> {
    const message =
        err instanceof PlanDiffError || err instanceof PlanProcessError || err instanceof UsageError
            ? err.message
            : crashText(err);
    if (args?.output && args.format === "markdown") {
        const { renderMarkdownError } = await import("./render");
        writeFileSync(path.resolve(cwd, args.output), renderMarkdownError(args.stack, message));
    }
    return { code: EXIT.error, stdout: "", stderr: `plan:diff: ${message}\n` };
}

/**
 * `npm run plan:diff` in the checkout at `cwd`, callable in-process (tests): what it prints and its exit code. Plans
 * of this process's own code run in this process and install its (global) recording mocks.
 */
export async function planDiffCommand(argv: string[], cwd = process.cwd()): Promise<CommandResult> {
    let args: Args | undefined;
    try {
        args = parseArgs(argv);
        return await main(args, cwd);
    } catch (err) {
        return fail(err, cwd, args);
    }
}

if (require.main === module) {
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
        process.once(signal, () => {
            runCleanups();
            process.exit(EXIT.error);
        });
    }
    void planDiffCommand(process.argv.slice(2)).then((r) => {
        process.exitCode = printResult(r);
    });
}
