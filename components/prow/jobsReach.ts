import { setCommand } from "../config/problems";
import { CallerRepair, EgressRepair, LiveServiceRef, egressToService } from "../shared/egress";
import { ServiceEndpoint } from "../shared/endpoints";
import { DEFAULT_DENY_POLICY, NetworkGraph, ServedService, deriveNetworkPolicies } from "../shared/network";
import { PROWJOB_POD } from "./documents";

/** The pods the policy of a live callee selects: every ProwJob's (all could reach it before the lock). */
export const JOBS_REACH_CALLERS = { matchLabels: { ...PROWJOB_POD } };

/** The live Service as the network graph records it. */
export function servedLive(c: LiveServiceRef): ServedService {
    return {
        namespace: c.namespace,
        name: c.name,
        selector: c.selector,
        ports: [{ name: "live", port: c.port, targetPort: c.targetPort, protocol: "TCP" }],
    };
}

/**
 * What `prow.jobsReach` makes the jobs namespace write for `c` (the policy `deriveEgressPolicies` derives from the
 * recorded Service), and the commands that set it: the report proves the policy admits the cut flow before it
 * prints them. Selector values are written `--type string`, so `true` or digits stay label text.
 */
export const jobsReachRepair: EgressRepair = (jobsNamespace, c) => {
    const served = servedLive(c);
    const { name, namespace, spec } = egressToService(
        jobsNamespace,
        `egress-to-${c.name}`,
        JOBS_REACH_CALLERS,
        served,
        served.ports[0],
    );
    const key = (path: string) => `prow.jobsReach["${c.namespace}/${c.name}"].${path}`;
    const sets = [
        setCommand(key("port"), String(c.port), { path: true }),
        typeof c.targetPort === "number"
            ? setCommand(key("targetPort"), String(c.targetPort), { path: true })
            : setCommand(key("targetPort"), c.targetPort, { path: true, type: "string" }),
        ...Object.entries(c.selector).map(([label, value]) =>
            setCommand(key(`selector["${label}"]`), value, { path: true, type: "string" }),
        ),
    ];
    return { policy: { metadata: { name, namespace }, spec }, fix: sets.join(" && ") };
};

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
        ...Object.entries(caller.selector).map(([label, value]) =>
            setCommand(key(`selector["${label}"]`), value, { path: true, type: "string" }),
        ),
        setCommand(key(`calls["${service.name}"]`), String(service.port), { path: true }),
    ];
    return {
        policy: { metadata: { name: policy.name, namespace: policy.namespace }, spec: policy.spec },
        fix: sets.join(" && "),
    };
};
