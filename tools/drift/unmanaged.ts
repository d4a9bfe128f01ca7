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

/** Resources never listed, by `<resource>.<group>` (core: `<resource>`), each with its reason. */
export const SKIPPED_RESOURCES: Readonly<Record<string, string>> = {
    events: "the cluster's record of what happened (controllers and kubelets write them)",
    "events.events.k8s.io": "the same events through the events.k8s.io API",
    endpoints: "the endpoints controller derives them from each Service",
    "endpointslices.discovery.k8s.io": "the endpoint-slice controller derives them from each Service",
    "leases.coordination.k8s.io": "leader election of the workloads that run (each component takes its own)",
    "pods.metrics.k8s.io": "a read-only view of the pods' resource use, served by the metrics server",
    "packagemanifests.packages.operators.coreos.com":
        "OpenShift's operator catalog, served read-only in every namespace",
    "imagestreamtags.image.openshift.io": "views of the tags of an ImageStream (the ImageStream is listed)",
    "imagetags.image.openshift.io": "views of the tags of an ImageStream (the ImageStream is listed)",
    "imagestreamimages.image.openshift.io": "views of the images of an ImageStream",
    "rolebindings.authorization.openshift.io":
        "OpenShift's mirror of rbac.authorization.k8s.io RoleBindings (listed there)",
    "roles.authorization.openshift.io":
        "OpenShift's mirror of rbac.authorization.k8s.io Roles (listed there)",
};

/** `<resource>.<group>` of a served kind, the key of {@link SKIPPED_RESOURCES}. */
export function resourceKey(k: ServedKind): string {
    const group = k.apiVersion.includes("/") ? k.apiVersion.split("/")[0] : "";
    return group ? `${k.resource}.${group}` : k.resource;
}

/** Objects the cluster creates in every namespace, by `<kind>/<name>`, each with its reason. */
export const CLUSTER_MADE: Readonly<Record<string, string>> = {
    "ConfigMap/kube-root-ca.crt":
        "the root-CA publisher of kube-controller-manager puts it in every namespace",
    "ConfigMap/openshift-service-ca.crt": "OpenShift's service-CA operator puts it in every namespace",
    "ServiceAccount/default": "the service-account controller creates it in every namespace",
    "ServiceAccount/builder": "OpenShift creates it in every namespace (builds)",
    "ServiceAccount/deployer": "OpenShift creates it in every namespace (DeploymentConfigs)",
    "RoleBinding/system:image-pullers":
        "OpenShift's default role-bindings controller creates it in every namespace",
    "RoleBinding/system:image-builders":
        "OpenShift's default role-bindings controller creates it in every namespace",
    "RoleBinding/system:deployers":
        "OpenShift's default role-bindings controller creates it in every namespace",
};

/**
 * Objects the deployed systems make while they run, by `<Kind>.<group>`: listed (their pods lead to them through
 * ownerReferences) but never reported. Prow's ProwJobs live in the Prow namespace, their pods in the jobs namespace.
 */
export const SYSTEM_MADE: Readonly<Record<string, string>> = {
    "ProwJob.prow.k8s.io": "Prow (hook, horologium, the plugins) creates one per job run",
    "Workflow.argoproj.io": "Thoth's components submit Argo workflows while they run",
    "WorkflowTaskResult.argoproj.io": "Argo's workflow controller records each step's result",
    "WorkflowTaskSet.argoproj.io": "Argo's workflow controller records a workflow's agent tasks",
    "WorkflowArtifactGCTask.argoproj.io": "Argo's workflow controller cleans up a workflow's artifacts",
};

/** Labels that mark a pod a system's runtime made without an ownerReference, with the reason. */
const SYSTEM_MADE_LABELS: Readonly<Record<string, string>> = {
    "created-by-prow":
        "Prow's plank runs each ProwJob as a pod in the jobs namespace (no ownerReference across namespaces)",
};

/** Secret types the cluster fills for a ServiceAccount, with the reason. */
const SERVICE_ACCOUNT_SECRETS: Readonly<Record<string, string>> = {
    "kubernetes.io/service-account-token": "a ServiceAccount's token, made by the token controller",
    "kubernetes.io/dockercfg": "a ServiceAccount's registry pull secret, made by OpenShift",
};

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
    const named = CLUSTER_MADE[`${o.kind}/${o.metadata.name}`];
    if (named) return named;
    const group = o.apiVersion.includes("/") ? o.apiVersion.split("/")[0] : "";
    const made = SYSTEM_MADE[`${o.kind}.${group}`];
    if (made) return made;
    const label = Object.keys(o.metadata.labels ?? {}).find((l) => SYSTEM_MADE_LABELS[l]);
    if (label) return SYSTEM_MADE_LABELS[label];
    if (o.kind === "Secret" && o.type && SERVICE_ACCOUNT_SECRETS[o.type]) {
        if (o.metadata.annotations?.["kubernetes.io/service-account.name"] !== undefined)
            return SERVICE_ACCOUNT_SECRETS[o.type];
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

/** The reasons of every exclusion rule, for the report's footer and the docs. */
export function exclusionRules(): string[] {
    return [
        ...Object.entries(SKIPPED_RESOURCES).map(([r, why]) => `${r}: ${why}`),
        ...Object.entries(CLUSTER_MADE).map(([o, why]) => `${o}: ${why}`),
        ...Object.entries(SYSTEM_MADE).map(([k, why]) => `${k}: ${why}`),
        ...Object.entries(SYSTEM_MADE_LABELS).map(([l, why]) => `a pod labelled ${l}: ${why}`),
        ...Object.entries(SERVICE_ACCOUNT_SECRETS).map(([t, why]) => `Secret of type ${t}: ${why}`),
        "an object whose ownerReferences lead to an object of the program or of the cluster: its owner's controller made it",
        "an object only the cluster's controllers ever wrote: the cluster made it (a StatefulSet's claims, ...)",
    ];
}
