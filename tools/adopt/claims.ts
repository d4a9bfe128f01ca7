import { sameJobElsewhere } from "./layouts";
import { KubeObject, LeftBehind, at, namespacedName, objectId } from "./model";
import { roleMatches } from "./roles";
import { POD_RUNNING_KINDS } from "./selectors";

/** A claim the program would use: its own PersistentVolumeClaim, or one a StatefulSet's template makes. */
export interface ProgramClaim {
    namespace: string;
    name: string;
    /** The object that makes it (`<id>` of the PVC or StatefulSet). */
    madeBy: string;
}

/** The claims the program's objects use: PVCs by name, StatefulSet templates as `<template>-<set>-<ordinal>`. */
export function programClaims(objects: readonly KubeObject[]): ProgramClaim[] {
    const claims: ProgramClaim[] = [];
    for (const o of objects) {
        const namespace = o.metadata.namespace ?? "";
        if (o.kind === "PersistentVolumeClaim")
            claims.push({ namespace, name: o.metadata.name, madeBy: objectId(o) });
        if (o.kind === "StatefulSet") {
            const replicas = Number(at(o, "spec", "replicas") ?? 1);
            const templates = (at(o, "spec", "volumeClaimTemplates") ?? []) as KubeObject[];
            for (const t of templates) {
                for (let i = 0; i < replicas; i++) {
                    claims.push({
                        namespace,
                        name: `${t.metadata.name}-${o.metadata.name}-${i}`,
                        madeBy: objectId(o),
                    });
                }
            }
        }
    }
    return claims;
}

function describeClaim(pvc: KubeObject): string {
    const size =
        at(pvc, "status", "capacity", "storage") ?? at(pvc, "spec", "resources", "requests", "storage");
    const cls = at(pvc, "spec", "storageClassName");
    const phase = at(pvc, "status", "phase") ?? "unknown phase";
    return `${pvc.metadata.name} (${[phase, size, cls ? `class ${String(cls)}` : undefined].filter(Boolean).join(", ")})`;
}

/**
 * Claims the program would create empty while the namespace already holds data in a claim the program does not
 * use (another name): after the deploy the workload would start on an empty volume. Keyed by claim
 * (`<namespace>/<name>`), the reason names the live claims that hold the data.
 */
export function dataAtRisk(
    claims: readonly ProgramClaim[],
    livePvcs: readonly KubeObject[],
    keptInUse: ReadonlySet<string> = new Set(),
    mayHold: (c: ProgramClaim, pvc: KubeObject) => boolean = () => true,
): Map<string, string> {
    const used = new Set([...claims.map((c) => `${c.namespace}/${c.name}`), ...keptInUse]);
    const live = new Set(livePvcs.map(namespacedName));
    const risks = new Map<string, string>();
    for (const c of claims) {
        const key = `${c.namespace}/${c.name}`;
        if (live.has(key)) continue;
        // A claim that is not Bound has no volume, so it holds no data.
        const holders = livePvcs.filter(
            (p) =>
                (p.metadata.namespace ?? "") === c.namespace &&
                !used.has(`${c.namespace}/${p.metadata.name}`) &&
                at(p, "status", "phase") === "Bound" &&
                mayHold(c, p),
        );
        if (holders.length === 0) continue;
        risks.set(
            key,
            `claim ${c.name} (made by ${c.madeBy}) does not exist and would be created EMPTY, while namespace ` +
                `${c.namespace} holds data in ${holders.map(describeClaim).join(", ")} that the program does not use; ` +
                "make the configuration use the live claim's name, or copy the data into the new claim before the " +
                "workload starts on it",
        );
    }
    return risks;
}

/**
 * The claims (`<namespace>/<name>`) of live workloads that keep running through the deploy, untouched: neither the
 * program's own objects, nor replaced by a program workload of their name, nor doing the job of one the program adds
 * under another name (./layouts sameJobElsewhere: a second broker, whose data the program's empty one lacks; ./roles:
 * a workload holding the role of one of the program's, whose job the program's takes). Their
 * data is in use where it is, so a new claim of the program is no sign of it being left behind (a broker the program
 * leaves running and uses, as Packit's `redis.liveService`).
 */
export function claimsKeptInUse(live: readonly KubeObject[], desired: readonly KubeObject[]): Set<string> {
    const liveIds = new Set(live.map(objectId));
    const created = new Set(desired.map(objectId).filter((id) => !liveIds.has(id)));
    const mine = new Set(desired.map(objectId));
    const named = new Set(desired.map(namespacedName));
    const secondJob = new Set([
        ...sameJobElsewhere(live, desired, created, new Set()).map((s) => objectId(s.live)),
        ...roleMatches(live, desired).map((m) => objectId(m.live)),
    ]);
    const kept = new Set<string>();
    for (const l of live) {
        const key = namespacedName(l);
        if (!POD_RUNNING_KINDS.includes(l.kind) || mine.has(objectId(l)) || named.has(key)) continue;
        if (secondJob.has(objectId(l))) continue;
        // A StatefulSet's pods mount its templates' claims too.
        const claims = [...mountedClaims(l), ...programClaims([l]).map((c) => c.name)];
        for (const c of claims) kept.add(`${l.metadata.namespace ?? ""}/${c}`);
    }
    return kept;
}

/**
 * Whether a live claim may hold a program claim's data: no live workload mounts it (nothing tells whose data it is),
 * or one does whose job a program workload using the claim takes: the live workload of its name, a holder of its
 * role (./roles), one with its image or port (./layouts sameJobElsewhere). A claim another job mounts is that job's
 * data: "use the live claim's name" would hand one workload another's volume (tokman the broker's).
 */
export function mayHoldDataOf(
    live: readonly KubeObject[],
    desired: readonly KubeObject[],
): (c: ProgramClaim, pvc: KubeObject) => boolean {
    const liveIds = new Set(live.map(objectId));
    const created = new Set(desired.map(objectId).filter((id) => !liveIds.has(id)));
    const workloads = live.filter((o) => POD_RUNNING_KINDS.includes(o.kind));
    const byName = new Map(workloads.map((l) => [namespacedName(l), l]));
    const pairs = new Set<string>();
    const pair = (program: KubeObject, l: KubeObject) => pairs.add(`${objectId(program)} ${objectId(l)}`);
    for (const d of desired) {
        const l = byName.get(namespacedName(d));
        if (l) pair(d, l);
    }
    for (const m of roleMatches(live, desired))
        for (const r of m.roles) for (const p of r.program) pair(p.object, m.live);
    for (const s of sameJobElsewhere(live, desired, created, new Set()))
        for (const p of s.program) pair(p, s.live);
    const users = (c: ProgramClaim): string[] =>
        desired
            .filter(
                (o) =>
                    POD_RUNNING_KINDS.includes(o.kind) &&
                    (objectId(o) === c.madeBy ||
                        ((o.metadata.namespace ?? "") === c.namespace && mountedClaims(o).includes(c.name))),
            )
            .map(objectId);
    return (c, pvc) => {
        const mounters = workloads.filter(
            (l) =>
                (l.metadata.namespace ?? "") === c.namespace &&
                [...mountedClaims(l), ...programClaims([l]).map((x) => x.name)].includes(pvc.metadata.name),
        );
        const mine = users(c);
        if (mounters.length === 0 || mine.length === 0) return true;
        return mounters.some((l) => mine.some((u) => pairs.has(`${u} ${objectId(l)}`)));
    };
}

/** Objects the cluster makes by itself in every namespace: never a leftover of the old deployment. */
const CLUSTER_MADE: Record<string, string[]> = {
    ConfigMap: ["kube-root-ca.crt", "openshift-service-ca.crt"],
    ServiceAccount: ["default", "builder", "deployer", "pipeline"],
};

function clusterMade(o: KubeObject): boolean {
    if (CLUSTER_MADE[o.kind]?.includes(o.metadata.name)) return true;
    // Owned objects (ReplicaSets, Jobs of CronJobs, token Secrets, ...) go with their owner.
    if (((o.metadata.ownerReferences as unknown[] | undefined) ?? []).length > 0) return true;
    if (o.kind === "Secret") {
        const type = String(o.type ?? "");
        const annotations = (o.metadata.annotations ?? {}) as Record<string, string>;
        if (type === "kubernetes.io/service-account-token") return true;
        if (type === "kubernetes.io/dockercfg" && "kubernetes.io/service-account.name" in annotations)
            return true;
        if ("openshift.io/internal-registry-auth-token.service-account" in annotations) return true;
    }
    // OpenShift's per-namespace bindings (system:image-pullers, system:deployers, ...).
    return (o.kind === "RoleBinding" || o.kind === "Role") && o.metadata.name.startsWith("system:");
}

/**
 * Live objects in the program's namespaces that the program does not manage, sorted: after the migration nothing
 * updates them any more (delete them or add them to the configuration). Claims of the program's StatefulSets are
 * managed through the StatefulSet.
 */
export function leftBehind(
    cluster: string,
    live: readonly KubeObject[],
    managedIds: ReadonlySet<string>,
    claims: readonly ProgramClaim[],
    systemOfNamespace: ReadonlyMap<string, string>,
    program: readonly KubeObject[] = [],
): LeftBehind[] {
    const claimKeys = new Set(claims.map((c) => `${c.namespace}/${c.name}`));
    const shared = sharedClaims(live);
    return live
        .filter((o) => !managedIds.has(objectId(o)) && !clusterMade(o))
        .filter((o) => !(o.kind === "PersistentVolumeClaim" && claimKeys.has(namespacedName(o))))
        .map((o) => {
            const replacedBy = replacement(o, program, shared);
            return {
                cluster,
                system: systemOfNamespace.get(o.metadata.namespace ?? "") ?? "program",
                id: objectId(o),
                ...(replacedBy ? { replacedBy } : {}),
            };
        })
        .sort((a, b) => a.id.localeCompare(b.id));
}

/** Kinds that run pods from a template: what a program workload can take the place of. */
const WORKLOADS = new Set(["Deployment", "StatefulSet", "DaemonSet", "DeploymentConfig"]);

/** The claims a workload's pod template (or a pod) mounts. */
export function mountedClaims(o: KubeObject): string[] {
    const spec = o.kind === "Pod" ? at(o, "spec") : at(o, "spec", "template", "spec");
    const volumes = (at(spec, "volumes") ?? []) as {
        persistentVolumeClaim?: { claimName?: string };
    }[];
    return volumes.flatMap((v) =>
        v.persistentVolumeClaim?.claimName ? [v.persistentVolumeClaim.claimName] : [],
    );
}

/**
 * The live claims many pods mount at once by design (ReadWriteMany, ReadOnlyMany: DIALS' EOS claim, which every
 * ETL worker reads), as `<namespace>/<name>`: two workloads on one of them are no server and its replacement.
 */
export function sharedClaims(live: readonly KubeObject[]): Set<string> {
    return new Set(
        live
            .filter(
                (o) =>
                    o.kind === "PersistentVolumeClaim" &&
                    ((at(o, "spec", "accessModes") ?? []) as string[]).some((m) => m.endsWith("Many")),
            )
            .map(namespacedName),
    );
}

/**
 * What of the program replaced live workload `o`, proven from the objects alone: a program workload of its name and
 * namespace (another kind: a DeploymentConfig the program runs as a Deployment), or one that mounts a single-writer
 * claim `o` mounts (the database takeover: two servers on one data directory cannot both stay; a claim in `shared`
 * proves nothing). Anything else, Services and Secrets included, is never called replaced: pods the program does
 * not know may use it.
 */
function replacement(
    o: KubeObject,
    program: readonly KubeObject[],
    shared: ReadonlySet<string>,
): string | undefined {
    if (!WORKLOADS.has(o.kind)) return undefined;
    const namespace = o.metadata.namespace ?? "";
    const workloads = program.filter(
        (p) => WORKLOADS.has(p.kind) && (p.metadata.namespace ?? "") === namespace,
    );
    const named = workloads.find((p) => p.metadata.name === o.metadata.name && p.kind !== o.kind);
    if (named) return `the program's ${named.kind} ${named.metadata.name} runs in its place`;
    for (const claim of mountedClaims(o).filter((c) => !shared.has(`${namespace}/${c}`))) {
        const server = workloads.find((p) => mountedClaims(p).includes(claim));
        if (server) return `its claim ${claim} is the program's ${server.kind} ${server.metadata.name}'s now`;
    }
    return undefined;
}
