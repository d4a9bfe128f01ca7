import { ClusterPrerequisite } from "../../config/systemDefinition";
import { ARGO_GROUP, ARGO_KINDS } from "./modules/argo";

const PSI_ADMINS = "the PSI cluster administrators (thoth-station.md §6.3)";
const ARGO_NEEDED_BY = "the station's Argo Workflows installs (runbooks:thoth station.modules)";

/**
 * The five Argo Workflows CRDs and the ClusterRoles `argo` and `argo-admin` (thoth-station.md §6.3, §7): the station
 * needs them and does not create them on a shared cluster (the one list the program and the migration report read).
 */
export const THOTH_CLUSTER_PREREQUISITES: readonly ClusterPrerequisite[] = [
    ...ARGO_KINDS.map((k): ClusterPrerequisite => ({
        apiVersion: "apiextensions.k8s.io/v1",
        kind: "CustomResourceDefinition",
        name: `${k.plural}.${ARGO_GROUP}`,
        neededBy: ARGO_NEEDED_BY,
        providedBy: PSI_ADMINS,
        source: "thoth-station.md §7: Argo Workflows CRDs (cluster setup; the controllers are namespaced, v2.12.5)",
        serves: { apiVersion: `${ARGO_GROUP}/v1alpha1`, kind: k.kind },
    })),
    ...["argo", "argo-admin"].map((name): ClusterPrerequisite => ({
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRole",
        name,
        neededBy: `${ARGO_NEEDED_BY}: their RoleBindings grant ClusterRole ${name}`,
        providedBy: PSI_ADMINS,
        source: "thoth-station.md §6.3, §7: cluster setup (not defined in thoth-application)",
    })),
];

/** The grants (`runbooks:clusters.<cluster>.clusterScoped` keys) a stack needs to create them itself. */
export function prerequisiteClaims(): string[] {
    return THOTH_CLUSTER_PREREQUISITES.map((p) => `${p.kind}/${p.name}`);
}
