import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterContext } from "./cluster";
import { RunbookComponent } from "./component";
import { ContainerSpec, toContainer } from "./container";
import { checkReadNamespaces, handleOf } from "./handles";
import { AppIdentity, selectorLabels, workloadLabels } from "./labels";
import { podSecurityContext } from "./security";
import { handlesReadBy } from "./startupReads";
import { ServiceEndpoint } from "./endpoints";
import { recordPods } from "./network";

/** Arguments of a {@link ScheduledJob}: one CronJob as the source systems define them. */
export interface ScheduledJobArgs {
    cluster: ClusterContext;
    namespace: pulumi.Input<string>;
    /** `app.name` is the CronJob's object name. */
    app: AppIdentity;
    /** Five-field cron expression or macro (`@daily`). */
    schedule: string;
    /** IANA time zone for the schedule; the controller's (UTC) when unset. */
    timeZone?: string;
    /** `Forbid` by default: the bots must not run twice at once against the same repositories. */
    concurrencyPolicy?: "Allow" | "Forbid" | "Replace";
    successfulJobsHistoryLimit?: number;
    failedJobsHistoryLimit?: number;
    /** A run missed by more than this is skipped instead of started late. */
    startingDeadlineSeconds?: number;
    /** Kills a run that takes longer than this. */
    activeDeadlineSeconds?: number;
    backoffLimit?: number;
    suspend?: boolean;
    containers: ContainerSpec[];
    volumes?: k8s.types.input.core.v1.Volume[];
    serviceAccountName?: pulumi.Input<string>;
    automountServiceAccountToken?: boolean;
    restartPolicy?: "Never" | "OnFailure";
    podAnnotations?: Record<string, pulumi.Input<string>>;
    /**
     * Services its pods reach by an address its spec writes as plain text (Prow's rendered arguments): the
     * references the network policies admit them by, beside the endpoint texts and keys the spec itself holds.
     */
    reaches?: readonly ServiceEndpoint[];
}

/** A CronJob with the standard labels, non-root security context and the cluster's provider. */
export class ScheduledJob extends RunbookComponent {
    public readonly cronJob: k8s.batch.v1.CronJob;
    public readonly objectName: string;

    constructor(name: string, args: ScheduledJobArgs, opts?: pulumi.ComponentResourceOptions) {
        super("runbooks:shared:ScheduledJob", name, opts, args.cluster.provider);
        this.objectName = args.app.name;
        const labels = workloadLabels(args.app);
        const podSpec: k8s.types.input.core.v1.PodSpec = {
            restartPolicy: args.restartPolicy ?? "Never",
            containers: args.containers.map(toContainer),
            securityContext: podSecurityContext(args.cluster.platform),
        };
        if (args.volumes?.length) podSpec.volumes = args.volumes;
        const account = handleOf(args.serviceAccountName);
        const handles = handlesReadBy({ containers: args.containers, volumes: args.volumes });
        checkReadNamespaces(name, args.namespace, account ? [...handles, account] : handles);
        // Its pods carry the CronJob's labels: the policies admit them as the CronJob's pods.
        const selector = { matchLabels: selectorLabels(args.app) };
        recordPods(args.cluster, `CronJob ${args.app.name}`, args.namespace, selector, args, args.reaches);
        if (args.serviceAccountName) podSpec.serviceAccountName = args.serviceAccountName;
        if (args.automountServiceAccountToken !== undefined) {
            podSpec.automountServiceAccountToken = args.automountServiceAccountToken;
        }
        this.cronJob = new k8s.batch.v1.CronJob(
            this.childName("cronjob"),
            {
                metadata: { name: args.app.name, namespace: args.namespace, labels },
                spec: {
                    schedule: args.schedule,
                    ...(args.timeZone ? { timeZone: args.timeZone } : {}),
                    concurrencyPolicy: args.concurrencyPolicy ?? "Forbid",
                    successfulJobsHistoryLimit: args.successfulJobsHistoryLimit ?? 3,
                    failedJobsHistoryLimit: args.failedJobsHistoryLimit ?? 1,
                    ...(args.startingDeadlineSeconds !== undefined
                        ? { startingDeadlineSeconds: args.startingDeadlineSeconds }
                        : {}),
                    suspend: args.suspend ?? false,
                    jobTemplate: {
                        metadata: { labels },
                        spec: {
                            backoffLimit: args.backoffLimit ?? 0,
                            ...(args.activeDeadlineSeconds !== undefined
                                ? { activeDeadlineSeconds: args.activeDeadlineSeconds }
                                : {}),
                            template: {
                                metadata: {
                                    labels,
                                    ...(args.podAnnotations ? { annotations: args.podAnnotations } : {}),
                                },
                                spec: podSpec,
                            },
                        },
                    },
                },
            },
            this.child(),
        );
        this.registerOutputs({ objectName: this.objectName });
    }
}
