import { PROWJOB_CRD_NAME, PROWJOB_KIND } from "../../components/prow/crd";
import { THOTH_CLUSTER_PREREQUISITES } from "../../components/thoth/station/clusterPrerequisites";

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

const PSI_ADMINS = "the PSI cluster administrators (thoth-station.md §6.3)";
const ARGO_NEEDED_BY = "the station's Argo Workflows installs (runbooks:thoth station.modules)";

/**
 * Everything a system expects from the cluster setup: the station's own list (components/thoth/station/clusterPrerequisites.ts,
 * the one the program uses to decide what it does not create), with who must provide each one.
 */
export const CLUSTER_PREREQUISITES: readonly ClusterPrerequisite[] = [
    ...THOTH_CLUSTER_PREREQUISITES.map((p) => ({
        ...p,
        system: "thoth",
        neededBy:
            p.kind === "ClusterRole"
                ? `${ARGO_NEEDED_BY}: their RoleBindings grant ClusterRole ${p.name}`
                : ARGO_NEEDED_BY,
        providedBy: PSI_ADMINS,
    })),
    // One stack per cluster owns the cluster-scoped ProwJob CRD (prow.manageCrd: true, production's); a stack that
    // does not (staging, on the same cluster) needs it before its controllers start, so production goes first.
    {
        apiVersion: "apiextensions.k8s.io/v1",
        kind: "CustomResourceDefinition",
        name: PROWJOB_CRD_NAME,
        system: "prow",
        neededBy:
            "Prow's controllers and plugins (deck, hook, plank, crier, tide, horologium, sinker, rehearse, exporter): their Roles grant on prowjobs, which they list, watch and create",
        providedBy:
            "the stack that owns the cluster's ProwJob CRD (prow.manageCrd: true, the production stack): run its first pulumi up before this stack's",
        source: "components/prow/environments.ts (manageCrd), docs/systems/prow-notes.md",
        serves: PROWJOB_KIND,
    },
];
