import { runOncePodSpec } from "../shared/runOnce";
import { ConsumersCheck } from "../shared/consumers";
import { recordPods } from "../shared/network";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PlainConfigMap } from "../shared/configMap";
import { ContainerSpec } from "../shared/container";
import { ConfigMapHandle, SecretHandle } from "../shared/handles";
import { standardLabels } from "../shared/labels";
import { Namespace } from "../shared/namespace";
import { execProbe } from "../shared/probes";
import { PersistentVolumeClaim } from "../shared/persistentVolumeClaim";
import { Redis, RedisAuth } from "../shared/redis";
import { Sizing } from "../shared/resources";
import { ConfigSecret } from "../shared/secret";
import { ChecksumKey } from "../shared/startupReads";
import { SystemArgs, SystemPart } from "../config/systemComponent";
import { Workload, WorkloadArgs } from "../shared/workload";
import type { DialsSection } from "./config";
import { dialsApp } from "./app";
import { liveLabelsOf } from "./live";
import { EOS_SECRETS, ETL_SECRETS, secretData } from "./secrets";
import { BROKER_DB, etlConfigMapData, redisUrl } from "./settings";
import {
    BEAT_COMMAND,
    BEAT_NAME,
    EtlWorker,
    FLOWER_COMMAND,
    FLOWER_NAME,
    MIGRATE_COMMAND,
    SIZES,
    etlWorkers,
    preStopScript,
    queueOf,
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

export interface EtlArgs extends SystemArgs<DialsSection> {
    /** The namespace: its `name` places every object; the EOS claim also waits for the component itself. */
    namespace: Namespace;
    image: string;
    /** `redis-etl-broker`: the Celery URLs name its endpoint and carry its password. */
    broker: Redis<RedisAuth>;
    restartKey: ChecksumKey;
}

/** The ETL's env (its ConfigMap and its Secret) and the EOS credentials every ETL pod mounts EOS with. */
interface EtlReads {
    configMap: ConfigMapHandle;
    secret: SecretHandle;
    eos: SecretHandle;
}

/** What every ETL Deployment shares: the pod around its containers, and what it waits for. */
interface EtlPod {
    shared: Pick<WorkloadArgs, "podAnnotations" | "restartOnChange">;
    container(name: string, command: string[], resources: Sizing): ContainerSpec;
    /** What the pods wait for that no field of theirs names (see the constructor). */
    after: pulumi.Resource[];
}

/**
 * The DIALS ETL: its ConfigMap and Secrets, the EOS claim, the reviewed schema migration Job if any, the scheduler
 * (`common-redbeat`), `flower`, and one Deployment per Celery queue, all started after the migration when there is
 * one. Every pod reads the same env and mounts EOS read-only; every worker drains before it stops (see
 * {@link preStopScript}).
 */
export class Etl extends SystemPart<DialsSection> {
    /** Deployment names of the workers. */
    public readonly workerNames: string[];
    public readonly workloads: Record<string, Workload> = {};
    readonly #namespace: pulumi.Output<string>;

    constructor(name: string, args: EtlArgs, opts?: pulumi.ComponentResourceOptions) {
        super("runbooks:dials:Etl", name, args, opts);
        this.#namespace = args.namespace.name;
        const reads = this.reads(args.broker);
        const eosClaim = this.eosClaim(args.namespace);
        // The ImageStreams and the broker come first by the system's order of its applications (see Dials).
        const migration = this.migration(args.image, reads);
        const pod = this.pod(args, reads, eosClaim, migration ? [migration] : []);
        this.workloads[BEAT_NAME] = this.etlPod(pod, BEAT_NAME, "scheduler", [
            pod.container(BEAT_NAME, BEAT_COMMAND, SIZES.scheduler),
        ]);
        this.workloads[FLOWER_NAME] = this.etlPod(pod, FLOWER_NAME, "monitoring", [
            pod.container(FLOWER_NAME, FLOWER_COMMAND, SIZES.scheduler),
        ]);
        const workers = etlWorkers(this.config);
        for (const worker of workers) this.workloads[worker.name] = this.worker(pod, worker);
        this.workerNames = workers.map((w) => w.name);
        if (workers.length > 0) this.consumers(args.image, reads, workers);
        this.registerOutputs({ workerNames: this.workerNames });
    }

    /** `dials-etl-configmap` (ENV, DATABASES), `dials-etl-secrets` with the broker's URLs, `eos-credentials`. */
    private reads(broker: Redis<RedisAuth>): EtlReads {
        const etl = dialsApp("etl", "etl");
        const namespace = this.#namespace;
        const { secrets } = this.context;
        const configMap = new PlainConfigMap(
            this.childName("configmap"),
            { namespace, name: ETL_CONFIGMAP, app: etl, data: etlConfigMapData(this.config) },
            this.child(),
        );
        const url = (db: number) => redisUrl(broker.endpoint, broker.password, db);
        const data = {
            ...secretData(ETL_SECRETS, secrets),
            CELERY_BROKER_URL: url(BROKER_DB.broker),
            CELERY_RESULT_BACKEND: url(BROKER_DB.results),
            CELERY_REDBEAT_URL: url(BROKER_DB.redbeat),
        };
        const secret = new ConfigSecret(
            this.childName("secret"),
            { namespace, name: ETL_SECRET, app: etl, data },
            this.child(),
        );
        const eos = new ConfigSecret(
            this.childName("eos-credentials"),
            {
                namespace,
                name: EOS_SECRET,
                app: dialsApp("eos", "storage"),
                data: secretData(EOS_SECRETS, secrets),
            },
            this.child(),
        );
        return { configMap: configMap.handle, secret: secret.handle, eos: eos.handle };
    }

    private eosClaim(namespace: Namespace): PersistentVolumeClaim {
        return new PersistentVolumeClaim(
            this.childName("eos-pvc"),
            {
                name: EOS_CLAIM,
                namespace: namespace.name,
                app: dialsApp("eos", "storage"),
                // The CERN EOS provisioner ignores the size, but Kubernetes requires one.
                storage: "1",
                accessModes: ["ReadWriteMany"],
                storageClassName: this.config.etl.eosStorageClass,
                protectStateful: this.context.protectStateful,
            },
            this.child(),
        );
    }

    /**
     * The pod every ETL process shares: its env (the ConfigMap and the Secret, through envFrom: those handles are what
     * rolls the pods when one changes), the read-only EOS mount and the annotation that mounts it with
     * eos-credentials.
     */
    private pod(
        args: EtlArgs,
        reads: EtlReads,
        eosClaim: PersistentVolumeClaim,
        after: pulumi.Resource[],
    ): EtlPod {
        // eos-credentials reaches the pods through the mount annotation only: v1.12.0's ETL reads no KEYTAB_USER or
        // KEYTAB_PWD (cms-DQM/dials@a4b354ccc6 etl/python/env.py), so envFrom of it would hand out unread credentials.
        const envFrom: ContainerSpec["envFrom"] = [reads.configMap.envFrom(), reads.secret.envFrom()];
        const eos = eosClaim.handle.mount(EOS_MOUNT_PATH, { volume: "eos-storage", readOnly: true });
        return {
            shared: {
                podAnnotations: { [EOS_ANNOTATION]: reads.eos.name },
                restartOnChange: { key: args.restartKey },
            },
            container: (name, command, resources) => ({
                name,
                image: args.image,
                command,
                envFrom,
                resources,
                mounts: [eos],
            }),
            after,
        };
    }

    /** A Celery worker: drains its queue before it stops, counts as started once it answers, rolls surge-first. */
    private worker(pod: EtlPod, worker: EtlWorker): Workload {
        const taskLimit = this.config.etl.taskTimeLimitSeconds;
        const container: ContainerSpec = {
            ...pod.container(worker.name, workerCommand(worker, taskLimit), worker.sizing),
            lifecycle: { preStop: { exec: { command: ["/bin/sh", "-c", preStopScript(worker)] } } },
            startupProbe: execProbe(startupCheckCommand(worker), {
                periodSeconds: 30,
                timeoutSeconds: 30,
                failureThreshold: 20,
            }),
        };
        return this.etlPod(pod, worker.name, "worker", [container], {
            terminationGracePeriodSeconds: this.config.etl.terminationGracePeriodSeconds,
            // The new pod must be up before the old one drains, so the queue always has a consumer.
            strategy: "RollingUpdate",
            rollingUpdate: { maxSurge: 1, maxUnavailable: 0 },
        });
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
                cluster: this.context.cluster,
                namespace: this.#namespace,
                app: dialsApp(appName, component),
                ...liveLabelsOf(appName),
                automountServiceAccountToken: false,
                ...pod.shared,
                containers,
                ...extra,
            },
            // The release's pods start on a migrated schema (the Job is no object they name).
            // order: after the migration Job.
            this.child(pod.after.length > 0 ? { dependsOn: pod.after } : {}),
        );
    }

    /**
     * Runbook 003's check after a deploy, that every worker is back on its queue, as a Job `up` waits for: the broker
     * URL is the one the workers read (`CELERY_BROKER_URL` of the ETL Secret; cms-DQM/dials@42c2c5f
     * etl/python/celery/celeryconfig.py takes it as `broker_url` and sets no control exchange of its own).
     */
    private consumers(image: string, reads: EtlReads, workers: readonly EtlWorker[]): k8s.batch.v1.Job {
        return new ConsumersCheck(
            this.childName("consumers"),
            {
                cluster: this.context.cluster,
                namespace: this.#namespace,
                app: dialsApp("etl-consumers", "verification"),
                image,
                env: { CELERY_BROKER_URL: reads.secret.env("CELERY_BROKER_URL") },
                broker: "$CELERY_BROKER_URL",
                queues: workers.map(queueOf),
                release: image,
            },
            // order: once every worker is rolled out.
            this.child({ dependsOn: workers.map((w) => this.workloads[w.name]) }),
        );
    }

    /**
     * The reviewed migration's Job, only when the stack file asks for one (dials.migration): it runs `alembic upgrade
     * head` once (the Job is named after the release), never on a pod restart, with the release's ETL image and the
     * ETL env; pulumi waits for it, so the release's ETL pods only start on a migrated schema.
     */
    private migration(image: string, reads: EtlReads): k8s.batch.v1.Job | undefined {
        const jobName = this.config.migration?.job;
        if (jobName === undefined) return undefined;
        const labels = standardLabels(dialsApp("etl-migrate", "migration"));
        const containers = [
            {
                name: "migrate",
                image,
                command: MIGRATE_COMMAND,
                envFrom: [reads.configMap.envFrom(), reads.secret.envFrom()],
                resources: SIZES.scheduler,
            },
        ];
        const { cluster } = this.context;
        recordPods(cluster, `Job ${jobName}`, this.#namespace, { matchLabels: labels }, { containers });
        return new k8s.batch.v1.Job(
            this.childName("migrate"),
            {
                metadata: { name: jobName, namespace: this.#namespace, labels },
                spec: {
                    backoffLimit: 0,
                    template: { metadata: { labels }, spec: runOncePodSpec(cluster.platform, containers) },
                },
            },
            this.child(),
        );
    }
}
