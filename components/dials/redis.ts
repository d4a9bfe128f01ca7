import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { ClusterContext } from "../shared/cluster";
import { fromSecret } from "../shared/env";
import { AppIdentity, standardLabels } from "../shared/labels";
import { execProbe, tcpProbe } from "../shared/probes";
import { statefulOptions } from "../shared/protect";
import { configSecret } from "../shared/secret";
import { Workload } from "../shared/workload";
import { DIALS_PART_OF } from "./images";
import { REDIS_PORT } from "./settings";
import { SIZES } from "./workers";

/** Where the Redis image keeps its data (sclorg/OpenShift redis images). */
export const REDIS_DATA_DIR = "/var/lib/redis/data";

/** The source's readiness check: Redis answers PONG to an authenticated ping. */
export const REDIS_READINESS_COMMAND = [
    "/bin/sh",
    "-i",
    "-c",
    'test "$(redis-cli -h 127.0.0.1 -a $REDIS_PASSWORD ping)" == "PONG"',
];

/** Arguments of {@link Redis}. */
export interface RedisArgs {
    cluster: ClusterContext;
    namespace: string;
    /** Deployment, Service and Secret name, e.g. `redis-etl-broker`. */
    objectName: string;
    image: string;
    /** The password from secret config; a random one is generated (and kept in state) when undefined. */
    password?: pulumi.Input<string>;
    /** A PersistentVolumeClaim of this size (named like the Deployment) keeps the data; none for a cache. */
    storage?: string;
    /** Production: the claim is protected from deletion. */
    protect: boolean;
}

/** A password-protected Redis as the source runs it: Deployment, Service on 6379, Secret and optional volume. */
export class Redis extends pulumi.ComponentResource {
    /** In-namespace host name of the Service. */
    public readonly host: string;
    /** The password (secret). */
    public readonly password: pulumi.Output<string>;
    public readonly workload: Workload;
    public readonly claim?: k8s.core.v1.PersistentVolumeClaim;

    constructor(name: string, args: RedisArgs, opts?: pulumi.ComponentResourceOptions) {
        super("runbooks:dials:Redis", name, {}, opts);
        const app: AppIdentity = { name: args.objectName, partOf: DIALS_PART_OF, component: "database" };
        this.host = args.objectName;
        this.password = pulumi.secret(
            args.password !== undefined
                ? pulumi.output(args.password)
                : new random.RandomPassword(
                      `${name}-password`,
                      { length: 32, special: false },
                      { parent: this },
                  ).result,
        );
        const secret = configSecret(
            `${name}-secret`,
            {
                cluster: args.cluster,
                namespace: args.namespace,
                secretName: args.objectName,
                app,
                data: { "database-password": this.password },
            },
            { parent: this },
        );
        const dependsOn: pulumi.Resource[] = [secret];
        const volumes: k8s.types.input.core.v1.Volume[] = [];
        if (args.storage) {
            this.claim = new k8s.core.v1.PersistentVolumeClaim(
                `${name}-pvc`,
                {
                    metadata: {
                        name: args.objectName,
                        namespace: args.namespace,
                        labels: standardLabels(app),
                    },
                    spec: {
                        accessModes: ["ReadWriteOnce"],
                        resources: { requests: { storage: args.storage } },
                    },
                },
                { parent: this, provider: args.cluster.provider, ...statefulOptions(args.protect) },
            );
            dependsOn.push(this.claim);
            volumes.push({ name: "redis-data", persistentVolumeClaim: { claimName: args.objectName } });
        }
        this.workload = new Workload(
            `${name}-workload`,
            {
                cluster: args.cluster,
                namespace: args.namespace,
                app,
                // A ReadWriteOnce volume cannot be held by an old and a new pod at once.
                strategy: args.storage ? "Recreate" : "RollingUpdate",
                automountServiceAccountToken: false,
                volumes,
                containers: [
                    {
                        name: "redis",
                        image: args.image,
                        ports: [{ name: "redis", containerPort: REDIS_PORT }],
                        env: { REDIS_PASSWORD: fromSecret(args.objectName, "database-password") },
                        resources: SIZES.redis,
                        readinessProbe: execProbe(REDIS_READINESS_COMMAND, {
                            initialDelaySeconds: 5,
                            timeoutSeconds: 1,
                            periodSeconds: 10,
                            failureThreshold: 3,
                        }),
                        livenessProbe: tcpProbe(REDIS_PORT, {
                            initialDelaySeconds: 30,
                            timeoutSeconds: 1,
                            periodSeconds: 10,
                            failureThreshold: 3,
                        }),
                        volumeMounts: args.storage
                            ? [{ name: "redis-data", mountPath: REDIS_DATA_DIR }]
                            : undefined,
                    },
                ],
                service: { ports: [{ name: "redis", port: REDIS_PORT, targetPort: "redis" }] },
            },
            { parent: this, dependsOn },
        );
        this.registerOutputs({ host: this.host });
    }
}
