import { runOncePodSpec } from "../shared/runOnce";
import { recordPods } from "../shared/network";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterContext } from "../shared/cluster";
import { RunbookComponent } from "../shared/component";
import { PlainConfigMap } from "../shared/configMap";
import { ContainerSpec } from "../shared/container";
import { ConfigMapHandle, SecretHandle } from "../shared/handles";
import { standardLabels } from "../shared/labels";
import { execProbe } from "../shared/probes";
import { PersistentVolumeClaim } from "../shared/persistentVolumeClaim";
import { Sizing } from "../shared/resources";
import { ConfigSecret } from "../shared/secret";
import { ChecksumKey } from "../shared/startupReads";
import { Workload, WorkloadArgs } from "../shared/workload";
import { dialsApp } from "./part";
import {
    BEAT_COMMAND,
    BEAT_NAME,
    EtlWorker,
    FLOWER_COMMAND,
    FLOWER_NAME,
    MIGRATE_COMMAND,
    SIZES,
    preStopScript,
    startupCheckCommand,
    workerCommand,
} from "./workers";

export const ETL_CONFIGMAP = "dials-etl-configmap";
export const ETL_SECRET = "dials-etl-secrets";
export const EOS_SECRET = "eos-credentials";
export const EOS_CLAIM = "eos-storage";
export const EOS_MOUNT_PATH = "/eos";
/** CERN PaaS: pods with this annotation get EOS mounted with the Kerberos credentials of the named Secret. */
export const EOS_ANNOTATION = "eos.okd.cern.ch/mount-eos-with-credentials-from-secret";

/** Arguments of {@link Etl}. */
export interface EtlArgs {
    cluster: ClusterContext;
    namespace: string;
    /** The ETL image (dials-etl). */
    image: string;
    /** `dials-etl-configmap` data (ENV, DATABASES). */
    configMapData: Record<string, string>;
    /** `dials-etl-secrets` data, every value secret. */
    secretData: Record<string, pulumi.Input<string>>;
    /** `eos-credentials` data (KEYTAB_USER, KEYTAB_PWD). */
    eosCredentials: Record<string, pulumi.Input<string>>;
    /** StorageClass of the EOS claim. */
    eosStorageClass: string;
    /** Every Celery worker (from {@link etlWorkers}). */
    workers: EtlWorker[];
    /** Hard limit of one task, passed to every worker; none when unset (as the running system). */
    taskTimeLimitSeconds?: number;
    /**
     * Name of the reviewed migration's Job (see `plannedMigration`): it runs `alembic upgrade head` once; none when
     * the configuration asks for no migration.
     */
    migrationJob?: string;
    /** Grace period of worker pods; longer than the task limit (checked in config). */
    terminationGracePeriodSeconds: number;
    /** Production: the EOS claim is protected from deletion. */
    protectStateful: boolean;
    /** Key of the checksums that restart readers of changed Secrets/ConfigMaps (the system's `checksumKey`). */
    restartKey: ChecksumKey;
    /**
     * What the pods wait for that no reference carries: the ImageStreams their image comes from and the broker,
     * which they connect to by host name.
     */
    dependsOn?: pulumi.Resource[];
}

/** What every ETL Deployment shares. */
type EtlPod = Pick<
    WorkloadArgs,
    "cluster" | "namespace" | "podAnnotations" | "restartOnChange" | "volumes"
> & {
    dependsOn: pulumi.Resource[];
};

/**
 * The DIALS ETL: its ConfigMap and Secrets, the EOS claim, the reviewed schema migration Job if any, the scheduler
 * (`common-redbeat`), `flower`, and one Deployment per Celery queue, all started after the migration when there is one. Every pod reads the same env and mounts EOS
 * read-only; every worker drains before it stops (see {@link preStopScript}).
 */
export class Etl extends RunbookComponent {
    /** Deployment names of the workers. */
    public readonly workerNames: string[];
    public readonly workloads: Record<string, Workload> = {};

    constructor(name: string, args: EtlArgs, opts?: pulumi.ComponentResourceOptions) {
        super("runbooks:dials:Etl", name, opts, args.cluster.provider);
        const { cluster, namespace } = args;
        const etl = dialsApp("etl", "etl");
        const configMap = new PlainConfigMap(
            this.childName("configmap"),
            { namespace, name: ETL_CONFIGMAP, app: etl, data: args.configMapData },
            this.child(),
        );
        const secret = new ConfigSecret(
            this.childName("secret"),
            { namespace, name: ETL_SECRET, app: etl, data: args.secretData },
            this.child(),
        );
        const eosSecret = new ConfigSecret(
            this.childName("eos-credentials"),
            {
                namespace,
                name: EOS_SECRET,
                app: dialsApp("eos", "storage"),
                data: args.eosCredentials,
            },
            this.child(),
        );
        const eosClaim = new PersistentVolumeClaim(
            this.childName("eos-pvc"),
            {
                name: EOS_CLAIM,
                namespace,
                app: dialsApp("eos", "storage"),
                // The CERN EOS provisioner ignores the size, but Kubernetes requires one.
                storage: "1",
                accessModes: ["ReadWriteMany"],
                storageClassName: args.eosStorageClass,
                protectStateful: args.protectStateful,
            },
            this.child(),
        );
        const ready = args.dependsOn ?? [];
        // Only when the stack file asks for it (dials.migration), once (the Job is named after the release), never on
        // a pod restart; pulumi waits for it, so the release's ETL pods only start on a migrated schema.
        const migration =
            args.migrationJob === undefined
                ? undefined
                : this.migration(args.migrationJob, args, [configMap.handle, secret.handle], ready);
        // The release's pods start on a migrated schema; the Job is no object they name.
        const dependsOn = migration ? [...ready, migration] : ready;
        const envFrom: ContainerSpec["envFrom"] = [
            configMap.handle.envFrom(),
            secret.handle.envFrom(),
            eosSecret.handle.envFrom(),
        ];
        const podAnnotations = { [EOS_ANNOTATION]: eosSecret.handle.name };
        // Every ETL pod reads all three through envFrom (the EOS mount also takes its credentials from
        // eos-credentials): those handles are what rolls the pods when one changes.
        const restartOnChange = { key: args.restartKey };
        const volumes = [eosClaim.handle.volume("eos-storage", { readOnly: true })];
        const volumeMounts = [{ name: "eos-storage", mountPath: EOS_MOUNT_PATH, readOnly: true }];
        const container = (containerName: string, command: string[], resources: Sizing): ContainerSpec => ({
            name: containerName,
            image: args.image,
            command,
            envFrom,
            resources,
            volumeMounts,
        });
        const pod: EtlPod = { cluster, namespace, podAnnotations, restartOnChange, volumes, dependsOn };

        this.workloads[BEAT_NAME] = this.etlPod(pod, BEAT_NAME, "scheduler", [
            container(BEAT_NAME, BEAT_COMMAND, SIZES.scheduler),
        ]);
        this.workloads[FLOWER_NAME] = this.etlPod(pod, FLOWER_NAME, "monitoring", [
            container(FLOWER_NAME, FLOWER_COMMAND, SIZES.scheduler),
        ]);

        for (const worker of args.workers) {
            this.workloads[worker.name] = this.etlPod(
                pod,
                worker.name,
                "worker",
                [
                    {
                        ...container(
                            worker.name,
                            workerCommand(worker, args.taskTimeLimitSeconds),
                            worker.sizing,
                        ),
                        lifecycle: {
                            preStop: { exec: { command: ["/bin/sh", "-c", preStopScript(worker)] } },
                        },
                        startupProbe: execProbe(startupCheckCommand(worker), {
                            periodSeconds: 30,
                            timeoutSeconds: 30,
                            failureThreshold: 20,
                        }),
                    },
                ],
                {
                    terminationGracePeriodSeconds: args.terminationGracePeriodSeconds,
                    // The new pod must be up before the old one drains, so the queue always has a consumer.
                    strategy: "RollingUpdate",
                    rollingUpdate: { maxSurge: 1, maxUnavailable: 0 },
                },
            );
        }
        this.workerNames = args.workers.map((w) => w.name);
        this.registerOutputs({ workerNames: this.workerNames });
    }

    /** One of the ETL's Deployments: the pod every ETL process shares (env, EOS mount, restart rule), its containers. */
    private etlPod(
        pod: EtlPod,
        appName: string,
        component: string,
        containers: ContainerSpec[],
        extra: Partial<WorkloadArgs> = {},
    ): Workload {
        return new Workload(
            this.childName(appName),
            {
                cluster: pod.cluster,
                namespace: pod.namespace,
                app: dialsApp(appName, component),
                automountServiceAccountToken: false,
                podAnnotations: pod.podAnnotations,
                restartOnChange: pod.restartOnChange,
                volumes: pod.volumes,
                containers,
                ...extra,
            },
            this.child({ dependsOn: pod.dependsOn }),
        );
    }

    /** The Job that runs `alembic upgrade head` once with the release's ETL image and the ETL env. */
    private migration(
        jobName: string,
        args: EtlArgs,
        reads: [ConfigMapHandle, SecretHandle],
        ready: pulumi.Resource[],
    ): k8s.batch.v1.Job {
        const labels = standardLabels(dialsApp("etl-migrate", "migration"));
        const containers = [
            {
                name: "migrate",
                image: args.image,
                command: MIGRATE_COMMAND,
                envFrom: reads.map((r) => r.envFrom()),
                resources: SIZES.scheduler,
            },
        ];
        recordPods(args.cluster, `Job ${jobName}`, args.namespace, { matchLabels: labels }, { containers });
        return new k8s.batch.v1.Job(
            this.childName("migrate"),
            {
                metadata: { name: jobName, namespace: args.namespace, labels },
                spec: {
                    backoffLimit: 0,
                    template: {
                        metadata: { labels },
                        spec: runOncePodSpec(args.cluster.platform, containers),
                    },
                },
            },
            this.child({ dependsOn: ready }),
        );
    }
}
