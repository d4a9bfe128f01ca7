/**
 * A cluster-wide object a system needs but does not create: the cluster setup provides it. The migration report
 * checks that it exists on the cluster the system deploys to, and names who must provide it when it does not.
 */
export interface ClusterPrerequisite {
    apiVersion: string;
    kind: string;
    name: string;
    /** The `runbooks:<system>` section whose objects need it. */
    system: string;
    /** What of the system needs it. */
    neededBy: string;
    /** Who must create it when it is missing (the program never does). */
    providedBy: string;
    /** Where the requirement is written down. */
    source: string;
    /**
     * For a CustomResourceDefinition: a kind it serves. Its presence is checked through API discovery, which every
     * user of a cluster may read, unlike CustomResourceDefinition objects.
     */
    serves?: { apiVersion: string; kind: string };
}

const ARGO_GROUP = "argoproj.io";
const ARGO_VERSION = "v1alpha1";
const PSI_ADMINS = "the PSI cluster administrators (thoth-station.md §6.3)";
const ARGO_NEEDED_BY = "the station's Argo Workflows installs (runbooks:thoth station.modules)";

/** The Argo Workflows kinds whose CRDs the station's namespaced Argo v2.12 controllers and argo-server watch. */
const ARGO_KINDS: { kind: string; plural: string }[] = [
    { kind: "Workflow", plural: "workflows" },
    { kind: "WorkflowTemplate", plural: "workflowtemplates" },
    { kind: "CronWorkflow", plural: "cronworkflows" },
    { kind: "ClusterWorkflowTemplate", plural: "clusterworkflowtemplates" },
    { kind: "WorkflowEventBinding", plural: "workfloweventbindings" },
];

/**
 * Everything a system expects from the cluster setup. Thoth on PSI: the Argo CRDs and the ClusterRoles `argo` and
 * `argo-admin` its RoleBindings name (thoth-station.md §6.3, §7). Kept as plain data so that the components' own
 * list (components/thoth/clusterPrerequisites.ts) can replace it by an import.
 */
export const CLUSTER_PREREQUISITES: readonly ClusterPrerequisite[] = [
    ...ARGO_KINDS.map((k) => ({
        apiVersion: "apiextensions.k8s.io/v1",
        kind: "CustomResourceDefinition",
        name: `${k.plural}.${ARGO_GROUP}`,
        system: "thoth",
        neededBy: ARGO_NEEDED_BY,
        providedBy: PSI_ADMINS,
        source: "thoth-station.md §7",
        serves: { apiVersion: `${ARGO_GROUP}/${ARGO_VERSION}`, kind: k.kind },
    })),
    ...["argo", "argo-admin"].map((name) => ({
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRole",
        name,
        system: "thoth",
        neededBy: `${ARGO_NEEDED_BY}: their RoleBindings grant ClusterRole ${name}`,
        providedBy: PSI_ADMINS,
        source: "thoth-station.md §6.3, §7",
    })),
];
