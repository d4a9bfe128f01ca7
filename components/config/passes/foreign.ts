import { closest } from "../checks";
import { ConfigProblem, PROJECT, fullKey, renameFix } from "../problems";
import { ConfigSource } from "../source";
import { Passed } from "./pass";

/** Keys written under a near-miss of the project namespace: the program would never read them. */
export interface ForeignKeys {
    /** Keys (without namespace) that such a key stands for: their own absence is that key's problem, not another. */
    renamed: ReadonlySet<string>;
}

/** Keys under a near-miss of the project namespace (`runbook:`, `Runbooks:`): the program would never see them. */
export function foreignNamespaces(source: ConfigSource): Passed<ForeignKeys> {
    const keys = new Set(source.keys());
    const problems: ConfigProblem[] = [];
    const renamed = new Set<string>();
    for (const full of source.foreignKeys?.() ?? []) {
        const colon = full.indexOf(":");
        const ns = colon < 0 ? "" : full.slice(0, colon);
        const key = full.slice(colon + 1);
        if (
            ns === PROJECT ||
            (ns.toLowerCase() !== PROJECT && closest(ns.toLowerCase(), [PROJECT]) === undefined)
        )
            continue;
        problems.push({
            key: full,
            message: keys.has(key)
                ? `is in namespace "${ns}", not "${PROJECT}", and ${fullKey(key)} exists too: the program reads only ${fullKey(key)}: merge what it needs into ${fullKey(key)}, then delete it`
                : `is in namespace "${ns}", not "${PROJECT}": the program never reads it, so nothing in it is deployed`,
            ...(keys.has(key) ? {} : { fix: renameFix(full, fullKey(key)) }),
        });
        renamed.add(key);
    }
    return { state: { renamed }, problems };
}
