import type * as pulumi from "@pulumi/pulumi";
import type { ClusterContext } from "./cluster";
import { ServiceEndpoint, endpointTextsIn } from "./endpoints";
import { KeyedHandle, ObjectHandle, handlesIn, plainNamespace } from "./handles";
import { LabelSelector, serviceSelects } from "./labelSelector";
import type { PodReads } from "./startupReads";
import { DefinitionError } from "./errors";

/**
 * The object graph's network side: which pods reach which Services, read from the references the pod specs already
 * hold (endpoint texts in env, args and the ConfigMap keys they read), and which Services the platform's router
 * serves. Every system's workloads, CronJobs and Jobs record themselves here; the namespace owners then write the
 * NetworkPolicies {@link deriveNetworkPolicies} derives. A reference added in code opens exactly its path.
 */

/**
 * Records pods the program makes on `cluster`: their selector and the Services their spec reaches. Every pod maker
 * (Workload, ScheduledJob, the one-off Jobs) calls it with the spec it built, so no system keeps a list.
 */
export function recordPods(
    cluster: OnCluster,
    what: string,
    namespace: pulumi.Input<string>,
    selector: PodSelector,
    pod: PodSpecReads,
    named: readonly ServiceEndpoint[] = [],
): void {
    const plain = plainNamespace(namespace);
    if (plain === undefined)
        throw new DefinitionError(`${what}: its namespace must be a Namespace's name or a plain string`);
    const reaches = [...new Set([...endpointsReadBy(pod), ...named])];
    networkGraphOf(cluster).pods.push({ what, namespace: plain, selector, reaches, ports: namedPorts(pod) });
}

/** A Service's named targetPort resolves through these. */
function namedPorts(pod: PodSpecReads): Record<string, number> {
    const ports: Record<string, number> = {};
    for (const c of pod.containers)
        for (const p of (c.ports ?? []) as { name?: unknown; containerPort?: unknown }[])
            if (typeof p.name === "string" && typeof p.containerPort === "number")
                ports[p.name] = p.containerPort;
    return ports;
}

/** Records a Service made outside a {@link Workload} (a stable name moved between servers, a database's). */
export function recordService(cluster: OnCluster, service: ServedService): void {
    networkGraphOf(cluster).services.push(service);
}

/**
 * Records a Service the program leaves running and does not make: the egress of an untrusted namespace admits its
 * pods for the program's pods that reach it, and no policy of the program selects them (they are not its pods).
 */
export function recordLiveService(cluster: OnCluster, service: ServedService): void {
    networkGraphOf(cluster).liveServices.push(service);
}

export interface PodSpecReads {
    containers: readonly (PodReads["containers"][number] & {
        args?: unknown;
        command?: unknown;
        ports?: unknown;
    })[];
    volumes?: PodReads["volumes"];
}

export type PodSelector = LabelSelector;

/** Pods the program makes (a workload's, a CronJob's, a Job's): where they run and which Services they reach. */
export interface PodGroup {
    what: string;
    namespace: string;
    selector: PodSelector;
    reaches: readonly ServiceEndpoint[];
    ports?: Readonly<Record<string, number>>;
}

export interface ServedService {
    namespace: string;
    name: string;
    selector: Record<string, string>;
    ports: readonly { name: string; port: number; targetPort: number | string; protocol: "TCP" | "UDP" }[];
}

/** A Route or Ingress: the Service port (name, number or target port) the platform's router sends traffic to. */
export interface ExposedPort {
    namespace: string;
    service: string;
    port: string | number;
}

/** Who the platform's router is, as a NetworkPolicy peer (the namespace its pods run in). */
export type RouterPeer = {
    namespaceSelector: { matchLabels: Record<string, string> };
    /** `{}`: with a namespace selector, the only form that also selects host-network pods (a host-network router). */
    podSelector: Record<string, never>;
};

/**
 * The namespace labels OpenShift's ingress traffic matches. `policy-group.network.openshift.io/ingress` (4.6+ on
 * OVN-Kubernetes, 4.7+ on OpenShift SDN) matches a router on the cluster network and on the host network alike; the
 * older `network.openshift.io/policy-group: ingress` matches a host-network router only where an administrator
 * labelled `default` with it (OpenShift SDN before 4.7). Both are admitted, so neither the cluster's version nor its
 * router's publishing strategy decides whether the program's Routes answer.
 */
export const OPENSHIFT_INGRESS_GROUPS: readonly Record<string, string>[] = [
    { "policy-group.network.openshift.io/ingress": "" },
    { "network.openshift.io/policy-group": "ingress" },
];

/** The label every namespace carries with its own name (Kubernetes 1.21+): how a peer names another namespace. */
export const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

/** The router of `platform`: OpenShift's ingress policy groups, or the ingress controller's namespace. */
export function routerPeers(platform: ClusterContext["platform"], ingressNamespace?: string): RouterPeer[] {
    if (platform === "openshift")
        return OPENSHIFT_INGRESS_GROUPS.map((labels) => ({
            namespaceSelector: { matchLabels: { ...labels } },
            podSelector: {},
        }));
    if (ingressNamespace === undefined) {
        // The config check asks for clusters.<name>.ingressNamespace on every Kubernetes cluster that serves.
        throw new DefinitionError(
            "a Kubernetes cluster needs its ingress controller's namespace to admit its router",
        );
    }
    return [
        { namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: ingressNamespace } }, podSelector: {} },
    ];
}

/** A namespace the program writes: where its policies go, created as objects of the namespace's owner. */
export interface NamespaceOwner {
    name: string;
    /**
     * Whether the program creates the namespace. One it does not create (a team's project, a namespace shared with
     * other teams) may hold pods the program does not run: its default deny selects only the program's own pods, so
     * isolating the program never cuts off another team's.
     */
    created: boolean;
    /** The labels every pod the program runs in the namespace carries (managed-by and part-of). */
    programPods: Record<string, string>;
    /** Runs code nobody reviewed (a sandbox, PR jobs): its egress is isolated too (`deriveEgressPolicies`). */
    untrusted?: boolean;
    writePolicy(policy: DerivedPolicy | DerivedEgressPolicy): void;
}

export class NetworkGraph {
    public readonly namespaces = new Map<string, NamespaceOwner>();
    public readonly pods: PodGroup[] = [];
    public readonly services: ServedService[] = [];
    /** Services the program does not make whose pods the program's pods call (kept from production). */
    public readonly liveServices: ServedService[] = [];
    public readonly exposures: ExposedPort[] = [];
}

/** A cluster as the graph knows it: by its one provider (a part handed only the provider records there too). */
export type OnCluster = Pick<ClusterContext, "provider">;

const GRAPHS = new WeakMap<object, NetworkGraph>();

/** One per cluster: the program makes one provider per cluster. */
export function networkGraphOf(cluster: OnCluster): NetworkGraph {
    let graph = GRAPHS.get(cluster.provider);
    if (!graph) {
        graph = new NetworkGraph();
        GRAPHS.set(cluster.provider, graph);
    }
    return graph;
}

const endpointsOf = (handles: readonly ObjectHandle[]): ServiceEndpoint[] =>
    handles.filter((h): h is ServiceEndpoint => h instanceof ServiceEndpoint);

function volumeKeys(handle: KeyedHandle, items: unknown): readonly ObjectHandle[] {
    if (!Array.isArray(items) || items.length === 0) return [...handle.reaches.values()].flat();
    return items.flatMap((i: { key?: string }) => [...(handle.reaches.get(i.key ?? "") ?? [])]);
}

function keyedHandleOf(name: unknown): KeyedHandle | undefined {
    const [handle] = handlesIn(name);
    return handle instanceof KeyedHandle ? (handle as KeyedHandle) : undefined;
}

function containerEndpoints(c: PodSpecReads["containers"][number]): readonly ObjectHandle[] {
    const found: ObjectHandle[] = [...endpointTextsIn(c)];
    for (const value of Object.values(c.env ?? {})) {
        if (value !== undefined && typeof value !== "string" && "from" in value) {
            found.push(...(keyedHandleOf(value.from.name)?.reaches.get(value.key) ?? []));
        }
    }
    for (const src of c.envFrom ?? []) {
        found.push(...[...(keyedHandleOf(src.from.name)?.reaches.values() ?? [])].flat());
    }
    return found;
}

function volumeEndpoints(v: NonNullable<PodSpecReads["volumes"]>[number]): readonly ObjectHandle[] {
    type Source = { name?: unknown; secretName?: unknown; items?: unknown };
    const volume = v as {
        configMap?: Source;
        secret?: Source;
        projected?: { sources?: { configMap?: Source; secret?: Source }[] };
    };
    const sources = [
        volume.configMap,
        volume.secret && { ...volume.secret, name: volume.secret.secretName },
        ...(volume.projected?.sources ?? []).flatMap((s) => [s.configMap, s.secret]),
    ];
    return sources.flatMap((source) => {
        const handle = source ? keyedHandleOf(source.name) : undefined;
        return handle ? volumeKeys(handle, source?.items) : [];
    });
}

/**
 * The Services a pod spec reaches: endpoint texts in its containers (env, args, command) and the endpoints of the
 * ConfigMap keys it reads (one key through env, every key through envFrom or a whole volume).
 */
export function endpointsReadBy(pod: PodSpecReads): ServiceEndpoint[] {
    const found = [
        ...pod.containers.flatMap(containerEndpoints),
        ...(pod.volumes ?? []).flatMap(volumeEndpoints),
    ];
    return [...new Set(endpointsOf(found))];
}

/** Who an ingress rule admits: the router, or pods (of another namespace, with its namespace selector). */
export type IngressPeer =
    RouterPeer | { podSelector: PodSelector; namespaceSelector?: RouterPeer["namespaceSelector"] };

export interface DerivedEgressPolicy {
    namespace: string;
    name: string;
    spec: {
        podSelector: PodSelector;
        policyTypes: ["Egress"];
        egress: {
            to: (
                | { ipBlock: { cidr: string; except: string[] } }
                | {
                      podSelector: PodSelector;
                      namespaceSelector?: { matchLabels: Record<string, string> };
                  }
            )[];
            ports?: { port: number | string; protocol: "TCP" | "UDP" }[];
        }[];
    };
}

/** A NetworkPolicy of one namespace, as `deriveNetworkPolicies` derives it (a valid networking.k8s.io/v1 spec). */
export interface DerivedPolicy {
    namespace: string;
    name: string;
    spec: {
        podSelector: PodSelector;
        policyTypes: ["Ingress"];
        ingress?: {
            from: IngressPeer[];
            ports: { port: number | string; protocol: "TCP" | "UDP" }[];
        }[];
    };
}

export const DEFAULT_DENY_POLICY = "default-deny-ingress";

/**
 * The pods a namespace's default deny isolates: the program's own, in every namespace. A namespace the program
 * creates may still hold workloads it leaves running (production's own plugins, proxies, brokers under other names):
 * a deny of every pod would cut their callers off, and nothing admits them again.
 */
export function defaultDenySelector(owner: Pick<NamespaceOwner, "programPods">): PodSelector {
    return { matchLabels: { ...owner.programPods } };
}

function servedPort(service: ServedService, ref: string | number) {
    return service.ports.find((p) => p.name === ref || p.port === ref || p.targetPort === ref);
}

const key = (value: unknown): string => JSON.stringify(value);

/**
 * A Service's target port as a NetworkPolicy admits it: a named one as the number its pods give that name, when all
 * the program's pods the Service selects agree on it. A policy port by name admits only pods that declare the name;
 * the pods a first deploy takes over declare none (a source manifest may name no container port), and they serve
 * until the rollout replaces them, so a name would cut them off from their callers for that time.
 */
function policyPort(
    graph: NetworkGraph,
    service: ServedService,
    targetPort: number | string,
): number | string {
    if (typeof targetPort === "number") return targetPort;
    // A group's pods carry at least its selector's pairs: those are the labels the Service is matched against.
    const selected = graph.pods.filter(
        (g) =>
            g.namespace === service.namespace &&
            serviceSelects(service.selector, g.selector.matchLabels ?? {}),
    );
    const numbers = new Set(selected.map((g) => g.ports?.[targetPort]));
    const [only] = numbers;
    return numbers.size === 1 && only !== undefined ? only : targetPort;
}

export function servedBy(
    graph: NetworkGraph,
    endpoint: ServiceEndpoint,
    among: readonly ServedService[] = graph.services,
): { service: ServedService; port: ServedService["ports"][number] } | undefined {
    const service = among.find((s) => s.name === endpoint.objectName && s.namespace === endpoint.namespace);
    const port = service?.ports.find((p) => p.port === endpoint.port);
    return service && port ? { service, port } : undefined;
}

/**
 * The policies of `graph`: per namespace a default deny of ingress; per Service of the program one policy that
 * admits, on the Service's target ports, exactly the pod groups whose specs reach it (a namespace selector added
 * for a group of another namespace) and the router on the ports an exposure serves. Stops on an endpoint that
 * names a Service or port the program does not make (`ServiceEndpoint.existing` for those made elsewhere).
 */
export function deriveNetworkPolicies(graph: NetworkGraph, router: () => RouterPeer[]): DerivedPolicy[] {
    const problems: string[] = [];
    const admitted = new Map<ServedService, Map<string, { peer: IngressPeer; ports: Set<string> }>>();
    const admit = (service: ServedService, peer: IngressPeer, port: ServedService["ports"][number]) => {
        const peers = admitted.get(service) ?? new Map<string, { peer: IngressPeer; ports: Set<string> }>();
        admitted.set(service, peers);
        const entry = peers.get(key(peer)) ?? { peer, ports: new Set<string>() };
        peers.set(key(peer), entry);
        entry.ports.add(key({ port: policyPort(graph, service, port.targetPort), protocol: port.protocol }));
    };
    for (const group of graph.pods) {
        for (const endpoint of group.reaches) {
            if (endpoint.external) continue;
            const served = servedBy(graph, endpoint);
            if (!served) {
                if (servedBy(graph, endpoint, graph.liveServices)) continue;
                problems.push(
                    `${group.what} (namespace ${group.namespace}) reaches ${endpoint.describe()}, which the program does not make: ` +
                        `refer to the Service through its workload's endpoint(), or to one made elsewhere with ServiceEndpoint.existing(host, port)`,
                );
                continue;
            }
            const { service, port } = served;
            const peer: IngressPeer =
                group.namespace === service.namespace
                    ? { podSelector: group.selector }
                    : {
                          namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: group.namespace } },
                          podSelector: group.selector,
                      };
            admit(service, peer, port);
        }
    }
    for (const exposure of graph.exposures) {
        const service = graph.services.find(
            (s) => s.name === exposure.service && s.namespace === exposure.namespace,
        );
        const port = service && servedPort(service, exposure.port);
        if (service && port) for (const peer of router()) admit(service, peer, port);
        else
            problems.push(
                `a Route/Ingress in ${exposure.namespace} serves Service ${exposure.service} port ${exposure.port}, which no recorded Service serves (record a Service made outside Workload with recordService)`,
            );
    }
    for (const service of admitted.keys()) {
        if (!graph.namespaces.has(service.namespace))
            problems.push(
                `Service ${service.namespace}/${service.name} is in a namespace no Namespace of the program owns`,
            );
    }
    if (problems.length > 0)
        throw new DefinitionError(`network policies:\n${problems.map((p) => `  - ${p}`).join("\n")}`);

    const policies: DerivedPolicy[] = [...graph.namespaces.values()]
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((owner) => ({
            namespace: owner.name,
            name: DEFAULT_DENY_POLICY,
            spec: { podSelector: defaultDenySelector(owner), policyTypes: ["Ingress"] },
        }));
    for (const [service, peers] of admitted) {
        // A rule per port set: peers that reach the same ports share one.
        const rules = new Map<string, { from: IngressPeer[]; ports: string[] }>();
        for (const { peer, ports } of [...peers.values()].sort((a, b) =>
            key(a.peer).localeCompare(key(b.peer)),
        )) {
            const sorted = [...ports].sort();
            const rule = rules.get(key(sorted)) ?? { from: [], ports: sorted };
            rules.set(key(sorted), rule);
            rule.from.push(peer);
        }
        policies.push({
            namespace: service.namespace,
            name: `allow-to-${service.name}`,
            spec: {
                podSelector: { matchLabels: service.selector },
                policyTypes: ["Ingress"],
                ingress: [...rules.values()].map((r) => ({
                    from: r.from,
                    ports: r.ports.map(
                        (p) => JSON.parse(p) as { port: number | string; protocol: "TCP" | "UDP" },
                    ),
                })),
            },
        });
    }
    return policies;
}
