/**
 * NetworkPolicy semantics as the Kubernetes API defines them (networking.k8s.io/v1, "Network Policies" in the
 * Kubernetes documentation), for checking policies offline: a pod is isolated for ingress (egress) once any policy of
 * its namespace selects it with that policy type; an isolated pod admits (sends) a connection that at least one of
 * those policies' rules allows (the union of policies); a pod no policy selects allows everything. A connection
 * happens when the source's egress and the destination's ingress both allow it. No npm package of the registry
 * implements this, so this is a small evaluator, tested against the documentation's examples
 * (test/shared/netpolEvaluate.test.ts). The one implementation: the adoption report judges the flows of what it
 * leaves running with it, and the tests judge the planned policies with it.
 */

import { AddressSet } from "./addressRanges";
import { DefinitionError } from "./errors";
import { LabelSelector, labelSelectorMatches } from "./labelSelector";

export type { LabelSelector } from "./labelSelector";

export interface PolicyPeer {
    podSelector?: LabelSelector;
    namespaceSelector?: LabelSelector;
    ipBlock?: { cidr: string; except?: string[] };
}

export interface PolicyPort {
    protocol?: "TCP" | "UDP" | "SCTP";
    port?: number | string;
    endPort?: number;
}

export interface NetworkPolicy {
    metadata: { name: string; namespace: string };
    spec: {
        podSelector: LabelSelector;
        policyTypes?: ("Ingress" | "Egress")[];
        ingress?: { from?: PolicyPeer[]; ports?: PolicyPort[] }[];
        egress?: { to?: PolicyPeer[]; ports?: PolicyPort[] }[];
    };
}

/** A pod as policies see it: namespace, labels, IP (for ipBlock peers) and named container ports. */
export interface PodEndpoint {
    namespace: string;
    labels: Record<string, string>;
    ip?: string;
    /** Container port name → number, for policies naming ports. */
    namedPorts?: Record<string, number>;
}

/** A connection's source: a pod, or a client outside the cluster by IP. */
export type Source = PodEndpoint | { ip: string };

export interface Cluster {
    /** Labels of each namespace; every namespace also carries `kubernetes.io/metadata.name` (set by the API server). */
    namespaces: Record<string, Record<string, string>>;
    policies: readonly NetworkPolicy[];
}

/**
 * An ipBlock's families as Kubernetes reads them. The NetworkPolicy API documents an IPv4 (`192.168.1.0/24`) and an
 * IPv6 (`2001:db8::/64`) cidr and nothing in between, so the API server's parser decides the rest
 * (k8s.io/apimachinery util/validation/ip.go, Go's net.ParseCIDR): a block written inside ::ffff:0:0/96 is the IPv4
 * block it maps (the server warns "use 10.0.0.0/8" for `::ffff:10.0.0.0/104`, and its strict validation refuses the
 * mapped form) and an IPv4-mapped address is its IPv4 address; every other IPv6 block, NAT64's 64:ff9b::/96
 * included, holds IPv6 addresses only, since a pod behind a translator sees the translated packets as IPv6.
 */
const IP_BLOCK_READING = { nat64AsIPv4: false };

/**
 * Whether an ipBlock admits `address`: its cidr without its excepts, as address sets (the program's one range
 * arithmetic, components/shared/addressRanges.ts, on ipaddr.js), IPv4 and IPv6 alike.
 */
function ipBlockAdmits(block: { cidr: string; except?: string[] }, address: string): boolean {
    const admitted = AddressSet.of([block.cidr], IP_BLOCK_READING);
    const excepted = AddressSet.of(block.except ?? [], IP_BLOCK_READING);
    const one = AddressSet.of([address], IP_BLOCK_READING);
    // The API server refuses a policy whose blocks do not parse; a pod's IP always does.
    if (admitted === undefined || excepted === undefined || one === undefined)
        throw new DefinitionError(`not an ipBlock or address: ${JSON.stringify(block)}, ${address}`);
    return admitted.minus(excepted).contains(one);
}

function namespaceLabels(cluster: Cluster, namespace: string): Record<string, string> {
    return { ...(cluster.namespaces[namespace] ?? {}), "kubernetes.io/metadata.name": namespace };
}

const isPod = (source: Source): source is PodEndpoint => "namespace" in source;

/** Whether one peer of a rule of a policy in `policyNamespace` matches `source` (or an egress rule's destination). */
function peerMatches(cluster: Cluster, policyNamespace: string, peer: PolicyPeer, source: Source): boolean {
    if (peer.ipBlock) {
        const ip = source.ip;
        return ip !== undefined && ipBlockAdmits(peer.ipBlock, ip);
    }
    if (!isPod(source)) return false;
    // namespaceSelector alone: every pod of the selected namespaces; podSelector alone: pods of the policy's own
    // namespace; both: the selected pods of the selected namespaces.
    const namespaceOk = peer.namespaceSelector
        ? labelSelectorMatches(peer.namespaceSelector, namespaceLabels(cluster, source.namespace))
        : source.namespace === policyNamespace;
    const podOk = peer.podSelector ? labelSelectorMatches(peer.podSelector, source.labels) : true;
    return namespaceOk && podOk;
}

function portMatches(rule: PolicyPort, target: Source, port: number, protocol: string): boolean {
    if ((rule.protocol ?? "TCP") !== protocol) return false;
    if (rule.port === undefined) return true;
    const number =
        typeof rule.port === "number"
            ? rule.port
            : isPod(target)
              ? target.namedPorts?.[rule.port]
              : undefined;
    if (number === undefined) return false;
    return rule.endPort !== undefined ? port >= number && port <= rule.endPort : port === number;
}

/** A rule's peer or port list, as the API reads it: unset or empty admits anything, else one entry must match. */
function listAdmits<T>(list: T[] | undefined, matches: (entry: T) => boolean): boolean {
    return list === undefined || list.length === 0 || list.some(matches);
}

/** Whether `policy` isolates pods for ingress (policyTypes unset: it does, as the API defaults it). */
export function affectsIngress(policy: NetworkPolicy): boolean {
    return policy.spec.policyTypes === undefined || policy.spec.policyTypes.includes("Ingress");
}

/**
 * Whether the policies of one direction admit a connection, judged at `isolated` (the destination's pod for
 * ingress, the source's for egress): a pod no such policy selects admits anything; else one rule of one policy must
 * admit both `peer` (the other end, matched against the rule's peer list) and the port, which is always the
 * destination's (the isolated pod for ingress, the peer for egress), as the API reads them.
 */
function directionAllows(
    cluster: Cluster,
    direction: "ingress" | "egress",
    isolated: PodEndpoint,
    peer: Source,
    port: number,
    protocol: string = "TCP",
): boolean {
    const destination = direction === "ingress" ? isolated : peer;
    const affects = direction === "ingress" ? affectsIngress : affectsEgress;
    const policies = cluster.policies.filter(
        (p) =>
            p.metadata.namespace === isolated.namespace &&
            affects(p) &&
            labelSelectorMatches(p.spec.podSelector, isolated.labels),
    );
    if (policies.length === 0) return true;
    return policies.some((policy) =>
        (direction === "ingress"
            ? (policy.spec.ingress ?? []).map((rule) => ({ peers: rule.from, ports: rule.ports }))
            : (policy.spec.egress ?? []).map((rule) => ({ peers: rule.to, ports: rule.ports }))
        ).some(
            (rule) =>
                listAdmits(rule.peers, (entry) =>
                    peerMatches(cluster, policy.metadata.namespace, entry, peer),
                ) && listAdmits(rule.ports, (p) => portMatches(p, destination, port, protocol)),
        ),
    );
}

/** A check of one connection from `source` to `destination` on `port`/`protocol` (TCP unless said). */
type ConnectionCheck<From extends Source, To extends Source> = (
    cluster: Cluster,
    source: From,
    destination: To,
    port: number,
    protocol?: "TCP" | "UDP" | "SCTP",
) => boolean;

/** Whether a connection from `from` to pod `to` on `port`/`protocol` is admitted by `to`'s ingress policies. */
export const ingressAllowed: ConnectionCheck<Source, PodEndpoint> = (cluster, from, to, port, protocol) =>
    directionAllows(cluster, "ingress", to, from, port, protocol);

/** Whether `policy` isolates pods for egress (policyTypes unset: when it has egress rules, as the API defaults it). */
export function affectsEgress(policy: NetworkPolicy): boolean {
    return policy.spec.policyTypes === undefined
        ? policy.spec.egress !== undefined
        : policy.spec.policyTypes.includes("Egress");
}

/**
 * Whether pod `from`'s egress policies let it open a connection to `to` (a pod, or an address outside the
 * cluster) on `port`/`protocol`. Only the sending side: {@link connectionAllowed} adds the destination's ingress.
 */
export const egressAllowed: ConnectionCheck<PodEndpoint, Source> = (cluster, from, to, port, protocol) =>
    directionAllows(cluster, "egress", from, to, port, protocol);

/** Whether a connection from pod `from` to `to` happens: its egress and, to a pod, that pod's ingress. */
export const connectionAllowed: ConnectionCheck<PodEndpoint, Source> = (cluster, from, to, port, protocol) =>
    egressAllowed(cluster, from, to, port, protocol) &&
    (!isPod(to) || ingressAllowed(cluster, from, to, port, protocol));
