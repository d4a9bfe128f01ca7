import { z } from "zod";
import { closest } from "../checks";
import { credentialProblem } from "../issues";
import { ConfigProblem, fullKey, renameFix } from "../problems";
import { PROGRAM_SECTIONS } from "../program";
import { ConfigSource } from "../source";
import { SystemDefinition } from "../systemDefinition";
import { Passed } from "./pass";

/** Every section the program reads: its own, then each system's. */
export function knownSections(systems: readonly SystemDefinition[]): string[] {
    return [...PROGRAM_SECTIONS, ...systems.map((s) => s.section)];
}

/** Keys nobody reads, each with the missing section it is likely a typo of; `<section>-...` keys are secrets. */
export function sectionTypos(
    keys: readonly string[],
    systems: readonly SystemDefinition[],
): Map<string, string | undefined> {
    const known = knownSections(systems);
    const unknown = keys.filter(
        (k) =>
            !known.includes(k) &&
            !systems.some((s) => k.startsWith(`${s.section}-`)) &&
            !k.startsWith("kubeconfig-") &&
            !k.startsWith("openstack-"),
    );
    return new Map(
        unknown.map(
            (k) =>
                [
                    k,
                    closest(
                        k,
                        known.filter((s) => !keys.includes(s)),
                    ),
                ] as const,
        ),
    );
}

/** Keys the program does not read: a section's typo (renamed), a leaked credential (removed), or a leftover. */
export function strayKeys(
    source: ConfigSource,
    systems: readonly SystemDefinition[],
    read: { declared: ReadonlySet<string>; clusterNames?: readonly string[] },
): Passed<null> {
    const sections = knownSections(systems);
    const typos = sectionTypos(source.keys(), systems);
    const problems: ConfigProblem[] = [];
    for (const key of source.keys()) {
        if (read.declared.has(key) || sections.includes(key)) continue;
        // A secret named after a system (`<section>-...`) may belong to a part that is switched off right now, or
        // to a section that failed to parse: keeping it set is harmless, and a misspelt one shows up as the real
        // one missing.
        if (systems.some((s) => key.startsWith(`${s.section}-`))) continue;
        // A kubeconfig of a defined cluster is legitimate even while no enabled system uses that cluster.
        const clusterKubeconfig =
            key.startsWith("kubeconfig-") &&
            (read.clusterNames === undefined || read.clusterNames.includes(key.slice("kubeconfig-".length)));
        if (clusterKubeconfig || (key.startsWith("openstack-") && source.isSecret(key))) continue;
        // A plain unknown key holding a credential is a leak before it is a stray key: say so, and remove it.
        const plain = source.isSecret(key) ? undefined : source.getValue(key);
        const leaked = typeof plain === "string" ? credentialProblem(key, z.unknown(), [], plain) : undefined;
        if (leaked) {
            problems.push(leaked);
            continue;
        }
        const to = typos.get(key);
        problems.push(
            to
                ? {
                      key: fullKey(key),
                      message: `unknown section; did you mean "${to}"? The program ignores "${key}", so nothing in it is deployed`,
                      fix: renameFix(fullKey(key), fullKey(to)),
                  }
                : {
                      key: fullKey(key),
                      message: `unknown key: not a section or a secret this configuration uses (sections are: ${sections.join(", ")}); the program ignores it: ${source.isSecret(key) ? "remove it" : "move it under the section it belongs to, or remove it if nothing needs it"}`,
                  },
        );
    }
    return { state: null, problems };
}
