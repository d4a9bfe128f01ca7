import { ConfigProblem, fullKey, shellQuote } from "../problems";
import { ConfigSource } from "../source";
import { RetiredSecret } from "../system";
import { Passed } from "./pass";
import { SystemRead } from "./systems";

/**
 * A retired secret still set: moved to the key that replaced it when that is unset (the value never printed), else
 * removed (two different values are the operator's call); one nothing reads any more only has to go.
 */
export function retiredSecretProblem(retired: RetiredSecret, replacementSet: boolean): ConfigProblem {
    const from = shellQuote(retired.key);
    if (retired.replacedBy === undefined) {
        return {
            key: fullKey(retired.key),
            message: `is no longer used (${retired.why}): nothing in the program reads it; remove it from this stack`,
        };
    }
    const to = shellQuote(retired.replacedBy);
    return {
        key: fullKey(retired.key),
        message: replacementSet
            ? `is retired (${retired.why}): the program reads ${fullKey(retired.replacedBy)} instead. Remove this key; if the two hold different values, first decide which one is the identity and keep it under ${fullKey(retired.replacedBy)}`
            : `is retired (${retired.why}): the program reads ${fullKey(retired.replacedBy)} instead, which is not set: move the value there`,
        ...(replacementSet
            ? {}
            : {
                  fix: `pulumi config get ${from} --stack <stack> | pulumi config set --secret ${to} --stack <stack> && pulumi config rm ${from} --stack <stack>`,
              }),
    };
}

/** Retired secrets of every read section that the stack still sets. */
export function retiredSecrets(source: ConfigSource, read: readonly SystemRead[]): Passed<null> {
    const keys = new Set(source.keys());
    // Where several retired keys share one replacement, only the first moves its value there: a second move would
    // overwrite it.
    const filled = new Set(keys);
    const problems = read.flatMap(({ def, parsed }) =>
        (def.retiredSecrets?.(parsed) ?? [])
            .filter((r) => keys.has(r.key))
            .map((r) => {
                if (r.replacedBy === undefined) return retiredSecretProblem(r, false);
                const problem = retiredSecretProblem(r, filled.has(r.replacedBy));
                filled.add(r.replacedBy);
                return problem;
            }),
    );
    return { state: null, problems };
}
