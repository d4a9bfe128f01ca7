import * as pulumi from "@pulumi/pulumi";

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
    /**
     * The stack file holds a placeholder for a value only the operator has (their public key, the id of an existing
     * object): the offline plan proceeds with it, as it does with a missing secret; a real run stops.
     */
    placeholder?: boolean;
}

export interface FixOptions {
    /** The value is a secret: `--secret` is added. */
    secret?: boolean;
    /** The key addresses a field inside a structured value: `--path` is added. */
    path?: boolean;
    /** The value is a file's content: the command reads it from standard input. */
    fromFile?: boolean;
}

/** Quotes a shell word only when it needs it, so the printed command can be pasted as is. */
export function shellQuote(word: string): string {
    if (/^[A-Za-z0-9_./:@%+=,-]+$/.test(word)) {
        return word;
    }
    return `'${word.replace(/'/g, `'"'"'`)}'`;
}

/** Builds the `pulumi config set` command for a key (given without the project namespace). */
export function setCommand(key: string, example: string, options: FixOptions = {}): string {
    const flags = [options.secret ? "--secret" : undefined, options.path ? "--path" : undefined].filter(
        (f): f is string => f !== undefined,
    );
    const head = ["pulumi", "config", "set", ...flags, shellQuote(key)].join(" ");
    if (options.fromFile) {
        return `${head} < ${example}`;
    }
    return `${head} ${shellQuote(example)}`;
}

export function removeCommand(key: string, options: { path?: boolean } = {}): string {
    return ["pulumi", "config", "rm", ...(options.path ? ["--path"] : []), shellQuote(key)].join(" ");
}

export function fullKey(key: string): string {
    return `${PROJECT}:${key}`;
}

/** Formats every problem, sorted by key so the message is stable, as one block of text. */
export function formatProblems(problems: readonly ConfigProblem[]): string {
    const sorted = [...problems].sort(
        (a, b) => a.key.localeCompare(b.key) || a.message.localeCompare(b.message),
    );
    const lines = [`The stack configuration has ${sorted.length} problem${sorted.length === 1 ? "" : "s"}:`];
    sorted.forEach((p, i) => {
        lines.push(`  ${i + 1}. ${p.key}: ${p.message}`);
        lines.push(`     fix: ${p.fix}`);
    });
    lines.push("Nothing was created. Fix the configuration and run the command again.");
    return lines.join("\n");
}

/**
 * Raised for configuration mistakes. It is a RunError so Pulumi prints only the message, without a stack
 * trace: the operator needs the list of fixes, not our call stack.
 */
export class ConfigError extends pulumi.RunError {
    public readonly problems: readonly ConfigProblem[];

    constructor(problems: readonly ConfigProblem[]) {
        super(formatProblems(problems));
        this.name = "ConfigError";
        this.problems = problems;
    }
}
