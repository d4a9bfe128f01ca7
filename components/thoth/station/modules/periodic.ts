import * as pulumi from "@pulumi/pulumi";
import { KubernetesContext } from "../../../config/system";
import { SystemArgs, SystemPart } from "../../../config/systemComponent";
import { EnvMap, mergeEnv } from "../../../shared/env";
import { AccountHandle, HandleMount } from "../../../shared/handles";
import { Sizing } from "../../../shared/resources";
import { podVolume } from "../../../shared/volumes";
import { ScheduledJob } from "../../../shared/scheduledJob";
import { StationImages, ThothSection } from "../../config";
import { thothApp } from "../../identity";
import { SizedPart } from "../sizing";
import {
    KUBERNETES_ENV,
    keyEnv,
    cephEnv,
    deploymentEnv,
    graphEnv,
    kafkaCaMount,
    kafkaEnv,
    namespaceEnv,
    pushgatewayEnv,
    StationReads,
} from "../stationEnv";
import { StationSecretName } from "../stationSecrets";
import { StationTier } from "../tiers";

/** One periodic job of the station (thoth-station.md §3.1–3.3). */
export interface PeriodicPlan {
    name: string;
    tier: StationTier;
    schedule: string;
    /** Its image in `images`, which also names its size in the environment's sizing. */
    image: keyof StationImages & SizedPart;
    /** Its env, read through the station's objects of its tier's namespace. */
    env: (reads: StationReads) => EnvMap;
    /** Suspended in the reference even where the environment runs (unset: scheduled). */
    suspended?: boolean;
    history: [number, number];
    /**
     * Run-time limit. The reference expresses it as a liveness probe on port 80 (which the jobs never open)
     * with this initial delay and failure threshold 1; a deadline says the same without the bogus probe.
     */
    deadlineSeconds?: number;
    serviceAccount?: string;
    /** Mounts the Kafka CA (unset: no Kafka client). */
    kafkaCa?: boolean;
    /** Default OnFailure with 6 retries; the integration tests run once and report (Never, no retry). */
    restartPolicy?: "Never" | "OnFailure";
    backoffLimit?: number;
    /** A Secret of its namespace mounted as files (document-sync's destination S3 credentials). */
    secretFiles?: { secret: StationSecretName; key: string; mountPath: string };
    /** Scratch space the job writes to (an emptyDir): its volume's name, as the live pods name it, and where. */
    scratch?: { volume: string; mountPath: string };
}

/**
 * One of the three mi-scheduler CronJobs (suspended in the reference): each schedules one kind of meta-information
 * analysis as Workflows in the middletier namespace, with Sesheta's srcops GitHub token.
 */
function miScheduler(
    name: string,
    schedule: string,
    mode: string,
    extra: (reads: StationReads) => EnvMap,
): PeriodicPlan {
    return {
        name,
        tier: "middletier",
        schedule,
        image: "miScheduler",
        suspended: true,
        history: [1, 1],
        serviceAccount: "mi-scheduler",
        env: (reads) =>
            mergeEnv(
                { KUBERNETES_VERIFY_TLS: "0", APP_FILE: "app.py" },
                namespaceEnv(reads, "middletier", "infra"),
                { THOTH_DEPLOYMENT_NAME: reads.configMap("thoth").env("deployment-name") },
                extra(reads),
                {
                    GITHUB_ACCESS_TOKEN: reads.secret("sesheta-srcops").env("github-access-token"),
                    [mode]: "1",
                    THOTH_ADJUST_LOGGING: "thoth.mi-scheduler:INFO",
                },
            ),
    };
}

/**
 * The station's CronJobs: graph refresh and the Kafka producers, CVE and package updates, graph backup and metrics,
 * pulp sync, document sync, integration tests, the SLO report and the mi-scheduler jobs (thoth-station.md §3).
 */
export function periodicPlans(): PeriodicPlan[] {
    // A Kafka producer whose app.sh runs producer.py. package-releases v0.11.11 and package-update v0.8.17 read no
    // SUBCOMMAND, and package-update pushes no metrics (facts/evidence/thoth/); advise-reporter, whose
    // source could not be read, keeps what the reference gives it.
    const producer = (reads: StationReads): EnvMap =>
        mergeEnv({ APP_SCRIPT: "app.sh" }, kafkaEnv(reads), deploymentEnv(reads), graphEnv(reads));
    return [
        {
            name: "graph-refresh",
            tier: "frontend",
            schedule: "@hourly",
            image: "graphRefresh",
            history: [2, 4],
            deadlineSeconds: 14400,
            serviceAccount: "graph-refresh-job",
            kafkaCa: true,
            env: (reads) =>
                mergeEnv(
                    {
                        THOTH_LOG_GRAPH_REFRESH_JOB: "INFO",
                        APP_SCRIPT: "app.sh",
                        THOTH_INFRA_NAMESPACE: reads.configMap("thoth").env("infra-namespace"),
                        THOTH_GRAPH_REFRESH_SOLVER: "1",
                        THOTH_GRAPH_REFRESH_REVSOLVER: "1",
                        THOTH_GRAPH_REFRESH_SECURITY: "0",
                        THOTH_GRAPH_REFRESH_COUNT: "800",
                    },
                    KUBERNETES_ENV,
                    kafkaEnv(reads),
                    deploymentEnv(reads),
                    graphEnv(reads),
                    pushgatewayEnv(reads),
                ),
        },
        {
            name: "cve-update",
            tier: "frontend",
            schedule: "@daily",
            image: "cveUpdate",
            history: [2, 4],
            kafkaCa: true,
            env: (reads) =>
                mergeEnv(
                    // v0.5.7 talks to no cluster API: no KUBERNETES_API_URL.
                    { THOTH_LOG_CVE_UPDATE: "DEBUG" },
                    deploymentEnv(reads),
                    pushgatewayEnv(reads),
                    graphEnv(reads),
                    kafkaEnv(reads),
                ),
        },
        {
            name: "package-releases",
            tier: "frontend",
            schedule: "0 */12 * * *",
            image: "packageReleases",
            history: [2, 4],
            deadlineSeconds: 14400,
            kafkaCa: true,
            env: (reads) => mergeEnv(producer(reads), pushgatewayEnv(reads)),
        },
        {
            name: "package-update",
            tier: "frontend",
            schedule: "0 */12 * * *",
            image: "packageUpdate",
            history: [2, 4],
            deadlineSeconds: 7200,
            kafkaCa: true,
            env: producer,
        },
        {
            name: "advise-reporter",
            tier: "infra",
            schedule: "0 2 * * *",
            image: "adviseReporter",
            history: [2, 4],
            deadlineSeconds: 7200,
            kafkaCa: true,
            env: (reads) =>
                mergeEnv(producer(reads), pushgatewayEnv(reads), cephEnv(reads), {
                    SUBCOMMAND: "producer",
                    THOTH_NUMBER_RELEASES: "4",
                    THOTH_PUBLIC_CEPH_BUCKET: reads.configMap("ceph").env("public-bucket-name"),
                }),
        },
        {
            name: "graph-backup",
            tier: "graph",
            schedule: "@monthly",
            image: "graphBackup",
            history: [1, 2],
            deadlineSeconds: 7200,
            env: (reads) =>
                mergeEnv(deploymentEnv(reads), cephEnv(reads), pushgatewayEnv(reads), graphEnv(reads), {
                    // The reference reads the bucket's deployment folder, not the deployment name, here.
                    THOTH_DEPLOYMENT_NAME: reads.configMap("thoth").env("storage-bucket-name"),
                    THOTH_DATA_DUMP_PATH: "/var/lib/pgsql/pg_dump.sql",
                }),
            // pg_dump writes the dump there before it is uploaded, and the job only logs a failed dump and completes
            // (thoth-station/graph-backup-job@83be92f91e:app.py:96-113): without the reference's emptyDir the directory
            // is not the job's to write, and every run ends "successful" with no backup
            // (thoth-station/thoth-application@f2cf35f51e:graph-backup-job/base/cronjob.yaml:26-28,99-100,117-119).
            scratch: { volume: "postgresql-data", mountPath: "/var/lib/pgsql" },
        },
        {
            name: "graph-metrics-exporter",
            tier: "graph",
            schedule: "@monthly",
            image: "graphMetricsExporter",
            history: [1, 1],
            deadlineSeconds: 7200,
            env: (reads) =>
                mergeEnv(deploymentEnv(reads), cephEnv(reads), pushgatewayEnv(reads), graphEnv(reads)),
        },
        {
            name: "pulp-pypi-sync-job",
            tier: "frontend",
            schedule: "* */6 * * *",
            image: "pulpPypiSync",
            suspended: true,
            history: [1, 1],
            deadlineSeconds: 1800,
            env: (reads) =>
                mergeEnv(deploymentEnv(reads), graphEnv(reads), {
                    THOTH_PULP_REPOSITORIES_SYNC_DISABLE_INDEX: "0",
                    THOTH_PULP_REPOSITORIES_SYNC_PULP_INSTANCE: reads.configMap("pulp-pypi").env("host"),
                    THOTH_PULP_REPOSITORIES_SYNC_PULP_USERNAME: reads.secret("pulp-pypi").env("username"),
                    THOTH_PULP_REPOSITORIES_SYNC_PULP_PASSWORD: reads.secret("pulp-pypi").env("password"),
                }),
        },
        {
            name: "document-sync",
            tier: "frontend",
            schedule: "@daily",
            image: "documentSync",
            suspended: true,
            history: [1, 2],
            deadlineSeconds: 259200,
            secretFiles: { secret: "dst-ceph", key: "credentials", mountPath: "/opt/app-root/src/.aws" },
            // v0.1.0, the image the reference runs, takes only its destination: the reference's solvers, concurrency,
            // days and push gateway are settings of later releases it never reads.
            env: (reads) =>
                mergeEnv(
                    { THOTH_DOCUMENT_SYNC_DST: "s3://thoth-store/data/aws-prod" },
                    cephEnv(reads),
                    deploymentEnv(reads),
                ),
        },
        {
            name: "integration-tests",
            tier: "infra",
            schedule: "@monthly",
            image: "integrationTests",
            history: [5, 4],
            deadlineSeconds: 21600,
            restartPolicy: "Never",
            backoffLimit: 0,
            env: (reads) => {
                const tests = reads.configMap("integration-tests");
                // v0.11.5 logs through behave, not thoth-common: no THOTH_LOGGING_NO_JSON.
                return {
                    MAIL_REPORT: tests.env("mail-report"),
                    GENERATE_REPORT: tests.env("generate-report"),
                    THOTH_DEPLOYMENT_NAME: tests.env("deployment-name"),
                    THOTH_USER_API_HOST: tests.env("user-api"),
                    THOTH_MANAGEMENT_API_HOST: tests.env("management-api"),
                    THOTH_AMUN_API_HOST: tests.env("amun-api"),
                    THOTH_MANAGEMENT_API_SECRET: reads
                        .secret("integration-tests")
                        .env("management-api-token"),
                    THOTH_INTEGRATION_TESTS_TAGS: tests.env("tags"),
                };
            },
        },
        {
            name: "slo-reporter",
            tier: "infra",
            schedule: "0 6 * * *",
            image: "sloReporter",
            history: [1, 2],
            deadlineSeconds: 7200,
            env: (reads) =>
                mergeEnv(
                    pushgatewayEnv(reads),
                    keyEnv(reads.configMap("slo-reporter"), {
                        SMTP_SERVER: "smtp-server",
                        EMAIL_SENDER: "sender-address",
                        EMAIL_RECIPIENTS: "email-recipients",
                        THANOS_ENDPOINT: "thanos-endpoint",
                    }),
                    { THANOS_ACCESS_TOKEN: reads.secret("slo-reporter").env("token") },
                    namespaceEnv(reads, "middletier", "backend", "amun-inspection"),
                    cephEnv(reads),
                    {
                        THOTH_PUBLIC_CEPH_BUCKET: reads.configMap("ceph").env("public-bucket-name"),
                        THOTH_SLO_REPORTER_USING_SMTP_TLS: "0",
                        THOTH_SLO_REPORTER_SEND_EMAIL: "1",
                    },
                    keyEnv(reads.configMap("prometheus"), {
                        PROMETHEUS_INSTANCE_METRICS_EXPORTER_INFRA: "instance-metrics-exporter-infra",
                        PROMETHEUS_INSTANCE_WORKFLOW_CONTROLLER_BACKEND:
                            "instance-workflow-controller-metrics-backend",
                        PROMETHEUS_INSTANCE_WORKFLOW_CONTROLLER_MIDDLETIER:
                            "instance-workflow-controller-metrics-middletier",
                        PROMETHEUS_INSTANCE_WORKFLOW_CONTROLLER_AMUN_INSPECTION:
                            "instance-workflow-controller-metrics-amun-inspection",
                        PROMETHEUS_INSTANCE_USER_API: "user-api-url",
                    }),
                    // v0.19.3 logs through logging.basicConfig, not thoth-common: no THOTH_LOGGING_NO_JSON.
                    { THOTH_DEPLOYMENT_NAME: reads.configMap("thoth").env("deployment-name") },
                ),
        },
        miScheduler("mi-scheduler-gh", "@daily", "SCHEDULE_GH_REPO_ANALYSIS", (reads) => ({
            MI_ENTITIES: reads.configMap("mi-scheduler-cm").env("entities"),
        })),
        miScheduler("mi-scheduler-kebechet-analyse", "0 0 * * *", "SCHEDULE_KEBECHET_ANALYSIS", graphEnv),
        miScheduler("mi-scheduler-kebechet-merge", "0 8 * * *", "SCHEDULE_KEBECHET_MERGE", graphEnv),
    ];
}

export interface PeriodicJobsArgs extends SystemArgs<ThothSection, KubernetesContext> {
    namespaces: Record<StationTier, string>;
    /** Each namespace's name from its Namespace, by plain name: the jobs placed with it are made after it. */
    namespaceRefs: Record<string, pulumi.Output<string>>;
    images: StationImages;
    sizing: Record<SizedPart, Sizing>;
    /** Hibernated environment: every job suspended (start one by hand with `kubectl create job --from=cronjob/...`). */
    hibernated: boolean;
    /** The jobs ({@link periodicPlans}). */
    plans: PeriodicPlan[];
    /** Service accounts by name, which the jobs that submit Workflows run as. */
    accounts: Record<string, AccountHandle>;
    /** The station's Secrets and ConfigMaps of a namespace, which its jobs read. */
    reads: (namespace: string) => StationReads;
}

/** The station's CronJobs (batch/v1; the reference's batch/v1beta1 is gone since Kubernetes 1.25). */
export class PeriodicJobs extends SystemPart<ThothSection, KubernetesContext> {
    public readonly jobs: Record<string, ScheduledJob> = {};
    readonly #args: PeriodicJobsArgs;

    constructor(name: string, args: PeriodicJobsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("runbooks:thoth:PeriodicJobs", name, args, opts);
        this.#args = args;
        for (const plan of args.plans) this.jobs[plan.name] = this.job(plan);
        this.registerOutputs({});
    }

    /** One job's CronJob, in its tier's namespace, reading that namespace's objects. */
    private job(plan: PeriodicPlan): ScheduledJob {
        const args = this.#args;
        const image = args.images[plan.image];
        const namespace = args.namespaces[plan.tier];
        const reads = args.reads(namespace);
        const account = plan.serviceAccount ? args.accounts[plan.serviceAccount] : undefined;
        const mounts = jobMounts(plan, reads);
        return new ScheduledJob(
            this.childName(plan.name),
            {
                cluster: this.context.cluster,
                namespace: args.namespaceRefs[namespace],
                app: thothApp(plan.name, "job", image),
                schedule: plan.schedule,
                suspend: plan.suspended || args.hibernated,
                concurrencyPolicy: "Forbid",
                successfulJobsHistoryLimit: plan.history[0],
                failedJobsHistoryLimit: plan.history[1],
                restartPolicy: plan.restartPolicy ?? "OnFailure",
                backoffLimit: plan.backoffLimit ?? 6,
                ...(plan.deadlineSeconds ? { activeDeadlineSeconds: plan.deadlineSeconds } : {}),
                ...(account ? { serviceAccountName: account.name } : { automountServiceAccountToken: false }),
                containers: [
                    {
                        name: plan.name,
                        image,
                        env: plan.env(reads),
                        resources: args.sizing[plan.image],
                        ...(mounts.length ? { mounts } : {}),
                    },
                ],
            },
            this.child(),
        );
    }
}

/**
 * A job's mounts: the Kafka CA, a Secret's key as a file (in a volume named like the Secret, as today), and its
 * scratch space.
 */
function jobMounts(plan: PeriodicPlan, reads: StationReads): HandleMount[] {
    const files = plan.secretFiles;
    const scratch = plan.scratch;
    return [
        ...(plan.kafkaCa ? [kafkaCaMount(reads)] : []),
        ...(scratch ? [podVolume(scratch.volume, { emptyDir: {} }).mount(scratch.mountPath)] : []),
        ...(files
            ? [
                  reads.secret(files.secret).mount(files.mountPath, {
                      volume: files.secret,
                      items: [{ key: files.key, path: files.key }],
                      readOnly: true,
                  }),
              ]
            : []),
    ];
}
