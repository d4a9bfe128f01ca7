/**
 * The SDK captures a stack trace for every promise it makes (one per input and output of every resource); a plan
 * never shows them, and their depth is most of their cost (mocha makes it unlimited). Off while a program is
 * evaluated, unless the operator asked for traces (`NODE_OPTIONS=--stack-trace-limit=50`).
 */
export function stackTracesAsked(): boolean {
    return [...process.execArgv, ...(process.env.NODE_OPTIONS ?? "").split(/\s+/)].some((a) =>
        a.startsWith("--stack-trace-limit"),
    );
}

/** Runs `evaluate` with stack capture off (see {@link stackTracesAsked}); errors raised after it keep their traces. */
export async function withQuietStacks<T>(evaluate: () => Promise<T>): Promise<T> {
    if (stackTracesAsked()) return evaluate();
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
        return await evaluate();
    } finally {
        Error.stackTraceLimit = limit;
    }
}
