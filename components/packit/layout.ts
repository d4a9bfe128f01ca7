import { Sizing, fixedSize, sized } from "../shared/resources";
import type { Component, PackitConfig, PackitImage, ServiceName, WorkersConfig } from "./config";

// Pure naming and layout rules of packit/deployment, shared by the checks, the components and the tests.

export function mainNamespace(
    service: ServiceName,
    config: Pick<PackitConfig, "namespace" | "deployment">,
): string {
    return config.namespace ?? `${service}-${config.deployment}`;
}

export function sandboxNamespace(
    service: ServiceName,
    config: Pick<PackitConfig, "sandbox" | "deployment">,
): string {
    return config.sandbox.namespace ?? `${service}-${config.deployment}-sandbox`;
}

/**
 * True during a major PostgreSQL upgrade: while the copy runs nothing may write to the database, so the API,
 * the workers and beat stop (the listeners keep queueing).
 */
export function writersPaused(config: Pick<PackitConfig, "components" | "postgres">): boolean {
    return config.components.postgres && config.postgres.previous !== undefined;
}

export const ENDPOINTS = {
    service: "service",
    dashboard: "dashboard",
    metrics: "pushgateway",
    flower: "flower",
    redisCommander: "redisCommander",
} as const satisfies Record<string, Component>;
export type Endpoint = keyof typeof ENDPOINTS;

const SUBDOMAIN: Record<Exclude<Endpoint, "service">, string> = {
    dashboard: "dashboard",
    metrics: "workers",
    flower: "flower",
    redisCommander: "redis-commander",
};

/**
 * Host of an endpoint: the service answers on `<deployment>.<domain>` (prod.packit.dev, stg.stream.packit.dev),
 * the others on `<name>.<domain>` in production and `<name>.<deployment>.<domain>` elsewhere.
 */
export function hostOf(
    endpoint: Endpoint,
    config: Pick<PackitConfig, "hosts" | "domain" | "deployment">,
): string {
    const override = config.hosts[endpoint];
    if (override) return override;
    if (endpoint === "service") return `${config.deployment}.${config.domain}`;
    const env = config.deployment === "prod" ? "" : `${config.deployment}.`;
    return `${SUBDOMAIN[endpoint]}.${env}${config.domain}`;
}

export function publicEndpoints(config: PackitConfig): { endpoint: Endpoint; host: string }[] {
    return (Object.keys(ENDPOINTS) as Endpoint[])
        .filter((e) => config.components[ENDPOINTS[e]])
        .map((endpoint) => ({ endpoint, host: hostOf(endpoint, config) }));
}

/** True when a certificate name (a host or a one-label wildcard) covers a host, as TLS clients match them. */
export function certificateCovers(name: string, host: string): boolean {
    if (!name.startsWith("*.")) return name === host;
    const dot = host.indexOf(".");
    return dot > 0 && host.slice(dot + 1) === name.slice(2);
}

/** The wildcard that would cover a host, for the fix of a missing certificate. */
export function wildcardFor(host: string): string {
    return `*.${host.slice(host.indexOf(".") + 1)}`;
}

/** Repository of an image under the registry, where config does not override it and it is not the stream's name. */
const DEFAULT_REPOSITORIES: Partial<Record<PackitImage, string>> = { "packit-dashboard": "dashboard" };

/** Which component runs which image (beat runs the worker image). */
export const IMAGE_USERS: Record<PackitImage, Component[]> = {
    "packit-service": ["service"],
    "packit-worker": ["workers", "beat"],
    "packit-service-fedmsg": ["fedmsg"],
    "packit-service-centosmsg": ["centosmsg"],
    "packit-dashboard": ["dashboard"],
    tokman: ["tokman"],
};

export function imageReference(registry: string, repository: string, ref: string): string {
    return ref.startsWith("sha256:")
        ? `${registry}/${repository}@${ref}`
        : `${registry}/${repository}:${ref}`;
}

export interface ImageSource {
    /** ImageStream name, also the name triggers refer to. */
    stream: PackitImage;
    /** ImageStream tag: the deployment (`stg`, `prod`), as packit/deployment names it. */
    tag: string;
    /** The external image the tag imports: the deployment tag, or the pinned tag/digest. */
    from: string;
    pinned: boolean;
}

export function imageSources(config: PackitConfig): ImageSource[] {
    const { images } = config;
    return (Object.keys(IMAGE_USERS) as PackitImage[])
        .filter((stream) => IMAGE_USERS[stream].some((c) => config.components[c]))
        .map((stream) => {
            const pin = images.pins[stream];
            const repository = images.repositories[stream] ?? DEFAULT_REPOSITORIES[stream] ?? stream;
            return {
                stream,
                tag: config.deployment,
                from: imageReference(images.registry, repository, pin ?? images.tag),
                pinned: pin !== undefined,
            };
        });
}

export interface WorkerGroup {
    /** Object name: `packit-worker`, `packit-worker-short-running`, `packit-worker-long-running`. */
    name: string;
    queues: string;
    replicas: number;
    /** Size of the repository cache; only workers serving long-running tasks clone repositories. */
    repositoryCache?: string;
    sandcastleVolume: string;
    size: Sizing;
}

/**
 * Every queue packit-service's Celery side publishes to: its default (short-running), the routed long-running, and
 * rate-limited, where a handler re-queues a task close to a forge's rate limit (packit_service/constants.py:178-179,
 * worker/handlers/abstract.py:594-596). A queue no worker serves keeps its tasks in Redis until they expire;
 * packit/deployment serves rate-limited beside long-running (roles/deploy/tasks/main.yml:186,234).
 */
const ALL_QUEUES = ["short-running", "long-running", "rate-limited"] as const;

export function workerGroups(workers: WorkersConfig): WorkerGroup[] {
    const common = { sandcastleVolume: workers.sandcastleVolume };
    if (workers.split === "all-queues") {
        return [
            {
                ...common,
                name: "packit-worker",
                queues: ALL_QUEUES.join(","),
                replicas: workers.allQueues ?? 1,
                repositoryCache: workers.repositoryCache,
                size: SIZES.worker,
            },
        ];
    }
    return [
        {
            ...common,
            name: "packit-worker-short-running",
            queues: "short-running",
            replicas: workers.shortRunning ?? 1,
            size: SIZES.shortRunningWorker,
        },
        {
            ...common,
            name: "packit-worker-long-running",
            queues: "long-running,rate-limited",
            replicas: workers.longRunning ?? 1,
            repositoryCache: workers.repositoryCache,
            size: SIZES.worker,
        },
    ];
}

/**
 * The sandbox twin of every worker pod's repository cache: the cluster has no shared (RWX) volumes, so each
 * sandbox pod of worker `<set>-<i>` mounts its own copy `sandcastle-repository-cache-<set>-<i>`.
 */
export function sandboxCacheClaims(groups: readonly WorkerGroup[]): { name: string; size: string }[] {
    return groups.flatMap(({ name, replicas, repositoryCache }) =>
        repositoryCache
            ? Array.from({ length: replicas }, (_, i) => ({
                  name: `sandcastle-repository-cache-${name}-${i}`,
                  size: repositoryCache,
              }))
            : [],
    );
}

/**
 * Requests and limits from packit/deployment. Where the source gives one value, requests equal limits: the
 * source wants Guaranteed QoS for its small pods.
 */
export const SIZES = {
    service: sized("50m", "96Mi", "200m", "128Mi"),
    worker: fixedSize("400m", "896Mi"),
    shortRunningWorker: fixedSize("400m", "256Mi"),
    beat: fixedSize("80m", "150Mi"),
    fedmsg: fixedSize("100m", "80Mi"),
    centosmsg: fixedSize("100m", "80Mi"),
    dashboard: fixedSize("100m", "128Mi"),
    tokman: fixedSize("100m", "80Mi"),
    postgres: fixedSize("100m", "386Mi"),
    redis: fixedSize("100m", "80Mi"),
    redisCommander: fixedSize("100m", "80Mi"),
    flower: fixedSize("100m", "80Mi"),
    pushgateway: fixedSize("50m", "80Mi"),
    nginx: fixedSize("50m", "80Mi"),
    cliJob: fixedSize("100m", "128Mi"),
    postgresCopy: fixedSize("500m", "512Mi"),
} satisfies Record<string, Sizing>;
