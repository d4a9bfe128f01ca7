import { z } from "zod";
import { loadFacts } from "../shared/facts";
import { ARGS } from "./args";
import { COMPONENT_NAMES } from "./componentNames";
import type { ProwRefs } from "./refsContract";

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
export const SECRET_NAMES = [
    "commenter-oauth-token",
    "cookie",
    "gcs",
    "github-oauth-config",
    "hmac-token",
    "kubeconfig",
    "kubevirtci-coveralls-token",
    "kubevirtci-docker-credential",
    "kubevirtci-quay-credential",
    "kubevirtci-installer-pull-token",
    "oauth-token",
    "slack-token",
] as const;
export type SecretName = (typeof SECRET_NAMES)[number];

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
    "labelSync",
] as const;
export type ImageKey = (typeof IMAGE_KEYS)[number];

const path = z.string().startsWith("/");
/** A volume a container mounts; its object reference goes through the naming function when it is built. */
const mount = z.union([
    z.strictObject({ configMap: z.enum(CONFIG_MAP_NAMES), path }),
    z.strictObject({ secret: z.enum(SECRET_NAMES), path }),
    z.strictObject({ claim: z.enum(CLAIM_NAMES), path }),
    z.strictObject({ emptyDir: z.string().min(1), path, sizeLimit: z.string().optional() }),
]);
export type Mount = z.infer<typeof mount>;

const port = z.number().int().min(1).max(65535);
const seconds = z.number().int().min(0).optional();
const probe = z.strictObject({
    httpGet: z.strictObject({ path, port }).optional(),
    tcpSocket: z.strictObject({ port }).optional(),
    periodSeconds: seconds,
    timeoutSeconds: seconds,
    failureThreshold: seconds,
    initialDelaySeconds: seconds,
});
const size = z.strictObject({ cpu: z.string().optional(), memory: z.string() });
const rule = z.strictObject({
    apiGroups: z.array(z.string()),
    resources: z.array(z.string().min(1)),
    resourceNames: z.array(z.string().min(1)).optional(),
    verbs: z.array(z.string().min(1)),
});
export type PolicyRule = z.infer<typeof rule>;

const componentFacts = z.strictObject({
    name: z.enum(COMPONENT_NAMES),
    /** `app.kubernetes.io/component` label. */
    role: z.string().min(1),
    /** The Prow release's (`<registry>/<name>:<release>`) or one of `prow.images`. */
    image: z.union([
        z.strictObject({ prow: z.string().min(1) }),
        z.strictObject({ image: z.enum(IMAGE_KEYS) }),
    ]),
    /** Container name (the source's; defaults to the component name). */
    container: z.string().min(1).optional(),
    schedule: z.string().min(1).optional(),
    /** Replicas unless the environment or config says otherwise. */
    replicas: z.number().int().min(0),
    /** Single-writer pods holding a RWO volume or not supporting HA. */
    strategy: z.literal("Recreate").optional(),
    ports: z.array(z.strictObject({ name: z.string().min(1), containerPort: port })).optional(),
    service: z
        .array(
            z.strictObject({
                name: z.string().min(1),
                port,
                targetPort: port,
                /** What it serves (components/shared/portPurpose.ts): its Prometheus metrics, or its own clients. */
                purpose: z.enum(["application", "admin", "metrics"]).optional(),
            }),
        )
        .optional(),
    mounts: z.array(mount),
    liveness: probe.optional(),
    readiness: probe.optional(),
    resources: z.strictObject({ requests: size, limits: size }),
    /** Rules of the component's Role in each namespace; a namespace without rules gets no Role. */
    rbac: z.strictObject({ prow: z.array(rule).optional(), jobs: z.array(rule).optional() }).optional(),
    /** Runs on the environment's cache node (big local disk), when it has one. */
    placement: z.literal("cache").optional(),
    /** The PersistentVolumeClaim this component owns. */
    claim: z.enum(CLAIM_NAMES).optional(),
    terminationGracePeriodSeconds: seconds,
    /**
     * `false`: not deployed where Prow runs dry (ProwEnvironment.dryRun). Its binary stops at start when dry at the
     * pinned release, and run not dry it would act on the GitHub repositories production serves.
     */
    runsDry: z.literal(false).optional(),
    /** The `app` label its kustomize Deployment selects, where it is not the component's name (see {@link liveSelectorOf}). */
    liveApp: z.string().min(1).optional(),
});

/** One Prow component as the source manifests define it, with its object references still symbolic. */
export type ComponentSpec = z.infer<typeof componentFacts> & { args(refs: ProwRefs): string[] };

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

/** The components of KubeVirt's Prow in apply order (facts/prow/components.yaml), each with its arguments (args.ts). */
export const COMPONENTS: readonly ComponentSpec[] = loadFacts(
    "facts/prow/components.yaml",
    z.strictObject({ components: z.array(componentFacts) }),
    "Prow's components",
).components.map((facts) => ({ ...facts, args: ARGS[facts.name] }));

/** Volume name of a mount inside the pod (pod-local, so not an object name and never prefixed). */
export function volumeName(mount: Mount): string {
    if ("configMap" in mount) return mount.configMap;
    if ("secret" in mount) return mount.secret;
    if ("claim" in mount) return mount.claim;
    return mount.emptyDir;
}
