import { CallerRepair } from "../shared/egress";
import { ServiceEndpoint } from "../shared/endpoints";
import { DEFAULT_DENY_POLICY, NetworkGraph, deriveNetworkPolicies } from "../shared/network";
import { pathSet, selectorSets, servedLive } from "./jobsReach";

/**
 * What `prow.liveCallers` makes Prow write for a live workload of its namespace calling Service `service` (the policy
 * the program derives when that workload's pods reach the Service, {@link deriveNetworkPolicies}), and the commands
 * that set it; the report proves the policy admits the cut flow before it prints them.
 */
export const liveCallerRepair: CallerRepair = (caller, service) => {
    if (caller.namespace !== service.namespace) return undefined;
    const graph = new NetworkGraph();
    graph.namespaces.set(service.namespace, {
        name: service.namespace,
        created: false,
        programPods: {},
        writePolicy: () => {},
    });
    graph.services.push(servedLive(service));
    graph.pods.push({
        what: caller.name,
        namespace: caller.namespace,
        selector: { matchLabels: caller.selector },
        reaches: [ServiceEndpoint.of(service.name, service.namespace, service.port)],
    });
    const policy = deriveNetworkPolicies(graph, () => []).find((p) => p.name !== DEFAULT_DENY_POLICY)!;
    const key = (path: string) => `prow.liveCallers["${caller.name}"].${path}`;
    const sets = [
        ...selectorSets(key, caller.selector),
        pathSet(key(`calls["${service.name}"]`), String(service.port)),
    ];
    return {
        policy: { metadata: { name: policy.name, namespace: policy.namespace }, spec: policy.spec },
        fix: sets.join(" && "),
    };
};
