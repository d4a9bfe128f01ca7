import { closest } from "../checks";
import { ClustersConfig } from "../program";
import { ConfigProblem, fullKey } from "../problems";
import { Passed } from "./pass";
import { underBroken } from "./section";
import { SystemRead } from "./systems";

/** An enabled Kubernetes-side system and the cluster it writes to. */
export interface Placement {
    system: SystemRead;
    cluster: string;
    /** The cluster is not defined yet: this pass's fix defines it as the stack's first cluster, granting nothing. */
    fresh: boolean;
}

/** Every enabled Kubernetes-side system names a cluster of `runbooks:clusters`; where each writes, for later passes. */
export function clusterReferences(
    read: readonly SystemRead[],
    program: { clusters: ClustersConfig; clusterNames?: readonly string[] },
): Passed<Placement[]> {
    const clusterNames = program.clusterNames;
    const problems: ConfigProblem[] = [];
    const placements: Placement[] = [];
    if (clusterNames === undefined) return { state: placements, problems };
    for (const system of read) {
        const { def, parsed: cfg } = system;
        if (!cfg.enabled || def.target !== "kubernetes") continue;
        if (underBroken(`${def.section}.cluster`, system.broken)) continue;
        if (cfg.cluster && clusterNames.includes(cfg.cluster)) {
            // A name written whose entry is broken: its problem is the entry's.
            if (cfg.cluster in program.clusters)
                placements.push({ system, cluster: cfg.cluster, fresh: false });
            continue;
        }
        const near = cfg.cluster ? closest(cfg.cluster, clusterNames) : undefined;
        problems.push(unknownClusterProblem(def.section, cfg.cluster, near, clusterNames));
        if (cfg.cluster && !near && clusterNames.length === 0) {
            placements.push({ system, cluster: cfg.cluster, fresh: true });
        }
    }
    return { state: placements, problems };
}

/**
 * A system's cluster that is unset or not in runbooks:clusters (`near` is a defined name close to it): one of the
 * defined names is allowed, or a cluster defined under runbooks:clusters with the namespaces and hosts it grants.
 */
function unknownClusterProblem(
    section: string,
    cluster: string | undefined,
    near: string | undefined,
    clusterNames: readonly string[],
): ConfigProblem {
    const key = `${section}.cluster`;
    return {
        key: fullKey(key),
        message: cluster
            ? `names cluster "${cluster}", which is not in runbooks:clusters (known: ${clusterNames.join(", ") || "none"})${near ? `; did you mean "${near}"?` : `; name one of them, or define it under runbooks:clusters with its platform and the namespaces and hosts it grants (docs/reference/ownership.md)`}`
            : `is required: the cluster this system deploys to (known: ${clusterNames.join(", ") || "none"})`,
    };
}

/** The clusters the placed systems write to, each once, sorted. */
export function usedClusters(placements: readonly Placement[]): string[] {
    return [...new Set(placements.filter((p) => !p.fresh).map((p) => p.cluster))].sort();
}
