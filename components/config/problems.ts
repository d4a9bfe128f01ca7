import { RunError } from "@pulumi/pulumi/errors";
import { singleQuoted } from "../shared/shellWord";

/** The Pulumi project name: every config key of this program lives in this namespace. */
export const PROJECT = "runbooks";

/**
 * One thing wrong with the stack configuration: its full key, and what is wrong there and what is allowed. A command
 * comes only where "set a valid value" does not say what to do: a rename or a move of a key (keys only, no value), a
 * value that must become a secret (prompted, never on the line), or a read-only command printing a value only the
 * live system has. None carries a value: nothing printed can write another stack's value or a credential back.
 */
export interface ConfigProblem {
    /** Full config key including the project namespace, e.g. `runbooks:thoth.bots.kebechet.schedule`. */
    key: string;
    /** What is wrong and what is allowed, in words an operator understands. */
    message: string;
    /** The one command a valid value does not say: {@link renameFix}, {@link secretFix}, a read. */
    fix?: string;
    /** A placeholder for a value only the operator has: the offline plan proceeds with it; a real run stops. */
    placeholder?: boolean;
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

/** Quotes a shell word only when it needs it, so the printed command can be pasted as is. */
export function shellQuote(word: string): string {
    return /^[A-Za-z0-9_./:@%+=,-]+$/.test(word) ? word : singleQuoted(word);
}

/** The stack file; the stack's name replaces `<stack>` when the error is raised. */
export const STACK_FILE = "Pulumi.<stack>.yaml";

/** A key renamed, its whole value kept (`pulumi config` has no rename; removing first would drop it). */
export function renameFix(from: string, to: string): string {
    return `edit ${STACK_FILE}: rename ${from} to ${to}`;
}

/** A value stored as a secret (over a plain one of the key): prompted for, or read from a file, never on the line. */
export function secretFix(secret: string, file?: string): string {
    return `pulumi config set --secret ${shellQuote(secret)} --stack <stack>${file !== undefined ? ` < ${file}` : ""}`;
}

/** A `pulumi` or `npm run` command in a text that does not name its stack before the next command or clause. */
const COMMANDS =
    /\b(pulumi (?:config (?:set|rm|get)|stack output|preview|up)|npm run (?:adopt|preflight) --)(?!(?:(?! && | \| |pulumi |npm run )[^,;)\n])*--stack )/g;

/** Names the stack in a text: its stack file, and every `pulumi` command, so pasted it acts on that stack only. */
export function withStackInText(text: string, stack: string): string {
    const flag = `--stack ${shellQuote(stack)}`;
    return text
        .replaceAll(STACK_FILE, `Pulumi.${stack}.yaml`)
        .replace(/--stack <stack>/g, flag)
        .replace(COMMANDS, `$1 ${flag}`);
}

export function fullKey(key: string): string {
    return `${PROJECT}:${key}`;
}

/** A check's problems at keys below one prefix (`callysto`, `callysto.provisioning`; "" for full paths). */
export function keysBelow(prefix: string) {
    const key = (path: string) => (prefix ? `${prefix}.${path}` : path);
    return {
        problem: (path: string, message: string, fix?: string): ConfigProblem => ({
            key: fullKey(key(path)),
            message,
            ...(fix !== undefined ? { fix } : {}),
        }),
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

/** Path segments of a key in `--path` syntax, list indexes as numbers: `a.b[10]["c.d"]` → a, b, 10, c.d. */
export function segments(key: string): (string | number)[] {
    return [...key.matchAll(/([^.[\]]+)|\[(\d+)\]|\["([^"]*)"\]/g)].map((m) =>
        m[1] !== undefined ? m[1] : m[2] !== undefined ? Number(m[2]) : m[3],
    );
}

/** Orders problems by key, list entries highest index first: removing an entry never shifts another's index. */
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
    sorted.forEach((p, i) => {
        lines.push(`  ${i + 1}. ${p.key}: ${p.message}`);
        if (p.fix !== undefined) lines.push(`     fix: ${p.fix}`);
    });
    lines.push(
        complete
            ? "Nothing was created. Correct each key (list entries are listed highest index first), then run the command again."
            : "Nothing was created. Correct each key, then run the command again: checks of the fields that were unreadable run once they are read.",
    );
    return lines.join("\n");
}

/** Raised for configuration mistakes: a RunError, so Pulumi prints only the message. */
export class ConfigError extends RunError {
    public readonly problems: readonly ConfigProblem[];

    /** `stack` (when known) is named in every command a fix or a message prints, so none can change another stack. */
    constructor(problems: readonly ConfigProblem[], stack?: string, complete = true) {
        const named = problems.map((p) =>
            stack
                ? {
                      ...p,
                      message: withStackInText(p.message, stack),
                      ...(p.fix !== undefined ? { fix: withStackInText(p.fix, stack) } : {}),
                  }
                : p,
        );
        super(formatProblems(named, complete));
        this.name = "ConfigError";
        this.problems = named;
        // A user error has no stack trace to show; the language host would also spend ~20 s formatting one.
        this.stack = this.message;
    }
}

/** {@link secretFix} of a declared secret: a file's content is read from that file. */
export function specSecretFix(spec: { key: string; example?: string; fromFile?: boolean }): string {
    return secretFix(spec.key, spec.fromFile ? spec.example : undefined);
}
