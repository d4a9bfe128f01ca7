import { z } from "zod";
import { loadFacts } from "../../components/shared/facts";
import { apiGroup } from "../adopt/model";
import { ClusterController, CLUSTER_CONTROLLERS, ManagedFieldsEntry } from "./managers";

// Objects in the namespaces a stack owns that the stack does not manage: what someone created by hand (`oc create`,
// `kubectl apply` of a file) or a tool left there. What the cluster makes by itself is no such object; each rule
// below says why it is left out.

/** A kind the API serves in namespaces, as discovery names it. */
export interface ServedKind {
    /** `v1`, `apps/v1`. */
    apiVersion: string;
    kind: string;
    /** The plural resource name (`configmaps`). */
    resource: string;
}

const reasons = z.record(z.string().min(1), z.string().min(1));
const exclusionsFile = z.strictObject({
    skippedResources: reasons,
    clusterMade: reasons,
    systemMade: reasons,
    systemMadeLabels: reasons,
    serviceAccountSecrets: reasons,
});

/** What drift leaves out, each with its reason (facts/drift/exclusions.yaml). */
export function exclusions() {
    return loadFacts("facts/drift/exclusions.yaml", exclusionsFile, "drift's exclusions");
}

/** `<resource>.<group>` of a served kind, the key of `skippedResources`. */
export function resourceKey(k: ServedKind): string {
    const group = apiGroup(k.apiVersion);
    return group ? `${k.resource}.${group}` : k.resource;
}

export interface LiveObject {
    apiVersion: string;
    kind: string;
    type?: string;
    metadata: {
        name: string;
        namespace?: string;
        uid?: string;
        creationTimestamp?: string;
        annotations?: Record<string, string>;
        labels?: Record<string, string>;
        ownerReferences?: { uid: string; kind?: string; name?: string }[];
        managedFields?: ManagedFieldsEntry[];
    };
    roleRef?: { kind?: string; name?: string };
    subjects?: { kind?: string; name?: string; namespace?: string }[];
    rules?: { verbs?: string[]; apiGroups?: string[]; resources?: string[]; resourceNames?: string[] }[];
}

/** An object in an owned namespace that the stack does not manage. */
export interface UnmanagedObject {
    apiVersion: string;
    kind: string;
    namespace: string;
    name: string;
    created?: string;
    /** The managers that wrote it (who made it: kubectl-create, kubectl-client-side-apply, ...). */
    managers: string[];
    /** Objects it owns (pods of a hand-made Deployment, ...), counted, not listed. */
    owns: number;
    /** What a hand-made Role or binding grants: a security finding, named in full. */
    grants?: string;
}

/** What an RBAC object grants, in one line; undefined for any other kind. */
export function grantsOf(o: LiveObject): string | undefined {
    if (!o.apiVersion.startsWith("rbac.authorization.k8s.io/")) return undefined;
    if (o.roleRef) {
        const who = (o.subjects ?? [])
            .map((s) => `${s.kind ?? "?"} ${s.namespace ? `${s.namespace}/` : ""}${s.name ?? "?"}`)
            .join(", ");
        return `${o.roleRef.kind ?? "?"} ${o.roleRef.name ?? "?"} to ${who || "no subject"}`;
    }
    if (!o.rules) return undefined;
    const rule = (r: NonNullable<LiveObject["rules"]>[number]) =>
        `${(r.verbs ?? []).join(",")} on ${(r.resources ?? []).map((x) => `${x}${r.apiGroups?.some((g) => g) ? `.${r.apiGroups.filter((g) => g).join("|")}` : ""}`).join(",")}` +
        (r.resourceNames?.length ? ` named ${r.resourceNames.join(",")}` : "");
    return o.rules.map(rule).join("; ") || "no rule";
}

/** Why a listed object is the cluster's own (or a running system's), or undefined when it is not. */
function clusterMadeReason(o: LiveObject, controllers: readonly ClusterController[]): string | undefined {
    const excluded = exclusions();
    const named = excluded.clusterMade[`${o.kind}/${o.metadata.name}`];
    if (named) return named;
    const made = excluded.systemMade[`${o.kind}.${apiGroup(o.apiVersion)}`];
    if (made) return made;
    const label = Object.keys(o.metadata.labels ?? {}).find((l) => excluded.systemMadeLabels[l]);
    if (label) return excluded.systemMadeLabels[label];
    if (o.kind === "Secret" && o.type && excluded.serviceAccountSecrets[o.type]) {
        if (o.metadata.annotations?.["kubernetes.io/service-account.name"] !== undefined)
            return excluded.serviceAccountSecrets[o.type];
    }
    const managers = (o.metadata.managedFields ?? []).map((e) => e.manager ?? "");
    if (managers.length > 0 && managers.every((m) => controllers.some((c) => c.manager.test(m))))
        return "only the cluster's controllers ever wrote it (a StatefulSet's claims, ...)";
    return undefined;
}

/**
 * The objects of `listed` (every object of the owned namespaces) that neither the stack manages (`managedUids`,
 * `managedKeys` as `<kind>/<namespace>/<name>`) nor the cluster made. An object owned by one of them is counted under
 * it, not listed.
 */
export function unmanagedObjects(
    listed: readonly LiveObject[],
    managed: { uids: ReadonlySet<string>; keys: ReadonlySet<string> },
    controllers: readonly ClusterController[] = CLUSTER_CONTROLLERS,
): UnmanagedObject[] {
    const key = (o: LiveObject) => `${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`;
    // The program's and the cluster's objects, grown along ownerReferences until nothing is added (a Pod of a
    // ReplicaSet of a managed Deployment).
    const kept = new Set<string>(managed.uids);
    const rest = listed.filter((o) => {
        if (managed.keys.has(key(o)) || (o.metadata.uid && managed.uids.has(o.metadata.uid))) {
            if (o.metadata.uid) kept.add(o.metadata.uid);
            return false;
        }
        return true;
    });
    const listedUids = new Set(listed.flatMap((o) => (o.metadata.uid ? [o.metadata.uid] : [])));
    let pending = rest;
    for (let changed = true; changed;) {
        changed = false;
        const next: LiveObject[] = [];
        for (const o of pending) {
            // An owned object follows its owner: kept with a kept owner, counted under a listed one still open
            // (a hand-made Deployment's ReplicaSet, which only the cluster's controllers ever wrote).
            const owners = (o.metadata.ownerReferences ?? []).map((r) => r.uid);
            const ownerKept = owners.some((u) => kept.has(u));
            const ownerOpen = !ownerKept && owners.some((u) => listedUids.has(u));
            if (ownerKept || (!ownerOpen && clusterMadeReason(o, controllers) !== undefined)) {
                if (o.metadata.uid) kept.add(o.metadata.uid);
                changed = true;
            } else next.push(o);
        }
        pending = next;
    }
    // What is left was made outside the program; an object owned by another such object is counted under it.
    const byUid = new Map(pending.filter((o) => o.metadata.uid).map((o) => [o.metadata.uid!, o]));
    const rootOf = (o: LiveObject): LiveObject => {
        let at = o;
        for (let i = 0; i < 20; i++) {
            const owner = (at.metadata.ownerReferences ?? []).map((r) => byUid.get(r.uid)).find((x) => x);
            if (!owner || owner === at) return at;
            at = owner;
        }
        return at;
    };
    const counts = new Map<LiveObject, number>();
    for (const o of pending) {
        const root = rootOf(o);
        counts.set(root, (counts.get(root) ?? 0) + (root === o ? 0 : 1));
    }
    return [...counts.entries()]
        .map(([o, owns]) => ({
            apiVersion: o.apiVersion,
            kind: o.kind,
            namespace: o.metadata.namespace ?? "",
            name: o.metadata.name,
            ...(o.metadata.creationTimestamp ? { created: o.metadata.creationTimestamp } : {}),
            managers: [...new Set((o.metadata.managedFields ?? []).map((e) => e.manager ?? "?"))].sort(),
            owns,
            ...(grantsOf(o) !== undefined ? { grants: grantsOf(o) } : {}),
        }))
        .sort((a, b) =>
            `${a.namespace}/${a.kind}/${a.name}`.localeCompare(`${b.namespace}/${b.kind}/${b.name}`),
        );
}
