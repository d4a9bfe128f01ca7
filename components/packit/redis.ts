import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterContext } from "../shared/cluster";
import { AppIdentity, standardLabels } from "../shared/labels";
import { execProbe, tcpProbe } from "../shared/probes";
import { statefulOptions } from "../shared/protect";
import { Workload } from "../shared/workload";
import { REDIS_HOST } from "./env";
import { SIZES } from "./layout";

/** Arguments of {@link PackitRedis}. */
export interface PackitRedisArgs {
    cluster: ClusterContext;
    namespace: string;
    partOf: string;
    image: string;
    /** Size of `redis-pvc`. */
    storage: string;
    /** Production: the volume is protected from deletion. */
    protectStateful: boolean;
}

const PORT = 6379;

/** Redis, the Celery broker: queued tasks survive a restart on `redis-pvc`. */
export class PackitRedis extends pulumi.ComponentResource {
    public readonly workload: Workload;

    constructor(name: string, args: PackitRedisArgs, opts?: pulumi.ComponentResourceOptions) {
        super("runbooks:packit:PackitRedis", name, {}, opts);
        const id: AppIdentity = { name: REDIS_HOST, partOf: args.partOf, component: "broker" };
        const pvc = new k8s.core.v1.PersistentVolumeClaim(
            `${name}-pvc`,
            {
                metadata: { name: "redis-pvc", namespace: args.namespace, labels: standardLabels(id) },
                spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: args.storage } } },
            },
            { parent: this, provider: args.cluster.provider, ...statefulOptions(args.protectStateful) },
        );
        this.workload = new Workload(
            `${name}-server`,
            {
                cluster: args.cluster,
                namespace: args.namespace,
                app: id,
                // One writer of a ReadWriteOnce volume.
                strategy: "Recreate",
                automountServiceAccountToken: false,
                containers: [
                    {
                        name: "redis",
                        image: args.image,
                        ports: [{ name: "redis", containerPort: PORT }],
                        resources: SIZES.redis,
                        livenessProbe: tcpProbe(PORT, { initialDelaySeconds: 15 }),
                        readinessProbe: execProbe(["redis-cli", "ping"], { initialDelaySeconds: 5 }),
                        volumeMounts: [{ name: "redis-data", mountPath: "/var/lib/redis/data" }],
                    },
                ],
                volumes: [{ name: "redis-data", persistentVolumeClaim: { claimName: "redis-pvc" } }],
                service: { ports: [{ name: "redis", port: PORT }] },
            },
            { parent: this, dependsOn: [pvc] },
        );
        this.registerOutputs({ host: REDIS_HOST });
    }
}
