import { z } from "zod";
import { kubernetesSwitches } from "../config/system";
import { dnsSubdomainProblem, ipRangeListProblem } from "../config/checks";
import {
    checked,
    cronSchedule,
    hostName,
    hostPort,
    hostPortList,
    httpsUrl,
    imageRef,
    k8sName,
    port,
    positiveInt,
    quantity,
    replicas,
} from "../config/fields";
import { STATION_TIERS } from "./station/tiers";
import type { WebhookBotName } from "./bots/catalog";
import { routeAudienceSchema } from "../config/routeAudience";

/** Requests → limits of a container, overriding the source's sizing of a bot or a Dgraph member. */
const sizeSchema = z.strictObject({
    cpu: quantity("500m").optional(),
    memory: quantity("256Mi"),
});
export const sizingSchema = z.strictObject({ requests: sizeSchema, limits: sizeSchema });

/** A ClusterRole name; OpenShift's built-in ones carry a `system:` prefix (e.g. system:image-puller). */
const clusterRoleName = (example: string) =>
    z
        .string()
        .regex(
            /^[a-z0-9]([-a-z0-9.:]*[a-z0-9])?$/,
            "must be a ClusterRole name such as admin or system:image-puller",
        )
        .meta({ example });

// ---------------------------------------------------------------------------------------------------------------
// Bots

/** Settings every bot has: it can be switched off, its image is pinned, its sizing can be overridden. */
const botBase = (image: string) => ({
    enabled: z.boolean().default(true).meta({ example: "true" }),
    image: imageRef(image),
    resources: sizingSchema
        .optional()
        .meta({ description: "Overrides the requests/limits taken from the bot's source manifests." }),
});

/** A bot that runs on a schedule (a CronJob). */
const cronBot = (image: string, schedule: string) => ({
    ...botBase(image),
    schedule: cronSchedule(schedule),
    suspend: z.boolean().default(false).meta({
        description:
            "Keep the CronJob but do not start runs (stage: trigger by hand with `kubectl create job --from=cronjob/...`).",
        example: "false",
    }),
});

/** A bot that receives webhooks (a Deployment with a Service and, by default, a Route/Ingress). */
const webBot = (image: string) => ({
    ...botBase(image),
    route: z.boolean().default(true).meta({
        description:
            "Publish the bot with a Route (OpenShift) or Ingress; without it, it is reachable only in the cluster.",
        example: "true",
    }),
    host: hostName("sesheta-webhooks.example.org").optional().meta({
        description:
            "Public host; `<bot>-<namespace>.<thoth.domain>` (OpenShift's default Route host) when unset.",
    }),
});

export const botsSchema = z.strictObject({
    enabled: z.boolean().default(true).meta({ example: "true" }),
    namespace: k8sName("bots-example"),
    createNamespace: z.boolean().default(true).meta({
        description: "Create the namespace (false when it exists and is owned by someone else).",
        example: "true",
    }),
    kafkaBootstrapServers: hostPortList(
        "three-kafka-bootstrap-dh-prod-message-bus.cloud.datahub.upshift.redhat.com:443",
    )
        .optional()
        .meta({
            description:
                "Kafka of the DataHub that webhook2kafka and normalizers write to (Secret cyborg-regidores).",
        }),
    seshetaVerbose: z
        .boolean()
        .default(true)
        .meta({ description: "`sesheta-verbose` of ConfigMap sesheta-configmap.", example: "true" }),
    seshetaConfig: z.record(z.string(), z.unknown()).default({}).meta({
        description:
            "Content of `config.json` in ConfigMap sesheta-bot: the organisation, repositories and labels Sesheta manages.",
        example: '{"organization":"thoth-station"}',
    }),
    seshetaChatKeyFile: z
        .string()
        .regex(/^[A-Za-z0-9._-]+\.json$/, "must be a JSON file name")
        .default("sesheta-chatbot.json")
        .meta({
            description: "Key (file name) of the Google service-account JSON in Secret sesheta-secret.",
            example: "sesheta-chatbot-968e13a86991.json",
        }),

    kebechet: z
        .strictObject({
            ...cronBot("quay.io/thoth-station/kebechet-job:v1.2.4", "*/20 * * * *"),
            configuration: httpsUrl(
                "https://raw.githubusercontent.com/thoth-station/kebechet/v1.2.4/config/thoth.yaml",
            ).meta({
                description:
                    "KEBECHET_CONFIGURATION_PATH: where Kebechet reads the list of repositories it manages (fetched at every run). The default is the list of thoth-station repositories of the release pinned.",
            }),
            verbose: z.boolean().default(true).meta({ example: "true" }),
        })
        .optional(),
    nepthys: z
        .strictObject({
            ...cronBot("quay.io/thoth-station/nepthys:v0.4.4", "@daily"),
            gitUserName: z.string().min(1).meta({
                description:
                    "Git author of the documentation commits (`user-name` of Secret nepthys-secret).",
                example: "sesheta",
            }),
            gitUserEmail: z.email().meta({ example: "sesheta@redhat.com" }),
        })
        .optional(),
    "sesheta-webhooks": z.strictObject(webBot("quay.io/aicoe/sesheta:v2.3.3")).optional(),
    "sesheta-label-checker": z.strictObject(cronBot("quay.io/aicoe/sesheta:v2.3.3", "@daily")).optional(),
    "sesheta-scrum": z
        .strictObject({
            ...cronBot("quay.io/aicoe/sesheta:v2.3.3", "29 12 * * 1,3,5"),
            space: z.string().min(1).meta({
                description: "Google Chat space of the stand-up (`scrum-space`).",
                example: "spaces/AAAAmQJAdY0",
            }),
            message: z.string().min(1).meta({ example: "the scrum is due in one minute..." }),
            url: httpsUrl("https://bluejeans.com/123456789").meta({
                description: "Video-call link posted with the reminder (`scrum-url`).",
            }),
            threadKey: z.string().min(1).meta({ example: "scrum_standup" }),
            usersInvited: z.array(z.string().min(1)).default([]).meta({
                description: "Display names mentioned in the reminder (`users-invited`).",
                example: '["Christoph Goern"]',
            }),
        })
        .optional(),
    "sesheta-approver": z.strictObject(cronBot("quay.io/aicoe/sesheta:v2.3.3", "*/10 * * * *")).optional(),
    "review-manager": z.strictObject(webBot("quay.io/aicoe/review-manager:v0.1.0")).optional(),
    webhook2kafka: z.strictObject(webBot("quay.io/aicoe/webhook2kafka:v0.1.0")).optional(),
    normalizers: z.strictObject(botBase("quay.io/aicoe/normalizers:v0.1.0")).optional(),
});
export type BotsConfig = z.infer<typeof botsSchema>;

// ---------------------------------------------------------------------------------------------------------------
// Ultrahooks

/** One tunnel: ultrahook.com/<subdomain> forwarded to a bot of this stack or to a URL. */
export const ultrahookInstanceSchema = z.strictObject({
    subdomain: k8sName("cyborg-regidores"),
    apiKeySecret: k8sName("ultrahook-aicoe").meta({
        description:
            "Secret (in the ultrahook namespace) holding this tunnel's `api.key`; its value is config secret `thoth-<name>-api-key`.",
    }),
    destination: httpsUrl("https://managesf.thoth-station.ninja").optional().meta({
        description:
            "Where requests go, when it is not a bot of this stack: a URL. Set exactly one of destination and bot.",
    }),
    bot: k8sName("sesheta-webhooks").optional().meta({
        description:
            "A bot of this stack (e.g. sesheta-webhooks): the destination follows its Route/Ingress or Service.",
    }),
    path: z
        .string()
        .regex(/^\/[A-Za-z0-9._~/-]*$/, "must be a URL path starting with /")
        .meta({ example: "/github" })
        .optional()
        .meta({ description: "Bot destinations only: path appended to the bot's address." }),
    via: z.enum(["route", "service"]).meta({ example: "service" }).optional().meta({
        description:
            "Bot destinations only: its public Route/Ingress (default when it has one) or its in-cluster Service.",
    }),
});
export type UltrahookInstanceConfig = z.infer<typeof ultrahookInstanceSchema>;

export const ultrahooksSchema = z.strictObject({
    enabled: z.boolean().default(true).meta({ example: "true" }),
    namespace: k8sName("aicoe"),
    createNamespace: z.boolean().default(true).meta({
        description: "Create the namespace (false when it already exists and belongs to someone else).",
        example: "true",
    }),
    image: imageRef("quay.io/aicoe/ultrahook:v0.1.0"),
    instances: z.array(ultrahookInstanceSchema).min(1, "needs at least one tunnel"),
});
export type UltrahooksConfig = z.infer<typeof ultrahooksSchema>;

// ---------------------------------------------------------------------------------------------------------------
// Station

export const dgraphSchema = z.strictObject({
    enabled: z.boolean().default(true).meta({ example: "true" }),
    layout: z.enum(["ha", "single"]).meta({
        description:
            "`ha`: zero and alpha StatefulSets of 3; `single`: one pod running both (the test layout).",
        example: "ha",
    }),
    image: imageRef("docker.io/dgraph/dgraph:v1.0.15"),
    replicas: positiveInt(3).default(3).meta({
        description: "Members of each HA StatefulSet; zero's `--replicas` (alpha replication) follows it.",
    }),
    storageSize: quantity("5Gi").default("5Gi"),
    storageClassName: k8sName("ceph-dyn-thoth-paas-prod-psi").optional(),
    lruMb: positiveInt(2048).default(2048).meta({ description: "alpha `--lru_mb`." }),
    adminWhitelist: z
        .string()
        .superRefine(checked(ipRangeListProblem))
        .meta({ example: "172.54.0.0:172.54.255.255" })
        .optional()
        .meta({ description: "alpha `--whitelist`: the address range allowed to call admin endpoints." }),
    hosts: z
        .strictObject({
            zeroRest: hostName("zero-rest-thoth-dgraph-stage.apps.ocp4.prod.psi.redhat.com").optional(),
            alphaRest: hostName("alpha-rest-thoth-dgraph-stage.apps.ocp4.prod.psi.redhat.com").optional(),
            alphaGrpc: hostName("alpha-grpc-thoth-dgraph-stage.apps.ocp4.prod.psi.redhat.com").optional(),
        })
        .default({})
        .meta({ description: "Route hosts; `<route>-<namespace>.<thoth.domain>` when unset." }),
    zeroResources: sizingSchema.optional(),
    alphaResources: sizingSchema.optional(),
});
export type DgraphConfig = z.infer<typeof dgraphSchema>;

export const stationTier = z.enum(STATION_TIERS).meta({ example: "frontend" });

export const watcherRestartSchema = z.strictObject({
    enabled: z.boolean().default(true).meta({ example: "true" }),
    schedule: cronSchedule("*/30 * * * *").default("*/30 * * * *").meta({
        description:
            "How often the targets are restarted: they stop receiving watch events after about 30 minutes.",
    }),
    image: imageRef("quay.io/openshift/origin-cli:4.15").meta({ description: "An image with `kubectl`." }),
    targets: z
        .array(
            z
                .enum(["investigator-consumers", "workflow-controllers"])
                .meta({ example: "investigator-consumers" }),
        )
        .min(1, "needs at least one kind of event watcher to restart")
        .meta({
            description:
                "Which event-watching workloads of this station are restarted: the investigator consumers (Kafka → Workflows) and the namespaced Argo workflow controllers, each only where it serves the middletier or backend tier the runbook's restart names (not amun-inspection's controller). The Deployments are taken from the objects the station deploys, never typed as names.",
        }),
});
export type WatcherRestartConfig = z.infer<typeof watcherRestartSchema>;

/** Image of a station module, pinned as the ImageStream tag of thoth-application@f2cf35f says. */
const pinned = (image: string) => imageRef(image).default(image);

export const stationImagesSchema = z.strictObject({
    userApi: pinned("quay.io/thoth-station/user-api:v0.35.10"),
    managementApi: pinned("quay.io/thoth-station/management-api:v0.18.11"),
    amunApi: pinned("quay.io/thoth-station/amun-api:v0.10.6"),
    investigator: pinned("quay.io/thoth-station/investigator:v0.17.0"),
    metricsExporter: pinned("quay.io/thoth-station/metrics-exporter:v0.21.4"),
    workflowController: pinned("quay.io/argoproj/workflow-controller:v2.12.5"),
    argoServer: pinned("quay.io/argoproj/argocli:v2.12.5"),
    argoExecutor: pinned("quay.io/argoproj/argoexec:v2.12.5"),
    postgresql: imageRef("registry.access.redhat.com/rhscl/postgresql-10-rhel7:1").meta({
        description: "The reference runs `:latest` (unpinned): set the tag or digest running today.",
    }),
    pgbouncer: imageRef("quay.io/openshiftio/bayesian-coreapi-pgbouncer:to-be-pinned").meta({
        description: "The reference runs `:latest` (unpinned): set the tag or digest running today.",
    }),
    postgresExporter: pinned("quay.io/thoth-station/postgres-exporter:v0.3.1"),
    graphBackup: pinned("quay.io/thoth-station/graph-backup-job:v0.10.1"),
    graphMetricsExporter: pinned("quay.io/thoth-station/graph-metrics-exporter:v0.6.5"),
    graphRefresh: pinned("quay.io/thoth-station/graph-refresh-job:v0.3.22"),
    cveUpdate: pinned("quay.io/thoth-station/cve-update-job:v0.5.7"),
    packageReleases: pinned("quay.io/thoth-station/package-releases-job:v0.11.11"),
    packageUpdate: pinned("quay.io/thoth-station/package-update-job:v0.8.17"),
    adviseReporter: pinned("quay.io/thoth-station/advise-reporter:v0.11.3"),
    pulpPypiSync: pinned("quay.io/thoth-station/pulp-pypi-sync-job:v0.1.1"),
    documentSync: pinned("quay.io/thoth-station/document-sync-job:v0.1.0").meta({
        description:
            "What the reference renders and runs (its ImageStream's v0.3.1 is never used: the rewrite misses it).",
    }),
    integrationTests: pinned("quay.io/thoth-station/integration-tests:v0.11.5"),
    sloReporter: pinned("quay.io/thoth-station/slo-reporter:v0.19.3"),
    miScheduler: pinned("quay.io/thoth-station/mi-scheduler:v1.7.9"),
    prescriptionsRefresh: pinned("quay.io/thoth-station/prescriptions-refresh-job:v0.8.0").meta({
        description:
            "What ImageStream `prescriptions-refresh-job` tag `latest` imports; the CronWorkflows run that tag.",
    }),
});
export type StationImages = z.infer<typeof stationImagesSchema>;

/** Non-secret keys of the shared ConfigMaps (`thoth`, `ceph`, `kafka`, `prometheus`, `solvers`, `pulp-pypi`). */
export const stationSharedSchema = z.strictObject({
    deploymentName: k8sName("ocp4-stage").meta({
        description:
            "`deployment-name` and `storage-bucket-name`: the data prefix in the bucket (ocp4-stage, ocp4-test).",
    }),
    applicationVersion: z.string().min(1).meta({ example: "0.7.0" }),
    loggingNoJson: z.boolean().meta({ example: "true" }),
    forkNamespace: k8sName("srcsops").default("srcsops"),
    ceph: z.strictObject({
        host: httpsUrl("https://s3.upshift.redhat.com/"),
        bucket: k8sName("thoth"),
        prefix: k8sName("data"),
        publicBucket: z.string().min(1).meta({ example: "DH-PLAYPEN" }),
    }),
    kafka: z.strictObject({
        bootstrapServers: hostPortList("thoth-kafka-bootstrap-aicoe.apps.ocp4.prod.psi.redhat.com:443"),
        protocol: z.enum(["SSL", "PLAINTEXT", "SASL_SSL"]).meta({ example: "SSL" }),
        clientId: z.string().min(1).default("thoth-messaging").meta({ example: "thoth-messaging" }),
        topicRetentionTime: positiveInt(8640).default(8640),
    }),
    prometheus: z.strictObject({
        hostUrl: httpsUrl("http://prometheus-aicoe-infra-prod.apps.ocp4.prod.psi.redhat.com"),
        pushgatewayHost: hostName("pushgateway-aicoe-infra-prod.apps.ocp4.prod.psi.redhat.com"),
        pushgatewayPort: port(80).default(80),
    }),
    solvers: z.array(k8sName("solver-rhel-8-py38")).min(1).meta({
        description: "Solver images the station runs (`solvers` key of ConfigMap solvers).",
        example: '["solver-rhel-8-py38"]',
    }),
    pulpHost: hostName("pulp.operate-first.cloud"),
});
export type StationShared = z.infer<typeof stationSharedSchema>;

/**
 * Where a module's rendered objects of one kind (and, with `name`, of one name) go instead of the module's own
 * namespace: the stage overlays' `put-into-*-namespace` patches as data (stage puts every Template into the infra
 * tier and adviser's WorkflowTemplate `dm` into amun-inspection). A rule naming the object wins over a rule for
 * its whole kind.
 */
export const catalogPlacementSchema = z.strictObject({
    kind: z
        .string()
        .regex(/^[A-Z][A-Za-z0-9]*$/, "must be a Kubernetes kind such as Template or WorkflowTemplate")
        .meta({ description: "The object's `kind`, as Kubernetes spells it.", example: "Template" }),
    name: z
        .string()
        .superRefine(checked(dnsSubdomainProblem))
        .meta({ example: "dm" })
        .optional()
        .meta({ description: "The object's `metadata.name`; unset: every object of the kind." }),
    tier: stationTier.meta({
        description: "The tier whose namespace receives the objects.",
        example: "infra",
    }),
});
export type CatalogPlacementRule = z.infer<typeof catalogPlacementSchema>;

/** Python package names, one ConfigMap value (`configured-packages-*` of ConfigMap prescriptions-refresh-job). */
const packageNames = (example: string) =>
    z
        .array(
            z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "must be a Python package name such as torch"),
        )
        .min(1, "needs at least one package")
        .meta({ example });

/**
 * Non-secret settings of prescriptions-refresh-job (ConfigMap prescriptions-refresh-job in the backend namespace,
 * thoth-station.md §4.2); its `user-api` key is `hosts.userApi`.
 */
export const prescriptionsRefreshSchema = z.strictObject({
    configuredImages: z.array(imageRef("quay.io/thoth-station/s2i-thoth-ubi8-py38:v0.35.1")).meta({
        description:
            "`configured-images`: container images the image analysis covers (empty in the reference).",
        example: "[]",
    }),
    configuredPackages: z
        .strictObject({
            cv: packageNames('["opencv-python", "pillow", "pytesseract", "torchvision"]'),
            ml: packageNames('["keras", "scikit-learn", "torch", "tensorflow"]'),
            nlp: packageNames('["gensim", "nltk", "spacy", "transformers"]'),
        })
        .meta({
            description:
                "`configured-packages-cv`, `-ml`, `-nlp`: the packages each prescription family covers.",
        }),
});
export type PrescriptionsRefreshConfig = z.infer<typeof prescriptionsRefreshSchema>;

/** One module of the workflow and template catalog: an upstream kustomize directory and the tiers it goes to. */
export const catalogModuleSchema = z.strictObject({
    name: k8sName("adviser"),
    path: z
        .string()
        // Every segment starts with a letter or digit: no absolute path, no `..` out of the repository.
        .regex(
            /^[a-z0-9][a-z0-9._-]*(\/[a-z0-9][a-z0-9._-]*)*$/,
            "must be a relative path such as adviser/base",
        )
        .refine(
            (v) => !v.split("/").includes("overlays"),
            "must be a module's base (e.g. adviser/base): the overlays carry Argo CD hook Jobs and ksops secret generators that plain kustomize cannot render",
        )
        .meta({
            description:
                "Directory of the pinned repository, relative to its root. A module's `base` renders with plain kustomize; the `overlays/ocp4-stage|test` directories add Argo CD hook Jobs, ksops secret generators and namespace patches that only Argo CD's kustomize (with the ksops plugin and the sops key) can render.",
            example: "adviser/base",
        }),
    tiers: z.array(stationTier).min(1, "needs at least one tier").meta({
        description:
            "Tiers whose namespace receives the module (test: all are thoth-test-core, so it is deployed once).",
        example: '["backend"]',
    }),
    place: z
        .array(catalogPlacementSchema)
        .meta({ example: '[{"kind":"Template","tier":"infra"}]' })
        .default([])
        .meta({
            description:
                "Objects that go to another tier's namespace (unset: all stay in the module's). When several tiers deploy the module, the first of them in `tiers` owns a moved object and the others leave it out, so the object exists once.",
        }),
});

/**
 * The Argo WorkflowTemplates and OpenShift Templates of the station (adviser, solver, ...), rendered by the
 * Kubernetes provider at deploy time from a pinned commit of the upstream repository, never copied into this one.
 */
export const catalogSchema = z.strictObject({
    enabled: z.boolean().default(true).meta({ example: "true" }),
    repository: httpsUrl("https://github.com/thoth-station/thoth-application")
        .refine(
            (v) => /^https:\/\/[^/]+\/[^/]+\/[^/]+?\/*$/.test(v),
            "must be https://<host>/<owner>/<repository>, the form the provider clones (no deeper path, no http)",
        )
        .meta({
            description:
                "The upstream repository, `https://<host>/<owner>/<repository>` (no `.git` needed): the provider clones it and reads the module directories from `<repository>/tree/<ref>/<path>`, GitHub's folder URL.",
            example: "https://github.com/thoth-station/thoth-application",
        }),
    ref: z
        .string()
        .regex(/^[0-9a-f]{40}$/, "must be a full 40-character commit SHA (a branch or tag can move)")
        .meta({
            description:
                "A full commit SHA: a branch or tag can move under a stack and change what a preview showed.",
            example: "f2cf35f51e9a1eaace66cb4c5a568f3e2ee02a8d",
        }),
    modules: z.array(catalogModuleSchema).min(1, "needs at least one module").meta({
        description: "Each module once (checked with the thoth section's other cross-field checks).",
    }),
});
export type CatalogConfig = z.infer<typeof catalogSchema>;

export const stationModulesSchema = z.strictObject({
    enabled: z.boolean().default(true).meta({ example: "true" }),
    hibernated: z.boolean().meta({
        description:
            "Every long-running service at 0 replicas and every CronJob suspended (the reference's test environment was hibernated so, commit e4a3a7d8); the database and the Argo controllers keep running.",
        example: "false",
    }),
    exposeAmunApi: z.boolean().default(false).meta({
        description:
            "Serve amun-api on its Routes (the generated one and `amun-api-route53` at `hosts.amunApi`). Off until amun's inspection WorkflowTemplates and Templates exist in the amun-inspection namespace, which the catalog does not deploy (docs/systems/thoth-notes.md, the workflow/template catalog): an inspection amun-api accepted could not run. Off, amun-api still runs and answers inside the cluster (management-api calls it through its Service); the plan's notices say so. Set it once those templates exist there.",
        example: "false",
    }),
    metricsAudience: routeAudienceSchema.optional().meta({
        description:
            "Who may reach the modules' metrics Routes (`STATION_METRICS_ROUTES`), which the Prometheus named by `shared.prometheus` scrapes: its source ranges. Required in production; without it (stage) they are public.",
    }),
    hosts: z
        .strictObject({
            userApi: hostName("stage.thoth-station.ninja"),
            managementApi: hostName("management.stage.thoth-station.ninja"),
            amunApi: hostName("amun.stage.thoth-station.ninja"),
        })
        .meta({ description: "Public hosts of the three `-route53` Routes." }),
    shared: stationSharedSchema,
    images: stationImagesSchema,
    postgresql: z.strictObject({
        storageSize: quantity("120Gi"),
        storageClassName: k8sName("standard").optional(),
        takeoverReport: z.string().min(1).optional().meta({
            description:
                "The migration report (`npm run adopt -- --dump <graph namespace>=<file> --json <file>`) that proves the takeover of claim `pgsql-data`: required on a stage or production stack while its cluster's `adoptExisting` is on (the up starts PostgreSQL on today's data). Remove it after the takeover.",
            example: "thoth-test-core-takeover.json",
        }),
    }),
    ownClusterPrerequisites: z.boolean().meta({
        description:
            "Create the cluster-wide prerequisites (Argo CRDs, ClusterRoles argo and argo-admin). Exactly one stack per cluster owns them (`true`); every other stack on that cluster references them (`false`).",
        example: "true",
    }),
    verify: z.boolean().meta({
        description:
            "After `pulumi up`, call user-api's and management-api's readiness endpoints and fail the update when they do not answer (the verify playbook). Off for a hibernated environment: nothing is running.",
        example: "true",
    }),
    prescriptionsRefresh: prescriptionsRefreshSchema,
    catalog: catalogSchema.optional().meta({
        description:
            "The workflow and template catalog; unset or disabled: not deployed (a preview then shows none).",
    }),
});
export type StationModulesConfig = z.infer<typeof stationModulesSchema>;

export const stationSchema = z.strictObject({
    enabled: z.boolean().default(true).meta({ example: "true" }),
    environment: z.enum(["stage", "test"]).meta({
        description: "`stage`: one namespace per tier; `test`: every tier in `thoth-test-core`.",
        example: "stage",
    }),
    createNamespaces: z.boolean().default(true).meta({ example: "true" }),
    opsServiceAccount: k8sName("thoth-ops").default("thoth-ops").meta({
        description:
            "Service account the station deploy (and the test registry access) uses; lives in the infra namespace.",
    }),
    opsClusterRoles: z.array(clusterRoleName("admin")).min(1).default(["admin"]).meta({
        description:
            "ClusterRoles bound to it in every station namespace (`admin`: the deploy creates Roles for its operators).",
    }),
    dgraph: dgraphSchema.optional(),
    watcherRestart: watcherRestartSchema.optional(),
    modules: stationModulesSchema.optional().meta({
        description:
            "The station's modules (PostgreSQL, Argo, APIs, consumers, periodic jobs); off: namespaces only.",
    }),
});
export type StationConfig = z.infer<typeof stationSchema>;

// ---------------------------------------------------------------------------------------------------------------
// Zuul nodepool

export const nodepoolLabelSchema = z.strictObject({
    name: k8sName("thoth-pytest"),
    image: z
        .string()
        .regex(
            /^[a-z0-9][a-z0-9._/-]*:[A-Za-z0-9_][A-Za-z0-9_.-]*$/,
            "must be <image>:<tag> with a pinned tag",
        )
        .refine((v) => !v.endsWith(":latest"), "must not use the 'latest' tag")
        .meta({
            description: "Image in the pool namespace (an ImageStream tag), pinned.",
            example: "thoth-pytest:v0.10.2",
        }),
    minReady: replicas(1),
    cpu: positiveInt(1).default(1),
    memory: positiveInt(1024).default(1024).meta({ description: "MiB." }),
});

export const nodepoolSchema = z.strictObject({
    enabled: z.boolean().default(true).meta({ example: "true" }),
    namespace: k8sName("thoth-zuul").meta({
        description: "Namespace the pods run in; it is also the openshiftpods pool name.",
    }),
    createNamespace: z.boolean().default(true).meta({ example: "true" }),
    serviceAccount: k8sName("nodepool").default("nodepool"),
    clusterRole: clusterRoleName("edit").default("edit").meta({
        description:
            "ClusterRole bound to the service account in the namespace: it creates, execs into and deletes pods.",
    }),
    provider: k8sName("psi").meta({ description: "Nodepool provider name." }),
    maxPods: positiveInt(20).optional(),
    labels: z.array(nodepoolLabelSchema).min(1, "needs at least one label"),
});
export type NodepoolConfig = z.infer<typeof nodepoolSchema>;

// ---------------------------------------------------------------------------------------------------------------

export const thothSchema = z.strictObject({
    ...kubernetesSwitches,
    cluster: k8sName("psi"),
    domain: hostName("apps.ocp4.prod.psi.redhat.com").optional().meta({
        description:
            "Base domain of default Route hosts (`<name>-<namespace>.<domain>`, as OpenShift names them).",
    }),
    apiServer: hostPort("api.ocp4.prod.psi.redhat.com:6443").optional().meta({
        description:
            "API server of `thoth.cluster` as host:port, the one `oc login` names in a kubeconfig context. It is the only source of the nodepool context, so the provider file always names the cluster its token is from.",
    }),
    identity: z.enum(["production", "stage"]).meta({
        description:
            "Whose credentials this stack acts with. `stage` reads every secret from `thoth-stage-...` keys (its own GitHub webhook secret, ultrahook accounts, ...), so a stage stack can never act with production's.",
        example: "stage",
    }),
    bots: botsSchema.optional(),
    ultrahooks: ultrahooksSchema.optional(),
    station: stationSchema.optional(),
    nodepool: nodepoolSchema.optional(),
});
export type ThothConfig = z.infer<typeof thothSchema>;

/** The modules' Routes to metrics ports: the Argo controllers', the exporter's and the database exporter's. */
export const STATION_METRICS_ROUTES = [
    "workflow-controller-metrics",
    "metrics-exporter",
    "postgres-metrics-exporter",
];

/** The key that names who may reach {@link STATION_METRICS_ROUTES}. */
export const METRICS_AUDIENCE_KEY = "thoth.station.modules.metricsAudience";

/** Dgraph's Route hosts, each configured or derived from `thoth.domain`. */
export type DgraphHosts = Required<DgraphConfig["hosts"]>;

/** The station once its check passed: its enabled parts only, with what they take from outside the station. */
export type CheckedStation = Omit<StationConfig, "dgraph" | "modules"> & {
    dgraph?: Omit<DgraphConfig, "hosts"> & { hosts: DgraphHosts };
    /** With the base domain of the modules' generated Routes. */
    modules?: StationModulesConfig & { domain: string };
};

/** The bots once their check passed: with what the cyborg-regidores bots need, exactly when one of them runs. */
export type CheckedBots = BotsConfig & {
    /** The host of each deployed webhook bot's Route (bots/routeHosts.ts); a bot absent here gets no Route. */
    routeHosts: Partial<Record<WebhookBotName, string>>;
    regidores?: {
        webhook2kafka?: NonNullable<BotsConfig["webhook2kafka"]>;
        normalizers?: NonNullable<BotsConfig["normalizers"]>;
        kafkaBootstrapServers: string;
    };
};

/**
 * Where a tunnel forwards to, as the check decided it: a URL (the configured destination, or the bot's Route with the
 * path) or the in-cluster Service of a deployed bot (with the path appended to its address).
 */
export type UltrahookTarget = { url: string } | { service: WebhookBotName; path: string };

/** A tunnel once its check passed: with its {@link UltrahookTarget}. */
export type CheckedUltrahookInstance = UltrahookInstanceConfig & { to: UltrahookTarget };

/** The ultrahooks once their check passed: each tunnel of an enabled section carries its target. */
export type CheckedUltrahooks = Omit<UltrahooksConfig, "enabled" | "instances"> &
    (
        | { enabled: false; instances: UltrahookInstanceConfig[] }
        | { enabled: true; instances: CheckedUltrahookInstance[] }
    );

/**
 * The thoth section as deploy and notices read it (built by `thothCheck`): a disabled station part or nodepool is
 * absent, and what an enabled one needs from the top of the section (`thoth.domain`, `thoth.apiServer`) is in it.
 */
export type ThothSection = Omit<ThothConfig, "station" | "nodepool" | "bots" | "ultrahooks"> & {
    bots?: CheckedBots;
    ultrahooks?: CheckedUltrahooks;
    station?: CheckedStation;
    nodepool?: NodepoolConfig & { apiServer: string };
};
