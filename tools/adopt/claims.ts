import type { V1Volume } from "@kubernetes/client-node";
import { KubeObject, LeftBehind, at, namespacedName, objectId } from "./model";
import { podSpecOf } from "./workloads";
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
    return objects.flatMap((o) => {
        const namespace = o.metadata.namespace ?? "";
        const claim = (name: string) => ({ namespace, name, madeBy: objectId(o) });
        if (o.kind === "PersistentVolumeClaim") return [claim(o.metadata.name)];
        if (o.kind !== "StatefulSet") return [];
        const replicas = Number(at(o, "spec", "replicas") ?? 1);
        const templates = (at(o, "spec", "volumeClaimTemplates") ?? []) as KubeObject[];
        return templates.flatMap((t) =>
            Array.from({ length: replicas }, (_, i) => claim(`${t.metadata.name}-${o.metadata.name}-${i}`)),
        );
    });
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

/** The claims a workload's pods mount: its volumes' and, for a StatefulSet, its templates'. */
function claimsOf(o: KubeObject): string[] {
    return [...mountedClaims(o), ...programClaims([o]).map((c) => c.name)];
}

/** A program workload and the live one its stack's takeover list says it replaces (tools/adopt/declared.ts). */
export interface Double {
    program: KubeObject;
    live: KubeObject;
}

/**
 * The claims (`<namespace>/<name>`) of live workloads that keep running through the deploy, untouched: neither the
 * program's own objects, nor replaced by a program workload of their name, nor one of its `doubles`, whose job the
 * program's workload takes. Their data is in use where it is, so a new claim of the program is no sign of it being
 * left behind (a broker the program leaves running and uses, as Packit's `redis.liveService`).
 */
export function claimsKeptInUse(
    live: readonly KubeObject[],
    desired: readonly KubeObject[],
    doubles: readonly Double[],
): Set<string> {
    const mine = new Set(desired.map(objectId));
    const named = new Set(desired.map(namespacedName));
    const secondJob = new Set(doubles.map((d) => objectId(d.live)));
    const kept = new Set<string>();
    for (const l of live) {
        const key = namespacedName(l);
        if (!POD_RUNNING_KINDS.includes(l.kind) || mine.has(objectId(l)) || named.has(key)) continue;
        if (secondJob.has(objectId(l))) continue;
        for (const c of claimsOf(l)) kept.add(`${l.metadata.namespace ?? ""}/${c}`);
    }
    return kept;
}

/** The pod-running `objects` by each claim (`<namespace>/<name>`) their pods mount. */
function mountersByClaim(objects: readonly KubeObject[]): Map<string, KubeObject[]> {
    const by = new Map<string, KubeObject[]>();
    for (const o of objects.filter((x) => POD_RUNNING_KINDS.includes(x.kind)))
        for (const c of new Set(claimsOf(o))) {
            const key = `${o.metadata.namespace ?? ""}/${c}`;
            by.set(key, [...(by.get(key) ?? []), o]);
        }
    return by;
}

/**
 * Whether a live claim may hold a program claim's data: no live workload mounts it (nothing tells whose data it is),
 * or one does whose job a program workload using the claim takes: the live workload of its name, or one of its
 * `doubles`. A claim another job mounts is that job's data: "use the live claim's name" would hand one workload
 * another's volume (tokman the broker's).
 */
export function mayHoldDataOf(
    live: readonly KubeObject[],
    desired: readonly KubeObject[],
    doubles: readonly Double[],
): (c: ProgramClaim, pvc: KubeObject) => boolean {
    const liveMounters = mountersByClaim(live);
    const programUsers = mountersByClaim(desired);
    const byName = new Map(
        live.filter((o) => POD_RUNNING_KINDS.includes(o.kind)).map((l) => [namespacedName(l), l]),
    );
    const pair = (program: KubeObject, l: KubeObject) => `${objectId(program)} ${objectId(l)}`;
    const pairs = new Set([
        ...desired.flatMap((d) => {
            const l = byName.get(namespacedName(d));
            return l ? [pair(d, l)] : [];
        }),
        ...doubles.map((d) => pair(d.program, d.live)),
    ]);
    return (c, pvc) => {
        const mounters = liveMounters.get(`${c.namespace}/${pvc.metadata.name}`) ?? [];
        const users = programUsers.get(`${c.namespace}/${c.name}`) ?? [];
        if (mounters.length === 0 || users.length === 0) return true;
        return mounters.some((l) => users.some((u) => pairs.has(pair(u, l))));
    };
}

/** Objects the cluster makes by itself in every namespace: never a leftover of the old deployment. */
const CLUSTER_MADE: Record<string, string[]> = {
    ConfigMap: ["kube-root-ca.crt", "openshift-service-ca.crt"],
    ServiceAccount: ["default", "builder", "deployer", "pipeline"],
};

export function clusterMade(o: KubeObject): boolean {
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
 * updates them any more. Claims of the program's StatefulSets are managed through the StatefulSet. `replacedBy` says
 * what of the program takes an object's place, as the takeover list declares it (tools/adopt/declared.ts).
 */
export function leftBehind(
    cluster: string,
    live: readonly KubeObject[],
    managedIds: ReadonlySet<string>,
    claims: readonly ProgramClaim[],
    systemOfNamespace: ReadonlyMap<string, string>,
    replacedBy: (o: KubeObject) => string | undefined = () => undefined,
): LeftBehind[] {
    const claimKeys = new Set(claims.map((c) => `${c.namespace}/${c.name}`));
    return live
        .filter((o) => !managedIds.has(objectId(o)) && !clusterMade(o))
        .filter((o) => !(o.kind === "PersistentVolumeClaim" && claimKeys.has(namespacedName(o))))
        .map((o) => {
            const by = replacedBy(o);
            return {
                cluster,
                system: systemOfNamespace.get(o.metadata.namespace ?? "") ?? "program",
                id: objectId(o),
                ...(by ? { replacedBy: by } : {}),
            };
        })
        .sort((a, b) => a.id.localeCompare(b.id));
}

/** The claims a workload's pod template (or a pod) mounts. */
export function mountedClaims(o: KubeObject): string[] {
    const volumes = (at(podSpecOf(o), "volumes") ?? []) as V1Volume[];
    return volumes.flatMap((v) => v.persistentVolumeClaim?.claimName || []);
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
