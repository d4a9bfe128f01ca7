import { ClusterMarks, writtenMarks } from "../clusterIdentity";
import { isLocalStack } from "../identity";
import { valueAt } from "../issues";
import {
    Claim,
    GrantKind,
    NamespaceWrite,
    SystemClaims,
    ownershipProblems,
    ungrantedClashProblems,
} from "../ownership";
import { ConfigProblem } from "../problems";
import { accountProblems } from "../credentialAccounts";
import { ProgramSections } from "./programSections";
import { OtherStack, sameClusterElsewhere } from "../stacks";
import { SystemDefinition } from "../systemDefinition";
import { Placement } from "./clusterReferences";
import { Passed } from "./pass";
import { underBroken } from "./section";
import { SystemRead } from "./systems";

export interface OwnershipInput extends Pick<
    ProgramSections,
    "production" | "clusters" | "clustersBroken" | "clusterNames"
> {
    /** Undefined for a partial configuration (no stack): only clashes between its systems are checked. */
    stack?: string;
    systems: readonly SystemDefinition[];
    placements: readonly Placement[];
    /** Every problem the passes before found: a key one of them fixes is checked once that fix is made. */
    found: readonly ConfigProblem[];
    /** What is known of which cluster each entry is, from its credential (passes/clusterIdentities.ts). */
    marks?: Record<string, ClusterMarks>;
    /** Namespaces of the service accounts each entry's credential acts as (passes/clusterIdentities.ts). */
    accounts?: Record<string, string[]>;
    /** The other stack files of the checkout (read only when a whole stack is checked). */
    otherStacks: () => readonly OtherStack[];
}

/** A whole stack writes only what its clusters grant; a partial configuration only must not write one namespace twice. */
export function ownership(input: OwnershipInput): Passed<null> {
    if (input.stack === undefined) {
        const writes: NamespaceWrite[] = input.placements
            .filter((p) => !p.fresh)
            .flatMap(({ system, cluster }) =>
                system.def
                    .namespaces(system.parsed)
                    .filter((claim) => !underBroken(claim.key, system.broken))
                    .map((claim) => ({
                        section: system.def.section,
                        cluster,
                        namespace: claim.namespace,
                        key: claim.key,
                    })),
            );
        return { state: null, problems: ungrantedClashProblems(writes) };
    }
    if (input.clusterNames === undefined) return { state: null, problems: [] };
    const others = input.otherStacks();
    // A key a system's own check already fixes is checked against the grants once that fix is made: two fixes
    // setting one key would leave the second one's value.
    const decided = new Set(input.found.map((p) => p.key));
    const { stack } = input;
    const foreign = Object.fromEntries(
        Object.entries(input.clusters).map(([name, c]) => [
            name,
            sameClusterElsewhere(others, input.marks?.[name] ?? writtenMarks(c), isLocalStack(stack)),
        ]),
    );
    const owned = ownershipProblems({
        stack: input.stack,
        production: input.production,
        systems: input.systems.filter((s) => s.target === "kubernetes").map((s) => s.section),
        clusters: Object.fromEntries([
            ...Object.entries(input.clusters)
                .filter(([name]) => !underBroken(`clusters.${name}`, input.clustersBroken))
                .map(([name, c]) => [
                    name,
                    { namespaces: c.namespaces, hosts: c.hosts, clusterScoped: c.clusterScoped },
                ]),
            ...input.placements
                .filter((p) => p.fresh)
                .map((p) => [p.cluster, { namespaces: {}, hosts: {}, clusterScoped: {} }]),
        ]),
        writes: input.placements.map((p): SystemClaims => ({
            section: p.system.def.section,
            cluster: p.cluster,
            claims: claimsOf(p.system),
        })),
        foreign,
    });
    const acting = Object.entries(input.accounts ?? {}).flatMap(([cluster, namespaces]) =>
        accountProblems(cluster, namespaces, foreign[cluster] ?? [], "acts as"),
    );
    // Whom a credential acts as is its own finding, beside whatever else is wrong with that secret.
    return { state: null, problems: [...owned.filter((p) => !decided.has(p.key)), ...acting] };
}

/**
 * What one system writes, from what is readable of its section: a broken key's value (already refused at that key)
 * is left out.
 */
export function claimsOf(system: SystemRead): Record<GrantKind, Claim[]> {
    const { def, parsed, raw, broken } = system;
    const at = (value: unknown, key: string) => valueAt(value, key.slice(def.section.length + 1).split("."));
    const keep = (list: Claim[]) =>
        list.filter(
            (claim) => ![claim.key, ...(claim.derivedFrom ?? [])].some((k) => underBroken(k, broken)),
        );
    return {
        namespaces: keep(
            def.namespaces(parsed).map((n) => ({
                value: n.namespace,
                key: n.key,
                ...(n.derivedFrom ? { derivedFrom: n.derivedFrom } : {}),
                settable: at(raw, n.key) === n.namespace,
            })),
        ),
        hosts: keep(def.hosts(parsed)),
        clusterScoped: keep(def.clusterScoped(parsed)),
    };
}
