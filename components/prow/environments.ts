import { z } from "zod";
import { loadFacts } from "../shared/facts";
import { CLAIM_NAMES, IMAGE_KEYS, ROUTE_NAMES } from "./catalog";
import { COMPONENT_NAMES } from "./componentNames";
import { dockerFlags } from "./dockerFlags";
import { Doc } from "./merge";

export const ENVIRONMENT_NAMES = ["kubevirtci-testing", "ibmcloud-staging", "ibmcloud-production"] as const;
export type EnvironmentName = (typeof ENVIRONMENT_NAMES)[number];

const text = z.string().min(1);
const volume = z.strictObject({ size: text, storageClass: text });

const route = z.strictObject({
    host: text,
    /** URL path; the component's object name (`/hook`, `/staging-hook`) when unset, so environments can share a host. */
    path: text.optional(),
});

/** How the public endpoints get certificates. */
const tls = z.union([
    /** The ingress controller's default certificate (IKS appdomain wildcard, kubevirtci's self-signed one). */
    z.strictObject({ mode: z.literal("controller-default") }),
    /** cert-manager issues one certificate per host into `secretName` (a base name; the prefix is added). */
    z.strictObject({ mode: z.literal("cert-manager"), clusterIssuer: text, secretName: text }),
]);

/** Where the caches (greenhouse, docker mirror) run: the node with the big local disk, when there is one. */
const cache = z.strictObject({
    nodeSelector: z.record(z.string(), z.string()),
    tolerations: z.array(
        z.strictObject({
            key: text,
            operator: z.enum(["Exists", "Equal"]),
            value: text.optional(),
            effect: text,
        }),
    ),
});

const record = <K extends readonly [string, ...string[]], V extends z.ZodType>(keys: K, value: V) =>
    z.strictObject(Object.fromEntries(keys.map((k) => [k, value])) as Record<K[number], V>);

const environment = z.strictObject({
    /** Added to every object name and every reference to one. */
    prefix: z.string(),
    /** Where Prow runs. The jobs namespace is derived from it (`<namespace>-jobs`) unless set. */
    namespace: text,
    jobsNamespace: text.optional(),
    /** GCS bucket for job artifacts, tide history and status. */
    bucket: text,
    manageCrd: z.boolean(),
    /**
     * Every GitHub-acting component but hook runs with `--dry-run=true`: it reads pull requests and logs what it would
     * do (comment, label, merge, create ProwJobs) without doing it. Staging shares GitHub with production. hook exits
     * at start when dry at the pinned release (args.ts HOOK_ACTS): it acts only on webhooks registered for its host.
     */
    dryRun: z.boolean(),
    /** Per-environment changes to Prow's documents, deep-merged over the base (what the yq scripts did). */
    documents: z.partialRecord(
        z.enum(["config", "plugins", "labels", "mirror"]),
        z.record(z.string(), z.unknown()).transform((d) => d as Doc),
    ),
    storage: record(CLAIM_NAMES, volume),
    /** Replica counts that differ from the component's default. */
    replicas: z.partialRecord(z.enum(COMPONENT_NAMES), z.number().int().min(0)),
    ingress: z.strictObject({ className: text, routes: record(ROUTE_NAMES, route), tls }),
    cache: cache.optional(),
    /** Missing secrets are generated test values instead of required config (throw-away clusters only). */
    generateSecrets: z.boolean(),
    /** dockerd flags of the jobs' dind daemons after the program's own (docker-daemon-mirror-config `docker`). */
    jobsDockerFlags: dockerFlags.optional(),
});

export type ProwEnvironment = z.infer<typeof environment>;
export type IngressTls = z.infer<typeof tls>;
export type VolumeSpec = z.infer<typeof volume>;
export type CachePlacement = z.infer<typeof cache>;

const facts = loadFacts(
    "facts/prow/environments.yaml",
    z.strictObject({
        registry: text,
        images: record(IMAGE_KEYS, text),
        environments: record(ENVIRONMENT_NAMES, environment),
    }),
    "Prow's environments",
);

/** The registry of every image built from the Prow release. */
export const DEFAULT_PROW_REGISTRY = facts.registry;
/** Images not built from the Prow release, as the source manifests pin them. */
export const DEFAULT_IMAGES = facts.images;
export const ENVIRONMENTS = facts.environments;
