import * as pulumi from "@pulumi/pulumi";
import { ClusterContext } from "../shared/cluster";
import { EnvMap, mergeEnv } from "../shared/env";
import { execProbe } from "../shared/probes";
import { Workload } from "../shared/workload";
import { secretVolumes } from "./env";
import { ContainerImage } from "./images";
import { WorkerGroup } from "./layout";

/** Arguments of {@link PackitWorkers}. */
export interface PackitWorkersArgs {
    cluster: ClusterContext;
    namespace: string;
    partOf: string;
    /** One StatefulSet per group (all-queues, or short-running + long-running). */
    groups: WorkerGroup[];
    /** The worker image (`packit-worker`, which is `hardly` for stream). */
    image: ContainerImage;
    /** Env every worker gets (database, Redis, AWS, Sentry, Celery app). */
    env: EnvMap;
    /** Scale to zero, e.g. while the database is copied to a new major version. */
    paused: boolean;
}

/** Name of the worker container; image triggers select it by this name. */
export const WORKER_CONTAINER = "packit-worker";

/**
 * The Celery workers: StatefulSets, so each pod keeps its own `packit-worker-vol` (sandcastle's work dir) and,
 * when it serves long-running tasks, its own repository cache across restarts.
 */
export class PackitWorkers extends pulumi.ComponentResource {
    public readonly statefulSets: Record<string, Workload> = {};

    constructor(name: string, args: PackitWorkersArgs, opts?: pulumi.ComponentResourceOptions) {
        super("runbooks:packit:PackitWorkers", name, {}, opts);
        const secrets = secretVolumes(["packit-ssh", "packit-secrets", "packit-config"]);
        for (const group of args.groups) {
            const role = group.name.replace(/^packit-worker-?/, "") || "all-queues";
            this.statefulSets[group.name] = new Workload(
                `${name}-${role}`,
                {
                    cluster: args.cluster,
                    namespace: args.namespace,
                    kind: "StatefulSet",
                    app: { name: group.name, partOf: args.partOf, component: "worker" },
                    replicas: args.paused ? 0 : group.replicas,
                    // A worker killed mid-task is retried by Celery; waiting longer only delays rollouts.
                    terminationGracePeriodSeconds: 10,
                    annotations: args.image.annotations,
                    imagesManagedByTriggers: args.image.managedByTrigger,
                    containers: [
                        {
                            name: WORKER_CONTAINER,
                            image: args.image.image,
                            command: ["/usr/bin/run_worker.sh"],
                            env: mergeEnv(args.env, { CELERY_COMMAND: "worker", QUEUES: group.queues }),
                            resources: group.size,
                            livenessProbe: execProbe(
                                ["bash", "-c", 'celery -A "$APP" status | grep "$(uname -n): OK"'],
                                {
                                    initialDelaySeconds: 600,
                                    periodSeconds: 600,
                                    timeoutSeconds: 300,
                                },
                            ),
                            volumeMounts: [
                                ...secrets.volumeMounts,
                                { name: "packit-worker-vol", mountPath: "/sandcastle" },
                                ...(group.repositoryCache
                                    ? [
                                          {
                                              name: "packit-worker-repository-cache",
                                              mountPath: "/repository-cache",
                                          },
                                      ]
                                    : []),
                            ],
                        },
                    ],
                    volumes: secrets.volumes,
                    volumeClaimTemplates: [
                        { name: "packit-worker-vol", size: group.sandcastleVolume },
                        ...(group.repositoryCache
                            ? [{ name: "packit-worker-repository-cache", size: group.repositoryCache }]
                            : []),
                    ],
                },
                { parent: this },
            );
        }
        this.registerOutputs({ statefulSets: Object.keys(this.statefulSets) });
    }
}
