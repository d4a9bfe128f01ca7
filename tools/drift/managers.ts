// Who may write the objects a stack manages without that being drift: the program itself (the Kubernetes provider's
// field manager) and the cluster's own controllers. Every other field manager on a managed object is a change made
// outside the program: kubectl or oc by hand, a script, another tool.

/**
 * The provider's client-side names. It creates every object with a plain create under `pulumi-kubernetes`, even
 * under server-side apply, and moves those fields to its server-side manager on the object's first update
 * (pulumi/pulumi-kubernetes@a03ff6b provider/pkg/await/await.go, creation: "Use the static field manager name for
 * client-side creates", and `fixCSAFieldManagers` / `patchForce`, which also name the older two).
 */
export const PROVIDER_CLIENT_SIDE_MANAGERS: readonly string[] = [
    "pulumi-kubernetes",
    "pulumi-resource-kubernetes",
    "pulumi-kubernetes.exe",
];

/**
 * The provider's field manager names (pulumi/pulumi-kubernetes@a03ff6b provider/pkg/provider/provider.go
 * `fieldManagerName`): under server-side apply `pulumi-kubernetes-<random>`, chosen once per resource and kept in
 * the state as `__fieldManager`; the client-side names above for creates.
 */
export function isProgramManager(manager: string): boolean {
    return PROVIDER_CLIENT_SIDE_MANAGERS.includes(manager) || manager.startsWith("pulumi-kubernetes-");
}

/** A controller of the cluster that writes fields on the kinds the program manages, and what it writes. */
export interface ClusterController {
    manager: RegExp;
    reason: string;
}

/**
 * The cluster's own controllers, each only because it writes fields of the kinds the program manages. They record
 * what the cluster computes, never a desired state that would fight the program's. Not listed: kube-scheduler and
 * kubelet (they write Pods and Nodes, which the program never manages).
 */
export const CLUSTER_CONTROLLERS: readonly ClusterController[] = [
    {
        manager: /^kube-controller-manager$/,
        reason:
            "Kubernetes' controllers: a Deployment's deployment.kubernetes.io/revision annotation, a claim's bound " +
            "volume (spec.volumeName and the pv.kubernetes.io/bind-* annotations), the status of every workload",
    },
    {
        manager: /^kube-apiserver$/,
        reason: "the API server itself: the status of the CustomResourceDefinitions it serves (names, conditions)",
    },
    {
        manager: /^cluster-policy-controller$/,
        reason:
            "OpenShift's namespace annotations (openshift.io/sa.scc.uid-range, supplemental-groups, mcs) that " +
            "restricted pods run under",
    },
    {
        manager: /^openshift-(apiserver|controller-manager|kube-apiserver)/,
        reason:
            "OpenShift's API servers and controllers: a ServiceAccount's image pull secrets, an ImageStream's " +
            "imported tags, a Route's defaulted fields",
    },
];

/** The controller a manager name belongs to, or undefined. */
export function clusterController(manager: string): ClusterController | undefined {
    return CLUSTER_CONTROLLERS.find((c) => c.manager.test(manager));
}

/** One entry of `metadata.managedFields`. */
export interface ManagedFieldsEntry {
    manager?: string;
    operation?: string;
    subresource?: string;
    time?: string;
    fieldsType?: string;
    fieldsV1?: unknown;
}

/** Why an entry is no drift, or undefined when it is. */
export type Verdict = { drift: false; why: string } | { drift: true };

/**
 * Whether an entry of a managed object's managedFields is drift. `programManager` is the manager the state records
 * for the object (undefined when the state has none: then any provider name counts as the program's).
 */
export function classifyEntry(
    entry: ManagedFieldsEntry,
    programManager: string | undefined,
    controllers: readonly ClusterController[] = CLUSTER_CONTROLLERS,
): Verdict {
    const manager = entry.manager ?? "";
    // With the object's own manager known, another `pulumi-kubernetes-<suffix>` is another program or stack.
    const own =
        programManager !== undefined
            ? manager === programManager || PROVIDER_CLIENT_SIDE_MANAGERS.includes(manager)
            : isProgramManager(manager);
    if (own) return { drift: false, why: "the program's own field manager" };
    // What a controller observes: the provider neither sets nor compares it, and it changes nothing that runs.
    if (entry.subresource === "status") return { drift: false, why: "the status subresource" };
    const controller = controllers.find((c) => c.manager.test(manager));
    if (controller) return { drift: false, why: controller.reason };
    return { drift: true };
}
