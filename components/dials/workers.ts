import { Sizing, sized } from "../shared/resources";

// The Celery side of DIALS as pure data: which workers exist for a configuration, how they are started and how
// they stop without losing a job. Component code only turns these into Deployments.

/** The ETL's Celery application (`etl/python/celery`), as every `celery` command line names it. */
export const CELERY_APP = "python";

/** Memory as in cms-DQM/dials oc/prod (no CPU requests there: the PaaS quota is memory-bound). */
export const SIZES = {
    /** `<dataset>-downloader-<kind>`: copies files to EOS over lxplus (oc/prod/deployments/etl/downloaders). */
    downloader: sized(undefined, "256Mi", undefined, "1024Mi"),
    /** `<ws>-bulk`, `<ws>-priority` and extra queues: one DQMIO file in memory at a time. */
    worker: sized(undefined, "1024Mi", undefined, "5120Mi"),
    indexer: sized(undefined, "256Mi", undefined, "2048Mi"),
    /** common-redbeat, its db-init and flower. */
    scheduler: sized(undefined, "256Mi", undefined, "1024Mi"),
    redis: sized(undefined, "512Mi", undefined, "1024Mi"),
    backend: sized(undefined, "512Mi", undefined, "2048Mi"),
    nginx: sized(undefined, "64Mi", undefined, "256Mi"),
    frontend: sized(undefined, "64Mi", undefined, "256Mi"),
} satisfies Record<string, Sizing>;

/** Deployments of the web tier and the data stores, which no worker may be named like. */
export const WEB_OBJECT_NAMES = ["backend", "frontend", "redis-etl-broker", "redis-web-cache"] as const;
/** The ETL's non-worker Deployments. */
export const BEAT_NAME = "common-redbeat";
export const FLOWER_NAME = "flower";
export const COMMON_INDEXER = "common-indexer";

export type WorkerRole = "indexer" | "bulk" | "priority" | "extra" | "downloader";

/** One Celery worker Deployment, consuming exactly one queue of the same name. */
export interface EtlWorker {
    /** Deployment name and node-name prefix (`<name>@<pod>`), and the Celery queue unless `queue` says otherwise. */
    name: string;
    /** The Celery queue, when it is no Kubernetes name (a downloader's, e.g. `ZeroBias-downloader-bulk`). */
    queue?: string;
    role: WorkerRole;
    /** The workspace it works for, when it belongs to one. */
    workspace?: string;
    /** The config key (without project) that makes this worker exist; undefined for `common-indexer`. */
    configKey?: string;
    sizing: Sizing;
}

interface WorkspaceLike {
    name: string;
    indexer?: boolean;
}

interface WorkersConfig {
    workspaces: readonly WorkspaceLike[];
    etl: { extraQueues: readonly string[]; commonIndexer?: boolean; downloaders?: readonly string[] };
}

/** The Deployment names a workspace adds: `<ws>-bulk`, `<ws>-priority` and, if it has one, `<ws>-indexer`. */
export function workspaceObjectNames(ws: WorkspaceLike): string[] {
    return workspaceWorkers(ws, 0).map((w) => w.name);
}

function workspaceWorkers(ws: WorkspaceLike, index: number): EtlWorker[] {
    const key = `dials.workspaces[${index}]`;
    const workers = (["bulk", "priority"] as const).map((role): EtlWorker => ({
        name: `${ws.name}-${role}`,
        role,
        workspace: ws.name,
        configKey: `${key}.name`,
        sizing: SIZES.worker,
    }));
    if (ws.indexer) {
        workers.push({
            name: `${ws.name}-indexer`,
            role: "indexer",
            workspace: ws.name,
            configKey: `${key}.indexer`,
            sizing: SIZES.indexer,
        });
    }
    return workers;
}

/**
 * Every worker of a configuration, in a stable order: `common-indexer` (the later upstream layout, only when
 * configured), then each workspace's workers in config order, then the downloaders, then the extra queues.
 */
export function etlWorkers(config: WorkersConfig): EtlWorker[] {
    const common: EtlWorker[] = config.etl.commonIndexer
        ? [
              {
                  name: COMMON_INDEXER,
                  role: "indexer",
                  configKey: "dials.etl.commonIndexer",
                  sizing: SIZES.indexer,
              },
          ]
        : [];
    return [
        ...common,
        ...config.workspaces.flatMap((ws, i) => workspaceWorkers(ws, i)),
        ...(config.etl.downloaders ?? []).flatMap((dataset, i) =>
            (["bulk", "priority"] as const).map((kind): EtlWorker => ({
                name: `${dataset.toLowerCase()}-downloader-${kind}`,
                queue: `${dataset}-downloader-${kind}`,
                role: "downloader",
                configKey: `dials.etl.downloaders[${i}]`,
                sizing: SIZES.downloader,
            })),
        ),
        ...config.etl.extraQueues.map((queue, i): EtlWorker => ({
            name: queue,
            role: "extra",
            configKey: `dials.etl.extraQueues[${i}]`,
            sizing: SIZES.worker,
        })),
    ];
}

export function queueOf(worker: Pick<EtlWorker, "name" | "queue">): string {
    return worker.queue ?? worker.name;
}

/** The Celery node name of a worker inside its pod, in shell syntax (Celery's `%h` is the pod's host name). */
export function nodeName(worker: Pick<EtlWorker, "name">): string {
    return `${worker.name}@$HOSTNAME`;
}

/**
 * The worker's command line, as in the source but exec'd directly (no `bash -c`), so SIGTERM reaches Celery and
 * starts its warm shutdown. `--time-limit` only when a limit is configured: the running system has none, and a
 * limit kills every longer task.
 */
export function workerCommand(
    worker: Pick<EtlWorker, "name" | "queue">,
    taskTimeLimitSeconds?: number,
): string[] {
    return [
        "celery",
        `--app=${CELERY_APP}`,
        "worker",
        "--loglevel=INFO",
        "--concurrency=1",
        "--autoscale=1,0",
        "--max-tasks-per-child=1",
        ...(taskTimeLimitSeconds === undefined ? [] : [`--time-limit=${taskTimeLimitSeconds}`]),
        `--hostname=${worker.name}@%h`,
        `--queues=${queueOf(worker)}`,
    ];
}

export const BEAT_COMMAND = [
    "celery",
    `--app=${CELERY_APP}`,
    "beat",
    "--loglevel=INFO",
    "--scheduler",
    "redbeat.RedBeatScheduler",
];
export const FLOWER_COMMAND = ["celery", `--app=${CELERY_APP}`, "flower", "--purge_offline_workers=120"];
/** The ETL database migration, run once per release by the migration Job (see {@link migrationJobName}). */
export const MIGRATE_COMMAND = ["alembic", "upgrade", "head"];

/**
 * The migration Job of a release, named after its image tag: a new tag is a new Job, which `pulumi up` runs once
 * (and waits for) before the workers of that release start; a restart of any pod never migrates.
 */
export function migrationJobName(tag: string): string {
    const safe = tag
        .toLowerCase()
        .replace(/[^a-z0-9-]+/g, "-")
        .replace(/^-+|-+$/g, "");
    return `dials-etl-migrate-${safe}`.slice(0, 63).replace(/-+$/, "");
}

/** How often, and how far apart, the pre-stop hook checks that the worker left its queue. */
export const CANCEL_CONFIRM_TRIES = 6;
export const CANCEL_CONFIRM_INTERVAL_SECONDS = 5;
/**
 * Upper bound of the pre-stop hook's run time, which Kubernetes counts against the grace period: one cancel and
 * up to six checks with a 10 s reply timeout each, plus the interval sleeps and Python start-up.
 */
export const PRE_STOP_BUDGET_SECONDS = 120;

/**
 * The pre-stop hook: cancel this pod's consumer of its queue, so the pod takes no new job and the queue's backlog
 * goes to the new pod, then wait until the worker no longer lists the queue (bounded; it fails safe). The hook
 * deliberately does not wait for the running task: a worker keeps executing the messages it already prefetched,
 * so "wait until idle" could take several task lengths. SIGTERM after the hook starts Celery's warm shutdown, which
 * finishes only the task in hand and hands prefetched messages back to Redis, within the grace period.
 */
export function preStopScript(worker: Pick<EtlWorker, "name" | "queue">): string {
    const node = `"${nodeName(worker)}"`;
    const queue = queueOf(worker);
    return [
        `celery --app=${CELERY_APP} control cancel_consumer ${queue} --destination=${node} --timeout=10`,
        `for i in ${Array.from({ length: CANCEL_CONFIRM_TRIES }, (_, i) => i + 1).join(" ")}; do`,
        `celery --app=${CELERY_APP} inspect active_queues --destination=${node} --timeout=10 | grep -q "'name': '${queue}'" || break`,
        `sleep ${CANCEL_CONFIRM_INTERVAL_SECONDS}`,
        "done",
    ].join("\n");
}

/** Startup check: the new pod counts as available (and the old one may stop) only once its worker answers. */
export function startupCheckCommand(worker: Pick<EtlWorker, "name">): string[] {
    return [
        "/bin/sh",
        "-c",
        `celery --app=${CELERY_APP} inspect ping --destination="${nodeName(worker)}" --timeout=10`,
    ];
}
