import { ARGO_GROUP, ARGO_KINDS } from "./modules/argo";

/**
 * A cluster-scoped object the station needs and does not create on a shared cluster: the cluster setup provides it
 * (thoth-station.md §6.3, §7). Adoption and preflight tools check that each exists before a deploy.
 */
export interface ClusterPrerequisite {
    apiVersion: string;
    kind: "CustomResourceDefinition" | "ClusterRole";
    name: string;
    /** Where the reference says it comes from. */
    source: string;
    /**
     * For a CustomResourceDefinition: the kind it serves, so its presence can be checked through API discovery, which
     * every user of a cluster may read (unlike CustomResourceDefinition objects).
     */
    serves?: { apiVersion: string; kind: string };
}

/** The five Argo Workflows CRDs and the ClusterRoles `argo` and `argo-admin` (thoth-station.md §6.3, §7). */
export const THOTH_CLUSTER_PREREQUISITES: readonly ClusterPrerequisite[] = [
    ...ARGO_KINDS.map((k): ClusterPrerequisite => ({
        apiVersion: "apiextensions.k8s.io/v1",
        kind: "CustomResourceDefinition",
        name: `${k.plural}.${ARGO_GROUP}`,
        source: "thoth-station.md §7: Argo Workflows CRDs (cluster setup; the controllers are namespaced, v2.12.5)",
        serves: { apiVersion: `${ARGO_GROUP}/v1alpha1`, kind: k.kind },
    })),
    ...["argo", "argo-admin"].map((name): ClusterPrerequisite => ({
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRole",
        name,
        source: "thoth-station.md §6.3, §7: cluster setup (not defined in thoth-application)",
    })),
];

/** The grants (`runbooks:clusters.<cluster>.clusterScoped` keys) a stack needs to create them itself. */
export function prerequisiteClaims(): string[] {
    return THOTH_CLUSTER_PREREQUISITES.map((p) => `${p.kind}/${p.name}`);
}
