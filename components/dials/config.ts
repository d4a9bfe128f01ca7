import { z } from "zod";
import { kubernetesSwitches } from "../config/system";
import {
    hostName,
    httpsUrl,
    imageRef,
    imageTag,
    k8sName,
    positiveInt,
    quantity,
    replicas,
} from "../config/fields";
import { INT32_MAX } from "../config/checks";
import { canonicalDatabaseServer } from "../config/databaseServer";
import { orPlaceholder } from "../shared/placeholder";

/** One DIALS workspace: a database, a pair of Celery queues with their workers, and the e-group that may edit it. */
export const workspaceSchema = z.strictObject({
    name: z.string().min(1, "must not be empty").meta({
        description: "Workspace (and database) name; its workers are `<name>-bulk` and `<name>-priority`.",
        example: "tracker",
    }),
    egroup: z
        .string()
        .min(1, "must not be empty")
        .meta({
            description: "CERN e-group whose members certify in this workspace (DJANGO_WORKSPACES value).",
            example: "cms-dqm-runregistry-offline-tracker-certifiers",
            // Every workspace has its own e-group: an example (tracker's) would let another team certify.
            ask: (ws: Record<string, unknown>) =>
                `the CERN e-group whose members certify workspace ${typeof ws.name === "string" && ws.name !== "" ? ws.name : "<name>"} (e-groups.cern.ch; each workspace has its own)`,
        }),
    indexer: z.boolean().default(true).meta({
        description:
            "Its own `<name>-indexer` worker, as every workspace of the running system has (runbook 003).",
        example: "true",
    }),
});
export type WorkspaceConfig = z.infer<typeof workspaceSchema>;

/** A `sha256:` digest as a registry or an ImageStream reports it. */
const imageDigest = () =>
    z
        .string()
        .regex(/^sha256:[a-f0-9]{64}$/, "must be a digest: sha256 and 64 lower-case hex digits")
        .meta({ example: `sha256:${"0".repeat(64)}` });

export const imagesSchema = z.strictObject({
    registry: z
        .string()
        .regex(
            /^[a-z0-9.-]+(:[0-9]+)?(\/[a-z0-9._-]+)+$/,
            "must be a registry path such as registry.cern.ch/cms-dqmdc",
        )
        .meta({
            description:
                "Registry path of the DIALS images: `<registry>/dials-etl`, `dials-backend`, `dials-frontend`.",
            example: "registry.cern.ch/cms-dqmdc",
        }),
    tag: imageTag("v1.12.0").meta({
        description:
            "The DIALS release: one tag for etl, backend and frontend, so a release is one config change.",
    }),
    confirmed: z
        .strictObject({
            tag: imageTag("v1.12.0"),
            etl: imageDigest(),
            backend: imageDigest(),
            frontend: imageDigest(),
        })
        .optional()
        .meta({
            description:
                'The digests of `confirmed.tag`\'s etl, backend and frontend as read on the cluster (the digest comparison of docs/systems/dials-notes.md, "Releasing"): the ImageStreams import exactly these under the release tag. Runbook 003 imports the untagged images, so no source names a release: without it a production stack stops (the confirmation rule, components/shared/confirmedImages.ts). It holds only while `confirmed.tag` is `tag`.',
        }),
    nginx: imageRef("docker.io/nginxinc/nginx-unprivileged:1.27.4-alpine").meta({
        description: "The backend's nginx sidecar (ImageStream `nginx-unprivileged`).",
    }),
    redis: imageRef("quay.io/sclorg/redis-7-c9s:c9s").meta({
        description:
            "Redis for the ETL broker and the web cache (reads REDIS_PASSWORD, data in /var/lib/redis/data).",
    }),
});

export const etlSchema = z.strictObject({
    env: z
        .enum(["dev", "prod"])
        .meta({ description: "`ENV` of the ETL; the application knows `dev` and `prod`.", example: "prod" }),
    taskTimeLimitSeconds: positiveInt(7200).optional().meta({
        description:
            "Hard limit of one Celery task (`--time-limit`), only when set: the running system has none, and a limit kills every longer task. When set, the grace period below must outlast it.",
    }),
    commonIndexer: z.boolean().default(false).meta({
        description:
            "One `common-indexer` worker for every workspace: the queue the beat schedule and dataset indexer of v1.8.0 and later publish to (cms-DQM/dials@a4b354ccc6 etl/python/celery/__init__.py:15-21, etl/etl.config.json:3); the runbook's per-workspace indexers predate it.",
        example: "false",
    }),
    terminationGracePeriodSeconds: positiveInt(7500).meta({
        description:
            "How long a stopping worker may take to finish its task: longer than the task limit plus the pre-stop hook's budget (120 s).",
    }),
    downloaders: z
        .array(z.string().regex(/^[A-Za-z][A-Za-z0-9]*$/, "must be a primary dataset name such as ZeroBias"))
        .default([])
        .meta({
            description:
                "Primary datasets whose downloader queues (`<dataset>-downloader-bulk` and `-priority`, Deployments `<dataset in lower case>-downloader-<kind>`) get a worker each. Only for a release with the file downloader: v1.8.0's file indexer published one download task per new file to its dataset's queue (cms-DQM/dials@277e721511 etl/python/pipelines/file_indexer/pipeline.py:39-66); v1.12.0 has no file downloader and publishes each file to its workspace's own queues (cms-DQM/dials@a4b354ccc6 etl/python/pipelines/file_indexer/pipeline.py:35-46), so leave it empty there.",
            example: "ZeroBias",
        }),
    extraQueues: z.array(k8sName("private-bulk")).default([]).meta({
        description: "Queues with a worker of their own that belong to no workspace, e.g. `private-bulk`.",
        example: "private-bulk",
    }),
    eosStorageClass: k8sName("eos").meta({
        description: "StorageClass of the EOS claim (the CERN PaaS EOS provisioner).",
    }),
    brokerStorage: quantity("1Gi").meta({
        description:
            "Size of the broker's volume (`redis-etl-broker`): queued jobs survive a broker restart.",
    }),
});

export const keycloakSchema = z.strictObject({
    serverUrl: httpsUrl("https://auth.cern.ch/auth/"),
    // The backend's Keycloak application (id and secret) are secrets; v1.12.0 reads no public client id
    // (cms-DQM/dials@a4b354ccc6 backend/dials/settings.py:166-170), the frontend's is built into its image.
    realm: z.string().min(1).meta({ example: "cern" }),
});

export const webSchema = z.strictObject({
    env: z.enum(["dev", "prod"]).meta({
        description:
            "`DJANGO_ENV`; anything but `dev` serves collected static files through the nginx sidecar.",
        example: "prod",
    }),
    debug: z.boolean().default(false).meta({ example: "false" }),
    cacheTtlSeconds: z
        .number()
        .int()
        .min(0)
        .max(INT32_MAX)
        .meta({ description: "Seconds the backend caches API answers in redis-web-cache.", example: "30" }),
    apiHost: hostName("dials-api.example.org").meta({
        description: "Public host of the API (Route to backend-nginx).",
    }),
    frontendHost: hostName("dials.example.org").meta({
        description: "Public host of the web application (Route to frontend).",
    }),
    backendReplicas: replicas(5),
    frontendReplicas: replicas(3),
    gunicornWorkers: positiveInt(3),
    gunicornTimeoutSeconds: positiveInt(30),
    routeTimeout: z
        .string()
        .regex(/^[0-9]+(ms|s|m|h)$/, "must be a duration such as 180s")
        .meta({
            description:
                "Router timeout (`haproxy.router.openshift.io/timeout`): slow API queries outlive the 30 s default.",
            example: "180s",
        }),
    keycloak: keycloakSchema,
});

/**
 * An explicit, reviewed schema migration (`alembic upgrade head` with the ETL image of `to`). Without it no `up`
 * touches the schema, whatever the release: a migration is a decision written in the stack file, never a side
 * effect of a tag change. Both keys are optional here only so that a missing one gets its own message.
 */
export const migrationSchema = z.strictObject({
    from: imageTag("v1.7.0").optional().meta({
        description:
            "The release running today, as confirmed on the cluster: the schema the database has now.",
    }),
    to: imageTag("v1.12.0")
        .optional()
        .meta({ description: "The release this `up` deploys: must be `dials.images.tag`." }),
});

/** What an operator sets `dials.databaseServer` to: only they know it, and another stack's never fits. */
export const DATABASE_SERVER_ASK =
    "the host:port of the DB-on-demand instance (dbod.web.cern.ch) this stack's workspace databases are on: production's is the server in its dials-django-database-uri; any other stack requests an instance of its own, never production's";

/** `runbooks:dials`: CMS DIALS on the CERN OpenShift PaaS. */
export const dialsSchema = z.strictObject({
    ...kubernetesSwitches,
    cluster: k8sName("cern-paas"),
    namespace: k8sName("dials-example"),
    createNamespace: z.boolean().default(false).meta({
        description: "CERN PaaS projects are created in the web-services portal, not by this program.",
        example: "false",
    }),
    images: imagesSchema,
    databaseServer: orPlaceholder(
        z
            .string()
            .refine(
                (v) => canonicalDatabaseServer(v) !== undefined,
                "must be host:port of a PostgreSQL server, such as dbod-dials.cern.ch:6600",
            ),
    ).meta({
        description:
            "`host:port` of the PostgreSQL server (CERN DB-on-demand) this stack's workspace databases are on: the one dials-django-database-uri and dials-etl-database-uri must name, never a production stack's on another stack (components/config/passes/databaseServers.ts). Runbook 003 does not name production's.",
        example: "dbod-dials.cern.ch:6600",
        ask: DATABASE_SERVER_ASK,
    }),
    workspaces: z.array(workspaceSchema).min(1, "needs at least one workspace").meta({
        description:
            "Every workspace: adding one is one entry here (database, workers and DJANGO_WORKSPACES follow).",
        example: "[]",
        ask: "the list of workspaces, one {name: <workspace>, egroup: <its CERN e-group>} entry each (restore it from version control if it was emptied by mistake: every workspace has a database)",
    }),
    defaultWorkspace: z
        .string()
        .min(1)
        .meta({ description: "`DJANGO_DEFAULT_WORKSPACE`: one of the workspaces.", example: "tracker" }),
    etl: etlSchema,
    web: webSchema,
    migration: migrationSchema
        .optional()
        .meta({ description: "A schema migration in this `up`, only when set (see `migrationSchema`)." }),
    workersDrained: z.boolean().default(false).meta({
        description:
            "The operator drained today's workers in flower (runbook 003: disable the consumers, let the prefetched jobs finish) before the `up` that takes them over: their pods have no pre-stop drain and a 30 s grace, so the first roll would kill the jobs they run. Asked for only while the cluster's `adoptExisting` is on.",
        example: "true",
    }),
});
export type DialsConfig = z.infer<typeof dialsSchema>;

/** A schema migration the configuration asks for, complete and consistent (built by ./migration.ts). */
export interface Migration {
    from: string;
    to: string;
    /** The Job that runs it, named after `to`. */
    job: string;
}

/**
 * The section deploy and notices receive, once the check passed (components/dials/checks.ts): a migration is there
 * only as the reviewed one, complete and with its Job, so no code after the check can run an unchecked migration.
 */
export type DialsSection = Omit<DialsConfig, "migration"> & { migration?: Migration };
