import * as k8s from "@pulumi/kubernetes";
import { placedGrants, placedIn } from "./placement";
import { recordService } from "../../../shared/network";
import * as pulumi from "@pulumi/pulumi";
import { KubernetesContext } from "../../../config/system";
import { SystemArgs, SystemPart } from "../../../config/systemComponent";
import { ContainerSpec } from "../../../shared/container";
import { EnvMap, mergeEnv } from "../../../shared/env";
import { Exposure, ExposureSpec } from "../../../shared/exposure";
import { ExposureAudience, PortPurpose } from "../../../shared/portPurpose";
import { podServiceArgs } from "../../../shared/service";
import { httpProbe, tcpProbe } from "../../../shared/probes";
import { Sizing } from "../../../shared/resources";
import { AccessGrant, ServiceAccount } from "../../../shared/serviceAccount";
import { Workload } from "../../../shared/workload";
import { StationImages, StationModulesConfig, ThothSection } from "../../config";
import { defaultHost, thothApp } from "../../identity";
import { SizedPart } from "../sizing";
import {
    KUBERNETES_ENV,
    keyEnv,
    cephEnv,
    cephLocationEnv,
    deploymentEnv,
    graphEnv,
    kafkaCaMount,
    kafkaEnv,
    namespaceEnv,
    StationReads,
} from "../stationEnv";
import { StationEnvironment, StationTier } from "../tiers";
import { ReadsChecksumKey } from "../../../shared/startupReads";

/** One long-running station service as the planner describes it (pure data, tested without mocks). */
export interface ServicePlan {
    /** Deployment, Service and container-owner name. */
    name: string;
    tier: StationTier;
    /** Made by the first plan that runs as it (one account for both investigator consumers); unset: `name`. */
    serviceAccount?: string;
    /** Its container's name; unset: `name`. */
    container?: string;
    image: keyof StationImages;
    size: SizedPart;
    /** Its env, read through the station's objects of its tier's namespace. */
    env: (reads: StationReads) => EnvMap;
    port: number;
    /**
     * Service port → container port; the reference names it `metrics` on every API, though the APIs serve their
     * REST API on it (and /metrics beside it): its purpose says which.
     */
    servicePort: { name: string; port: number; purpose: PortPurpose };
    /** Service name when it differs from the Deployment (one Service selecting both investigator consumers). */
    serviceName?: string;
    liveness: k8s.types.input.core.v1.Probe;
    readiness: k8s.types.input.core.v1.Probe;
    /** Mounts the Kafka CA (unset: no Kafka client). */
    kafkaCa?: boolean;
    /** Public host of the `<name>-route53` Route, beside the generated `<name>` Route. */
    publicHost?: string;
    /** False: no Route at all, the Service answers inside the cluster only (amun-api until its templates run). */
    exposed?: false;
    /** Watches events (Kafka → Workflows in these tiers): a candidate of the watcher restart. */
    watches?: StationTier[];
}

const apiProbes = (readinessDelay: number) => ({
    liveness: httpProbe("/liveness", 8080, { initialDelaySeconds: 5, periodSeconds: 60, timeoutSeconds: 10 }),
    readiness: httpProbe("/readiness", 8080, { initialDelaySeconds: readinessDelay, timeoutSeconds: 10 }),
});

// thoth-station/user-api and management-api (thoth-application@f2cf35f, their DeploymentConfigs): gunicorn serves the
// Connexion REST API (/api/v1) on 8080; /metrics is one path of it. The public Routes are the API's.
const API_PORT = { port: 8080, servicePort: { name: "metrics", port: 80, purpose: "application" as const } };

/** The investigator consumers: stage splits them by mode, test runs one for both (thoth-station.md §2.5). */
function investigators(environment: StationEnvironment): ServicePlan[] {
    const modes: [string, StationTier[], SizedPart][] =
        environment === "stage"
            ? [
                  ["investigator-consumer-backend", ["backend"], "investigatorBackend"],
                  ["investigator-consumer-middletier", ["middletier"], "investigatorMiddletier"],
              ]
            : [["investigator-consumer", ["middletier", "backend"], "investigatorMiddletier"]];
    return modes.map(([name, tiers, size]) => ({
        name,
        tier: "infra",
        serviceAccount: "investigator",
        container: "investigator-consumer",
        image: "investigator",
        size,
        port: 6066,
        servicePort: { name: "web", port: 80, purpose: "application" },
        serviceName: "investigator-faust-web",
        kafkaCa: true,
        watches: tiers,
        // The reference's liveness is a TCP check on port 80, which the container does not open; checking the
        // faust web port it does open keeps the 2 h grace and the fail-once behaviour.
        liveness: tcpProbe(6066, {
            initialDelaySeconds: 7200,
            periodSeconds: 10,
            timeoutSeconds: 1,
            failureThreshold: 1,
        }),
        readiness: httpProbe("/_health", 6066, { initialDelaySeconds: 180, timeoutSeconds: 10 }),
        env: (reads) =>
            mergeEnv(
                {
                    SUBCOMMAND: "consumer",
                    // The reference's spelling of the list, byte for byte: `["middletier", "backend"]`.
                    THOTH_CONSUMER_MODE: `[${tiers.map((t) => `"${t}"`).join(", ")}]`,
                    DEBUG_LEVEL: "0",
                    APP_SCRIPT: "app.sh",
                    ARGO_PENDING_WORKFLOW_LIMIT: "900",
                    KAFKA_CONSUMER_GROUP_ID: "thoth.investigator",
                    KAFKA_CONSUMER_ENABLE_AUTO_COMMIT: "false",
                    KAFKA_CONSUMER_AUTO_OFFSET_RESET: "latest",
                    KAFKA_CONSUMER_MAX_POLL_INTERVAL_MS: "900000",
                    KAFKA_SSL_ENDPOINT_IDENTIFICATION_ALGORITHM: "none",
                    // The reference's THOTH_INVESTIGATOR_SCHEDULE_KEBECHET_ADMIN is its attribute's name; the variable
                    // v0.17.0 reads is this one (thoth/investigator/configuration.py:60), so the reference's 0 never
                    // took effect there.
                    THOTH_INVESTIGATOR_KEBECHET_ADMINISTRATOR: "0",
                },
                kafkaEnv(reads),
                graphEnv(reads),
                namespaceEnv(reads, "backend", "middletier", "infra"),
                // Only where the Workflows it submits find Ceph (thoth-common's _assign_workflow_parameters_for_ceph):
                // it opens no store itself, so it never reads the keys.
                cephLocationEnv(reads),
                deploymentEnv(reads),
                KUBERNETES_ENV,
            ),
    }));
}

/** Every long-running Thoth service of an environment, with its env from the shared ConfigMaps and Secrets. */
export function servicePlans(
    environment: StationEnvironment,
    config: Pick<StationModulesConfig, "hosts" | "exposeAmunApi">,
): ServicePlan[] {
    // The APIs push no metrics: none of user-api v0.35.x, management-api v0.18.11 or amun-api v0.10.6 reads the
    // reference's PROMETHEUS_PUSHGATEWAY_HOST/_PORT (facts/evidence/thoth/), so they get neither.
    const hosts = config.hosts;
    return [
        {
            name: "user-api",
            tier: "frontend",
            image: "userApi",
            size: "userApi",
            ...API_PORT,
            ...apiProbes(5),
            kafkaCa: true,
            publicHost: hosts.userApi,
            env: (reads) =>
                mergeEnv(
                    {
                        PORT: "8080",
                        APP_MODULE: "thoth.user_api.openapi_server:app",
                        APP_CONFIG: "gunicorn.conf.py",
                        WEB_CONCURRENCY: "2",
                        THOTH_HOST: "khemenu.thoth-station.ninja",
                        THOTH_SENTRY_IGNORE_EXCEPTION:
                            "thoth.user_api.exceptions.NotFoundException,thoth.storages.exceptions.NotFoundError",
                        THOTH_SEARCH_UI_URL: "https://thoth-station.ninja/search/",
                        THOTH_USER_API_TOKEN: reads.secret("thoth").env("user-api-token"),
                        THOTH_USER_API_APP_SECRET_KEY: reads.secret("thoth").env("app-secret-key"),
                    },
                    keyEnv(reads.configMap("user-api"), {
                        THOTH_API_REPORT_EXCEPTIONS: "report-exceptions",
                        THOTH_API_VALIDATE_RESPONSES: "validate-responses",
                        THOTH_CACHE_EXPIRATION: "cache-expiration",
                        THOTH_API_HTTPS: "api-https",
                    }),
                    KUBERNETES_ENV,
                    namespaceEnv(reads, "frontend", "middletier", "infra", "backend"),
                    deploymentEnv(reads),
                    cephEnv(reads),
                    graphEnv(reads),
                    kafkaEnv(reads),
                ),
        },
        {
            name: "management-api",
            tier: "frontend",
            container: "management-api-openapi",
            image: "managementApi",
            size: "managementApi",
            ...API_PORT,
            ...apiProbes(15),
            publicHost: hosts.managementApi,
            env: (reads) =>
                mergeEnv(
                    {
                        PORT: "8080",
                        APP_MODULE: "thoth.management_api.openapi_server:app",
                        WEB_CONCURRENCY: "2",
                        THOTH_MANAGEMENT_API_RUN_MIGRATIONS: "0",
                        THOTH_API_VALIDATE_RESPONSES: reads
                            .configMap("management-api")
                            .env("validate-responses"),
                        THOTH_API_HTTPS: reads.configMap("management-api").env("api-https"),
                        AMUN_API_URL: reads.configMap("thoth").env("amun-api-url"),
                        THOTH_MANAGEMENT_API_TOKEN: reads.secret("thoth").env("management-api-token"),
                        THOTH_APP_SECRET_KEY: reads.secret("thoth").env("app-secret-key"),
                    },
                    KUBERNETES_ENV,
                    namespaceEnv(
                        reads,
                        "frontend",
                        "middletier",
                        "graph",
                        "infra",
                        "backend",
                        "amun-inspection",
                    ),
                    deploymentEnv(reads),
                    cephEnv(reads),
                    graphEnv(reads),
                ),
        },
        {
            name: "amun-api",
            tier: "amun-api",
            image: "amunApi",
            size: "amunApi",
            ...API_PORT,
            ...apiProbes(5),
            publicHost: hosts.amunApi,
            ...(config.exposeAmunApi ? {} : { exposed: false as const }),
            env: (reads) =>
                mergeEnv(
                    {
                        PORT: "8080",
                        APP_MODULE: "amun.entrypoint:app",
                        WEB_CONCURRENCY: "1",
                        AMUN_DEBUG: "0",
                        THOTH_SENTRY_IGNORE_LOGGER: "connexion.decorators.validation",
                    },
                    keyEnv(reads.configMap("amun"), {
                        THOTH_AMUN_API_URL: "amun-api-url",
                        THOTH_AMUN_INSPECTION_NAMESPACE: "inspection-namespace",
                        THOTH_AMUN_INFRA_NAMESPACE: "infra-namespace",
                        THOTH_DEPLOYMENT_NAME: "deployment-name",
                        THOTH_LOGGING_NO_JSON: "logging-no-json",
                    }),
                    keyEnv(reads.secret("amun"), {
                        AMUN_API_APP_SECRET_KEY: "app-secret-key",
                        SENTRY_DSN: "sentry-dsn",
                    }),
                    KUBERNETES_ENV,
                    cephEnv(reads, "endpoint"),
                ),
        },
        ...investigators(environment),
        {
            name: "metrics-exporter",
            tier: "infra",
            image: "metricsExporter",
            size: "metricsExporter",
            // thoth-station/metrics-exporter v0.21.4: its one HTTP port serves the Prometheus metrics it exports.
            port: 8080,
            servicePort: { name: "metrics", port: 80, purpose: "metrics" },
            // Source: /metrics for both; liveness is the TCP connect (httpServerProbes).
            liveness: tcpProbe(8080, { initialDelaySeconds: 45, timeoutSeconds: 10 }),
            readiness: httpProbe("/metrics", 8080, { initialDelaySeconds: 30, timeoutSeconds: 10 }),
            kafkaCa: true,
            env: (reads) =>
                mergeEnv(
                    // v0.21.4 reads no THOTH_STORAGES_GRAPH_CACHE_DISABLED (thoth-storages 0.74.0 has no graph cache),
                    // no MANAGEMENT_API_PROMETHEUS_INSTANCE and no THOTH_AMUN_NAMESPACE, which the reference sets.
                    keyEnv(reads.configMap("metrics-exporter"), {
                        THOTH_METRICS_EXPORTER_UPDATE_INTERVAL: "update-interval",
                        THOTH_METRICS_EXPORTER_GRAFANA_REDIRECT_URL: "grafana-redirect-url",
                        THOTH_METRICS_EXPORTER_MAX_WORKERS: "max-workers",
                        THOTH_METRICS_EXPORTER_WEAK_READINESS: "weak-readiness",
                    }),
                    keyEnv(reads.configMap("prometheus"), {
                        PROMETHEUS_HOST_URL: "host-url",
                        METRICS_EXPORTER_INFRA_PROMETHEUS_INSTANCE: "instance-metrics-exporter-infra",
                    }),
                    {
                        PORT: "8080",
                        WEB_CONCURRENCY: "1",
                        GITHUB_ACCESS_TOKEN: reads.secret("kebechet").env("github-oauth-token"),
                        PROMETHEUS_SERVICE_ACCOUNT_TOKEN: reads.secret("prometheus-reader").env("token"),
                    },
                    namespaceEnv(reads, "frontend", "middletier", "backend", "infra", "amun-inspection"),
                    deploymentEnv(reads),
                    cephEnv(reads),
                    graphEnv(reads),
                    {
                        KNOWLEDGE_GRAPH_PORT: reads.configMap("metrics-exporter").env("knowledge-graph-port"),
                        KNOWLEDGE_GRAPH_SSL_DISABLED: reads
                            .configMap("metrics-exporter")
                            .env("knowledge-graph-ssl-disabled"),
                    },
                    kafkaEnv(reads),
                ),
        },
    ];
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
        env: plan.env(reads),
        resources: sizing[plan.size],
        livenessProbe: plan.liveness,
        readinessProbe: plan.readiness,
        ...(plan.kafkaCa ? { mounts: [kafkaCaMount(reads)] } : {}),
    };
}

/** Arguments of {@link StationServices}. */
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
