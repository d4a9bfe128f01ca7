/**
 * Ingress NetworkPolicy semantics as the Kubernetes API defines them (networking.k8s.io/v1, "Network Policies" in
 * the Kubernetes documentation), for checking policies offline: a pod is isolated for ingress once any policy of its
 * namespace selects it with policy type Ingress; an isolated pod admits a connection that at least one of those
 * policies' rules admits (the union of policies); a pod no policy selects admits everything. No npm package of the
 * registry implements this, so this is a small evaluator, tested against the documentation's examples.
 */

import { LabelSelector, labelSelectorMatches } from "../../components/shared/labelSelector";

export type { LabelSelector, LabelSelectorRequirement } from "../../components/shared/labelSelector";

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
        egress?: unknown[];
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

/** Whether `labels` satisfy `selector` (components/shared/labelSelector.ts: an empty selector selects all). */
export function selects(selector: LabelSelector, labels: Record<string, string>): boolean {
    return labelSelectorMatches(selector, labels);
}

function ipv4(address: string): number {
    const parts = address.split(".").map(Number);
    if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255))
        throw new Error(`not an IPv4 address: ${address}`);
    return ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
}

/** Whether IPv4 `address` lies in `cidr`. */
export function inCidr(address: string, cidr: string): boolean {
    const [base, bits] = cidr.split("/");
    const prefix = Number(bits ?? 32);
    const mask = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
    return (ipv4(address) & mask) === (ipv4(base) & mask);
}

function namespaceLabels(cluster: Cluster, namespace: string): Record<string, string> {
    return { ...(cluster.namespaces[namespace] ?? {}), "kubernetes.io/metadata.name": namespace };
}

const isPod = (source: Source): source is PodEndpoint => "namespace" in source;

/** Whether one peer of a rule of a policy in `policyNamespace` matches `source`. */
function peerMatches(cluster: Cluster, policyNamespace: string, peer: PolicyPeer, source: Source): boolean {
    if (peer.ipBlock) {
        const ip = source.ip;
        return (
            ip !== undefined &&
            inCidr(ip, peer.ipBlock.cidr) &&
            !(peer.ipBlock.except ?? []).some((e) => inCidr(ip, e))
        );
    }
    if (!isPod(source)) return false;
    // namespaceSelector alone: every pod of the selected namespaces; podSelector alone: pods of the policy's own
    // namespace; both: the selected pods of the selected namespaces.
    const namespaceOk = peer.namespaceSelector
        ? selects(peer.namespaceSelector, namespaceLabels(cluster, source.namespace))
        : source.namespace === policyNamespace;
    const podOk = peer.podSelector ? selects(peer.podSelector, source.labels) : true;
    return namespaceOk && podOk;
}

function portMatches(rule: PolicyPort, target: PodEndpoint, port: number, protocol: string): boolean {
    if ((rule.protocol ?? "TCP") !== protocol) return false;
    if (rule.port === undefined) return true;
    const number = typeof rule.port === "number" ? rule.port : target.namedPorts?.[rule.port];
    if (number === undefined) return false;
    return rule.endPort !== undefined ? port >= number && port <= rule.endPort : port === number;
}

/** Whether `policy` isolates pods for ingress (policyTypes unset: it does, as the API defaults it). */
function affectsIngress(policy: NetworkPolicy): boolean {
    return policy.spec.policyTypes === undefined || policy.spec.policyTypes.includes("Ingress");
}

/** The policies that select `target` for ingress. */
export function ingressPoliciesOf(cluster: Cluster, target: PodEndpoint): NetworkPolicy[] {
    return cluster.policies.filter(
        (p) =>
            p.metadata.namespace === target.namespace &&
            affectsIngress(p) &&
            selects(p.spec.podSelector, target.labels),
    );
}

/** Whether a connection from `source` to `target` on `port`/`protocol` is admitted by the ingress policies. */
export function ingressAllowed(
    cluster: Cluster,
    source: Source,
    target: PodEndpoint,
    port: number,
    protocol: "TCP" | "UDP" | "SCTP" = "TCP",
): boolean {
    const policies = ingressPoliciesOf(cluster, target);
    if (policies.length === 0) return true;
    return policies.some((policy) =>
        (policy.spec.ingress ?? []).some((rule) => {
            const fromOk =
                rule.from === undefined ||
                rule.from.length === 0 ||
                rule.from.some((peer) => peerMatches(cluster, policy.metadata.namespace, peer, source));
            const portOk =
                rule.ports === undefined ||
                rule.ports.length === 0 ||
                rule.ports.some((p) => portMatches(p, target, port, protocol));
            return fromOk && portOk;
        }),
    );
}
