import { ClusterPrerequisite as SystemPrerequisite } from "../../components/config/systemDefinition";
import { SYSTEMS } from "../../components/systems";

/** A system's cluster prerequisite (SystemDefinition.clusterPrerequisites), with the system that needs it. */
export interface ClusterPrerequisite extends SystemPrerequisite {
    /** The `runbooks:<system>` section whose objects need it. */
    system: string;
}

/** Everything the systems expect from the cluster setup, each with the system that needs it. */
export const CLUSTER_PREREQUISITES: readonly ClusterPrerequisite[] = SYSTEMS.flatMap((def) =>
    (def.clusterPrerequisites ?? []).map((p) => ({ ...p, system: def.section })),
);
