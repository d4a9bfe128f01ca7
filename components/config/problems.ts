import { RunError } from "@pulumi/pulumi/errors";
import { commandsOf, unquoted } from "./shellText";

/** The Pulumi project name: every config key of this program lives in this namespace. */
export const PROJECT = "runbooks";

/** One thing wrong with the stack configuration, with the command that fixes it. */
export interface ConfigProblem {
    /** Full config key including the project namespace, e.g. `runbooks:thoth.bots.kebechet.schedule`. */
    key: string;
    /** What is wrong, in words an operator understands. */
    message: string;
    /** The exact `pulumi config ...` command that fixes the problem. */
    fix: string;
    /** A placeholder for a value only the operator has: the offline plan proceeds with it; a real run stops. */
    placeholder?: boolean;
    /** The value the fix writes, when derived from what was there: checks reading the key judge this value. */
    sets?: string;
    /** The fix writes a value nobody chose for this stack (an example): fixProof offers the committed one or asks. */
    invents?: boolean;
}

/** Renders a path as Pulumi's `--path` syntax: `thoth.hosts[0].name`, `a["key.with.dots"]`. */
export function formatPath(section: string, path: readonly (string | number)[]): string {
    return path.reduce<string>(
        (out, seg) =>
            typeof seg === "number"
                ? `${out}[${seg}]`
                : /^[A-Za-z_][A-Za-z0-9_-]*$/.test(seg)
                  ? `${out}.${seg}`
                  : `${out}["${seg}"]`,
        section,
    );
}

/** Whether a key is `parent` or lies below it (`a.b`, `a.b.c`, `a.b[0]`, `a.b["x"]`). */
export function keyWithin(key: string, parent: string): boolean {
    return key === parent || key.startsWith(`${parent}.`) || key.startsWith(`${parent}[`);
}

export interface FixOptions {
    /** The value is a secret: `--secret` is added. */
    secret?: boolean;
    /** The key addresses a field inside a structured value: `--path` is added. */
    path?: boolean;
    /** The value is a file's content: the command reads it from standard input. */
    fromFile?: boolean;
    /** `string`: text `--path` would store as a number or boolean (`1.10`): `--type string` and quoted. */
    type?: "string";
}

/** A shell word in single quotes, whatever it holds (`'a'"'"'b'` for a'b). */
export function singleQuoted(word: string): string {
    return `'${word.replace(/'/g, `'"'"'`)}'`;
}

/** Quotes a shell word only when it needs it, so the printed command can be pasted as is. */
export function shellQuote(word: string): string {
    return /^[A-Za-z0-9_./:@%+=,-]+$/.test(word) ? word : singleQuoted(word);
}

/** Builds the `pulumi config set` command for a key (given without the project namespace). */
export function setCommand(key: string, example: string, options: FixOptions = {}): string {
    const flags = [
        options.secret ? "--secret" : undefined,
        options.path ? "--path" : undefined,
        options.type ? `--type ${options.type}` : undefined,
    ].filter((f): f is string => f !== undefined);
    const head = ["pulumi", "config", "set", ...flags, shellQuote(key)].join(" ");
    if (options.fromFile) return `${head} < ${example}`;
    return `${head} ${options.type ? singleQuoted(example) : shellQuote(example)}`;
}

/** Sets a secret by prompting for it: the value never appears on a command line or in shell history. */
export function promptSecretCommand(key: string): string {
    return `pulumi config set --secret ${shellQuote(key)}`;
}

/** The fix for a secret: read from a file or prompted, never an example pasted onto the command line. */
export function secretFixCommand(spec: { key: string; example?: string; fromFile?: boolean }): string {
    return spec.fromFile && spec.example
        ? setCommand(spec.key, spec.example, { secret: true, fromFile: true })
        : promptSecretCommand(spec.key);
}

/** Where a fix that the CLI cannot do (a rename) is made; the stack's name replaces `<stack>` when it is known. */
export const STACK_FILE = "Pulumi.<stack>.yaml";

/** Renaming a key keeps its whole value (`pulumi config` has no rename; removing first would drop it). */
export function renameFix(from: string, to: string): string {
    return `edit ${STACK_FILE}: rename ${from} to ${to}`;
}

/** Adds `--stack <stack>` to every `pulumi config` command of a fix and names the stack file. */
export function withStack(fix: string, stack: string): string {
    return commandsOf(fix)
        .map((part) => {
            // A step that is not a config command (a tool run, then its config set) names the stack in each command.
            if (!part.startsWith("pulumi config ")) return withStackInText(part, stack);
            const words = unquoted(part);
            // A fix that names its stacks itself (a pipe between two commands) is already complete.
            if (words.includes(" --stack ")) return part;
            const input = words.indexOf(" < ");
            const flag = ` --stack ${shellQuote(stack)}`;
            return input < 0 ? `${part}${flag}` : `${part.slice(0, input)}${flag}${part.slice(input)}`;
        })
        .join(" && ");
}

/** Names the stack in every `pulumi` command a free text carries, so pasted it acts on that stack only. */
export function withStackInText(text: string, stack: string): string {
    const flag = `--stack ${shellQuote(stack)}`;
    const named = text.replaceAll(STACK_FILE, `Pulumi.${stack}.yaml`).replace(/--stack <stack>/g, flag);
    const words = unquoted(named);
    // Commands are found, and where each ends, outside quoted values (a value may hold `pulumi up`, `,` or ` && `).
    const commands =
        /\bpulumi (?:config (?:set|rm|get)|stack output|preview|up)\b|\bnpm run (?:adopt|preflight) --/g;
    let out = "";
    let from = 0;
    for (const m of words.matchAll(commands)) {
        const after = m.index + m[0].length;
        const rest = words.slice(after);
        const end = rest.search(/[,;)\n]| && /);
        const own = end < 0 ? rest : rest.slice(0, end);
        out += named.slice(from, after) + (own.includes("--stack ") ? "" : ` ${flag}`);
        from = after;
    }
    return out + named.slice(from);
}

export function removeCommand(key: string, options: { path?: boolean } = {}): string {
    return ["pulumi", "config", "rm", ...(options.path ? ["--path"] : []), shellQuote(key)].join(" ");
}

export function fullKey(key: string): string {
    return `${PROJECT}:${key}`;
}

/** A check's problems at keys below one prefix (`callysto`, `callysto.provisioning`; "" for full paths), fixed with `--path`. */
export function keysBelow(prefix: string) {
    const key = (path: string) => (prefix ? `${prefix}.${path}` : path);
    return {
        problem: (path: string, message: string, fix: string, sets?: string): ConfigProblem => ({
            key: fullKey(key(path)),
            message,
            fix,
            ...(sets !== undefined ? { sets } : {}),
        }),
        set: (path: string, value: string) => setCommand(key(path), value, { path: true }),
        remove: (path: string) => removeCommand(key(path), { path: true }),
        /** Sets the key to what a command prints (a public key file, an id looked up), then `suffix`. */
        setFrom: (path: string, command: string, suffix = "") =>
            `pulumi config set --path ${shellQuote(key(path))} "$(${command})${suffix}"`,
    };
}

/** A stack file's settings of this project, by key without the namespace, each value as `read` makes it. */
export function projectSettings(
    config: object,
    read: (value: unknown) => unknown = (v) => v,
): Record<string, unknown> {
    return Object.fromEntries(
        Object.entries(config)
            .filter(([k]) => k.startsWith(`${PROJECT}:`))
            .map(([k, v]) => [k.slice(PROJECT.length + 1), read(v)]),
    );
}

/** Path segments of a key, list indexes as numbers: `a.b[10].c` → a, b, 10, c. */
export function segments(key: string): (string | number)[] {
    return key
        .split(/\.|\[|\]/)
        .filter((s) => s !== "")
        .map((s) => (/^[0-9]+$/.test(s) ? Number(s) : s));
}

/** Orders problems by key, list entries highest index first: removing an entry never shifts another fix's index. */
function byKey(a: ConfigProblem, b: ConfigProblem): number {
    const sa = segments(a.key);
    const sb = segments(b.key);
    for (let i = 0; i < Math.min(sa.length, sb.length); i++) {
        const x = sa[i];
        const y = sb[i];
        if (x === y) continue;
        if (typeof x === "number" && typeof y === "number") return y - x;
        return String(x).localeCompare(String(y));
    }
    return sa.length - sb.length || a.message.localeCompare(b.message);
}

export function sortProblems(problems: readonly ConfigProblem[]): ConfigProblem[] {
    return [...problems].sort(byKey);
}

export function formatProblems(problems: readonly ConfigProblem[], complete = true): string {
    const sorted = sortProblems(problems);
    const lines = [`The stack configuration has ${sorted.length} problem${sorted.length === 1 ? "" : "s"}:`];
    sorted.forEach((p, i) => lines.push(`  ${i + 1}. ${p.key}: ${p.message}`, `     fix: ${p.fix}`));
    lines.push(
        "Nothing was created. Apply the fixes in the order shown (list entries are listed highest index first),",
        complete
            ? "then run the command again."
            : "then run the command again: checks of the fields that were unreadable run once they are fixed.",
    );
    return lines.join("\n");
}

/** Raised for configuration mistakes: a RunError, so Pulumi prints only the message. */
export class ConfigError extends RunError {
    public readonly problems: readonly ConfigProblem[];

    /** `stack` (when known) is named in every command a fix or a message prints, so none can change another stack. */
    constructor(problems: readonly ConfigProblem[], stack?: string, complete = true) {
        // `problems` keeps the order they were found in; the message lists them in the order fixes must run.
        const fixed = problems.map((p) =>
            stack ? { ...p, message: withStackInText(p.message, stack), fix: withStack(p.fix, stack) } : p,
        );
        super(formatProblems(fixed, complete));
        this.name = "ConfigError";
        this.problems = fixed;
        // A user error has no stack trace to show; the language host would also spend ~20 s formatting one.
        this.stack = this.message;
    }
}
