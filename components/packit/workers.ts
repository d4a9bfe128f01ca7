import * as pulumi from "@pulumi/pulumi";
import { mergeEnv } from "../shared/env";
import { ContainerSpec } from "../shared/container";
import { execProbe } from "../shared/probes";
import { claimTemplate } from "../shared/volumes";
import { Workload } from "../shared/workload";
import { BROKER_SHELL, SecretFiles, brokerEnv, celeryEnv, secretMounts } from "./env";
import { ConsumersCheck } from "../shared/consumers";
import type { ServiceName } from "./config";
import { SIZES, WorkerGroup, writersPaused } from "./layout";
import { PackitPart, PackitPartArgs } from "./part";
import type { DatabaseClients } from "./stores";
import { SecretHandle } from "../shared/handles";

export interface PackitWorkersArgs extends PackitPartArgs {
    /** One StatefulSet per group (all-queues, or short-running + long-running); none when workers are off. */
    groups: WorkerGroup[];
    /** Every Celery process reads the database: the workers' and beat's switches are on only beside the handle. */
    clients: DatabaseClients;
}

/**
 * What every Celery process opens of the Secrets (run_worker.sh runs before Celery, for beat as well): the ssh key it
 * installs (and stops without), the ssh config if present, packit-service.yaml, the Fedora keytab its
 * keytab_path names, and the Copr client's config, which only packit's worker opens (stream's, hardly, builds in no
 * Copr).
 */
function celeryFiles(service: ServiceName): SecretFiles {
    return {
        "packit-ssh": ["id_ed25519", "id_ed25519.pub", "config"],
        "packit-secrets": ["fedora.keytab"],
        "packit-config": service === "packit" ? ["packit-service.yaml", "copr"] : ["packit-service.yaml"],
    };
}

/**
 * The StatefulSet's governing Service selects the workers, so a rollout and OrderedReady wait for readiness: ready
 * once this worker answers on the broker (the liveness probe's Celery check, asked of this worker alone).
 */
function workerProbes(): Pick<ContainerSpec, "readinessProbe" | "livenessProbe"> {
    return {
        readinessProbe: execProbe(
            ["bash", "-c", 'celery -A "$APP" inspect ping --destination "celery@$(uname -n)" --timeout 10'],
            { initialDelaySeconds: 30, periodSeconds: 60, timeoutSeconds: 30 },
        ),
        livenessProbe: execProbe(["bash", "-c", 'celery -A "$APP" status | grep "$(uname -n): OK"'], {
            initialDelaySeconds: 600,
            periodSeconds: 600,
            timeoutSeconds: 300,
        }),
    };
}

/** Name of the worker container; image triggers select it by this name. */
export const WORKER_CONTAINER = "packit-worker";

/**
 * The Celery side, "workers - do the actual work": beat schedules the periodic tasks, and the workers run as
 * StatefulSets, so each pod keeps its own `packit-worker-vol` (sandcastle's work dir) and, when it serves
 * long-running tasks, its own repository cache across restarts. All of them write to the database, so all stop
 * during a major upgrade.
 */
export class PackitWorkers extends PackitPart {
    public readonly statefulSets: Record<string, Workload> = {};
    public readonly beat?: Workload;

    constructor(name: string, args: PackitWorkersArgs, opts?: pulumi.ComponentResourceOptions) {
        super("runbooks:packit:PackitWorkers", name, args, opts);
        const { clients } = args;
        if (clients.workers) {
            for (const group of args.groups)
                this.statefulSets[group.name] = this.worker(group, clients.database);
        }
        if (clients.beat) this.beat = this.scheduler(clients.database);
        this.consumers(args.groups);
        this.registerOutputs({ statefulSets: Object.keys(this.statefulSets) });
    }

    /** One worker StatefulSet: its own sandcastle volume and, for long-running tasks, its repository cache. */
    private worker(group: WorkerGroup, database: SecretHandle): Workload {
        const { config } = this;
        const image = this.images.containerImage("packit-worker", WORKER_CONTAINER);
        const secrets = secretMounts(this.reads, celeryFiles(config.service));
        // Each pod's own claims, named as the live StatefulSets' templates (which cannot change).
        const sandcastle = claimTemplate({ name: "packit-worker-vol", size: group.sandcastleVolume });
        const cache = group.repositoryCache
            ? claimTemplate({ name: "packit-worker-repository-cache", size: group.repositoryCache })
            : undefined;
        const role = group.name.replace(/^packit-worker-?/, "") || "all-queues";
        return this.workload(`worker-${role}`, {
            kind: "StatefulSet",
            app: this.app(group.name, "worker"),
            replicas: writersPaused(config) ? 0 : group.replicas,
            // A worker killed mid-task is retried by Celery; waiting longer only delays rollouts.
            terminationGracePeriodSeconds: 10,
            // No automountServiceAccountToken: false here, sandcastle starts the sandbox pods with it.
            annotations: image.annotations,
            imagesManagedByTriggers: image.managedByTrigger,
            restartOnChange: this.restart,
            containers: [
                {
                    name: WORKER_CONTAINER,
                    image: image.image,
                    command: ["/usr/bin/run_worker.sh"],
                    env: mergeEnv(celeryEnv(config, this.reads, database, {}), {
                        CELERY_COMMAND: "worker",
                        QUEUES: group.queues,
                    }),
                    resources: group.size,
                    ...workerProbes(),
                    mounts: [
                        ...secrets,
                        sandcastle.mount("/sandcastle"),
                        ...(cache ? [cache.mount("/repository-cache")] : []),
                    ],
                },
            ],
        });
    }

    /**
     * Runbook 001's check after a deploy (consumers back on their queues, seen in flower) as a Job `up` waits for,
     * over every queue of a running worker group; none while the writers are paused or no worker runs.
     */
    private consumers(groups: readonly WorkerGroup[]): void {
        const running = groups.filter((g) => this.statefulSets[g.name] && g.replicas > 0);
        if (running.length === 0 || writersPaused(this.config)) return;
        const image = this.images.containerImage("packit-worker", WORKER_CONTAINER).image;
        new ConsumersCheck(
            this.childName("consumers"),
            {
                cluster: this.context.cluster,
                namespace: this.namespace,
                app: this.app("packit-worker-consumers", "verification"),
                image,
                env: brokerEnv(this.reads),
                broker: BROKER_SHELL.url,
                setup: BROKER_SHELL.setup,
                queues: [...new Set(running.flatMap((g) => g.queues.split(",")))],
                release: image,
            },
            // order: once every worker is rolled out.
            this.child({ dependsOn: running.map((g) => this.statefulSets[g.name]) }),
        );
    }

    private scheduler(database: SecretHandle): Workload {
        const { config } = this;
        return this.appWorkload("beat", {
            app: this.app("packit-service-beat", "scheduler"),
            image: this.images.containerImage("packit-worker", "packit-service-beat"),
            secrets: celeryFiles(config.service),
            replicas: writersPaused(config) ? 0 : 1,
            // Two beats would schedule every periodic task twice.
            strategy: "Recreate",
            container: {
                command: ["/usr/bin/run_worker.sh"],
                env: celeryEnv(config, this.reads, database, { CELERY_COMMAND: "beat" }),
                resources: SIZES.beat,
            },
        });
    }
}
