import type { ClusterContext } from "./cluster";
import { clusterDns, deriveEgressPolicies } from "./egress";
import { deriveNetworkPolicies, networkGraphOf, routerPeers } from "./network";

/**
 * Writes the NetworkPolicies of `cluster`'s namespaces, each an object of its namespace's owner, from everything the
 * program recorded there. `ingressNamespace`: the ingress controller's namespace on a Kubernetes cluster;
 * `clusterNetworks`: the cluster's pod and Service networks, closed to untrusted pods beside the private ranges.
 */
export function writeNetworkPolicies(
    cluster: ClusterContext,
    ingressNamespace: string | undefined,
    clusterNetworks: readonly string[] = [],
): void {
    const graph = networkGraphOf(cluster);
    const policies = [
        ...deriveNetworkPolicies(graph, () => routerPeers(cluster.platform, ingressNamespace)),
        ...deriveEgressPolicies(graph, clusterDns(cluster.platform), clusterNetworks),
    ];
    for (const policy of policies) graph.namespaces.get(policy.namespace)?.writePolicy(policy);
}
