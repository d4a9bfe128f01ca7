import * as k8s from "@pulumi/kubernetes";
import { placedGrants, placedIn } from "./placement";
import { recordService } from "../../../shared/network";
import * as pulumi from "@pulumi/pulumi";
import { KubernetesContext } from "../../../config/system";
import { SystemArgs, SystemPart } from "../../../config/systemComponent";
import { ContainerSpec } from "../../../shared/container";
import { Exposure, ExposureSpec } from "../../../shared/exposure";
import { ExposureAudience } from "../../../shared/portPurpose";
import { podServiceArgs } from "../../../shared/service";
import { Sizing } from "../../../shared/resources";
import { AccessGrant, ServiceAccount } from "../../../shared/serviceAccount";
import { Workload } from "../../../shared/workload";
import { StationModulesConfig, ThothSection, stationImagesSchema, stationTier } from "../../config";
import { defaultHost, thothApp } from "../../identity";
import { SizedPart } from "../sizing";
import { kafkaCaMount, StationReads } from "../stationEnv";
import { envFromSpec, envSpecSchema } from "../envSpec";
import { z } from "zod";
import { loadFacts } from "../../../shared/facts";
import { StationEnvironment, StationTier } from "../tiers";
import { ReadsChecksumKey } from "../../../shared/startupReads";

const probeSchema = z.record(z.string(), z.unknown()) as unknown as z.ZodType<k8s.types.input.core.v1.Probe>;

/** One long-running station service as facts/thoth/services.yaml describes it. */
const serviceFactsSchema = z.strictObject({
    /** Deployment, Service and container-owner name. */
    name: z.string(),
    tier: stationTier,
    /** Made by the first plan that runs as it (one account for both investigator consumers); unset: `name`. */
    serviceAccount: z.string().optional(),
    /** Its container's name; unset: `name`. */
    container: z.string().optional(),
    image: stationImagesSchema.keyof(),
    size: z.string(),
    port: z.number(),
    /**
     * Service port → container port; the reference names it `metrics` on every API, though the APIs serve their
     * REST API on it (and /metrics beside it): its purpose says which.
     */
    servicePort: z.strictObject({
        name: z.string(),
        port: z.number(),
        purpose: z.enum(["application", "metrics"]),
    }),
    /** Service name when it differs from the Deployment (one Service selecting both investigator consumers). */
    serviceName: z.string().optional(),
    liveness: probeSchema,
    readiness: probeSchema,
    /** Mounts the Kafka CA (unset: no Kafka client). */
    kafkaCa: z.boolean().optional(),
    /** The key of `hosts` naming the public host of its `<name>-route53` Route, beside the generated `<name>` Route. */
    publicHost: z.enum(["userApi", "managementApi", "amunApi"]).optional(),
    /** The key that serves it on its Routes; off, it has none and answers inside the cluster only. */
    exposedWith: z.literal("exposeAmunApi").optional(),
    /** Its env, read through the station's objects of its tier's namespace. */
    env: envSpecSchema,
});

/** An investigator consumer's own part: stage splits them by mode, test runs one for both (thoth-station.md §2.5). */
const investigatorModeSchema = z.strictObject({
    name: z.string(),
    watches: z.array(stationTier),
    size: z.string(),
});

/** The investigator consumers: one service each mode of the environment gives a name, size and tiers to watch. */
const consumersSchema = serviceFactsSchema.omit({ name: true, size: true }).extend({
    modes: z.record(z.enum(["stage", "test"]), z.array(investigatorModeSchema)),
});

const SERVICES = loadFacts(
    "facts/thoth/services.yaml",
    z.strictObject({ services: z.array(z.union([serviceFactsSchema, consumersSchema])) }),
    "the station's services",
).services;

/** One long-running station service as the planner describes it (pure data, tested without mocks). */
export type ServicePlan = Omit<z.infer<typeof serviceFactsSchema>, "publicHost" | "exposedWith" | "size"> & {
    size: SizedPart;
    /** Public host of the `<name>-route53` Route, beside the generated `<name>` Route. */
    publicHost?: string;
    /** False: no Route at all, the Service answers inside the cluster only (amun-api until its templates run). */
    exposed?: false;
    /** Watches events (Kafka → Workflows in these tiers): a candidate of the watcher restart. */
    watches?: StationTier[];
};

/** Every long-running Thoth service of an environment, with its env from the shared ConfigMaps and Secrets. */
export function servicePlans(
    environment: StationEnvironment,
    config: Pick<StationModulesConfig, "hosts" | "exposeAmunApi">,
): ServicePlan[] {
    const plan = ({
        publicHost,
        exposedWith,
        size,
        ...service
    }: z.infer<typeof serviceFactsSchema>): ServicePlan => ({
        ...service,
        size: size as SizedPart,
        ...(publicHost ? { publicHost: config.hosts[publicHost] } : {}),
        ...(exposedWith && !config[exposedWith] ? { exposed: false as const } : {}),
    });
    return SERVICES.flatMap((service) => {
        if (!("modes" in service)) return [plan(service)];
        const { modes, ...consumer } = service;
        return modes[environment].map(({ watches, ...mode }) => ({
            ...plan({ ...consumer, ...mode }),
            watches,
            // The reference's spelling of the list, byte for byte: `["middletier", "backend"]`.
            env: [...consumer.env, { THOTH_CONSUMER_MODE: `[${watches.map((t) => `"${t}"`).join(", ")}]` }],
        }));
    });
}

/** A service's one container, reading its env from the station's objects of its namespace. */
function serviceContainer(
    plan: ServicePlan,
    image: string,
    reads: StationReads,
    sizing: Record<SizedPart, Sizing>,
): ContainerSpec {
    return {
        name: plan.container ?? plan.name,
        image,
        ports: [{ name: "http", containerPort: plan.port }],
        env: envFromSpec(plan.env, reads),
        resources: sizing[plan.size],
        livenessProbe: plan.liveness,
        readinessProbe: plan.readiness,
        ...(plan.kafkaCa ? { mounts: [kafkaCaMount(reads)] } : {}),
    };
}

export interface StationServicesArgs extends SystemArgs<ThothSection, KubernetesContext> {
    environment: StationEnvironment;
    namespaces: Record<StationTier, string>;
    /** Each namespace's name from its Namespace, by plain name: objects placed with it are made after it. */
    namespaceRefs: Record<string, pulumi.Output<string>>;
    domain: string;
    /** Who may reach the Routes of services whose port serves metrics (`thoth.station.modules.metricsAudience`). */
    metricsAudience: ExposureAudience;
    modules: StationModulesConfig;
    sizing: Record<SizedPart, Sizing>;
    grants: Record<string, AccessGrant[]>;
    /** The station's Secrets and ConfigMaps of a namespace, which its pods read. */
    reads: (namespace: string) => StationReads;
}

/**
 * The long-running services users and other modules hit, as Deployments (the reference's DeploymentConfigs
 * are deprecated since OpenShift 4.14; nothing here relied on their triggers). Each API gets its generated
 * Route and, where it has one, its public `-route53` Route; amun-api only with `exposeAmunApi`.
 */
export class StationServices extends SystemPart<ThothSection, KubernetesContext> {
    /** Deployment name → workload. */
    public readonly workloads: Record<string, Workload> = {};
    /** The event-watching workloads (investigator consumers) and the tiers they serve, for the watcher restart. */
    public readonly eventWatchers: { workload: Workload; tiers: StationTier[] }[] = [];
    /** Public URL of each API's `-route53` Route. */
    public readonly publicUrls: Record<string, string> = {};
    readonly #args: StationServicesArgs;

    constructor(name: string, args: StationServicesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("runbooks:thoth:StationServices", name, args, opts);
        this.#args = args;
        const planned = this.accounts(servicePlans(args.environment, args.modules));
        // Rotated tokens and keys reach the APIs and consumers, which read their env at start.
        const restartKey = new ReadsChecksumKey(this.childName("checksum-key"), this.foreignChild()).result;
        for (const { plan, account } of planned) this.service(plan, account, restartKey);
        // A Service over several Deployments selects their common instance label only.
        const shared = new Map(
            planned.flatMap(({ plan }) => (plan.serviceName ? [[plan.serviceName, plan]] : [])),
        );
        for (const [serviceName, plan] of shared) this.sharedService(serviceName, plan);
        this.registerOutputs({ publicUrls: this.publicUrls });
    }

    /** Each plan with its account, made by the first plan that runs as it. */
    private accounts(plans: ServicePlan[]): { plan: ServicePlan; account: ServiceAccount }[] {
        const args = this.#args;
        const accounts = new Map<string, ServiceAccount>();
        return plans.map((plan) => {
            const sa = plan.serviceAccount ?? plan.name;
            const account =
                accounts.get(sa) ??
                new ServiceAccount(
                    this.childName(sa),
                    {
                        cluster: this.context.cluster,
                        namespace: placedIn(args.namespaceRefs, args.namespaces[plan.tier]),
                        name: sa,
                        app: thothApp(sa, "api"),
                        grants: placedGrants(args.namespaceRefs, args.grants[sa] ?? []),
                    },
                    this.child(),
                );
            accounts.set(sa, account);
            return { plan, account };
        });
    }

    /** The generated Route of a service that owns its Service and, where it has one, its public `-route53` Route. */
    private routes(plan: ServicePlan): ExposureSpec[] {
        if (plan.serviceName || plan.exposed === false) return [];
        const host = defaultHost(plan.name, this.#args.namespaces[plan.tier], this.#args.domain);
        const tls = { termination: "edge" as const };
        const audience = this.#args.metricsAudience;
        const endpoints: ExposureSpec[] = [
            { name: plan.name, host, servicePort: plan.servicePort.name, tls, audience },
        ];
        if (plan.publicHost) {
            endpoints.push({
                name: `${plan.name}-route53`,
                host: plan.publicHost,
                servicePort: plan.servicePort.name,
                tls,
                audience,
            });
            this.publicUrls[plan.name] = `https://${plan.publicHost}`;
        }
        return endpoints;
    }

    /** One service's Deployment, with its own Service and Routes unless it shares a Service. */
    private service(plan: ServicePlan, account: ServiceAccount, restartKey: pulumi.Output<string>): void {
        const args = this.#args;
        const namespace = args.namespaces[plan.tier];
        const image = args.modules.images[plan.image];
        const serviceName = plan.serviceName ?? plan.name;
        const reads = args.reads(namespace);
        const container = serviceContainer(plan, image, reads, args.sizing);
        const endpoints = this.routes(plan);
        const app = thothApp(plan.name, plan.watches ? "consumer" : "api", image);
        // Consumers share one Service through a common instance label (the reference's `service:` label).
        const identity = plan.serviceName ? { ...app, instance: serviceName } : app;
        const ports = [{ ...plan.servicePort, targetPort: plan.port }];
        const workload = new Workload(
            this.childName(plan.name),
            {
                cluster: this.context.cluster,
                namespace: args.namespaceRefs[namespace],
                app: identity,
                replicas: args.modules.hibernated ? 0 : 1,
                serviceAccountName: account.handle.name,
                containers: [container],
                restartOnChange: { key: restartKey },
                ...(plan.serviceName
                    ? {}
                    : {
                          service: { name: serviceName, ports },
                          ...(endpoints.length > 0 ? { expose: endpoints } : {}),
                      }),
            },
            this.child(),
        );
        this.workloads[plan.name] = workload;
        if (plan.watches) this.eventWatchers.push({ workload, tiers: plan.watches });
    }

    /** A Service over several Deployments (the investigator consumers), with its generated Route. */
    private sharedService(serviceName: string, plan: ServicePlan): void {
        const { domain } = this.#args;
        const cluster = this.context.cluster;
        const namespace = this.#args.namespaces[plan.tier];
        const app = { ...thothApp(serviceName, "consumer"), instance: serviceName };
        const selector = { "app.kubernetes.io/instance": serviceName };
        const ports = [{ name: plan.servicePort.name, port: plan.servicePort.port, targetPort: plan.port }];
        recordService(cluster, {
            namespace,
            name: serviceName,
            selector,
            ports: ports.map((p) => ({ ...p, protocol: "TCP" })),
        });
        new k8s.core.v1.Service(
            this.childName(`${serviceName}-service`),
            podServiceArgs({
                name: serviceName,
                namespace: this.#args.namespaceRefs[namespace],
                app,
                spec: { selector, ports },
            }),
            this.child(),
        );
        new Exposure(
            this.childName(`${serviceName}-endpoint`),
            {
                cluster,
                namespace: this.#args.namespaceRefs[namespace],
                serviceName,
                app,
                host: defaultHost(serviceName, namespace, domain),
                servicePort: plan.servicePort.name,
                purpose: plan.servicePort.purpose,
                tls: { termination: "edge" },
            },
            // Not after the Service, as Workload exposes its own (components/shared/workload.ts): a Route needs no
            // Service to be created, and an Ingress's own await waits for the Service's endpoints.
            this.child(),
        );
    }
}
