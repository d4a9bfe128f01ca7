import { execFileSync } from "child_process";
import { existsSync, readFileSync } from "fs";
import * as path from "path";
import * as ts from "typescript";
import { nameText, nodes } from "../shape/sources";
import { pageParts } from "./pageParts";

/** Every anchor of a page's headings, as GitHub makes them. */
export function headingAnchors(markdown: string): Set<string> {
    return new Set(pageParts(markdown).headings.map((h) => h.anchor));
}

// Every link, anchor and command of the README and docs/ is one the repository has. The documentation is read as an
// operator reads it: a relative link must open a file, an anchor must land on a heading (GitHub's slug), and a command
// in code must name a package.json script, a flag that script's CLI declares, a file of this checkout, a pulumi
// subcommand.

/**
 * The pulumi CLI's subcommands (pulumi 3.x `pulumi --help`, and `--help` of config, stack and state), fixed here
 * because the CLI is not installed where the tests run. A command the documentation names must be one of these.
 */
export const PULUMI_SUBCOMMANDS: Readonly<Record<string, readonly string[]>> = {
    about: [],
    ai: [],
    cancel: [],
    config: ["cp", "env", "get", "refresh", "rm", "rm-all", "set", "set-all"],
    console: [],
    convert: [],
    deployment: [],
    destroy: [],
    env: [],
    "gen-completion": [],
    help: [],
    import: [],
    install: [],
    login: [],
    logout: [],
    logs: [],
    new: [],
    org: [],
    package: [],
    plugin: [],
    policy: [],
    preview: [],
    refresh: [],
    schema: [],
    stack: [
        "change-secrets-provider",
        "export",
        "graph",
        "history",
        "import",
        "init",
        "ls",
        "output",
        "rename",
        "rm",
        "select",
        "tag",
        "unselect",
    ],
    state: [
        "delete",
        "edit",
        "move",
        "protect",
        "rename",
        "repair",
        "taint",
        "unprotect",
        "untaint",
        "upgrade",
    ],
    template: [],
    up: [],
    version: [],
    watch: [],
    whoami: [],
};

/** What the documentation is checked against: the checkout's files and its npm scripts with their CLIs' flags. */
export interface DocsRepo {
    /** Every file of the checkout (tracked or new, not ignored), relative, with `/`. */
    files: ReadonlySet<string>;
    /** package.json's scripts. */
    scripts: Readonly<Record<string, string>>;
    /** The flags (`--name`, `-x`) the CLI a script runs declares; undefined when it declares none we can read. */
    flagsOf(script: string): ReadonlySet<string> | undefined;
    /** A page's text, or undefined when it does not exist. */
    read(file: string): string | undefined;
}

/** The README, every page under docs/ and each top-level folder's README, relative to `root`. */
export function documentationPages(root: string, files: Iterable<string> = checkoutFiles(root)): string[] {
    return [...files]
        .filter(
            (f) =>
                f === "README.md" ||
                (f.startsWith("docs/") && f.endsWith(".md")) ||
                /^[^./][^/]*\/README\.md$/.test(f),
        )
        .sort();
}

function checkoutFiles(root: string): Set<string> {
    const out = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
        cwd: root,
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024,
    });
    // A tracked file deleted in the working tree is not there for a reader.
    return new Set(out.split("\0").filter((f) => f !== "" && existsSync(path.join(root, f))));
}

/** The facts of the checkout at `root`. */
export function repoFacts(root: string): DocsRepo {
    const files = checkoutFiles(root);
    const scripts = (
        JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as {
            scripts: Record<string, string>;
        }
    ).scripts;
    const read = (file: string) =>
        files.has(file) ? readFileSync(path.join(root, file), "utf8") : undefined;
    const flags = new Map<string, ReadonlySet<string> | undefined>();
    return {
        files,
        scripts,
        read,
        flagsOf(script) {
            if (!flags.has(script)) {
                const entry = scriptEntry(scripts[script] ?? "", files);
                const source = entry && read(entry);
                flags.set(script, source === undefined ? undefined : declaredFlags(entry!, source));
            }
            return flags.get(script);
        },
    };
}

/**
 * The TypeScript file a script's last command runs: `node dist/<x>.js` runs `<x>.ts`, `ts-node … <x>.ts` runs it
 * as it is. Anything else (mocha, bash, eslint) declares no flags here.
 */
export function scriptEntry(command: string, files: ReadonlySet<string>): string | undefined {
    const last = command.split("&&").pop()!.trim().split(/\s+/);
    if (last[0] === "node") {
        const m = /^dist\/(.+)\.js$/.exec(last.find((t) => t.startsWith("dist/")) ?? "");
        return m && files.has(`${m[1]}.ts`) ? `${m[1]}.ts` : undefined;
    }
    if (last[0] === "ts-node") return last.find((t) => t.endsWith(".ts") && files.has(t));
    return undefined;
}

/**
 * The flags a CLI's source declares: the options of every `parseFlags(argv, options, usage)` (tools/cli/args.ts) and
 * `parseArgs({ options })` (node:util) it calls, given as an object literal or a const of the same file. Undefined
 * when it declares none.
 */
export function declaredFlags(file: string, source: string): ReadonlySet<string> | undefined {
    const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true);
    const consts = new Map<string, ts.Expression>();
    const calls: ts.CallExpression[] = [];
    for (const node of nodes(sf)) {
        if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer)
            consts.set(node.name.text, node.initializer);
        if (ts.isCallExpression(node)) calls.push(node);
    }
    const literal = (e: ts.Expression | undefined): ts.ObjectLiteralExpression | undefined => {
        while (
            e &&
            (ts.isAsExpression(e) || ts.isSatisfiesExpression(e) || ts.isParenthesizedExpression(e))
        ) {
            e = e.expression;
        }
        if (e && ts.isIdentifier(e)) return literal(consts.get(e.text));
        return e && ts.isObjectLiteralExpression(e) ? e : undefined;
    };
    const property = (o: ts.ObjectLiteralExpression, name: string) =>
        o.properties.find(
            (p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && nameText(p.name) === name,
        )?.initializer;
    const flags = new Set<string>();
    let declared = false;
    for (const call of calls) {
        const callee = call.expression;
        const name = ts.isIdentifier(callee)
            ? callee.text
            : ts.isPropertyAccessExpression(callee)
              ? callee.name.text
              : "";
        let options: ts.ObjectLiteralExpression | undefined;
        if (name === "parseFlags") options = literal(call.arguments[1]);
        if (name === "parseArgs") {
            const config = literal(call.arguments[0]);
            options = config && literal(property(config, "options"));
        }
        if (!options) continue;
        declared = true;
        for (const p of options.properties) {
            const flag = p.name && nameText(p.name);
            if (flag === undefined) continue;
            flags.add(`--${flag}`);
            const spec = ts.isPropertyAssignment(p) ? literal(p.initializer) : undefined;
            const short = spec && property(spec, "short");
            if (short && ts.isStringLiteral(short)) flags.add(`-${short.text}`);
        }
    }
    return declared ? flags : undefined;
}

const SHELL_BLOCKS = new Set(["", "sh", "bash", "shell", "console"]);

/** Every problem of one page, each `<page>:<line>: <what is wrong>`, in the page's order. */
export function docProblems(page: string, text: string, repo: DocsRepo): string[] {
    const problems: { line: number; problem: string }[] = [];
    const topLevel = new Set([...repo.files].map((f) => f.split("/")[0]));
    const parts = pageParts(text);
    for (const c of parts.code) {
        if (c.block !== undefined && !SHELL_BLOCKS.has(c.block)) continue;
        const command = c.block === undefined ? c.text : c.text.replace(/(^|\s)#.*$/, "");
        for (const problem of commandProblems(command, repo, topLevel))
            problems.push({ line: c.line, problem });
    }
    const ownAnchors = new Set(parts.headings.map((h) => h.anchor));
    for (const link of parts.links) {
        const problem = linkProblem(page, ownAnchors, link.target, repo);
        if (problem) problems.push({ line: link.line, problem });
    }
    return problems.sort((a, b) => a.line - b.line).map((p) => `${page}:${p.line}: ${p.problem}`);
}

/** A target's percent-decoded text (markdown-it encodes what is not ASCII), or the text itself when it is not valid. */
function decoded(text: string): string {
    try {
        return decodeURIComponent(text);
    } catch {
        return text;
    }
}

function linkProblem(
    page: string,
    ownAnchors: ReadonlySet<string>,
    target: string,
    repo: DocsRepo,
): string | undefined {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return undefined; // https:, mailto:: another site's
    const hash = target.indexOf("#");
    const file = decoded(hash === -1 ? target : target.slice(0, hash));
    const anchor = hash === -1 ? undefined : decoded(target.slice(hash + 1));
    const shown = decoded(target);
    const resolved =
        file === "" ? page : path.posix.normalize(path.posix.join(path.posix.dirname(page), file));
    const dir = resolved.replace(/\/$/, "");
    const exists = repo.files.has(resolved) || [...repo.files].some((f) => f.startsWith(`${dir}/`));
    if (!exists) return `link ${shown}: ${resolved} does not exist`;
    if (anchor === undefined) return undefined;
    let anchors = ownAnchors;
    if (resolved !== page) {
        const content = repo.read(resolved);
        if (content === undefined || !resolved.endsWith(".md"))
            return `link ${shown}: ${resolved} has no headings`;
        anchors = headingAnchors(content);
    }
    if (!anchors.has(anchor)) return `link ${shown}: ${resolved} has no heading #${anchor}`;
    return undefined;
}

/** The problems of one command line (a code span, or a line of a shell block): scripts, flags, files, pulumi. */
export function commandProblems(code: string, repo: DocsRepo, topLevel: ReadonlySet<string>): string[] {
    const problems: string[] = [];
    for (const command of code.split(/&&|\|\||[|;]|\$\(/)) {
        const words = command.replace(/[[\]]/g, " ").trim().split(/\s+/).filter(Boolean);
        if (words[0] === "npm") problems.push(...npmProblems(words, repo));
        if (words[0] === "pulumi") problems.push(...pulumiProblems(words));
        if (words[0] === "bash" && words[1] && !words[1].startsWith("-") && !fileExists(words[1], repo))
            problems.push(`\`${command.trim()}\`: ${words[1]} does not exist`);
        for (const [i, w] of words.entries()) {
            if (words[0] === "bash" && i === 1) continue;
            if (repoPath(w, topLevel) && !fileExists(w, repo))
                problems.push(`\`${command.trim()}\`: ${w} does not exist in this repository`);
        }
    }
    return problems;
}

function npmProblems(words: string[], repo: DocsRepo): string[] {
    let i: number;
    if (words[1] === "test") i = 1;
    else if (words[1] === "run") {
        i = 2;
        while (words[i]?.startsWith("-")) i++;
        if (words[i] === undefined) return [];
    } else return [];
    const script = words[i];
    const shown = words.join(" ");
    // `npm run <script>` speaks of scripts in general; a placeholder names none to check.
    if (/^<[^>]*>$/.test(script)) return [];
    if (!(script in repo.scripts)) return [`\`${shown}\`: package.json has no script "${script}"`];
    const dashes = words.indexOf("--", i + 1);
    if (dashes === -1) return [];
    const given = words.slice(dashes + 1).filter((w) => /^--?[A-Za-z]/.test(w));
    if (given.length === 0) return [];
    const declared = repo.flagsOf(script);
    if (!declared)
        return [
            `\`${shown}\`: the CLI of "npm run ${script}" declares no flags, so it takes none of ${given.join(", ")}`,
        ];
    return given
        .map((w) => w.replace(/=.*$/, ""))
        .filter((flag) => !declared.has(flag))
        .map(
            (flag) =>
                `\`${shown}\`: "npm run ${script}" has no flag ${flag} (it reads ${[...declared].join(", ")})`,
        );
}

function pulumiProblems(words: string[]): string[] {
    const sub = words[1];
    if (sub === undefined || sub.startsWith("-")) return [];
    const nested = PULUMI_SUBCOMMANDS[sub];
    if (!nested) return [`\`${words.join(" ")}\`: pulumi has no subcommand "${sub}"`];
    const next = words[2];
    if (nested.length > 0 && next !== undefined && /^[a-z][a-z-]*$/.test(next) && !nested.includes(next))
        return [`\`${words.join(" ")}\`: "pulumi ${sub}" has no subcommand "${next}"`];
    return [];
}

/**
 * A word that names a file of this repository: a path whose first part is one of the checkout's top-level names
 * (another repository's `openshift/*.yml.j2` or a host path is not), `<placeholder>` and `*` standing for any part.
 */
function repoPath(word: string, topLevel: ReadonlySet<string>): boolean {
    if (!/^(\.\/)?[\w.@<>*-]+(\/[\w.@<>*-]*)*$/.test(word)) return false;
    const first = word.replace(/^\.\//, "").split("/")[0];
    if (first === "" || first === "." || first === "..") return false;
    // A first part of nothing but wildcards and placeholders (`*/20` of a cron schedule) names no part of the checkout.
    if (/^\**$/.test(first.replace(/<[^>]*>/g, ""))) return false;
    // A bare word is a file only when it has an extension (`index.ts`, `Pulumi.<stack>.yaml`), not `<name>` or `test`.
    if (!word.includes("/") && !/\.\w+$/.test(word)) return false;
    const pattern = partPattern(first);
    return [...topLevel].some((t) => pattern.test(t)) && !/^<[^>]*>$/.test(first);
}

function partPattern(part: string): RegExp {
    const escaped = part
        .split(/(<[^>]*>|\*)/)
        .map((p) => (p === "*" || /^<.*>$/.test(p) ? "[^/]*" : p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")))
        .join("");
    return new RegExp(`^${escaped}$`);
}

function fileExists(word: string, repo: DocsRepo): boolean {
    const rel = word.replace(/^\.\//, "");
    const parts = rel.replace(/\/$/, "").split("/");
    const pattern = new RegExp(`^${parts.map((p) => partPattern(p).source.slice(1, -1)).join("/")}(/|$)`);
    return [...repo.files].some((f) => pattern.test(f));
}
