import { z } from "zod";
import { kubernetesSwitches } from "../config/system";
import { orPlaceholder } from "../shared/placeholder";
import { certificateNameProblem } from "../config/checks";
import {
    checked,
    cronSchedule,
    hostName,
    httpsUrl,
    imageRef,
    imageTag,
    k8sName,
    positiveInt,
    quantity,
} from "../config/fields";

/** The two services deployed from packit/deployment; each is its own config section (`runbooks:packit`, `runbooks:stream`). */
export const SERVICES = ["packit", "stream"] as const;
export type ServiceName = (typeof SERVICES)[number];

/** Images Packit builds, by the ImageStream name the workloads follow (`quay.io/packit/<repository>:<deployment>`). */
export const PACKIT_IMAGES = [
    "packit-service",
    "packit-worker",
    "packit-service-fedmsg",
    "packit-service-centosmsg",
    "packit-dashboard",
    "tokman",
] as const;
export type PackitImage = (typeof PACKIT_IMAGES)[number];

/**
 * The parts of a deployment that can be switched off per stack: the runbook's ansible `TAGS`. Flower and
 * redis-commander are debugging tools and stay off unless a stack turns them on.
 */
export const COMPONENTS = [
    "service",
    "workers",
    "beat",
    "fedmsg",
    "centosmsg",
    "dashboard",
    "tokman",
    "postgres",
    "redis",
    "pushgateway",
    "redisCommander",
    "flower",
    "sandboxCleanup",
] as const;
export type Component = (typeof COMPONENTS)[number];
const OFF_BY_DEFAULT: readonly Component[] = ["redisCommander", "flower"];

const componentsSchema = z
    .object(
        Object.fromEntries(
            COMPONENTS.map((c) => {
                const on = !OFF_BY_DEFAULT.includes(c);
                return [
                    c,
                    z
                        .boolean()
                        .default(on)
                        .meta({ example: String(on) }),
                ];
            }),
        ) as Record<Component, z.ZodDefault<z.ZodBoolean>>,
    )
    .strict()
    .prefault({});

/** Worker layouts of packit/deployment: one StatefulSet serving both Celery queues, or one per queue. */
export const WORKER_SPLITS = ["all-queues", "short-long"] as const;

const workersSchema = z
    .object({
        split: z.enum(WORKER_SPLITS).meta({
            example: "short-long",
            description:
                "all-queues: StatefulSet packit-worker; short-long: packit-worker-short-running + -long-running",
        }),
        allQueues: positiveInt(1)
            .optional()
            .meta({ description: "Replicas of `packit-worker` (split all-queues)." }),
        shortRunning: positiveInt(1)
            .optional()
            .meta({ description: "Replicas of `packit-worker-short-running` (split short-long)." }),
        longRunning: positiveInt(1)
            .optional()
            .meta({ description: "Replicas of `packit-worker-long-running` (split short-long)." }),
        repositoryCache: quantity("10Gi").optional().meta({
            description:
                "Size of the repository cache of every long-running worker and of its sandbox twin; unset = no cache (the stream service has none).",
        }),
        sandcastleVolume: quantity("3Gi")
            .default("3Gi")
            .meta({ description: "`packit-worker-vol` mounted at /sandcastle in every worker pod." }),
    })
    .strict();
export type WorkersConfig = z.infer<typeof workersSchema>;

const postgresServerSchema = z
    .object({
        version: z.number().int("must be a whole major version").min(10).max(99).meta({
            description:
                "PostgreSQL major version; names the Deployment, Service and PVC `postgres-<version>`.",
            example: "15",
        }),
        image: imageRef("quay.io/sclorg/postgresql-15-c9s:c9s"),
    })
    .strict();

const postgresSchema = postgresServerSchema
    .extend({
        storage: quantity("1Gi").default("1Gi"),
        database: k8sName("packit").default("packit"),
        user: k8sName("packit").default("packit"),
        previous: postgresServerSchema.optional().meta({
            description:
                "Set during a major upgrade: the old server keeps running beside the new one, the writers stop and a Job copies the data (dump and restore). Remove it afterwards; its volume is kept.",
        }),
        claimName: orPlaceholder(k8sName("postgres-data")).optional().meta({
            description:
                "The claim holding the running system's data: the server mounts it instead of a new `postgres-<version>` claim, so the first `pulumi up` takes the data over (with the cluster's `adoptExisting`). During a major upgrade (`previous` set) it is the old server's claim; remove it together with `previous` afterwards.",
        }),
        takeoverReport: z.string().min(1).optional().meta({
            description:
                "The migration report (`npm run adopt -- --dump <namespace>=<file> --json <report>`) whose takeover of `claimName` says ready: required while the cluster's `adoptExisting` is on, because that `pulumi up` starts the server on the claim; read again at each run (its dump must still be under a day old). Remove it after.",
            example: "packit-prod-takeover.json",
        }),
        existingPassword: z.boolean().default(false).meta({
            description:
                "The running database's password is the secret `<section>-postgres-secret-database-password` instead of a generated one, so the applications keep connecting with it.",
            example: "false",
        }),
    })
    .strict();

const imageNames = (example: string) =>
    z
        .object(
            Object.fromEntries(
                PACKIT_IMAGES.map((i) => [
                    i,
                    z
                        .string()
                        .regex(/^[a-z0-9._-]+(\/[a-z0-9._-]+)*$/, "must be a repository name such as hardly")
                        .optional(),
                ]),
            ) as Record<PackitImage, z.ZodOptional<z.ZodString>>,
        )
        .strict()
        .prefault({})
        .meta({ example });

const imagesSchema = z
    .object({
        registry: z
            .string()
            .regex(
                /^[a-z0-9.-]+(:[0-9]+)?(\/[a-z0-9._-]+)*$/,
                "must be a registry path such as quay.io/packit",
            )
            .meta({
                description: "Registry and organisation of the Packit images.",
                example: "quay.io/packit",
            }),
        tag: imageTag("stg").meta({
            description: "The tag the builds push for this deployment: `stg` from main, `prod` from stable.",
        }),
        repositories: imageNames("hardly").meta({
            description:
                "Repository of an image when it is not the default (the stream service's worker is `hardly`).",
        }),
        pins: z
            .object(
                Object.fromEntries(
                    PACKIT_IMAGES.map((i) => [i, imageTag("sha256:" + "0".repeat(64)).optional()]),
                ) as Record<PackitImage, z.ZodOptional<ReturnType<typeof imageTag>>>,
            )
            .strict()
            .prefault({})
            .meta({
                description:
                    "Pinned tag or `sha256:` digest of an image. A pinned image moves only when this changes; a rollback is setting the previous digest here.",
            }),
        updates: z.enum(["scheduled", "maintenance-window"]).meta({
            description:
                "How new images reach the cluster: `scheduled` ImageStream import (staging follows every push) or only in the `maintenance-window` (production).",
            example: "maintenance-window",
        }),
        maintenanceWindow: cronSchedule("0 2 * * 2")
            .default("0 2 * * 2")
            .meta({ description: "When the maintenance window's import runs (runbook: Tuesday 02:00)." }),
        maintenanceTimeZone: z.string().min(1).optional().meta({
            description: "IANA zone of the window; the cluster's (UTC) when unset.",
            example: "Europe/Prague",
        }),
        cli: imageRef("quay.io/openshift/origin-cli:4.15").meta({
            description: "`oc`/`kubectl` image of the import and clean-up jobs.",
        }),
        redis: imageRef("quay.io/sclorg/redis-7-c9s:c9s"),
        pushgateway: imageRef("docker.io/prom/pushgateway:v1.6.2").meta({
            description:
                "The Prometheus Pushgateway (runbook 001); it keeps the last push of every worker until restarted.",
        }),
        nginx: imageRef("docker.io/nginxinc/nginx-unprivileged:1.27"),
        flower: imageRef("docker.io/mher/flower:2.0.1"),
        redisCommander: imageRef("docker.io/rediscommander/redis-commander:redis-commander-210"),
    })
    .strict();

/** A certificate subject name: a host or a one-level wildcard such as `*.packit.dev`. */
const certificateName = z
    .string()
    .superRefine(checked(certificateNameProblem))
    .meta({ example: "*.packit.dev" });

/** Public host names; each defaults to the packit/deployment convention for the deployment. */
const hostsSchema = z
    .object({
        service: hostName("stg.packit.dev").optional(),
        dashboard: hostName("dashboard.stg.packit.dev").optional(),
        metrics: hostName("workers.stg.packit.dev").optional(),
        flower: hostName("flower.stg.packit.dev").optional(),
        redisCommander: hostName("redis-commander.stg.packit.dev").optional(),
    })
    .strict()
    .prefault({});

/** `runbooks:packit` and `runbooks:stream`: one deployment of packit/deployment's layout. */
export const packitSchema = z
    .object({
        ...kubernetesSwitches,
        cluster: k8sName("packit-auto"),
        deployment: z.enum(["stg", "prod", "dev"]).meta({
            description: "packit/deployment's `deployment`: image tags, host names and namespaces follow it.",
            example: "stg",
        }),
        namespace: k8sName("packit-stg")
            .optional()
            .meta({ description: "Main namespace; `<service>-<deployment>` when unset." }),
        createNamespaces: z.boolean().default(true).meta({
            description: "Create the main and sandbox namespaces (false when a cluster admin owns them).",
            example: "true",
        }),
        domain: hostName("packit.dev").meta({
            description:
                "Base domain: the service answers on `<deployment>.<domain>`, other endpoints on `<name>[.stg].<domain>`.",
        }),
        hosts: hostsSchema,
        tls: z
            .object({
                certificateNames: z
                    .array(certificateName)
                    .min(1, "needs the names of at least one certificate")
                    .meta({
                        description:
                            "Names the certificate in Secret packit-secrets (fullchain.pem/privkey.pem, from secret config) covers. Every public host must match one: TLS is passed through to the pods, which serve it.",
                    }),
            })
            .strict(),
        components: componentsSchema,
        images: imagesSchema,
        workers: workersSchema,
        postgres: postgresSchema,
        redis: z
            .object({
                storage: quantity("1Gi").default("1Gi"),
                liveService: k8sName("redict").optional().meta({
                    description:
                        "The Service of the Celery broker that runs today under another name (packit/deployment runs `redict` since 2024). Set, the program deploys no Redis and leaves that broker's Deployment, Service and claim as they are: every Celery process connects to this Service of the main namespace, so the tasks queued in it are neither lost nor split over two brokers. Moving the queue to the program's Redis is a later step of its own, after the queue is drained.",
                }),
            })
            .strict()
            .prefault({}),
        tokman: z
            .object({
                githubAppId: z
                    .preprocess(
                        (v) => (typeof v === "number" && Number.isInteger(v) ? String(v) : v),
                        z.string().regex(/^[0-9]+$/, "must be the numeric GitHub App id"),
                    )
                    .meta({
                        description:
                            "GitHub App whose installation tokens tokman hands out (non-secret; the key is a secret).",
                        example: "12345",
                    }),
                storage: quantity("1Gi").default("1Gi"),
            })
            .strict()
            .optional(),
        celeryApp: z
            .string()
            .regex(/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/, "must be a Python module path")
            .meta({
                description: "Celery application the workers run (`hardly.tasks` for stream).",
                example: "packit_service.worker.tasks",
            }),
        distgit: z
            .object({
                url: httpsUrl("https://src.stg.fedoraproject.org/"),
                namespace: z.string().min(1).meta({ example: "rpms" }),
            })
            .strict(),
        centosmsg: z
            .object({
                mqttHost: hostName("mqtt.stg.centos.org"),
                topics: z.string().min(1).meta({ example: "git.stg.centos.org/#" }),
            })
            .strict()
            .optional(),
        sandbox: z
            .object({
                namespace: k8sName("packit-stg-sandbox")
                    .optional()
                    .meta({ description: "`<service>-<deployment>-sandbox` when unset." }),
                cleanupSchedule: cronSchedule("0 * * * *").default("0 * * * *"),
                podMaxAgeHours: positiveInt(24)
                    .default(24)
                    .meta({ description: "Finished sandbox pods older than this are deleted." }),
                pvcGraceMinutes: positiveInt(60).default(60).meta({
                    description:
                        "Unmounted PVCs younger than this are kept: sandcastle creates the claim before its pod.",
                }),
            })
            .strict()
            .prefault({}),
    })
    .strict();
export type PackitConfig = z.infer<typeof packitSchema>;

/** tokman's settings, when components.tokman is on. */
export type TokmanConfig = NonNullable<PackitConfig["tokman"]>;
/** The CentOS MQTT listener's settings, when components.centosmsg is on. */
export type CentosmsgConfig = NonNullable<PackitConfig["centosmsg"]>;

/**
 * The switches as the checked section holds them: the database's clients (the API, the workers, beat) are off
 * whenever the database is, so a part holding a client holds the database's handle too (stores.ts DatabaseClients).
 */
export type PackitComponents =
    | (PackitConfig["components"] & { postgres: true })
    | (PackitConfig["components"] & { postgres: false; service: false; workers: false; beat: false });

/**
 * What deploy reads once the check passed (components/packit/checks.ts): one service's section, named by the service
 * it is, with the settings of a switched-on component present exactly when the component is on, so deploy tests the
 * setting, never the switch and the setting together.
 */
export type PackitSection = Omit<PackitConfig, "namespace" | "tokman" | "centosmsg" | "components"> & {
    components: PackitComponents;
    /** Which service this section deploys (`runbooks:packit` or `runbooks:stream`). */
    service: ServiceName;
    /** The main namespace: the one set, or `<service>-<deployment>` (layout.ts mainNamespace). */
    namespace: string;
    /** Set exactly when components.tokman is on (the check requires tokman.githubAppId then). */
    tokman?: TokmanConfig;
    /** Set exactly when components.centosmsg is on (the check requires centosmsg.mqttHost then). */
    centosmsg?: CentosmsgConfig;
};
