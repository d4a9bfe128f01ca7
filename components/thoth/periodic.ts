import * as pulumi from "@pulumi/pulumi";
import { ClusterContext } from "../shared/cluster";
import { RunbookComponent } from "../shared/component";
import { EnvMap, fromConfigMap, fromSecret, mergeEnv } from "../shared/env";
import { Sizing } from "../shared/resources";
import { ScheduledJob } from "../shared/scheduledJob";
import { StationImages } from "./config";
import { thothApp } from "./identity";
import { SizedPart } from "./sizing";
import {
    KUBERNETES_ENV,
    cephEnv,
    deploymentEnv,
    graphEnv,
    kafkaCaMount,
    kafkaCaVolume,
    kafkaEnv,
    pushgatewayEnv,
} from "./stationEnv";
import { StationTier } from "./tiers";

/** One periodic job of the station (thoth-station.md §3.1–3.3). */
export interface PeriodicPlan {
    name: string;
    tier: StationTier;
    schedule: string;
    image: keyof StationImages;
    size: SizedPart;
    env: EnvMap;
    /** Suspended in the reference even where the environment runs. */
    suspended: boolean;
    history: [number, number];
    /**
     * Run-time limit. The reference expresses it as a liveness probe on port 80 (which the jobs never open)
     * with this initial delay and failure threshold 1; a deadline says the same without the bogus probe.
     */
    deadlineSeconds?: number;
    serviceAccount?: string;
    kafkaCa: boolean;
}

/** The station's CronJobs: graph refresh and the Kafka producers, CVE and package updates, graph backup. */
export function periodicPlans(): PeriodicPlan[] {
    const producer = mergeEnv(
        { SUBCOMMAND: "producer", APP_SCRIPT: "app.sh" },
        kafkaEnv(),
        deploymentEnv(),
        graphEnv(),
        pushgatewayEnv(),
    );
    return [
        {
            name: "graph-refresh",
            tier: "frontend",
            schedule: "@hourly",
            image: "graphRefresh",
            size: "graphRefresh",
            suspended: false,
            history: [2, 4],
            deadlineSeconds: 14400,
            serviceAccount: "graph-refresh-job",
            kafkaCa: true,
            env: mergeEnv(
                {
                    THOTH_LOG_GRAPH_REFRESH_JOB: "INFO",
                    DEBUG_LEVEL: "0",
                    APP_SCRIPT: "app.sh",
                    THOTH_INFRA_NAMESPACE: fromConfigMap("thoth", "infra-namespace"),
                    THOTH_GRAPH_REFRESH_SOLVER: "1",
                    THOTH_GRAPH_REFRESH_REVSOLVER: "1",
                    THOTH_GRAPH_REFRESH_SECURITY: "0",
                    THOTH_GRAPH_REFRESH_COUNT: "800",
                },
                KUBERNETES_ENV,
                kafkaEnv(),
                deploymentEnv(),
                graphEnv(),
                pushgatewayEnv(),
            ),
        },
        {
            name: "cve-update",
            tier: "frontend",
            schedule: "@daily",
            image: "cveUpdate",
            size: "cveUpdate",
            suspended: false,
            history: [2, 4],
            kafkaCa: true,
            env: mergeEnv(
                { KUBERNETES_API_URL: KUBERNETES_ENV.KUBERNETES_API_URL, THOTH_LOG_CVE_UPDATE: "DEBUG" },
                deploymentEnv(),
                pushgatewayEnv(),
                graphEnv(),
                kafkaEnv(),
            ),
        },
        {
            name: "package-releases",
            tier: "frontend",
            schedule: "0 */12 * * *",
            image: "packageReleases",
            size: "packageReleases",
            suspended: false,
            history: [2, 4],
            deadlineSeconds: 14400,
            kafkaCa: true,
            env: producer,
        },
        {
            name: "package-update",
            tier: "frontend",
            schedule: "0 */12 * * *",
            image: "packageUpdate",
            size: "packageUpdate",
            suspended: false,
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
            size: "adviseReporter",
            suspended: false,
            history: [2, 4],
            deadlineSeconds: 7200,
            kafkaCa: true,
            env: mergeEnv(producer, cephEnv(), {
                THOTH_NUMBER_RELEASES: "4",
                THOTH_PUBLIC_CEPH_BUCKET: fromConfigMap("ceph", "public-bucket-name"),
            }),
        },
        {
            name: "graph-backup",
            tier: "graph",
            schedule: "@monthly",
            image: "graphBackup",
            size: "graphBackup",
            suspended: false,
            history: [1, 2],
            deadlineSeconds: 7200,
            kafkaCa: false,
            env: mergeEnv(deploymentEnv(), cephEnv(), pushgatewayEnv(), graphEnv(), {
                // The reference reads the bucket's deployment folder, not the deployment name, here.
                THOTH_DEPLOYMENT_NAME: fromConfigMap("thoth", "storage-bucket-name"),
                THOTH_DATA_DUMP_PATH: "/var/lib/pgsql/pg_dump.sql",
            }),
        },
        {
            name: "graph-metrics-exporter",
            tier: "graph",
            schedule: "@monthly",
            image: "graphMetricsExporter",
            size: "graphMetricsExporter",
            suspended: false,
            history: [1, 1],
            deadlineSeconds: 7200,
            kafkaCa: false,
            env: mergeEnv(deploymentEnv(), cephEnv(), pushgatewayEnv(), graphEnv()),
        },
        {
            name: "pulp-pypi-sync-job",
            tier: "frontend",
            schedule: "* */6 * * *",
            image: "pulpPypiSync",
            size: "pulpPypiSync",
            suspended: true,
            history: [1, 1],
            deadlineSeconds: 1800,
            kafkaCa: false,
            env: mergeEnv(deploymentEnv(), graphEnv(), {
                THOTH_PULP_REPOSITORIES_SYNC_DISABLE_INDEX: "0",
                THOTH_PULP_REPOSITORIES_SYNC_PULP_INSTANCE: fromConfigMap("pulp-pypi", "host"),
                THOTH_PULP_REPOSITORIES_SYNC_PULP_USERNAME: fromSecret("pulp-pypi", "username"),
                THOTH_PULP_REPOSITORIES_SYNC_PULP_PASSWORD: fromSecret("pulp-pypi", "password"),
            }),
        },
    ];
}

export interface PeriodicJobsArgs {
    cluster: ClusterContext;
    namespaces: Record<StationTier, string>;
    images: StationImages;
    sizing: Record<SizedPart, Sizing>;
    /** Hibernated environment: every job suspended (start one by hand with `kubectl create job --from=cronjob/...`). */
    hibernated: boolean;
    /** Service accounts by name, so a job waits for its own. */
    accounts: Record<string, pulumi.Resource>;
}

/** The station's CronJobs (batch/v1; the reference's batch/v1beta1 is gone since Kubernetes 1.25). */
export class PeriodicJobs extends RunbookComponent {
    public readonly jobs: Record<string, ScheduledJob> = {};

    constructor(name: string, args: PeriodicJobsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("runbooks:thoth:PeriodicJobs", name, opts, args.cluster.provider);
        for (const plan of periodicPlans()) {
            const image = args.images[plan.image];
            const account = plan.serviceAccount ? args.accounts[plan.serviceAccount] : undefined;
            this.jobs[plan.name] = new ScheduledJob(
                this.childName(plan.name),
                {
                    cluster: args.cluster,
                    namespace: args.namespaces[plan.tier],
                    app: thothApp(plan.name, "job", image),
                    schedule: plan.schedule,
                    suspend: plan.suspended || args.hibernated,
                    concurrencyPolicy: "Forbid",
                    successfulJobsHistoryLimit: plan.history[0],
                    failedJobsHistoryLimit: plan.history[1],
                    restartPolicy: "OnFailure",
                    backoffLimit: 6,
                    ...(plan.deadlineSeconds ? { activeDeadlineSeconds: plan.deadlineSeconds } : {}),
                    ...(plan.serviceAccount
                        ? { serviceAccountName: plan.serviceAccount }
                        : { automountServiceAccountToken: false }),
                    ...(plan.kafkaCa ? { volumes: [kafkaCaVolume] } : {}),
                    containers: [
                        {
                            name: plan.name,
                            image,
                            env: plan.env,
                            resources: args.sizing[plan.size],
                            ...(plan.kafkaCa ? { volumeMounts: [kafkaCaMount] } : {}),
                        },
                    ],
                },
                this.child(account ? { dependsOn: [account] } : {}),
            );
        }
        this.registerOutputs({});
    }
}
