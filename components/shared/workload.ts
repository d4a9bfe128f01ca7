import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterContext } from "./cluster";
import { RunbookComponent } from "./component";
import { PodBase, basePodSpec, podClaimTemplates, podVolumes } from "./container";
import type { VolumeClaimTemplateSpec } from "./volumes";
import { Exposure, ExposureSpec, exposureUrl } from "./exposure";
import {
    AppIdentity,
    LivePodLabels,
    LiveSelector,
    podLabels,
    standardLabels,
    workloadLabels,
    workloadSelector,
} from "./labels";
import {
    ChecksumKey,
    READS_CHECKSUM_ANNOTATION,
    handlesReadBy,
    namesReadBy,
    readsChecksum,
    startupReadsOf,
} from "./startupReads";
import { ServiceEndpoint } from "./endpoints";
import { checkReadNamespaces, handleOf, plainNamespace } from "./handles";
import { networkGraphOf, recordPods } from "./network";
import { PortPurpose, declaredPurpose } from "./portPurpose";
import { DefinitionError } from "./errors";
import { podServiceArgs } from "./service";

export interface ServicePort {
    name: string;
    port: number;
    /** Container port name or number; defaults to `port`. */
    targetPort?: number | string;
    protocol?: "TCP" | "UDP";
    /** What it serves; required when its name says admin or metrics ({@link declaredPurpose}). */
    purpose?: PortPurpose;
}

export interface ServiceSpec {
    /** metadata.name of the Service; defaults to the workload name. */
    name?: string;
    ports: ServicePort[];
    /** Headless (clusterIP: None), as StatefulSets need for stable pod DNS names. */
    headless?: boolean;
    /** Publish pods before they are ready (peer discovery in Dgraph zero/alpha). */
    publishNotReadyAddresses?: boolean;
}

export type { VolumeClaimTemplateSpec } from "./volumes";

/** Arguments of a {@link Workload}: one Deployment or StatefulSet, optionally with its Service and public endpoints. */
export interface WorkloadArgs extends PodBase {
    cluster: ClusterContext;
    namespace: pulumi.Input<string>;
    /** Identity; `app.name` is the object name (stable, so other objects and `pulumi up --target` can rely on it). */
    app: AppIdentity;
    kind?: "Deployment" | "StatefulSet";
    /**
     * The selector the workload runs with today, for a system that takes over workloads made outside the program
     * (see {@link LiveSelector}): the workload, its pods and its Services select with it. Declare it from the
     * system's source manifests; without it the selector is the program's `app.kubernetes.io/name`/`instance`.
     */
    liveSelector?: LiveSelector;
    /** With `liveSelector`: the further labels today's pods carry that live objects select them by ({@link LivePodLabels}). */
    livePodLabels?: LivePodLabels;
    replicas?: number;
    /** Deployment strategy; `Recreate` for single-writer pods holding a RWO volume. */
    strategy?: "Recreate" | "RollingUpdate";
    /** RollingUpdate tuning, e.g. `{ maxSurge: 1, maxUnavailable: 0 }` so capacity never drops during a rollout. */
    rollingUpdate?: { maxSurge?: number | string; maxUnavailable?: number | string };
    volumeClaimTemplates?: VolumeClaimTemplateSpec[];
    terminationGracePeriodSeconds?: number;
    /** Annotations on the Deployment/StatefulSet itself (e.g. OpenShift image triggers). */
    annotations?: Record<string, pulumi.Input<string>>;
    podAnnotations?: Record<string, pulumi.Input<string>>;
    /**
     * A change of any Secret or ConfigMap the program created that the pod spec names through its handle (env,
     * envFrom, volumes: `secret.env(key)`, `.volume(...)`) rolls the pods through {@link READS_CHECKSUM_ANNOTATION},
     * because programs read them at start. `key` is the system's {@link checksumKey}. Objects made outside the
     * program roll nothing: their content is not known here.
     */
    restartOnChange?: { key: ChecksumKey };
    service?: ServiceSpec;
    expose?: ExposureSpec[];
    /**
     * OpenShift image triggers own the container images: ignore them in diffs so Pulumi does not fight the
     * trigger controller after an import.
     */
    imagesManagedByTriggers?: boolean;
    affinity?: k8s.types.input.core.v1.Affinity;
    /** Pins pods to labelled nodes, e.g. caches to the node with the big local disk. */
    nodeSelector?: Record<string, string>;
    tolerations?: k8s.types.input.core.v1.Toleration[];
    /**
     * Further Services over the same pods, beside `service` (e.g. Dgraph's public ClusterIP services next to the
     * headless one its StatefulSet needs). An exposure picks one with `service`.
     */
    extraServices?: (ServiceSpec & { name: string })[];
    /**
     * Services its pods reach by an address its spec writes as plain text (rendered arguments): the
     * references the network policies admit them by, beside the endpoint texts and keys the spec itself holds.
     */
    reaches?: readonly ServiceEndpoint[];
    /** Options for the Deployment/StatefulSet itself, e.g. `statefulOptions()` when its pods own data. */
    workloadOptions?: Pick<pulumi.CustomResourceOptions, "protect" | "retainOnDelete">;
}

function servicePort(p: ServicePort): Required<Omit<ServicePort, "purpose">> {
    return { name: p.name, port: p.port, targetPort: p.targetPort ?? p.port, protocol: p.protocol ?? "TCP" };
}

function withMountedVolumes(args: WorkloadArgs): WorkloadArgs {
    const containers = [...args.containers, ...(args.initContainers ?? [])];
    const volumes = podVolumes(containers, args.volumes);
    const volumeClaimTemplates = podClaimTemplates(containers, args.volumeClaimTemplates);
    return volumes === args.volumes && volumeClaimTemplates === args.volumeClaimTemplates
        ? args
        : { ...args, volumes, volumeClaimTemplates };
}

function podSpecOf(
    args: WorkloadArgs,
    platform: ClusterContext["platform"],
    selector: Record<string, string>,
): k8s.types.input.core.v1.PodSpec {
    const podSpec = basePodSpec(args, platform);
    if (args.terminationGracePeriodSeconds !== undefined) {
        podSpec.terminationGracePeriodSeconds = args.terminationGracePeriodSeconds;
    }
    const affinity = args.affinity ?? spreadOverNodes(args.replicas ?? 1, selector);
    if (affinity) podSpec.affinity = affinity;
    if (Object.keys(args.nodeSelector ?? {}).length > 0) podSpec.nodeSelector = args.nodeSelector;
    if (args.tolerations?.length) podSpec.tolerations = args.tolerations;
    return podSpec;
}

/**
 * Replicas of one workload prefer different nodes, so a node that fails or drains takes one of them, not all (what
 * the disruption budget assumes). Preferred, not required: a cluster with fewer nodes than replicas still runs them
 * all. A workload that gives its own affinity (Dgraph's quorum) keeps it.
 */
export function spreadOverNodes(
    replicas: number,
    selector: Record<string, string>,
): k8s.types.input.core.v1.Affinity | undefined {
    if (replicas <= 1) return undefined;
    return {
        podAntiAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [
                {
                    weight: 100,
                    podAffinityTerm: {
                        topologyKey: "kubernetes.io/hostname",
                        labelSelector: { matchLabels: selector },
                    },
                },
            ],
        },
    };
}

/**
 * The PodDisruptionBudget of a workload of `replicas` pods selected by `selector`, undefined when it has one pod or
 * none. A drain (node maintenance, cluster upgrades) evicts at most one of its pods at a time and waits for its
 * replacement to be ready, so a multi-replica Service keeps serving through it; `maxUnavailable: 1`, not
 * `minAvailable`, so a budget never blocks a drain for good (a scaled-down or not yet ready workload can still lose
 * one pod). A single pod gets none: any budget on it either protects nothing (maxUnavailable 1) or blocks every
 * drain until someone deletes it (minAvailable 1), and no runbook asks a single-replica pod to survive a drain.
 */
export function disruptionBudgetSpec(
    replicas: number,
    selector: Record<string, string>,
): k8s.types.input.policy.v1.PodDisruptionBudgetSpec | undefined {
    if (replicas <= 1) return undefined;
    return { maxUnavailable: 1, selector: { matchLabels: selector } };
}

/** Also stops a pod that reads an object of another namespace. */
function podTemplateAnnotations(
    name: string,
    args: WorkloadArgs,
): { annotations?: Record<string, pulumi.Input<string>> } {
    const restart = args.restartOnChange;
    // Only what this pod spec names: a rotated Secret restarts its readers and nobody else.
    const pod = {
        containers: [...args.containers, ...(args.initContainers ?? [])],
        volumes: args.volumes,
        annotations: args.podAnnotations,
    };
    const read = namesReadBy(pod);
    const handles = handlesReadBy(pod);
    const account = handleOf(args.serviceAccountName);
    checkReadNamespaces(name, args.namespace, account ? [...handles, account] : handles);
    if (restart && args.podAnnotations?.[READS_CHECKSUM_ANNOTATION] !== undefined) {
        throw new DefinitionError(
            `${name}: ${READS_CHECKSUM_ANNOTATION} is computed from restartOnChange, not given`,
        );
    }
    const annotations = {
        ...(args.podAnnotations ?? {}),
        ...(restart && read.secrets.length + read.configMaps.length > 0
            ? { [READS_CHECKSUM_ANNOTATION]: readsChecksum(restart.key, startupReadsOf(handles), read) }
            : {}),
    };
    return Object.keys(annotations).length > 0 ? { annotations } : {};
}

function deploymentStrategy(args: WorkloadArgs): k8s.types.input.apps.v1.DeploymentStrategy {
    return args.strategy === "Recreate"
        ? { type: "Recreate" }
        : { type: "RollingUpdate", ...(args.rollingUpdate ? { rollingUpdate: args.rollingUpdate } : {}) };
}

/**
 * A deployable unit: Deployment or StatefulSet, with its Service and Routes/Ingresses. Every child uses the
 * cluster's explicit provider and is named from the component's name.
 */
export class Workload extends RunbookComponent {
    public readonly workload: k8s.apps.v1.Deployment | k8s.apps.v1.StatefulSet;
    public readonly service?: k8s.core.v1.Service;
    public readonly endpoints: pulumi.CustomResource[] = [];
    /** Object name of the workload (and of its Service unless renamed). */
    public readonly objectName: string;
    /** In-cluster DNS name of the service, e.g. `sesheta-webhooks.aicoe-prod-bots.svc`, when there is one. */
    public readonly serviceHost?: pulumi.Output<string>;
    public readonly urls: string[];
    /** The Services of its pods by name, with the namespace they are in (for {@link endpoint}). */
    readonly #services = new Map<string, ServiceSpec>();
    readonly #namespace: string | undefined;
    readonly #cluster: ClusterContext;
    readonly #selector: Record<string, string>;

    constructor(name: string, given: WorkloadArgs, opts?: pulumi.ComponentResourceOptions) {
        super("runbooks:shared:Workload", name, opts, given.cluster.provider);
        // The handles' mounts become pod volumes here, so every check below sees the volumes the pods get.
        const args = withMountedVolumes(given);
        const kind = args.kind ?? "Deployment";
        this.objectName = args.app.name;
        const selector = workloadSelector(args.app, args.liveSelector);
        const serviceName = args.service?.name ?? args.app.name;
        this.#namespace = plainNamespace(args.namespace);
        this.#cluster = args.cluster;
        this.#selector = selector;
        const template = this.podTemplate(name, args, selector);
        recordPods(
            args.cluster,
            `${kind} ${args.app.name}`,
            args.namespace,
            { matchLabels: selector },
            { containers: [...args.containers, ...(args.initContainers ?? [])], volumes: args.volumes },
            args.reaches,
        );
        const { main, services } = this.makeServices(name, kind, args, serviceName, selector);
        this.service = main;
        // The governing Service alone serves nothing: no host to call.
        if (args.service) this.serviceHost = pulumi.interpolate`${serviceName}.${args.namespace}.svc`;
        this.workload = this.controller(name, args, serviceName, selector, template);
        this.makeDisruptionBudget(args, selector);
        this.recordServices(args, serviceName, selector);
        this.endpoints.push(...this.expose(name, args, serviceName, services));
        this.urls = (args.expose ?? []).map(exposureUrl);
        this.registerOutputs({ objectName: this.objectName, serviceHost: this.serviceHost, urls: this.urls });
    }

    private podTemplate(
        name: string,
        args: WorkloadArgs,
        selector: Record<string, string>,
    ): k8s.types.input.core.v1.PodTemplateSpec {
        const metadata = {
            labels: podLabels(args.app, selector, args.livePodLabels),
            ...podTemplateAnnotations(name, args),
        };
        return { metadata, spec: podSpecOf(args, args.cluster.platform, selector) };
    }

    /** The Deployment's or StatefulSet's metadata and options (images left to OpenShift triggers when they own them). */
    private workloadMetadata(args: WorkloadArgs): {
        metadata: k8s.types.input.meta.v1.ObjectMeta;
        opts: pulumi.CustomResourceOptions;
    } {
        const ignoreChanges = args.imagesManagedByTriggers
            ? args.containers.map((_, i) => `spec.template.spec.containers[${i}].image`)
            : undefined;
        return {
            // Only the workload and its pods carry the version; Services and claim templates must not change with a
            // release (a StatefulSet's volumeClaimTemplates cannot change at all).
            metadata: {
                name: args.app.name,
                namespace: args.namespace,
                labels: workloadLabels(args.app),
                ...(args.annotations ? { annotations: args.annotations } : {}),
            },
            opts: this.child({
                ...(args.workloadOptions ?? {}),
                ...(ignoreChanges ? { ignoreChanges } : {}),
            }),
        };
    }

    private controller(
        name: string,
        args: WorkloadArgs,
        serviceName: string,
        selector: Record<string, string>,
        template: k8s.types.input.core.v1.PodTemplateSpec,
    ): k8s.apps.v1.Deployment | k8s.apps.v1.StatefulSet {
        const { metadata, opts } = this.workloadMetadata(args);
        const replicas = args.replicas ?? 1;
        if (args.kind !== "StatefulSet") {
            if (args.volumeClaimTemplates?.length) {
                throw new pulumi.ResourceError(`${name}: volumeClaimTemplates need kind StatefulSet`, this);
            }
            const strategy = deploymentStrategy(args);
            const spec = { replicas, selector: { matchLabels: selector }, strategy, template };
            return new k8s.apps.v1.Deployment(this.childName("deployment"), { metadata, spec }, opts);
        }
        const labels = standardLabels(args.app);
        return new k8s.apps.v1.StatefulSet(
            this.childName("statefulset"),
            {
                metadata,
                spec: {
                    replicas,
                    serviceName,
                    selector: { matchLabels: selector },
                    podManagementPolicy: "OrderedReady",
                    updateStrategy: { type: "RollingUpdate" },
                    template,
                    volumeClaimTemplates: (args.volumeClaimTemplates ?? []).map((t) => ({
                        metadata: { name: t.name, labels },
                        spec: {
                            accessModes: t.accessModes ?? ["ReadWriteOnce"],
                            ...(t.storageClassName ? { storageClassName: t.storageClassName } : {}),
                            resources: { requests: { storage: t.size } },
                        },
                    })),
                },
            },
            opts,
        );
    }

    private makeDisruptionBudget(
        args: WorkloadArgs,
        selector: Record<string, string>,
    ): k8s.policy.v1.PodDisruptionBudget | undefined {
        const budget = disruptionBudgetSpec(args.replicas ?? 1, selector);
        if (!budget) return undefined;
        return new k8s.policy.v1.PodDisruptionBudget(
            this.childName("pdb"),
            {
                metadata: {
                    name: args.app.name,
                    namespace: args.namespace,
                    labels: standardLabels(args.app),
                },
                spec: budget,
            },
            this.child(),
        );
    }

    private makeServices(
        name: string,
        kind: "Deployment" | "StatefulSet",
        args: WorkloadArgs,
        serviceName: string,
        selector: Record<string, string>,
    ): { main?: k8s.core.v1.Service; services: Map<string, k8s.core.v1.Service> } {
        if (kind === "StatefulSet" && args.service && !args.service.headless) {
            throw new pulumi.ResourceError(
                `${name}: a StatefulSet's service ${serviceName} must be headless (headless: true): it gives the ` +
                    "pods their DNS names; put a ClusterIP Service beside it in extraServices",
                this,
            );
        }
        const services = new Map<string, k8s.core.v1.Service>();
        // A StatefulSet's pods take their DNS names from its headless Service: one whose pods serve nothing gets it
        // without ports.
        const service = args.service ?? (kind === "StatefulSet" ? { ports: [], headless: true } : undefined);
        const main = service
            ? this.makeService(this.childName("service"), serviceName, service, args, selector)
            : undefined;
        if (main) services.set(serviceName, main);
        for (const extra of args.extraServices ?? []) {
            services.set(
                extra.name,
                this.makeService(this.childName(`service-${extra.name}`), extra.name, extra, args, selector),
            );
        }
        return { main, services };
    }

    private expose(
        name: string,
        args: WorkloadArgs,
        serviceName: string,
        services: ReadonlyMap<string, k8s.core.v1.Service>,
    ): pulumi.CustomResource[] {
        const exposures = args.expose ?? [];
        return exposures.flatMap((spec, i) => {
            const target = spec.service ?? serviceName;
            if (!services.has(target)) {
                throw new pulumi.ResourceError(
                    `${name}: an exposure needs a service (no service named ${target})`,
                    this,
                );
            }
            const role = exposures.length === 1 ? "endpoint" : `endpoint-${spec.name ?? i}`;
            const port = this.#services
                .get(target)
                ?.ports.find((p) => p.name === spec.servicePort || p.port === spec.servicePort);
            if (!port)
                throw new pulumi.ResourceError(
                    `${name}: Service ${target} has no port ${spec.servicePort} to expose`,
                    this,
                );
            return new Exposure(
                this.childName(role),
                {
                    ...spec,
                    cluster: args.cluster,
                    namespace: args.namespace,
                    serviceName: target,
                    purpose: declaredPurpose(port, `${name}: Service ${target}`),
                    app: args.app,
                },
                // Not after the Service: the Ingress's own await waits for the Service's endpoints, and ordering
                // it after the Service would put the Service's await (ready pods, then 10 s for stragglers) in
                // front of it on every chain. A Route is not awaited and needs no Service to be created.
                this.child(),
            ).resources;
        });
    }

    /**
     * An endpoint of one of its Services (the main one unless `service` names another) on `port` (a port's name or
     * number; the first port when unset): what a client's host or URL is made from.
     */
    endpoint(port?: string | number, service?: string): ServiceEndpoint {
        const name = service ?? [...this.#services.keys()][0];
        const spec = name === undefined ? undefined : this.#services.get(name);
        const chosen =
            port === undefined ? spec?.ports[0] : spec?.ports.find((p) => p.name === port || p.port === port);
        if (!spec || !chosen || name === undefined || this.#namespace === undefined) {
            throw new pulumi.ResourceError(
                `${this.baseName}: no Service ${name ?? ""} port ${port ?? ""} to refer to`,
                this,
            );
        }
        return ServiceEndpoint.of(name, this.#namespace, chosen.port);
    }

    /**
     * Its pods reach `endpoint` by an address no text of their spec names (a StatefulSet's members joining each other
     * through its headless Service, a peer calling back the address another advertised): the reference, in code,
     * that opens that path. `why` says which, for the policy's reader.
     */
    reaches(endpoint: ServiceEndpoint, why: string): void {
        if (this.#namespace === undefined)
            throw new pulumi.ResourceError(`${this.baseName}: its namespace is not known here`, this);
        networkGraphOf(this.#cluster).pods.push({
            what: `${this.workload instanceof k8s.apps.v1.StatefulSet ? "StatefulSet" : "Deployment"} ${this.objectName} (${why})`,
            namespace: this.#namespace,
            selector: { matchLabels: this.#selector },
            reaches: [endpoint],
        });
    }

    private recordServices(args: WorkloadArgs, serviceName: string, selector: Record<string, string>): void {
        const all = [
            ...(args.service ? [{ ...args.service, name: serviceName }] : []),
            ...(args.extraServices ?? []),
        ];
        for (const svc of all) {
            for (const port of svc.ports) declaredPurpose(port, `${this.baseName}: Service ${svc.name}`);
            this.#services.set(svc.name, svc);
            if (this.#namespace === undefined) continue;
            networkGraphOf(args.cluster).services.push({
                namespace: this.#namespace,
                name: svc.name,
                selector,
                ports: svc.ports.map(servicePort),
            });
        }
    }

    private makeService(
        resourceName: string,
        objectName: string,
        svc: ServiceSpec,
        args: WorkloadArgs,
        selector: Record<string, string>,
    ): k8s.core.v1.Service {
        return new k8s.core.v1.Service(
            resourceName,
            podServiceArgs({
                name: objectName,
                namespace: args.namespace,
                app: args.app,
                spec: {
                    selector,
                    ...(svc.headless ? { clusterIP: "None" } : {}),
                    ...(svc.publishNotReadyAddresses ? { publishNotReadyAddresses: true } : {}),
                    ...(svc.ports.length > 0 ? { ports: svc.ports.map(servicePort) } : {}),
                },
            }),
            this.child(),
        );
    }
}
