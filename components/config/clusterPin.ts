import { provenSame, writtenMarks, ClusterMarks } from "./clusterIdentity";
import { isLocalStack, isProductionStack } from "./identity";
import { singleQuoted } from "../shared/shellWord";
import { ConfigProblem, fullKey } from "./problems";
import type { ClustersConfig } from "./program";
import type { OtherStack } from "./stacks";

// The identity a committed stack file pins for each of its clusters, and what is checked of it offline. The engine's
// probe of the live cluster (components/shared/clusterProbe.ts) is the check that counts: these make a run stop
// earlier, and say how to pin.

/** `KUBE_SYSTEM_UID_ASK` for a cluster entry, with the context the stack names. */
export function uidCommand(cluster: string, context: string | undefined): string {
    const ctx = context !== undefined ? ` --context ${singleQuoted(context)}` : "";
    return `kubectl --kubeconfig <the kubeconfig of kubeconfig-${cluster}>${ctx} get namespace kube-system -o jsonpath='{.metadata.uid}'`;
}

/** The stacks whose every cluster must be pinned: production, and the local stacks that may act as it. */
export function pinRequired(stack: string | undefined): boolean {
    return isProductionStack(stack) || isLocalStack(stack);
}

/** A cluster the stack writes to with no pinned identity, where one is required: the operator pins it, never we. */
export function missingPinProblem(
    stack: string,
    cluster: string,
    context: string | undefined,
): ConfigProblem {
    const key = `clusters.${cluster}.identity.uid`;
    return {
        key: fullKey(key),
        message: `is missing: stack "${stack}" is ${isProductionStack(stack) ? "production" : "a local stack that may act as production"}, so the engine checks, before anything is written, that kubeconfig-${cluster} reaches the cluster this file pins; nothing is pinned for cluster "${cluster}" yet. Pin it from the cluster itself (the uid this read-only command prints), review it, and commit it`,
        fix: uidCommand(cluster, context),
        placeholder: true,
    };
}

/** A local stack's pin another committed stack pins too: a local stack acts as production only on its own cluster. */
export function sharedLocalPinProblems(
    stack: string | undefined,
    clusters: ClustersConfig,
    others: readonly OtherStack[],
): ConfigProblem[] {
    if (!isLocalStack(stack)) return [];
    const problems: ConfigProblem[] = [];
    for (const [name, entry] of Object.entries(clusters)) {
        const mine: ClusterMarks = { uid: writtenMarks(entry).uid, ca: writtenMarks(entry).ca };
        if (mine.uid === undefined && mine.ca === undefined) continue;
        const shared = others.find(
            (o) => !isLocalStack(o.stack) && o.clusters.some((c) => provenSame(mine, c.marks)),
        );
        if (!shared) continue;
        problems.push({
            key: fullKey(`clusters.${name}.identity`),
            message: `pins a cluster that stack "${shared.stack}" pins too (Pulumi.${shared.stack}.yaml): a local stack writes only to a cluster of its own: point kubeconfig-${name} at a cluster of your own and pin what this read-only command prints for it`,
            fix: uidCommand(name, entry.context),
        });
    }
    return problems;
}
