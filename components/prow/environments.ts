import type * as k8s from "@pulumi/kubernetes";
import { ClaimName, ComponentName, ImageKey, RouteName } from "./catalog";
import { Doc } from "./merge";

export const ENVIRONMENT_NAMES = ["kubevirtci-testing", "ibmcloud-staging", "ibmcloud-production"] as const;
export type EnvironmentName = (typeof ENVIRONMENT_NAMES)[number];

/** How the public endpoints get certificates. */
export type IngressTls =
    /** The ingress controller's default certificate (IKS appdomain wildcard, kubevirtci's self-signed one). */
    | { mode: "controller-default" }
    /** cert-manager issues one certificate per host into `secretName` (a base name; the prefix is added). */
    | { mode: "cert-manager"; clusterIssuer: string; secretName: string };

export interface IngressRoute {
    host: string;
    /** URL path; the component's object name (`/hook`, `/staging-hook`) when unset, so environments can share a host. */
    path?: string;
}

export interface VolumeSpec {
    size: string;
    storageClass: string;
}

/** Where the caches (greenhouse, docker mirror) run: the node with the big local disk, when there is one. */
export interface CachePlacement {
    nodeSelector: Record<string, string>;
    tolerations: k8s.types.input.core.v1.Toleration[];
}

/**
 * One environment as typed data, replacing a kustomize overlay and its patches: a value here either reaches
 * the objects or does not compile, so no patch can silently miss its target.
 */
export interface ProwEnvironment {
    /** Added to every object name and every reference to one. */
    prefix: string;
    /** Where Prow runs. The jobs namespace is derived from it (`<namespace>-jobs`) unless set. */
    namespace: string;
    jobsNamespace?: string;
    /** GCS bucket for job artifacts, tide history and status. */
    bucket: string;
    storage: Record<ClaimName, VolumeSpec>;
    /** Replica counts that differ from the component's default. */
    replicas: Partial<Record<ComponentName, number>>;
    ingress: { className: string; routes: Record<RouteName, IngressRoute>; tls: IngressTls };
    cache?: CachePlacement;
    /** Missing secrets are generated test values instead of required config (throw-away clusters only). */
    generateSecrets: boolean;
    /** The ProwJob CRD is cluster-scoped: exactly one stack per cluster may own it. */
    manageCrd: boolean;
    /**
     * Every GitHub-acting component but hook runs with `--dry-run=true`: it reads pull requests and logs what it would
     * do (comment, label, merge, create ProwJobs) without doing it. Staging shares GitHub with production. hook exits
     * at start when dry at the pinned release (args.ts HOOK_ACTS): it acts only on webhooks registered for its host.
     */
    dryRun: boolean;
    /** Per-environment changes to Prow's documents, deep-merged over the base (what the yq scripts did). */
    documents: Partial<Record<"config" | "plugins" | "labels" | "mirror", Doc>>;
}

/** The Prow release every `gcr.io/k8s-prow` image is pinned to. */
export const DEFAULT_PROW_REGISTRY = "gcr.io/k8s-prow";

/** Images not built from the Prow release, as the source manifests pin them. */
export const DEFAULT_IMAGES: Record<ImageKey, string> = {
    gcsweb: "k8s.gcr.io/gcsweb:v1.1.0",
    dockerMirror: "docker.io/library/registry:2.7.1",
    greenhouse:
        "gcr.io/k8s-testimages/greenhouse@sha256:ab1a3421cc3c072a813d8543735f218ca6caa811011391a0e5b00104700e6e7b",
    rehearse: "index.docker.io/kubevirtci/rehearse:v20201021-145ec5a",
    releaseBlocker:
        "index.docker.io/kubevirtci/release-blocker@sha256:aa89a48eca962ba63f089e7f923d56540c85fbbe34ccc324c3c733137195f0e4",
    pushgateway: "docker.io/prom/pushgateway:v0.4.0",
    pushgatewayProxy: "docker.io/nginxinc/nginx-unprivileged:1.19.3-alpine",
};

const IBM_BLOCK = "ibmc-vpc-block-general-purpose";

// The IKS cache node: labelled and tainted so only the caches land on its large local disk.
const IBM_CACHE_NODE: CachePlacement = {
    nodeSelector: { "ci.kubevirt.io/cachenode": "true" },
    tolerations: [{ key: "ci.kubevirt.io/cachenode", operator: "Exists", effect: "NoSchedule" }],
};

/**
 * An environment on the shared IBM Cloud (IKS) cluster: block storage, the IKS ingress class, the cache node and
 * real secrets are facts of the cluster, the same for staging and production.
 */
function onIbmCloud(
    env: Pick<ProwEnvironment, "prefix" | "namespace" | "bucket" | "manageCrd" | "dryRun" | "documents"> & {
        sizes: Record<ClaimName, string>;
        routes: Record<RouteName, IngressRoute>;
        tls: IngressTls;
    },
): ProwEnvironment {
    const { sizes, routes, tls, ...rest } = env;
    return {
        ...rest,
        storage: {
            ghproxy: { size: sizes.ghproxy, storageClass: IBM_BLOCK },
            greenhouse: { size: sizes.greenhouse, storageClass: IBM_BLOCK },
        },
        replicas: {},
        ingress: { className: "public-iks-k8s-nginx", routes, tls },
        cache: IBM_CACHE_NODE,
        generateSecrets: false,
    };
}

// A throw-away or staging Prow must not post job failures to the production monitoring channel.
const NO_SLACK_REPORTS: Doc = { slack_reporter_configs: null };

export const ENVIRONMENTS: Record<EnvironmentName, ProwEnvironment> = {
    "kubevirtci-testing": {
        prefix: "",
        namespace: "kubernetes-prow",
        bucket: "kubernetes-prow",
        storage: {
            ghproxy: { size: "1Gi", storageClass: "local" },
            greenhouse: { size: "30Gi", storageClass: "local" },
        },
        replicas: { deck: 1, hook: 1 },
        ingress: {
            className: "nginx",
            routes: {
                deck: { host: "deck.prowdeploy.ci", path: "/" },
                hook: { host: "hook.prowdeploy.ci" },
                gcsweb: { host: "gcsweb.prowdeploy.ci", path: "/" },
            },
            tls: { mode: "controller-default" },
        },
        generateSecrets: true,
        manageCrd: true,
        dryRun: false,
        documents: { config: { ...NO_SLACK_REPORTS, tide: { sync_period: "1m" } } },
    },
    "ibmcloud-staging": onIbmCloud({
        prefix: "staging-",
        namespace: "staging-kubevirt-prow",
        bucket: "staging-kubevirt-prow",
        sizes: { ghproxy: "1Gi", greenhouse: "1Gi" },
        routes: {
            deck: {
                host: "kubevirt-stg-aa0fc76a511b88d3d7a618e3072828e1-0002.us-south.containers.appdomain.cloud",
                path: "/",
            },
            hook: {
                host: "kubevirt-stg-aa0fc76a511b88d3d7a618e3072828e1-0000.us-south.containers.appdomain.cloud",
            },
            gcsweb: {
                host: "kubevirt-stg-aa0fc76a511b88d3d7a618e3072828e1-0000.us-south.containers.appdomain.cloud",
            },
        },
        tls: { mode: "controller-default" },
        // The production stack owns the ProwJob CRD of the shared cluster; staging uses it and never deletes it.
        manageCrd: false,
        dryRun: true,
        documents: { config: NO_SLACK_REPORTS },
    }),
    "ibmcloud-production": onIbmCloud({
        prefix: "",
        namespace: "kubevirt-prow",
        bucket: "kubevirt-prow",
        sizes: { ghproxy: "30Gi", greenhouse: "450Gi" },
        routes: {
            deck: { host: "prow.ci.kubevirt.io", path: "/" },
            hook: { host: "prow.ci.kubevirt.io" },
            gcsweb: { host: "prow.ci.kubevirt.io" },
        },
        tls: { mode: "cert-manager", clusterIssuer: "letsencrypt", secretName: "deck-tls" },
        manageCrd: true,
        dryRun: false,
        documents: {},
    }),
};
