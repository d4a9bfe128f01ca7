import { z } from "zod";
import { kubernetesSwitches } from "../config/system";
import { dockerFlags } from "./dockerFlags";
import { namePrefixProblem, portProblem } from "../config/checks";
import { checked, hostName, imageRef, imageTag, k8sName, port, quantity, replicas } from "../config/fields";
import { CLAIM_NAMES, COMPONENT_NAMES, IMAGE_KEYS, ImageKey, ROUTE_NAMES } from "./catalog";
import { TODAY_RELEASE } from "./release";
import { DEFAULT_IMAGES, DEFAULT_PROW_REGISTRY, ENVIRONMENT_NAMES } from "./environments";

const sizeSide = z.strictObject({ cpu: quantity("100m").optional(), memory: quantity("256Mi").optional() });

/** Per-component override: replicas and requests/limits over the catalog's defaults. */
const componentOverride = z.strictObject({
    replicas: replicas(1).optional(),
    resources: z.strictObject({ requests: sizeSide.optional(), limits: sizeSide.optional() }).optional(),
});

function keyedBy<K extends string, T extends z.ZodType>(keys: readonly K[], value: T) {
    return z.strictObject(
        Object.fromEntries(keys.map((k) => [k, value.optional()])) as Record<K, z.ZodOptional<T>>,
    );
}

const volumeOverride = z.strictObject({
    size: quantity("30Gi").optional(),
    storageClass: hostName("ibmc-vpc-block-general-purpose").optional(),
});

const routeOverride = z.strictObject({
    host: hostName("prow.example.org").optional(),
    path: z
        .string()
        .regex(/^\/[A-Za-z0-9._~/-]*$/, "must be an absolute URL path such as /hook")
        .optional()
        .meta({ example: "/hook" }),
});

const tlsSchema = z.discriminatedUnion("mode", [
    z.strictObject({ mode: z.literal("controller-default").meta({ example: "controller-default" }) }),
    z.strictObject({
        mode: z.literal("cert-manager").meta({ example: "cert-manager" }),
        clusterIssuer: hostName("letsencrypt"),
        secretName: k8sName("deck-tls"),
    }),
]);

const document = z.record(z.string(), z.unknown()).meta({ example: "{}" });

// Label syntax (Kubernetes' IsQualifiedName and IsValidLabelValue): an optional DNS-subdomain prefix and a name of
// at most 63 characters; a value of at most 63, empty or alphanumeric at both ends.
const LABEL_NAME = "([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)";
const labelKey = z
    .string()
    .regex(new RegExp(`^([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?/)?${LABEL_NAME}$`), "must be a label key")
    .meta({ example: "app" });
const labelValue = z
    .string()
    .regex(new RegExp(`^(${LABEL_NAME})?$`), "must be a label value")
    .meta({ example: "docker-mirror-proxy" });

/** Only the live Service knows these values: the fix asks for what `npm run adopt` prints from it. */
const FROM_THE_LIVE_SERVICE =
    "what npm run adopt -- --stack <this stack> prints for it (the live Service's spec.ports and spec.selector)";

/** A live Service the jobs call, as its Service has it: its port, its pods' port and its selector. */
const liveService = z
    .strictObject({
        port: port(3128).meta({ ask: FROM_THE_LIVE_SERVICE }),
        targetPort: z
            .union([
                z.number().superRefine(checked(portProblem)),
                z
                    .string()
                    .regex(
                        /^(?!.*--)(?=.*[a-z])[a-z0-9]([-a-z0-9]{0,13}[a-z0-9])?$/,
                        "must be a port number or name",
                    ),
            ])
            .meta({ ask: FROM_THE_LIVE_SERVICE }),
        selector: z
            .record(labelKey, labelValue.meta({ ask: FROM_THE_LIVE_SERVICE }))
            .refine((s) => Object.keys(s).length > 0, "must name a label")
            .meta({ ask: FROM_THE_LIVE_SERVICE }),
    })
    .meta({ ask: FROM_THE_LIVE_SERVICE });

/** Only the live workload knows these values: the fix asks for what `npm run adopt` prints from it. */
const FROM_THE_LIVE_CALLER =
    "what npm run adopt -- --stack <this stack> prints for it (the live workload's spec.selector and the Service port it calls)";

/** A workload left running that calls Prow's Services: the pods its selector selects, each Service's port it calls. */
const liveCaller = z
    .strictObject({
        selector: z
            .record(labelKey, labelValue.meta({ ask: FROM_THE_LIVE_CALLER }))
            .refine((s) => Object.keys(s).length > 0, "must name a label")
            .meta({ ask: FROM_THE_LIVE_CALLER }),
        calls: z
            .record(k8sName("ghproxy"), port(80).meta({ ask: FROM_THE_LIVE_CALLER }))
            .refine((c) => Object.keys(c).length > 0, "must name a Service")
            .meta({ ask: FROM_THE_LIVE_CALLER }),
    })
    .meta({ ask: FROM_THE_LIVE_CALLER });

/** The `runbooks:prow` section: which environment, the pinned release, and overrides of its typed defaults. */
export const prowSchema = z.strictObject({
    ...kubernetesSwitches,
    cluster: k8sName("ibmcloud-prow"),
    environment: z.enum(ENVIRONMENT_NAMES).meta({
        description:
            "The environment whose typed defaults apply (namespaces, prefix, volumes, replicas, bucket, ingress).",
        example: "ibmcloud-staging",
    }),
    release: imageTag(TODAY_RELEASE).meta({
        description:
            "The Prow release tag every image built from the Prow release (and decoration utility image) is pinned to: today's, never older than what runs.",
    }),
    prowRegistry: z
        .string()
        .regex(
            /^[a-z0-9.-]+(:[0-9]+)?(\/[a-z0-9._-]+)*$/,
            "must be a registry path such as us-docker.pkg.dev/k8s-infra-prow/images",
        )
        .default(DEFAULT_PROW_REGISTRY)
        .meta({ example: DEFAULT_PROW_REGISTRY }),
    images: z
        .strictObject(
            Object.fromEntries(IMAGE_KEYS.map((k) => [k, imageRef(DEFAULT_IMAGES[k]).optional()])) as Record<
                ImageKey,
                z.ZodOptional<ReturnType<typeof imageRef>>
            >,
        )
        .optional()
        .meta({ description: "Images not built from the Prow release." }),
    prefix: z
        .string()
        .max(40, "must be at most 40 characters, so prefixed names stay valid")
        .superRefine(checked(namePrefixProblem))
        .optional()
        .meta({
            description: 'Overrides the environment\'s name prefix ("" for none).',
            example: "staging-",
        }),
    namespace: k8sName("kubevirt-prow").optional(),
    jobsNamespace: k8sName("kubevirt-prow-jobs").optional(),
    bucket: z
        .string()
        .regex(/^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$/, "must be a GCS bucket name")
        .optional()
        .meta({ example: "kubevirt-prow" }),
    storage: keyedBy(CLAIM_NAMES, volumeOverride).optional(),
    components: keyedBy(COMPONENT_NAMES, componentOverride).optional(),
    ingress: z
        .strictObject({
            className: k8sName("public-iks-k8s-nginx").optional(),
            routes: keyedBy(ROUTE_NAMES, routeOverride).optional(),
            tls: tlsSchema.optional(),
        })
        .optional(),
    manageCrd: z.boolean().optional().meta({
        description:
            "Owns the cluster-scoped ProwJob CRD (one stack per cluster: production's on the shared cluster).",
        example: "true",
    }),
    dryRun: z.boolean().optional().meta({
        description:
            "GitHub-acting components run `--dry-run=true` (staging's default: it shares GitHub with production), reading ProwJobs through deck; hook cannot run dry at the pinned release and acts only on webhooks registered for its host.",
        example: "true",
    }),
    liveDocumentsCompared: z.boolean().default(false).meta({
        description:
            "The operator has read, in `npm run adopt`'s report, every setting the program's config, plugins and labels documents change in the live ones. Asked for only while the cluster's `adoptExisting` is on.",
        example: "true",
    }),
    jobsReach: z
        .record(
            z
                .string()
                .regex(
                    /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\/[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/,
                    "must be <namespace>/<service>",
                )
                .meta({ example: "kubevirt-prow/docker-mirror-proxy" }),
            liveService,
        )
        .optional()
        .meta({
            description:
                "Live Services the jobs call, as `npm run adopt` prints them: the jobs' egress lock admits them.",
        }),
    liveCallers: z.record(k8sName("coverage"), liveCaller).optional().meta({
        description:
            "Live workloads left running that call Prow's Services, as `npm run adopt` prints them: their policies admit them.",
    }),
    jobsDockerFlags: dockerFlags
        .optional()
        .meta({ description: "The jobs' extra dockerd flags (default: the environment's)." }),
    documents: z
        .strictObject({
            config: document.optional(),
            plugins: document.optional(),
            labels: document.optional(),
            mirror: document.optional(),
        })
        .optional()
        .meta({
            description:
                "Last-layer overrides of Prow's documents, deep-merged over base and environment (null removes a key).",
        }),
});
export type ProwConfig = z.infer<typeof prowSchema>;
