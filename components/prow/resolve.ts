import { Sizing } from "../shared/resources";
import {
    COMPONENTS,
    IMAGE_KEYS,
    ClaimName,
    ComponentName,
    ComponentSpec,
    ImageKey,
    ROUTE_NAMES,
    RouteName,
} from "./catalog";
import type { ProwConfig } from "./config";
import {
    CachePlacement,
    DEFAULT_IMAGES,
    DEFAULT_PROW_REGISTRY,
    ENVIRONMENTS,
    EnvironmentName,
    IngressTls,
    ProwEnvironment,
    VolumeSpec,
} from "./environments";
import { Doc } from "./merge";
import { NamespaceName, ProwNaming, namespaceName, prowNaming } from "./naming";
import { ProwRefs, prowRefs } from "./refs";
import { dockerFlagArgs } from "./dockerFlags";

export type DocumentName = "config" | "plugins" | "labels" | "mirror";
export type DocumentLayer = Partial<Record<DocumentName, Doc>>;

export interface ResolvedRoute {
    host: string;
    path: string;
}

/** An environment's defaults with the stack's config applied: the one record every object is built from. */
export interface ResolvedEnvironment {
    name: EnvironmentName;
    names: ProwNaming;
    namespaces: { prow: NamespaceName; jobs: NamespaceName };
    bucket: string;
    release: string;
    registry: string;
    /**
     * Image of each component (not named `images`: the image confirmation walks a section's `images` maps, and these
     * are derived from the release and from {@link sourceImages}, which the definition declares).
     */
    componentImages: Record<ComponentName, string>;
    /** The images not built from the Prow release (`prow.images`), the environment's defaults included. */
    sourceImages: Record<ImageKey, string>;
    storage: Record<ClaimName, VolumeSpec>;
    replicas: Record<ComponentName, number>;
    resources: Record<ComponentName, Sizing>;
    ingress: { className: string; routes: Record<RouteName, ResolvedRoute>; tls: IngressTls };
    cache?: CachePlacement;
    generateSecrets: boolean;
    manageCrd: boolean;
    /** GitHub-acting components only log what they would do (see ProwEnvironment.dryRun). */
    dryRun: boolean;
    /** Document overrides in merge order: the environment's, then the stack config's. */
    documentLayers: DocumentLayer[];
    /** dockerd flags of the jobs' daemons after the program's: the stack's, else the environment's. */
    jobsDockerFlags: string[];
    refs: ProwRefs;
}

function imageOf(
    spec: ComponentSpec,
    registry: string,
    release: string,
    images: Record<ImageKey, string>,
): string {
    return "prow" in spec.image ? `${registry}/${spec.image.prow}:${release}` : images[spec.image.image];
}

function urlOf(route: ResolvedRoute): string {
    return `https://${route.host}${route.path === "/" ? "" : route.path}`;
}

/** The environment's two namespaces: the stack's, else the environment's; jobs beside prow unless named. */
function namespacesOf(config: ProwConfig, env: ProwEnvironment): ResolvedEnvironment["namespaces"] {
    const prow = config.namespace ?? env.namespace;
    return {
        prow: namespaceName(prow),
        jobs: namespaceName(config.jobsNamespace ?? env.jobsNamespace ?? `${prow}-jobs`),
    };
}

/** Each component's replicas, requests/limits and image: the stack's override over the environment's and the catalog's. */
function componentSettings(
    config: ProwConfig,
    env: ProwEnvironment,
    registry: string,
    images: Record<ImageKey, string>,
): Pick<ResolvedEnvironment, "replicas" | "resources" | "componentImages"> {
    const replicas = {} as Record<ComponentName, number>;
    const resources = {} as Record<ComponentName, Sizing>;
    const componentImages = {} as Record<ComponentName, string>;
    for (const spec of COMPONENTS) {
        const override = config.components?.[spec.name];
        replicas[spec.name] = override?.replicas ?? env.replicas[spec.name] ?? spec.replicas;
        resources[spec.name] = {
            requests: { ...spec.resources.requests, ...(override?.resources?.requests ?? {}) },
            limits: { ...spec.resources.limits, ...(override?.resources?.limits ?? {}) },
        };
        componentImages[spec.name] = imageOf(spec, registry, config.release, images);
    }
    return { replicas, resources, componentImages };
}

/** Each volume's size and class: the stack's override over the environment's. */
function storageOf(config: ProwConfig, env: ProwEnvironment): Record<ClaimName, VolumeSpec> {
    const storage = {} as Record<ClaimName, VolumeSpec>;
    for (const claim of Object.keys(env.storage) as ClaimName[]) {
        storage[claim] = { ...env.storage[claim], ...(config.storage?.[claim] ?? {}) };
    }
    return storage;
}

/** Each public route's host and path: the stack's over the environment's; the path defaults to `/<object name>`. */
function routesOf(
    config: ProwConfig,
    env: ProwEnvironment,
    names: ProwNaming,
): Record<RouteName, ResolvedRoute> {
    const routes = {} as Record<RouteName, ResolvedRoute>;
    for (const route of ROUTE_NAMES) {
        const merged = { ...env.ingress.routes[route], ...(config.ingress?.routes?.[route] ?? {}) };
        routes[route] = { host: merged.host, path: merged.path ?? `/${names.name(route)}` };
    }
    return routes;
}

/** Pure: the environment's typed defaults overridden by the stack config. Namespaces are derived here, once. */
export function resolveEnvironment(config: ProwConfig): ResolvedEnvironment {
    const env = ENVIRONMENTS[config.environment];
    const names = prowNaming(config.prefix ?? env.prefix);
    const namespaces = namespacesOf(config, env);
    const bucket = config.bucket ?? env.bucket;
    const registry = config.prowRegistry ?? DEFAULT_PROW_REGISTRY;
    const images = Object.fromEntries(
        IMAGE_KEYS.map((key) => [key, config.images?.[key] ?? DEFAULT_IMAGES[key]]),
    ) as Record<ImageKey, string>;
    const components = componentSettings(config, env, registry, images);
    const routes = routesOf(config, env, names);
    const refs = prowRefs({
        names,
        namespaces,
        bucket,
        urls: { deck: urlOf(routes.deck), hook: urlOf(routes.hook), gcsweb: urlOf(routes.gcsweb) },
        release: { registry, tag: config.release },
        dryRun: config.dryRun ?? env.dryRun,
        slackReports: keepsSlackReports([env.documents, (config.documents ?? {}) as DocumentLayer]),
        bucketCredentials: !env.generateSecrets,
    });

    return {
        name: config.environment,
        names,
        namespaces,
        bucket,
        release: config.release,
        registry,
        componentImages: components.componentImages,
        sourceImages: images,
        storage: storageOf(config, env),
        replicas: components.replicas,
        resources: components.resources,
        ingress: {
            className: config.ingress?.className ?? env.ingress.className,
            routes,
            tls: config.ingress?.tls ?? env.ingress.tls,
        },
        cache: env.cache,
        generateSecrets: env.generateSecrets,
        manageCrd: config.manageCrd ?? env.manageCrd,
        dryRun: refs.dryRun,
        documentLayers: [env.documents, (config.documents ?? {}) as DocumentLayer],
        jobsDockerFlags: dockerFlagArgs(config.jobsDockerFlags ?? env.jobsDockerFlags ?? {}),
        refs,
    };
}

/**
 * Whether config.yaml still has `slack_reporter_configs` once every layer is merged over the base, which has them:
 * the last layer that names the key decides (null removes it, a value sets it).
 */
function keepsSlackReports(layers: readonly DocumentLayer[]): boolean {
    let kept = true;
    for (const layer of layers) {
        const config = layer.config as Record<string, unknown> | undefined;
        if (config !== undefined && "slack_reporter_configs" in config)
            kept = config.slack_reporter_configs !== null;
    }
    return kept;
}
