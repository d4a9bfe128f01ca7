import { ConfigProblem, fullKey, shellQuote } from "../problems";
import { ConfigSource } from "../source";
import { RetiredSecret } from "../system";
import { Passed } from "./pass";
import { SystemRead } from "./systems";

/** `pulumi config <args>` on the stack being checked, named explicitly: a pasted fix can act on no other stack. */
function config(stack: string | undefined, args: string): string {
    return `pulumi config ${args}${stack ? ` --stack ${shellQuote(stack)}` : ""}`;
}

/**
 * A retired secret still set: copied to the key that replaced it when that is unset, removed when both hold the same
 * text, two different values the operator's call; one nothing reads any more only has to go.
 */
export function retiredSecretProblem(
    retired: RetiredSecret,
    replacementSet: boolean,
    stack: string | undefined,
): ConfigProblem {
    const from = shellQuote(retired.key);
    if (retired.replacedBy === undefined) {
        return {
            key: fullKey(retired.key),
            message: `is no longer used (${retired.why}): nothing in the program reads it. The fix removes it from this stack`,
            fix: config(stack, `rm ${from}`),
        };
    }
    const to = shellQuote(retired.replacedBy);
    return {
        key: fullKey(retired.key),
        message: replacementSet
            ? `is retired (${retired.why}): the program reads ${fullKey(retired.replacedBy)} instead. The fix removes this key only if both hold the same value; if they differ, decide which one is the identity, set it under ${fullKey(retired.replacedBy)} and remove this key`
            : `is retired (${retired.why}): the program reads ${fullKey(retired.replacedBy)} instead, which is not set. The fix moves the value there`,
        fix: replacementSet
            ? `test "$(${config(stack, `get ${from}`)})" = "$(${config(stack, `get ${to}`)})" && ${config(stack, `rm ${from}`)}`
            : `${config(stack, `get ${from}`)} | ${config(stack, `set --secret ${to}`)} && ${config(stack, `rm ${from}`)}`,
    };
}

/** Retired secrets of every read section that the stack still sets. */
export function retiredSecrets(source: ConfigSource, read: readonly SystemRead[]): Passed<null> {
    const keys = new Set(source.keys());
    // Where several retired keys share one replacement, only the first moves its value there; the others are then
    // compared with it, so applying every fix in order never overwrites a moved value.
    const filled = new Set(keys);
    const problems = read.flatMap(({ def, parsed }) =>
        (def.retiredSecrets?.(parsed) ?? [])
            .filter((r) => keys.has(r.key))
            .map((r) => {
                if (r.replacedBy === undefined) return retiredSecretProblem(r, false, source.stack);
                const problem = retiredSecretProblem(r, filled.has(r.replacedBy), source.stack);
                filled.add(r.replacedBy);
                return problem;
            }),
    );
    return { state: null, problems };
}
