import type { ClusterContext } from "./cluster";
import { deriveNetworkPolicies, networkGraphOf, routerPeers } from "./network";

/**
 * Writes the NetworkPolicies of `cluster`'s namespaces, each an object of its namespace's owner, from everything the
 * program recorded there. `ingressNamespace`: the ingress controller's namespace on a Kubernetes cluster.
 */
export function writeNetworkPolicies(cluster: ClusterContext, ingressNamespace: string | undefined): void {
    const graph = networkGraphOf(cluster);
    for (const policy of deriveNetworkPolicies(graph, () =>
        routerPeers(cluster.platform, ingressNamespace),
    )) {
        graph.namespaces.get(policy.namespace)?.writePolicy(policy);
    }
}
