import type { ClusterContext } from "./cluster";
import type { NetworkPolicy } from "./netpolEvaluate";
import {
    DerivedEgressPolicy,
    NAMESPACE_NAME_LABEL,
    NetworkGraph,
    PodSelector,
    ServedService,
    servedBy,
} from "./network";

/**
 * Egress of the namespaces where code nobody reviewed runs (a sandbox, pull-request jobs): their pods reach the
 * internet and the cluster's DNS, and nothing of the cluster, its private networks or the node's link-local services
 * (the cloud's metadata address 169.254.169.254 hands out the node's credentials) beyond the Services the program's
 * references name for them. Derived from the same graph as the ingress policies: a path declared for such a pod
 * (job pods to a build cache) is opened on both sides.
 */

/** Where a cluster's pods resolve names: the DNS pods and the ports they listen on behind the DNS Service. */
export interface ClusterDns {
    namespace: string;
    pods: Record<string, string>;
    /** Container ports: a policy sees the connection after the Service's port mapping. */
    ports: readonly number[];
}

/**
 * The cluster DNS of each platform. OpenShift: the `dns-default` pods of `openshift-dns`, which serve 53 on 5353
 * (openshift/cluster-dns-operator assets/dns/daemonset.yaml, its `dns`/`dns-tcp` ports). Kubernetes (IKS
 * included): CoreDNS in `kube-system`, labelled `k8s-app: kube-dns`, on 53.
 */
export function clusterDns(platform: ClusterContext["platform"]): ClusterDns {
    return platform === "openshift"
        ? {
              namespace: "openshift-dns",
              pods: { "dns.operator.openshift.io/daemonset-dns": "default" },
              ports: [5353],
          }
        : { namespace: "kube-system", pods: { "k8s-app": "kube-dns" }, ports: [53] };
}

/**
 * IPv4 ranges that are never the internet: RFC 1918 (every cluster's pod and Service networks the runbooks' clusters
 * use: OpenShift's 10.128.0.0/14 and 172.30.0.0/16, IKS's 172.30.0.0/16 and 172.21.0.0/16), RFC 6598 shared space
 * (OVN-Kubernetes' join and transit switches), link-local (RFC 3927, the metadata address among them), loopback and
 * "this network". IPv6 is not opened at all: denying it is the safe side, and no runbook's cluster needs it.
 */
export const NON_INTERNET_IPV4 = [
    "0.0.0.0/8",
    "10.0.0.0/8",
    "100.64.0.0/10",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "172.16.0.0/12",
    "192.168.0.0/16",
] as const;

export const UNTRUSTED_EGRESS_POLICY = "egress-internet-and-dns-only";

/** What the egress lock of an untrusted namespace admits and cuts: its system's notice, from the rule's own values. */
export function egressLockText(namespace: string): string {
    return (
        `${namespace}: ${UNTRUSTED_EGRESS_POLICY} admits DNS, IPv4 outside ${NON_INTERNET_IPV4.join(" ")} and the ` +
        "cluster's networks, and the Services the program names for these pods; the rest of the cluster is cut " +
        "(docs/operate/network-isolation.md)"
    );
}

/** A Service as its live object has it (one the program leaves running): what a flow to its pods goes through. */
export interface LiveServiceRef {
    namespace: string;
    name: string;
    port: number;
    targetPort: number | string;
    selector: Record<string, string>;
}

/**
 * How a system admits the call of a workload it leaves running (`caller`: its namespace, name and selector) to one of
 * its Services, which that Service's ingress policy cuts: the policy a stack setting makes it write, and that setting.
 */
export type CallerRepair = (
    caller: { namespace: string; name: string; selector: Record<string, string> },
    service: LiveServiceRef,
) => { policy: NetworkPolicy; fix: string } | undefined;

/** How a system admits a flow its egress lock cuts: the policy a stack setting makes it write, and that setting. */
export type EgressRepair = (
    namespace: string,
    service: LiveServiceRef,
) => { policy: NetworkPolicy; fix: string } | undefined;

/** The policy that lets `pods` of `namespace` reach the pods of `service` on `port`'s target port. */
export function egressToService(
    namespace: string,
    name: string,
    pods: PodSelector,
    service: ServedService,
    port: ServedService["ports"][number],
): DerivedEgressPolicy {
    return {
        namespace,
        name,
        spec: {
            podSelector: pods,
            policyTypes: ["Egress"],
            egress: [
                {
                    to: [
                        {
                            namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: service.namespace } },
                            podSelector: { matchLabels: { ...service.selector } },
                        },
                    ],
                    ports: [{ port: port.targetPort, protocol: port.protocol }],
                },
            ],
        },
    };
}

/**
 * The egress policies of every untrusted namespace of `graph`: one selecting all its pods (whoever made them: the
 * sandbox's pods are sandcastle's, the jobs' plank's) that allows DNS and IPv4 outside {@link NON_INTERNET_IPV4} and
 * `clusterNetworks`; and per pod group of the namespace and Service it reaches (the program's, or a live one it
 * leaves running), one allowing exactly that.
 * Services the derivation of ingress refuses (unknown ones) stop there, not here.
 */
export function deriveEgressPolicies(
    graph: NetworkGraph,
    dns: ClusterDns,
    clusterNetworks: readonly string[],
): DerivedEgressPolicy[] {
    const except = [...new Set([...NON_INTERNET_IPV4, ...clusterNetworks.filter((c) => !c.includes(":"))])];
    const policies: DerivedEgressPolicy[] = [];
    const untrusted = [...graph.namespaces.values()]
        .filter((owner) => owner.untrusted)
        .sort((a, b) => a.name.localeCompare(b.name));
    for (const owner of untrusted) {
        policies.push({
            namespace: owner.name,
            name: UNTRUSTED_EGRESS_POLICY,
            spec: {
                podSelector: {},
                policyTypes: ["Egress"],
                egress: [
                    {
                        to: [
                            {
                                namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: dns.namespace } },
                                podSelector: { matchLabels: { ...dns.pods } },
                            },
                        ],
                        ports: dns.ports.flatMap((port) => [
                            { port, protocol: "UDP" as const },
                            { port, protocol: "TCP" as const },
                        ]),
                    },
                    { to: [{ ipBlock: { cidr: "0.0.0.0/0", except } }] },
                ],
            },
        });
        const taken = new Set<string>();
        for (const group of graph.pods.filter((g) => g.namespace === owner.name)) {
            for (const endpoint of group.reaches) {
                const served = endpoint.external
                    ? undefined
                    : (servedBy(graph, endpoint) ?? servedBy(graph, endpoint, graph.liveServices));
                if (!served) continue;
                let name = `egress-to-${served.service.name}`;
                for (let i = 2; taken.has(name); i++) name = `egress-to-${served.service.name}-${i}`;
                taken.add(name);
                policies.push(egressToService(owner.name, name, group.selector, served.service, served.port));
            }
        }
    }
    return policies;
}
