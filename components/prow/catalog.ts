import { httpProbe, httpServerProbes, tcpProbe } from "../shared/probes";
import { Sizing, fixedSize, sized } from "../shared/resources";
import type { ProwRefs } from "./refsContract";
import type { ComponentName } from "./componentNames";
import type { PortPurpose } from "../shared/portPurpose";

export { COMPONENT_NAMES, ComponentName } from "./componentNames";

/** ConfigMaps the program renders (`job-config` only seeded: config-updater owns it after creation). */
export const CONFIG_MAP_NAMES = [
    "config",
    "plugins",
    "label-config",
    "mirror-config",
    "job-config",
    "pushgateway-proxy-config",
    "docker-daemon-mirror-config",
] as const;
export type ConfigMapName = (typeof CONFIG_MAP_NAMES)[number];

/** Secrets, by object base name (systems.md §3 file layout, less the API keys hook never opens: see hook). */
export type SecretName =
    | "commenter-oauth-token"
    | "cookie"
    | "gcs"
    | "github-oauth-config"
    | "hmac-token"
    | "kubeconfig"
    | "kubevirtci-coveralls-token"
    | "kubevirtci-docker-credential"
    | "kubevirtci-quay-credential"
    | "kubevirtci-installer-pull-token"
    | "oauth-token"
    | "slack-token";

/** PersistentVolumeClaims, named after the component that owns them. */
export const CLAIM_NAMES = ["ghproxy", "greenhouse"] as const;
export type ClaimName = (typeof CLAIM_NAMES)[number];

/** Components with a public Ingress route. */
export const ROUTE_NAMES = ["deck", "hook", "gcsweb"] as const;
export type RouteName = (typeof ROUTE_NAMES)[number];

/** Images that are not built from the Prow release (`prow.images.<key>`). */
export const IMAGE_KEYS = [
    "gcsweb",
    "dockerMirror",
    "greenhouse",
    "rehearse",
    "releaseBlocker",
    "pushgateway",
    "pushgatewayProxy",
] as const;
export type ImageKey = (typeof IMAGE_KEYS)[number];

/** Where a component's image comes from: the Prow release (`<registry>/<name>:<release>`) or `prow.images`. */
export type ImageSource = { prow: string } | { image: ImageKey };

/** A volume a container mounts; its object reference goes through the naming function when it is built. */
export type Mount =
    | { configMap: ConfigMapName; path: string }
    | { secret: SecretName; path: string }
    | { claim: ClaimName; path: string }
    | { emptyDir: string; path: string; sizeLimit?: string };

export interface PolicyRule {
    apiGroups: string[];
    resources: string[];
    verbs: string[];
    resourceNames?: string[];
}

export interface ServicePortSpec {
    name: string;
    port: number;
    targetPort: number;
    /** What it serves ({@link PortPurpose}): its Prometheus metrics, or the component's own clients. */
    purpose?: PortPurpose;
}

/** One Prow component as the source manifests define it, with its object references still symbolic. */
export interface ComponentSpec {
    name: ComponentName;
    /** `app.kubernetes.io/component` label. */
    role: string;
    image: ImageSource;
    /** Container name (the source's; defaults to the component name). */
    container?: string;
    schedule?: string;
    /** Replicas unless the environment or config says otherwise. */
    replicas: number;
    /** Single-writer pods holding a RWO volume or not supporting HA. */
    strategy?: "Recreate";
    args(refs: ProwRefs): string[];
    ports?: { name: string; containerPort: number }[];
    service?: ServicePortSpec[];
    mounts: Mount[];
    liveness?: ReturnType<typeof httpProbe>;
    readiness?: ReturnType<typeof httpProbe>;
    resources: Sizing;
    /** Rules of the component's Role in each namespace; a namespace without rules gets no Role. */
    rbac?: { prow?: PolicyRule[]; jobs?: PolicyRule[] };
    /** Runs on the environment's cache node (big local disk), when it has one. */
    placement?: "cache";
    /** The PersistentVolumeClaim this component owns. */
    claim?: ClaimName;
    terminationGracePeriodSeconds?: number;
    /** The `app` label its kustomize Deployment selects, where it is not the component's name (see {@link liveSelectorOf}). */
    liveApp?: string;
}

/**
 * The selector a component's Deployment runs with today: `app: <name>`. Every Deployment of the kustomize base
 * selects only `app` (kubevirt/project-infra@145ec5a github/ci/prow-deploy/kustom/base: manifests/test_infra/
 * e88598c4…/{crier,deck,hook,horologium,needs-rebase,plank,sinker,statusreconciler,tide}_deployment.yaml, ghproxy.yaml,
 * pushgateway_deployment.yaml (pushgateway, pushgateway-proxy); manifests/local/{cherrypicker,docker-mirror,
 * release-blocker}_deployment.yaml, {exporter,gcsweb,greenhouse}-deployment.yaml), rehearse `app: prow-rehearse`
 * (prow-rehearse-deployment.yaml). No environment adds labels (no `commonLabels`); staging's `namePrefix` renames
 * objects, never label values, so `staging-hook` selects `app: hook` too. Kept so the first `pulumi up` updates the
 * running Deployments in place: a new selector would leave the old pods running next to the new ones (two
 * horologiums, two tides).
 */
export function liveSelectorOf(spec: ComponentSpec): Record<string, string> {
    return { app: spec.liveApp ?? spec.name };
}

const PROWJOBS = "prow.k8s.io";
const CORE = "";
/** A rule on ProwJobs, the verbs a component uses on them. */
const prowjobs = (...verbs: string[]): PolicyRule => ({
    apiGroups: [PROWJOBS],
    resources: ["prowjobs"],
    verbs,
});

const github = (r: ProwRefs): string[] => [
    `--github-endpoint=${r.serviceUrl("ghproxy")}`,
    "--github-endpoint=https://api.github.com",
    "--github-token-path=/etc/github/oauth",
];
/** Staging logs what it would do on GitHub instead of doing it (ProwEnvironment.dryRun). */
const dryRunArg = (r: ProwRefs) => `--dry-run=${r.dryRun}`;
/**
 * A binary that validates prow/flagutil's Kubernetes options reads ProwJobs through deck when it runs dry, and exits
 * at start without a deck URL (kubernetes/test-infra@a5b49bc903:prow/flagutil/kubernetes_cluster_clients.go:63-66,
 * 137-145).
 */
const dryRunThroughDeck = (r: ProwRefs): string[] =>
    r.dryRun ? [dryRunArg(r), `--deck-url=${r.serviceUrl("deck")}`] : [dryRunArg(r)];
/**
 * hook cannot run dry at this release: its infrastructure client is refused in dry-run mode and it exits at start
 * (a5b49bc903:prow/cmd/hook/main.go:167-170, prow/flagutil/kubernetes_cluster_clients.go:159-174). It acts only on
 * the events GitHub delivers to its own host, signed with its own HMAC secret, so staging's hook acts on nothing
 * until a webhook is registered for it.
 */
const HOOK_ACTS = "--dry-run=false";
/** branchprotector and label_sync change GitHub only with --confirm. */
const confirmArg = (r: ProwRefs) => `--confirm=${!r.dryRun}`;
const CONFIG_ARGS = ["--config-path=/etc/config/config.yaml", "--job-config-path=/etc/job-config"];
const CONFIG_MOUNTS: Mount[] = [
    { configMap: "config", path: "/etc/config" },
    { configMap: "job-config", path: "/etc/job-config" },
];
const OAUTH: Mount = { secret: "oauth-token", path: "/etc/github" };
const HMAC: Mount = { secret: "hmac-token", path: "/etc/webhook" };
const PLUGINS: Mount = { configMap: "plugins", path: "/etc/plugins" };
const GCS: Mount = { secret: "gcs", path: "/etc/gcs" };
const KUBECONFIG: Mount = { secret: "kubeconfig", path: "/etc/kubeconfig" };
const SLACK: Mount = { secret: "slack-token", path: "/etc/slack" };
const GCS_ARG = "--gcs-credentials-file=/etc/gcs/service-account.json";
const KUBECONFIG_ARG = "--kubeconfig=/etc/kubeconfig/config";

const HTTP_8888 = [{ name: "http", containerPort: 8888 }];
const SERVICE_HTTP_8888: ServicePortSpec[] = [{ name: "http", port: 80, targetPort: 8888 }];
/*
 * No Prow controller gets a `metrics` port: the program's config.yaml sets `push_gateway.endpoint` and no
 * `serve_metrics`, so every binary calling metrics.ExposeMetrics pushes and serves nothing on --metrics-port
 * (kubernetes/test-infra@a5b49bc903:prow/metrics/metrics.go:38-42). status-reconciler does not call it at all.
 */

/**
 * Prow's health endpoints (test-infra prow/pjutil/health.go, served on flagutil.DefaultHealthPort 8081 by every Prow
 * binary that calls pjutil.NewHealth): `/healthz` answers while the process runs, `/healthz/ready` once it has
 * loaded its config and started its informers. Timings of the upstream deck and hook manifests
 * (kubevirt/project-infra github/ci/prow-deploy/kustom/base manifests/test_infra, deck_deployment.yaml).
 */
const PROW_HEALTH = {
    livenessProbe: httpProbe("/healthz", 8081, { initialDelaySeconds: 3, periodSeconds: 3 }),
    readinessProbe: httpProbe("/healthz/ready", 8081, { initialDelaySeconds: 10, periodSeconds: 3 }),
};

/**
 * Prow's health server on 8081 (PROW_HEALTH, kubernetes/test-infra@a5b49bc903:prow/pjutil/health.go:29-51), for the
 * binaries of the release that start it with `pjutil.NewHealth` and `ServeReady`, at a5b49bc903:
 * prow/cmd/deck/main.go:306,454; prow/cmd/hook/main.go:237,250; ghproxy/ghproxy.go:168-169;
 * prow/cmd/exporter/main.go:81,106; prow/external-plugins/needs-rebase/main.go:124-125;
 * prow/external-plugins/cherrypicker/main.go:142-143. prow/cmd/{crier,tide,horologium,sinker,status-reconciler}/main.go
 * start none, so a probe on 8081 would kill them.
 */
const PROW_PROBES = { liveness: PROW_HEALTH.livenessProbe, readiness: PROW_HEALTH.readinessProbe };

/** httpServerProbes under the catalog's field names. */
const serverProbes = (...args: Parameters<typeof httpServerProbes>) => {
    const probes = httpServerProbes(...args);
    return { readiness: probes.readinessProbe, liveness: probes.livenessProbe };
};

/**
 * A server with no health endpoint of its own (no pjutil health, nothing in its source): ready once its port accepts
 * connections, and no liveness probe, because the only check there is would be the same one.
 */
const listening = (port: number) => ({ readiness: tcpProbe(port, { initialDelaySeconds: 3 }) });

/** External plugins: webhook receivers that hook forwards events to. */
const externalPlugin = (
    name: ComponentName,
    image: ImageSource,
    port = 8888,
    extra: Mount[] = [],
    // Only needs-rebase defines --plugin-config; cherrypicker (kubernetes/test-infra@a5b49bc903:
    // prow/external-plugins/cherrypicker/main.go:64-72) and release-blocker (kubevirt/project-infra@145ec5a:
    // external-plugins/release-blocker/main.go:46-50) do not, and exit on a flag they do not define.
    pluginConfig = false,
): ComponentSpec => ({
    name,
    role: "external-plugin",
    image,
    replicas: 1,
    args: (r) => [
        dryRunArg(r),
        ...github(r),
        "--hmac-secret-file=/etc/webhook/hmac",
        ...(pluginConfig ? ["--plugin-config=/etc/plugins/plugins.yaml"] : []),
    ],
    ports: [{ name: "http", containerPort: port }],
    service: port === 8888 ? SERVICE_HTTP_8888 : [{ name: "http", port, targetPort: port }],
    mounts: [HMAC, OAUTH, PLUGINS, ...extra],
    ...("prow" in image ? PROW_PROBES : listening(port)),
    resources: sized("50m", "64Mi", undefined, "256Mi"),
    terminationGracePeriodSeconds: 180,
});

/**
 * The components of KubeVirt's Prow (kubevirt/project-infra github/ci/prow-deploy/kustom/base, test-infra
 * v20201020 manifests), in apply order. Sizes are not in the source manifests except where noted; the others are
 * requests/limits that fit the upstream components' usage so that every container has a memory limit.
 */
export const COMPONENTS: readonly ComponentSpec[] = [
    {
        name: "deck",
        role: "frontend",
        image: { prow: "deck" },
        replicas: 3,
        args: (r) => [
            ...CONFIG_ARGS,
            `--tide-url=${r.serviceUrl("tide")}/`,
            `--hook-url=${r.serviceUrl("hook")}/plugin-help`,
            "--oauth-url=/github-login",
            "--github-oauth-config-file=/etc/githuboauth/secret",
            "--cookie-secret=/etc/cookie/secret",
            "--plugin-config=/etc/plugins/plugins.yaml",
            "--spyglass=true",
            "--rerun-creates-job",
            ...github(r),
            GCS_ARG,
            KUBECONFIG_ARG,
        ],
        ports: [{ name: "http", containerPort: 8080 }],
        service: [{ name: "http", port: 80, targetPort: 8080 }],
        mounts: [
            ...CONFIG_MOUNTS,
            { secret: "github-oauth-config", path: "/etc/githuboauth" },
            { secret: "cookie", path: "/etc/cookie" },
            OAUTH,
            PLUGINS,
            GCS,
            KUBECONFIG,
        ],
        ...PROW_PROBES,
        resources: sized("100m", "256Mi", undefined, "1Gi"),
        rbac: {
            jobs: [
                prowjobs("get", "list", "watch", "create"),
                { apiGroups: [CORE], resources: ["pods/log"], verbs: ["get"] },
            ],
        },
        terminationGracePeriodSeconds: 30,
    },
    {
        name: "hook",
        role: "webhook",
        image: { prow: "hook" },
        replicas: 4,
        args: (r) => [
            HOOK_ACTS,
            ...CONFIG_ARGS,
            ...github(r),
            "--hmac-secret-file=/etc/webhook/hmac",
            "--plugin-config=/etc/plugins/plugins.yaml",
            "--slack-token-file=/etc/slack/token",
            KUBECONFIG_ARG,
        ],
        ports: HTTP_8888,
        service: [{ name: "http", port: 8888, targetPort: 8888 }],
        // No Unsplash (/etc/unsplash-api/honk.txt) or cat API (/etc/cat-api/api-key) key, unlike test-infra's
        // manifest: hook opens one only at the path plugins.yaml sets as `goose.key_path` or `cat.key_path`
        // (kubernetes/test-infra@a5b49bc903 prow/plugins/config.go:319,325, prow/plugins/goose/goose.go:97-116,
        // prow/plugins/cat/cat.go:100-116,193), and neither our plugins.yaml (facts/prow/documents.yaml orgPlugins:
        // cat on, goose off) nor production's (kubevirt/project-infra@145ec5a github/ci/prow-deploy) sets either. Production's
        // secrets boilerplate says honk.txt "can be safely left blank when the unsplash plugin is not used"
        // (kustom/secrets-boilerplate/unsplash-api/honk.txt). A key goes back with the key_path that opens it.
        mounts: [...CONFIG_MOUNTS, HMAC, OAUTH, PLUGINS, SLACK, KUBECONFIG],
        ...PROW_PROBES,
        resources: sized("100m", "256Mi", undefined, "1Gi"),
        rbac: {
            jobs: [prowjobs("create", "get", "list", "update")],
            // config-updater writes job-config in the prow namespace.
            prow: [{ apiGroups: [CORE], resources: ["configmaps"], verbs: ["create", "get", "update"] }],
        },
        terminationGracePeriodSeconds: 180,
    },
    {
        name: "plank",
        role: "controller",
        image: { prow: "plank" },
        // Replaced by the controller manager upstream; KubeVirt keeps the Deployment at 0.
        replicas: 0,
        strategy: "Recreate",
        // No GitHub flags: plank defines none at this release (kubernetes/test-infra@a5b49bc903:
        // prow/cmd/plank/main.go:54-63) and would exit on them if scaled up. Its --dry-run defaults to true (line 61),
        // so it is always given: left out, plank runs dry without a deck URL and exits at start.
        args: (r) => [...dryRunThroughDeck(r), ...CONFIG_ARGS, KUBECONFIG_ARG, "--skip-report=true"],
        mounts: [...CONFIG_MOUNTS, KUBECONFIG],
        resources: sized("100m", "128Mi", undefined, "512Mi"),
        rbac: {
            jobs: [
                prowjobs("get", "create", "list", "watch", "update", "patch"),
                {
                    apiGroups: [CORE],
                    resources: ["pods"],
                    verbs: ["create", "delete", "list", "watch", "get", "patch"],
                },
            ],
        },
    },
    {
        name: "crier",
        role: "reporter",
        image: { prow: "crier" },
        replicas: 1,
        args: (r) => [
            ...CONFIG_ARGS,
            ...github(r),
            "--github-workers=5",
            // With Slack reports off in config.yaml, a Slack worker makes crier exit at start
            // (kubernetes/test-infra@a5b49bc903:prow/cmd/crier/main.go:222-224).
            ...(r.slackReports ? ["--slack-workers=1"] : []),
            "--slack-token-file=/etc/slack/token",
            "--gcs-workers=1",
            "--kubernetes-gcs-workers=1",
            GCS_ARG,
            KUBECONFIG_ARG,
        ],
        mounts: [...CONFIG_MOUNTS, OAUTH, SLACK, GCS, KUBECONFIG],
        // No health server, no listener but pprof on 6060 (a5b49bc903:prow/cmd/crier/main.go:196,306): no probe, port or Service.
        resources: sized("100m", "128Mi", undefined, "512Mi"),
        rbac: {
            jobs: [
                prowjobs("get", "watch", "list", "patch"),
                { apiGroups: [CORE], resources: ["pods", "events"], verbs: ["get", "list"] },
                { apiGroups: [CORE], resources: ["pods"], verbs: ["patch"] },
            ],
        },
        terminationGracePeriodSeconds: 30,
    },
    {
        name: "tide",
        role: "merge-controller",
        image: { prow: "tide" },
        replicas: 1,
        args: (r) => [
            ...dryRunThroughDeck(r),
            ...CONFIG_ARGS,
            ...github(r),
            GCS_ARG,
            // tide reads its history from the bucket at start and exits on credentials GCS refuses
            // (a5b49bc903:prow/cmd/tide/main.go:166-168, prow/tide/history/history.go:58-65): a throw-away
            // cluster's generated key is no key, so its tide keeps both in memory.
            ...(r.bucketCredentials
                ? [
                      `--history-uri=gs://${r.bucket}/tide-history.json`,
                      `--status-path=gs://${r.bucket}/tide-status-checkpoint.yaml`,
                  ]
                : []),
        ],
        ports: HTTP_8888,
        service: SERVICE_HTTP_8888,
        mounts: [...CONFIG_MOUNTS, OAUTH, GCS],
        // tide serves its pools and history on --port (8888) only after its first sync, and no health endpoint
        // (a5b49bc903:prow/cmd/tide/main.go:86,187-201): ready once it listens; no liveness, as the only check would
        // be the same connect and the first sync may be long.
        ...listening(8888),
        resources: sized("100m", "256Mi", undefined, "1Gi"),
        rbac: {
            jobs: [prowjobs("create", "list", "get", "watch")],
        },
    },
    {
        name: "horologium",
        role: "scheduler",
        image: { prow: "horologium" },
        replicas: 1,
        // Two horologiums would trigger every periodic twice.
        strategy: "Recreate",
        args: (r) => [...dryRunThroughDeck(r), ...CONFIG_ARGS],
        mounts: CONFIG_MOUNTS,
        // No health server, no listener but pprof on 6060 (a5b49bc903:prow/cmd/horologium/main.go:87,103): no probe, port or Service.
        resources: sized("50m", "64Mi", undefined, "256Mi"),
        rbac: {
            jobs: [prowjobs("create", "list", "watch")],
        },
    },
    {
        name: "sinker",
        role: "garbage-collector",
        image: { prow: "sinker" },
        replicas: 1,
        args: (r) => [...dryRunThroughDeck(r), ...CONFIG_ARGS, KUBECONFIG_ARG],
        mounts: [...CONFIG_MOUNTS, KUBECONFIG],
        // No health server, no listener but pprof on 6060 (a5b49bc903:prow/cmd/sinker/main.go:104,117): no probe, port or Service.
        resources: sized("50m", "128Mi", undefined, "512Mi"),
        rbac: {
            jobs: [
                prowjobs("delete", "list", "watch", "get"),
                {
                    apiGroups: [CORE],
                    resources: ["pods"],
                    verbs: ["delete", "list", "watch", "get", "patch"],
                },
                // Leader election lock, kept in the prowjob namespace.
                {
                    apiGroups: ["coordination.k8s.io", CORE],
                    resources: ["leases", "configmaps"],
                    resourceNames: ["prow-sinker-leaderlock"],
                    verbs: ["get", "update"],
                },
                {
                    apiGroups: ["coordination.k8s.io", CORE],
                    resources: ["leases", "configmaps", "events"],
                    verbs: ["create"],
                },
            ],
        },
    },
    {
        name: "statusreconciler",
        role: "controller",
        image: { prow: "status-reconciler" },
        replicas: 1,
        args: (r) => [
            ...dryRunThroughDeck(r),
            "--continue-on-error=true",
            ...CONFIG_ARGS,
            "--plugin-config=/etc/plugins/plugins.yaml",
            ...github(r),
            GCS_ARG,
            `--status-path=gs://${r.bucket}/status-reconciler-status`,
        ],
        mounts: [...CONFIG_MOUNTS, PLUGINS, OAUTH, GCS],
        // No health server, no listener but pprof on 6060 (a5b49bc903:prow/cmd/status-reconciler/main.go:107): no probe, port or Service.
        resources: sized("50m", "128Mi", undefined, "512Mi"),
        rbac: { jobs: [prowjobs("create")] },
        terminationGracePeriodSeconds: 180,
    },
    {
        name: "ghproxy",
        role: "github-cache",
        image: { prow: "ghproxy" },
        // GHProxy does not support HA, and its cache is a RWO volume.
        replicas: 1,
        strategy: "Recreate",
        args: (r) => [
            "--cache-dir=/cache",
            "--cache-sizeGB=99",
            // A flag naming a Service: through the refs, so ghproxy's pushes are admitted (a name string opens nothing).
            `--push-gateway=${r.serviceHost("pushgateway")}`,
            "--serve-metrics=true",
        ],
        ports: HTTP_8888,
        service: SERVICE_HTTP_8888,
        mounts: [{ claim: "ghproxy", path: "/cache" }],
        ...PROW_PROBES,
        resources: sized("100m", "256Mi", undefined, "1Gi"),
        claim: "ghproxy",
    },
    externalPlugin("needs-rebase", { prow: "needs-rebase" }, 8888, [], true),
    externalPlugin("cherrypicker", { prow: "cherrypicker" }),
    {
        name: "exporter",
        role: "metrics",
        image: { prow: "exporter" },
        replicas: 1,
        strategy: "Recreate",
        args: () => ["--config-path=/etc/config/config.yaml"],
        // Health on 8081 and pprof on 6060 only (a5b49bc903:prow/cmd/exporter/main.go:80-106): with the push gateway
        // and no serve_metrics it serves no metrics, so no port and no Service.
        mounts: [{ configMap: "config", path: "/etc/config" }],
        ...PROW_PROBES,
        resources: sized("50m", "64Mi", undefined, "256Mi"),
        rbac: { jobs: [prowjobs("get", "list", "watch")] },
    },
    {
        name: "gcsweb",
        role: "artifact-browser",
        image: { image: "gcsweb" },
        replicas: 2,
        args: (r) => ["-upgrade-proxied-http-to-https", "-p=8080", `-b=${r.bucket}`],
        ports: [{ name: "http", containerPort: 8080 }],
        service: [{ name: "http", port: 80, targetPort: 8080 }],
        mounts: [],
        // gcsweb v1.1.0 answers GET /healthz on -p (8080) and never upgrades it to https
        // (kubernetes/test-infra@7d1d63c8a1:gcsweb/cmd/gcsweb/gcsweb.go:44,112,133-142); readiness there, liveness
        // the TCP connect (httpServerProbes). Timings of the source manifest.
        ...serverProbes(
            httpProbe("/healthz", 8080, { initialDelaySeconds: 3, timeoutSeconds: 2, failureThreshold: 2 }),
            { initialDelaySeconds: 3, timeoutSeconds: 2, failureThreshold: 2 },
        ),
        // Source: limits 100m / 128Mi.
        resources: fixedSize("100m", "128Mi"),
        terminationGracePeriodSeconds: 30,
    },
    {
        name: "docker-mirror",
        role: "registry-mirror",
        image: { image: "dockerMirror" },
        container: "mirror",
        replicas: 1,
        strategy: "Recreate",
        args: () => [],
        ports: [{ name: "http", containerPort: 5000 }],
        service: [{ name: "http", port: 5000, targetPort: 5000 }],
        mounts: [
            { configMap: "mirror-config", path: "/etc/docker/registry" },
            // A pull-through cache: losing it on a restart costs only re-pulls.
            { emptyDir: "storage", path: "/var/lib/registry", sizeLimit: "100Gi" },
        ],
        // registry 2.7.1 answers `/` with 200 on http.addr (:5000), and every request with 503 while a health check
        // (mirror-config's health.storagedriver) fails (distribution/distribution@2461543d98:registry/registry.go:
        // 110-111; health/health.go:262-272). /debug/health exists only on http.debug.addr, which is not configured.
        liveness: tcpProbe(5000, { initialDelaySeconds: 5 }),
        readiness: httpProbe("/", 5000, { initialDelaySeconds: 3 }),
        // Source: 3Gi.
        resources: fixedSize(undefined, "3Gi"),
        placement: "cache",
        terminationGracePeriodSeconds: 180,
    },
    {
        name: "greenhouse",
        role: "build-cache",
        image: { image: "greenhouse" },
        replicas: 1,
        strategy: "Recreate",
        args: () => ["--dir=/data", "--min-percent-blocks-free=3"],
        ports: [
            { name: "cache", containerPort: 8080 },
            { name: "metrics", containerPort: 9090 },
        ],
        service: [
            { name: "cache", port: 80, targetPort: 8080 },
            { name: "metrics", port: 9090, targetPort: 9090, purpose: "metrics" },
        ],
        mounts: [{ claim: "greenhouse", path: "/data" }],
        // Source: 3Gi.
        // greenhouse (test-infra greenhouse/main.go) serves its cache and metrics and no health endpoint. Its image is
        // unread (a digest no file ties to a source commit: evidence.ts), so nothing checks this.
        ...listening(8080),
        resources: fixedSize(undefined, "3Gi"),
        placement: "cache",
        claim: "greenhouse",
    },
    {
        ...externalPlugin("rehearse", { image: "rehearse" }, 9900, [
            { emptyDir: "cache", path: "/var/run/cache" },
        ]),
        role: "job-rehearsal",
        liveApp: "prow-rehearse",
        args: (r) => [
            dryRunArg(r),
            `--jobs-namespace=${r.namespaces.jobs}`,
            ...github(r),
            "--hmac-secret-file=/etc/webhook/hmac",
            "--cache-dir=/var/run/cache",
            "--jobs-config-base=github/ci/prow/files/jobs",
            "--prow-config-path=github/ci/prow/files/config.yaml",
        ],
        // Clones project-infra and renders every job config.
        resources: sized("100m", "512Mi", undefined, "2Gi"),
        // Rehearsals are ProwJobs created in the prowjob namespace (a ClusterRole in the source).
        rbac: { jobs: [prowjobs("create")] },
    },
    externalPlugin("release-blocker", { image: "releaseBlocker" }),
    {
        name: "pushgateway",
        role: "metrics",
        image: { image: "pushgateway" },
        replicas: 1,
        args: () => [],
        ports: [{ name: "http", containerPort: 9091 }],
        service: [{ name: "http", port: 80, targetPort: 9091 }],
        mounts: [],
        // No /-/ready or /-/healthy (Packit's pushgateway probes) in v0.4.0: its router has /metrics, the push API,
        // /static/, /status, / and /debug/pprof/ only (prometheus/pushgateway@6ceb4a19fa:main.go:70-100). Ready once
        // :9091 accepts connections. No -persistence.file: pushed metrics live in memory (main.go:41,65).
        ...listening(9091),
        resources: sized("50m", "64Mi", undefined, "256Mi"),
    },
    {
        name: "pushgateway-proxy",
        role: "metrics",
        image: { image: "pushgatewayProxy" },
        container: "nginx",
        replicas: 1,
        args: () => [],
        ports: [{ name: "http", containerPort: 8081 }],
        service: [{ name: "http", port: 80, targetPort: 8081 }],
        mounts: [
            { configMap: "pushgateway-proxy-config", path: "/etc/nginx/conf.d" },
            // nginx-unprivileged writes its temp files and pid under /tmp.
            { emptyDir: "tmp", path: "/tmp", sizeLimit: "64Mi" },
        ],
        // pushgateway-proxy-config hides the image's own default.conf (8080) and listens on 8081, answering
        // `location = /healthz` itself (documents.ts pushgatewayProxyConf; test/prow/evidence.test.ts holds it to the
        // evidence): readiness there, liveness the TCP connect (httpServerProbes).
        ...serverProbes(httpProbe("/healthz", 8081)),
        resources: sized("10m", "16Mi", undefined, "64Mi"),
    },
    {
        name: "branch-protector",
        role: "github-admin",
        image: { prow: "branchprotector" },
        container: "branchprotector",
        schedule: "54 * * * *",
        replicas: 1,
        args: (r) => [...CONFIG_ARGS, ...github(r), confirmArg(r)],
        mounts: [...CONFIG_MOUNTS, OAUTH],
        resources: sized("100m", "128Mi", undefined, "512Mi"),
    },
    {
        name: "label-sync",
        role: "github-admin",
        image: { prow: "label_sync" },
        schedule: "17 23 * * *",
        replicas: 1,
        args: (r) => [
            "--config=/etc/config/labels.yaml",
            confirmArg(r),
            "--orgs=kubevirt",
            "--token=/etc/github/oauth",
        ],
        mounts: [{ configMap: "label-config", path: "/etc/config" }, OAUTH],
        resources: sized("50m", "64Mi", undefined, "256Mi"),
    },
];

/** Volume name of a mount inside the pod (pod-local, so not an object name and never prefixed). */
export function volumeName(mount: Mount): string {
    if ("configMap" in mount) return mount.configMap;
    if ("secret" in mount) return mount.secret;
    if ("claim" in mount) return mount.claim;
    return mount.emptyDir;
}
