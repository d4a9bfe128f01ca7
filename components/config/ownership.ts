import { dnsSubdomainProblem } from "./checks";
import { formatPath } from "./issues";
import { ConfigProblem, fullKey } from "./problems";

// What a stack may write on a cluster, modelled on Argo CD's AppProject (namespaces, cluster-scoped kinds, and hosts).
// Each grant names its system, so a clash has a right and a wrong side, and no stack writes what another one owns.

/** A namespace, host or cluster-scoped object a system writes, with the config key that decides it. */
export interface Claim {
    /** Namespace name; host or host pattern (one `*`); cluster-scoped `Kind/name`. */
    value: string;
    /** Hosts: the URL path the Route or Ingress serves on it (`/` when unset). */
    path?: string;
    /** Config key (without project) that sets it. */
    key: string;
    /** The key holds exactly `value`, so a fix may set it to another (unset for derived values). */
    settable?: boolean;
    /**
     * Other keys a derived value follows (Packit's `<deployment>.<domain>`): while one is broken (refused at its own
     * key), the value is a default's, not the stack's, and is not checked.
     */
    derivedFrom?: readonly string[];
    /** Cluster-scoped claims: the setting that stops creating the object, printed instead of a grant (a decision). */
    disable?: { key: string; value: string; why: string };
}

export type GrantKind = "namespaces" | "hosts" | "clusterScoped";

/** Grants of one cluster entry: value → system. */
export type Grants = Record<GrantKind, Record<string, string>>;

/** Namespaces the platform reserves (Kubernetes' and OpenShift's): a stack owning one would delete it on destroy. */
export function platformNamespaceProblem(namespace: string): string | undefined {
    const name = namespace.toLowerCase();
    return name === "default" || name === "openshift" || /^(kube|openshift)-/.test(name)
        ? `is a namespace the cluster's platform reserves (default, kube-*, openshift, openshift-*): no system is granted one or writes into one`
        : undefined;
}

/** Where a host pattern has one `*`, any run of letters, digits and '-' (never a dot) stands in for it. */
export function hostPatternProblem(value: string): string | undefined {
    if ((value.match(/\*/g) ?? []).length > 1) return "may hold at most one '*'";
    const reason = dnsSubdomainProblem(value.replace("*", "x"));
    return reason ? `${reason}; '*' stands for any run of letters, digits and '-' in one label` : undefined;
}

/** `Kind` or `Kind/name` of a cluster-scoped object. */
export function clusterScopedProblem(value: string): string | undefined {
    if (!/^[A-Z][A-Za-z0-9]*(\/[a-z0-9]([-a-z0-9.:]*[a-z0-9])?)?$/.test(value)) {
        return "must be a Kind or Kind/name, e.g. ClusterRole/argo or CustomResourceDefinition";
    }
    if (value.split("/")[0] === "Namespace")
        return "must not be Namespace: namespaces are granted by namespaces";
    return undefined;
}

function split(pattern: string): [string, string] | undefined {
    const star = pattern.indexOf("*");
    return star < 0 ? undefined : [pattern.slice(0, star), pattern.slice(star + 1)];
}

/** Whether a host (or a host pattern, read as the set of hosts it matches) lies within a grant's pattern. */
export function hostCovers(grant: string, claim: string): boolean {
    const g = split(grant);
    const c = split(claim);
    if (!g) return !c && grant === claim;
    const [gp, gs] = g;
    if (!c) {
        if (claim.length < gp.length + gs.length || !claim.startsWith(gp) || !claim.endsWith(gs))
            return false;
        return /^[a-z0-9-]*$/.test(claim.slice(gp.length, claim.length - gs.length));
    }
    const [cp, cs] = c;
    return (
        cp.startsWith(gp) &&
        cs.endsWith(gs) &&
        /^[a-z0-9-]*$/.test(cp.slice(gp.length)) &&
        /^[a-z0-9-]*$/.test(cs.slice(0, cs.length - gs.length))
    );
}

/** Whether some host matches both patterns (conservative: may say yes for two patterns that share no host). */
export function hostsOverlap(a: string, b: string): boolean {
    const pa = split(a);
    const pb = split(b);
    if (!pa) return hostCovers(b, a);
    if (!pb) return hostCovers(a, b);
    const prefixes = pa[0].startsWith(pb[0]) || pb[0].startsWith(pa[0]);
    const suffixes = pa[1].endsWith(pb[1]) || pb[1].endsWith(pa[1]);
    return prefixes && suffixes;
}

/** Whether a `Kind` or `Kind/name` grant covers a `Kind/name` (or `Kind`) claim. */
export function scopedCovers(grant: string, claim: string): boolean {
    return grant === claim || (!grant.includes("/") && claim.split("/")[0] === grant);
}

const COVERS: Record<GrantKind, (grant: string, claim: string) => boolean> = {
    namespaces: (g, c) => g === c,
    hosts: hostCovers,
    clusterScoped: scopedCovers,
};
const OVERLAP: Record<GrantKind, (a: string, b: string) => boolean> = {
    namespaces: (a, b) => a === b,
    hosts: hostsOverlap,
    clusterScoped: (a, b) => scopedCovers(a, b) || scopedCovers(b, a),
};
/** Whether one of `grants` (value → system) gives `section` the value claimed. */
function covered(kind: GrantKind, grants: Grants[GrantKind], section: string, value: string): boolean {
    return Object.entries(grants).some(([g, s]) => s === section && COVERS[kind](g, value));
}
const NOUN: Record<GrantKind, string> = {
    namespaces: "namespace",
    hosts: "host",
    clusterScoped: "cluster-scoped object",
};

/** The grants of one cluster of another committed stack. */
export interface ForeignCluster {
    stack: string;
    /** Whether that stack is production (by identity.ts). */
    production: boolean;
    /** Its name for the cluster in its own file. */
    cluster: string;
    grants: Grants;
    /** Both entries name one API server (else they are one cluster because nothing tells them apart). */
    byApiServer?: boolean;
}

/** What one system of this stack writes on one cluster. */
export interface SystemClaims {
    section: string;
    cluster: string;
    claims: Record<GrantKind, Claim[]>;
}

export interface OwnershipInput {
    stack: string;
    production: boolean;
    /** Sections of the systems the program knows. */
    systems: readonly string[];
    /** This stack's clusters and their grants. */
    clusters: Record<string, Grants>;
    /** Every enabled Kubernetes-side system's claims. */
    writes: readonly SystemClaims[];
    /** The same cluster in other committed stacks (same name or API server), per cluster of this stack. */
    foreign: Record<string, readonly ForeignCluster[]>;
}

/** A namespace one system writes on a cluster, with the key that sets it. */
export interface NamespaceWrite {
    section: string;
    cluster: string;
    namespace: string;
    key: string;
}

/**
 * Namespaces two systems write on one cluster of a configuration without grants: as in {@link ownershipProblems}, the
 * first in the program's system order (`writes`' order) keeps it, the later one moves.
 */
export function ungrantedClashProblems(writes: readonly NamespaceWrite[]): ConfigProblem[] {
    const owners = new Map<string, NamespaceWrite[]>();
    for (const w of writes) {
        const id = `${w.cluster}/${w.namespace}`;
        owners.set(id, [...(owners.get(id) ?? []), w]);
    }
    const problems: ConfigProblem[] = [];
    for (const [id, list] of owners) {
        const systemsClaiming = [...new Set(list.map((o) => o.section))];
        if (systemsClaiming.length < 2) continue;
        const [cluster, namespace] = id.split("/");
        for (const owner of list.filter((o) => o.section !== systemsClaiming[0])) {
            problems.push({
                key: fullKey(owner.key),
                message: `namespace "${namespace}" on cluster "${cluster}" is claimed by ${systemsClaiming.join(" and ")}; ${systemsClaiming[0]} comes first in the program's system order and keeps it, ${owner.section} moves to a namespace of its own, granted to it`,
            });
        }
    }
    return problems;
}

function grantKey(cluster: string, kind: GrantKind, value: string): string {
    return formatPath("clusters", [cluster, kind, value]);
}

const KINDS = ["namespaces", "hosts", "clusterScoped"] as const;

/** What the stack would write against its grants, and its grants against other stacks'; fixes change the wrong side. */
export function ownershipProblems(input: OwnershipInput): ConfigProblem[] {
    const grants = grantProblems(input);
    const placement = placementProblems(input);
    const claims = claimProblems(input, grants.effective, placement.misplaced);
    const problems = [...grants.problems, ...placement.problems, ...claims];
    // One key, one fix: a host whose grant already moves it is not also asked for.
    const keyed = new Set(problems.map((p) => p.key));
    return [...problems, ...routeClashProblems(input.writes).filter((p) => !keyed.has(p.key))];
}

/** The stack on the cluster whose grants overlap a value: production's always, another's for a non-production one. */
function foreignOwner(
    input: OwnershipInput,
    cluster: string,
    kind: GrantKind,
    value: string,
): ForeignCluster | undefined {
    return (input.foreign[cluster] ?? []).find(
        (f) =>
            (f.production || !input.production) &&
            Object.keys(f.grants[kind]).some((g) => OVERLAP[kind](g, value)),
    );
}

/** Each cluster's grants checked; the ones that stand are what the claims are checked against. */
function grantProblems(input: OwnershipInput): {
    problems: ConfigProblem[];
    effective: Record<string, Grants>;
} {
    const problems: ConfigProblem[] = [];
    const effective: Record<string, Grants> = {};
    for (const [cluster, grants] of Object.entries(input.clusters)) {
        const kept: Grants = { namespaces: {}, hosts: {}, clusterScoped: {} };
        for (const kind of KINDS) {
            for (const [value, system] of Object.entries(grants[kind])) {
                const problem = grantProblem(input, cluster, kind, value, system);
                if (problem) problems.push(problem);
                else kept[kind][value] = system;
                // Production's grant stands while it is refused for a shared value, so what its systems write
                // there is not refused a second time at their own keys.
                const shared = sharedGrantProblem(input, cluster, kind, value);
                if (shared) problems.push(shared);
                if (shared && !problem) kept[kind][value] = system;
            }
        }
        effective[cluster] = kept;
    }
    return { problems, effective };
}

/** Why one grant goes (a reserved namespace, no such system, another stack's value), if it does. */
function grantProblem(
    input: OwnershipInput,
    cluster: string,
    kind: GrantKind,
    value: string,
    system: string,
): ConfigProblem | undefined {
    const key = grantKey(cluster, kind, value);
    const goes = (message: string): ConfigProblem => ({
        key: fullKey(key),
        message: `${message}: remove it`,
    });
    const reserved = kind === "namespaces" ? platformNamespaceProblem(value) : undefined;
    if (reserved) return goes(`${reserved}. This grant goes`);
    if (!input.systems.includes(system))
        return goes(
            `grants ${NOUN[kind]} "${value}" to "${system}", which is not a system (systems: ${input.systems.join(", ")})`,
        );
    const owner = foreignOwner(input, cluster, kind, value);
    if (owner)
        return goes(
            `grants ${NOUN[kind]} "${value}" on cluster "${cluster}", which stack "${owner.stack}"${owner.production ? " (production)" : ""} owns there (Pulumi.${owner.stack}.yaml, runbooks:clusters.${owner.cluster}.${kind}): two stacks writing one ${NOUN[kind]} overwrite each other, and destroying one deletes the other's objects. This stack's grant goes${owner.byApiServer === false ? `. The two entries are taken for one cluster because they do not both name an API server: if they are two clusters, name each one's (runbooks:clusters.${cluster}.apiServer, and ${owner.cluster}'s in Pulumi.${owner.stack}.yaml)` : ""}`,
        );
    return undefined;
}

/**
 * A production grant that a non-production stack grants on the same cluster too: one value is one stack's, whichever
 * file is wrong (a staging file copied over production's names every one of staging's). Refused until one grant goes;
 * the other stack's value is never printed (it is this stack's own value here).
 */
function sharedGrantProblem(
    input: OwnershipInput,
    cluster: string,
    kind: GrantKind,
    value: string,
): ConfigProblem | undefined {
    if (!input.production) return undefined;
    const other = (input.foreign[cluster] ?? []).find(
        (f) => !f.production && Object.keys(f.grants[kind]).some((g) => OVERLAP[kind](g, value)),
    );
    if (!other) return undefined;
    return {
        key: fullKey(grantKey(cluster, kind, value)),
        message: `grants ${NOUN[kind]} "${value}" on cluster "${cluster}", which stack "${other.stack}" grants there too (Pulumi.${other.stack}.yaml): two stacks writing one ${NOUN[kind]} overwrite each other, and destroying one deletes the other's objects, so production writes nothing while both grant it. If it is production's, remove that stack's grant; else remove this one and give the system here a ${NOUN[kind]} of its own`,
    };
}

/** A system whose grants are on another of the stack's clusters moves back there; nothing it writes here is granted. */
function placementProblems(input: OwnershipInput): {
    problems: ConfigProblem[];
    misplaced: Set<SystemClaims>;
} {
    const problems: ConfigProblem[] = [];
    const misplaced = new Set<SystemClaims>();
    for (const w of input.writes) {
        const home = homeElsewhere(input, w);
        if (home === undefined) continue;
        misplaced.add(w);
        problems.push({
            key: fullKey(`${w.section}.cluster`),
            message: `is "${w.cluster}", but runbooks:clusters.${home.cluster}.${home.kind} grants ${w.section}'s ${NOUN[home.kind]} "${home.value}" on cluster "${home.cluster}": a system lives on the cluster its grants name: set it to "${home.cluster}", or move the grants`,
        });
    }
    return { problems, misplaced };
}

/** What each placed system writes against the grants that stand, kind by kind. */
function claimProblems(
    input: OwnershipInput,
    effective: Record<string, Grants>,
    misplaced: ReadonlySet<SystemClaims>,
): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    // Keys that make a system write a reserved namespace: what they derive (its Routes' hosts) goes with them.
    const reservedKeys = new Set<string>();
    for (const kind of KINDS) {
        // Grants added by this pass's fixes, so two fixes never grant one value twice.
        const added = new Map<string, string>();
        for (const w of input.writes) {
            const grants = effective[w.cluster];
            if (!grants || misplaced.has(w)) continue;
            // One problem per value (a host several Routes share) and per setting that stops objects.
            const seen = new Set<string>();
            for (const claim of w.claims[kind]) {
                const id = claim.disable ? `disable\0${claim.disable.key}` : claim.value;
                if (seen.has(id) || reservedKeys.has(claim.key)) continue;
                const reserved = kind === "namespaces" ? reservedClaimProblem(w, claim) : undefined;
                if (reserved) reservedKeys.add(claim.key);
                const problem = reserved ?? claimProblem(input, w, kind, claim, grants, added);
                if (!problem) continue;
                seen.add(id);
                problems.push(problem);
            }
        }
    }
    return problems;
}

/** A claim of a namespace the platform reserves. Its own namespace is a name only its operators choose: asked for. */
function reservedClaimProblem(w: SystemClaims, claim: Claim): ConfigProblem | undefined {
    const reserved = platformNamespaceProblem(claim.value);
    if (!reserved) return undefined;
    return {
        key: fullKey(claim.key),
        message: `makes ${w.section} write namespace "${claim.value}" on cluster "${w.cluster}", which ${reserved}: set it to a namespace of ${w.section}'s own, granted to it in runbooks:clusters.${w.cluster}.namespaces`,
    };
}

/** Where this stack grants one of a system's namespaces or hosts on a cluster other than the one it is placed on. */
function homeElsewhere(
    input: OwnershipInput,
    w: SystemClaims,
): { cluster: string; kind: GrantKind; value: string } | undefined {
    for (const kind of ["namespaces", "hosts"] as const) {
        for (const claim of w.claims[kind]) {
            if (covered(kind, input.clusters[w.cluster]?.[kind] ?? {}, w.section, claim.value)) continue;
            const home = Object.entries(input.clusters).find(
                ([c, g]) => c !== w.cluster && covered(kind, g[kind], w.section, claim.value),
            )?.[0];
            if (home !== undefined) return { cluster: home, kind, value: claim.value };
        }
    }
    return undefined;
}

/**
 * Two Routes or Ingresses of one cluster serving one host and path: the router admits only the oldest. Host patterns
 * are per-Route default hosts and never collide. A host is its operators' choice: the fix asks.
 */
export function routeClashProblems(writes: readonly SystemClaims[]): ConfigProblem[] {
    const first = new Map<string, { section: string; key: string }>();
    const problems: ConfigProblem[] = [];
    const reported = new Set<string>();
    for (const w of writes) {
        for (const claim of w.claims.hosts) {
            if (claim.value.includes("*")) continue;
            const path = claim.path ?? "/";
            const id = `${w.cluster}\0${claim.value}\0${path}`;
            const owner = first.get(id);
            if (!owner) {
                first.set(id, { section: w.section, key: claim.key });
                continue;
            }
            if (owner.key === claim.key || reported.has(claim.key)) continue;
            reported.add(claim.key);
            problems.push({
                key: fullKey(claim.key),
                message: `makes ${w.section} serve https://${claim.value}${path === "/" ? "" : path} on cluster "${w.cluster}", which ${fullKey(owner.key)} (${owner.section}) serves too: the router admits one Route or Ingress per host and path, so one of them would never be reached: set it to a host of its own, granted to ${w.section} in runbooks:clusters.${w.cluster}.hosts`,
            });
        }
    }
    return problems;
}

/** A claim its system's grants do not cover, or that another system's grant overlaps: the side that is wrong. */
function claimProblem(
    input: OwnershipInput,
    w: SystemClaims,
    kind: GrantKind,
    claim: Claim,
    grants: Grants,
    added: Map<string, string>,
): ConfigProblem | undefined {
    const other = Object.entries(grants[kind]).find(
        ([g, s]) => s !== w.section && OVERLAP[kind](g, claim.value),
    );
    if (covered(kind, grants[kind], w.section, claim.value) && !other) return undefined;
    if (claim.disable) return disabledClaimProblem(w, kind, claim, claim.disable, other);
    const owner = foreignOwner(input, w.cluster, kind, claim.value);
    const taken = owner
        ? `stack "${owner.stack}"${owner.production ? " (production)" : ""} owns it (Pulumi.${owner.stack}.yaml, runbooks:clusters.${owner.cluster}.${kind})`
        : other
          ? `runbooks:clusters.${w.cluster}.${kind} grants it to ${other[1]}, so ${w.section}'s setting is the one that is wrong`
          : undefined;
    return taken
        ? takenClaimProblem(input, w, kind, claim, grants, taken)
        : missingGrantProblem(w, kind, claim, added);
}

/** Cluster-scoped objects a setting can stop: stopping them is the fix, granting them a decision. */
function disabledClaimProblem(
    w: SystemClaims,
    kind: GrantKind,
    claim: Claim,
    d: NonNullable<Claim["disable"]>,
    other: [string, string] | undefined,
): ConfigProblem {
    const all = w.claims[kind].filter((c) => c.disable?.key === d.key).map((c) => c.value);
    return {
        key: fullKey(claim.key),
        message: `makes ${w.section} create ${all.join(", ")} on cluster "${w.cluster}", which runbooks:clusters.${w.cluster}.clusterScoped does not grant to ${w.section}${other ? ` (it grants ${other[0]} to ${other[1]})` : ""}: ${d.why}. Only if this stack is the one that owns them on that cluster, grant them under runbooks:clusters.${w.cluster}.clusterScoped instead; else set ${fullKey(d.key)} to ${d.value}`,
    };
}

/** A value another system or stack holds (`taken`): the wrong side moves to what is granted to it and unused. */
function takenClaimProblem(
    input: OwnershipInput,
    w: SystemClaims,
    kind: GrantKind,
    claim: Claim,
    grants: Grants,
    taken: string,
): ConfigProblem {
    const where = `on cluster "${w.cluster}"`;
    const free = Object.entries(grants[kind])
        .filter(([g, s]) => s === w.section && !g.includes("*"))
        .map(([g]) => g)
        .filter((g) => !input.writes.some((x) => x.claims[kind].some((c) => c.value === g)));
    if (claim.settable && free.length === 1) {
        return {
            key: fullKey(claim.key),
            message: `is ${NOUN[kind]} "${claim.value}" ${where}, but ${taken}; "${free[0]}" is granted to ${w.section} and unused`,
        };
    }
    return {
        key: fullKey(claim.key),
        message: `makes ${w.section} write ${NOUN[kind]} "${claim.value}" ${where}, but ${taken}: ${w.section} writes a ${NOUN[kind]} of its own, granted to it in runbooks:clusters.${w.cluster}.${kind}`,
    };
}

/** A value nobody owns: granting is the fix, unless an earlier system's fix grants it already (this one moves). */
function missingGrantProblem(
    w: SystemClaims,
    kind: GrantKind,
    claim: Claim,
    added: Map<string, string>,
): ConfigProblem {
    const grantedTo = added.get(`${w.cluster}\0${claim.value}`);
    added.set(`${w.cluster}\0${claim.value}`, w.section);
    if (grantedTo && grantedTo !== w.section && claim.settable && kind === "namespaces") {
        return {
            key: fullKey(claim.key),
            message: `is namespace "${claim.value}" on cluster "${w.cluster}", which ${grantedTo} writes too and which is granted to neither; ${grantedTo} comes first in the program's system order and keeps it, ${w.section} moves to a namespace of its own, granted to it`,
        };
    }
    return {
        key: fullKey(grantKey(w.cluster, kind, claim.value)),
        message: `is missing: ${w.section} writes ${NOUN[kind]} "${claim.value}" on cluster "${w.cluster}" (${fullKey(claim.key)}), and a stack writes only what runbooks:clusters.${w.cluster}.${kind} grants it: grant it to ${w.section} there`,
    };
}
