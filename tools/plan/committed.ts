import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "fs";
import * as path from "path";
import { CommandResult, crashText, parseFlags, printResult, usageResult } from "../cli/args";
import { planCommand, quietStacks } from "./cli";
import { PlanResource, stagedOfFile } from "./render";
import { renderResourceList } from "./resourceList";
import { PLAN_FILES } from "./run";

// The rendered plans of the stacks that deploy, committed under plans/<stack>/: a pull request's own diff of them is
// what it does to each stack (the rendered-manifests pattern), and CI fails when they are not the plan of the
// commit's code and stack files.

/** The stacks whose plans are committed. */
export const COMMITTED_STACKS = ["stage", "prod"];

/** Where they are, relative to the checkout. */
export const PLANS_DIR = "plans";

const USAGE =
    "usage: npm run plans:write | npm run plans:check   (either: [--stack <stack>], default stage and prod)";

/**
 * The committed files of a stack's plan, by relative path, from the files `npm run plan` wrote: the manifests of
 * each cluster as they are, and the resource tree (resources.yaml) in place of resources.json, whose megabytes repeat
 * every manifest. Notices and unset secrets stay out: they say what an operator must do, not what the stack deploys.
 */
export function committedFiles(
    stack: string,
    planFiles: Readonly<Record<string, string>>,
): Record<string, string> {
    const resources = JSON.parse(planFiles["resources.json"]) as PlanResource[];
    const staged = planFiles["staged.txt"] !== undefined ? stagedOfFile(planFiles["staged.txt"]) : [];
    const files: Record<string, string> = { "resources.yaml": renderResourceList(stack, resources, staged) };
    for (const name of Object.keys(planFiles).sort()) {
        if (name.startsWith("kubernetes/")) files[name] = planFiles[name];
    }
    return files;
}

/** Every file below `dir`, by relative path with `/`. */
function filesBelow(dir: string, rel = ""): string[] {
    return readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? filesBelow(dir, path.posix.join(rel, e.name)) : [path.posix.join(rel, e.name)],
    );
}

/** A line as a problem quotes it: long manifests lines are cut. */
function quoted(line: string | undefined): string {
    if (line === undefined) return "(end of file)";
    return line.length <= 140 ? line : `${line.slice(0, 139)}…`;
}

/** Where a committed text first differs from the plan's, with both lines. */
function firstDifference(committed: string, planned: string): string {
    const a = committed.split("\n");
    const b = planned.split("\n");
    let i = 0;
    while (i < a.length && i < b.length && a[i] === b[i]) i++;
    return `differs from the plan at line ${i + 1}:\n    committed: ${quoted(a[i])}\n    plan:      ${quoted(b[i])}`;
}

/**
 * What makes the committed plan in `dir` stale against `expected` (relative path → text): each file that differs
 * (with its first differing line), is missing, or is not part of the plan; `shown` is how the lines name `dir`.
 * Empty when it is current.
 */
export function staleFiles(dir: string, shown: string, expected: Readonly<Record<string, string>>): string[] {
    const problems: string[] = [];
    for (const name of Object.keys(expected).sort()) {
        const file = path.join(dir, name);
        if (!existsSync(file)) problems.push(`${shown}/${name}: missing`);
        else {
            const text = readFileSync(file, "utf8");
            if (text !== expected[name])
                problems.push(`${shown}/${name}: ${firstDifference(text, expected[name])}`);
        }
    }
    const present = existsSync(dir) ? filesBelow(dir).sort() : [];
    for (const name of present.filter((n) => !(n in expected)))
        problems.push(`${shown}/${name}: not part of the plan (a cluster the stack no longer deploys to?)`);
    return problems;
}

/** The files the plan command wrote into `dir`, by relative path: its own list of them ({@link PLAN_FILES}). */
function writtenFiles(dir: string): Record<string, string> {
    const names = readFileSync(path.join(dir, PLAN_FILES), "utf8")
        .split("\n")
        .filter((l) => l !== "" && !l.startsWith("#"));
    return Object.fromEntries(
        names.map((n) => [n.split(path.sep).join("/"), readFileSync(path.join(dir, n), "utf8")]),
    );
}

/**
 * `npm run plans:write` (`check` false) and `npm run plans:check` in the checkout at `cwd`, callable in-process
 * (tests). Each stack is planned as `npm run plan -- --stack <stack>` plans it, into out/plan/<stack> (kube-score reads
 * it there), and its committed files are made from that output: written into plans/<stack>, which holds only them, or
 * compared with it (exit 1 naming every stale file and how to refresh them).
 */
export async function plansCommand(argv: string[], cwd = process.cwd()): Promise<CommandResult> {
    let values: { check?: boolean; stack?: string };
    try {
        values = parseFlags(argv, { check: { type: "boolean" }, stack: { type: "string" } }, USAGE);
    } catch (err) {
        return usageResult(err);
    }
    const stacks = values.stack !== undefined ? [values.stack] : COMMITTED_STACKS;
    let stdout = "";
    const problems: string[] = [];
    for (const stack of stacks) {
        const out = path.join("out", "plan", stack);
        const planned = await planCommand(["--stack", stack, "--out", out], cwd);
        if (planned.code !== 0) return { code: planned.code, stdout, stderr: planned.stderr };
        const expected = committedFiles(stack, writtenFiles(path.join(cwd, out)));
        const shown = `${PLANS_DIR}/${stack}`;
        const dir = path.join(cwd, PLANS_DIR, stack);
        if (values.check) {
            const stale = staleFiles(dir, shown, expected);
            problems.push(...stale);
            stdout += `${shown}: ${stale.length === 0 ? "current" : `${stale.length} stale file(s)`} (the plan is in ${out})\n`;
            continue;
        }
        // The directory holds the plan's files only: a file of a cluster the stack left goes with it.
        rmSync(dir, { recursive: true, force: true });
        for (const [name, text] of Object.entries(expected)) {
            mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
            writeFileSync(path.join(dir, name), text);
        }
        stdout += `${shown}: wrote ${Object.keys(expected).join(", ")}\n`;
    }
    if (problems.length === 0) return { code: 0, stdout, stderr: "" };
    return {
        code: 1,
        stdout,
        stderr: `The committed plans are stale: they are not the plan of this checkout's code and stack files.\n${problems.join("\n")}\nRefresh them with npm run plans:write and commit ${PLANS_DIR}/: its diff is what the change does to each stack.\n`,
    };
}

if (require.main === module) {
    quietStacks();
    plansCommand(process.argv.slice(2))
        .then((r) => process.exit(printResult(r)))
        .catch((err: unknown) => {
            process.stderr.write(`plans failed: ${crashText(err)}\n`);
            process.exit(1);
        });
}
