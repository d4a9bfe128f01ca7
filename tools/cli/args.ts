import { ParseArgsConfig, parseArgs } from "node:util";

// Every command-line tool of the repository reads its flags through here, so a typo is answered the same way
// everywhere: one line saying what is wrong, the usage, no stack trace, and exit code USAGE_EXIT (1 in the tools
// whose 2 already reports a finding CI acts on: plan:diff, adopt, preflight).

/** An error named after its class, so a trace or a log says which it is (`StackFileError: ...`). */
export class NamedError extends Error {
    constructor(message: string) {
        super(message);
        this.name = new.target.name;
    }
}

/** A command line the tool cannot read; its message is the whole story (what is wrong, then the usage). */
export class UsageError extends NamedError {
    constructor(problem: string, usage: string) {
        super(`${problem}\n${usage.trimEnd()}`);
    }
}

/** Exit code of a command line that cannot be read (the shell convention for a usage error). */
export const USAGE_EXIT = 2;

/** What a command prints and its exit code, for commands that are also called in-process (tests). */
export interface CommandResult {
    code: number;
    stdout: string;
    stderr: string;
}

/** What a command called in-process answers a command line it cannot read: the UsageError's message; else rethrows. */
export function usageResult(err: unknown): CommandResult {
    if (err instanceof UsageError) return { code: USAGE_EXIT, stdout: "", stderr: `${err.message}\n` };
    throw err;
}

/** Prints what a command printed (standard output, then standard error) and gives its exit code. */
export function printResult(r: CommandResult): number {
    process.stdout.write(r.stdout);
    process.stderr.write(r.stderr);
    return r.code;
}

/** The node:util parseArgs options of a tool: strict (unknown flags and stray words are errors). */
export type Flags = NonNullable<ParseArgsConfig["options"]>;

/**
 * `parseArgs` of `argv` with `options`, strict and without positionals; its errors become a UsageError naming the
 * problem and showing `usage`.
 */
export function parseFlags<const O extends Flags>(argv: string[], options: O, usage: string) {
    try {
        return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
    } catch (err) {
        if (isParseArgsError(err)) throw new UsageError(err.message, usage);
        throw err;
    }
}

/** The flag that must be given: a UsageError naming it when it is missing or empty. */
export function required(value: string | undefined, flag: string, usage: string): string {
    if (value === undefined || value === "") throw new UsageError(`${flag} is required`, usage);
    return value;
}

/** What a crash prints: its stack trace (the message included) when there is one; a user's error prints its message. */
export function crashText(err: unknown): string {
    return err instanceof Error ? (err.stack ?? err.message) : String(err);
}

function isParseArgsError(err: unknown): err is Error {
    return err instanceof TypeError && String((err as { code?: unknown }).code).startsWith("ERR_PARSE_ARGS_");
}

/**
 * For a tool's last-resort error handler: a UsageError is printed as is (no stack trace) and gives `code`;
 * anything else gives undefined, for the caller to handle.
 */
export function usageExit(err: unknown, code: number = USAGE_EXIT): number | undefined {
    if (!(err instanceof UsageError)) return undefined;
    process.stderr.write(`${err.message}\n`);
    return code;
}

/**
 * Runs a tool's `main` and exits with the code it returns. The last-resort handler of the tools that read a stack:
 * a usage error exits `usageCode`, a configuration mistake prints its list of fixes (the user's to fix, so no stack
 * trace), anything else one line `<tool> failed: ...`; both exit 1.
 */
export function runTool(tool: string, main: () => Promise<number>, usageCode: number = USAGE_EXIT): void {
    main().then(
        (code) => process.exit(code),
        async (err: unknown) => {
            const usage = usageExit(err, usageCode);
            if (usage !== undefined) process.exit(usage);
            // Loaded only here: it pulls in @pulumi/pulumi (a second of start-up), which a usage error need not wait for.
            const { ConfigError } = await import("../../components/config/problems");
            if (err instanceof ConfigError) process.stderr.write(`${err.message}\n`);
            else
                process.stderr.write(`${tool} failed: ${err instanceof Error ? err.message : String(err)}\n`);
            process.exit(1);
        },
    );
}

/**
 * Repeated `--flag <key>=<value>` arguments as a map (`shape` names both parts for the message, e.g.
 * `<cluster>=<path>`); an argument without a key or a value is a UsageError.
 */
export function keyValues(
    values: readonly string[],
    flag: string,
    shape: string,
    usage: string,
): Map<string, string> {
    const map = new Map<string, string>();
    for (const v of values) {
        const at = v.indexOf("=");
        if (at <= 0 || at === v.length - 1) throw new UsageError(`${flag} ${v}: expected ${shape}`, usage);
        map.set(v.slice(0, at), v.slice(at + 1));
    }
    return map;
}
