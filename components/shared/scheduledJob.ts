import * as k8s from "@pulumi/kubernetes";
import { CronExpressionParser } from "cron-parser";
import * as pulumi from "@pulumi/pulumi";
import { ClusterContext } from "./cluster";
import { RunbookComponent } from "./component";
import { PodBase, basePodSpec, podVolumes } from "./container";
import { checkReadNamespaces, handleOf } from "./handles";
import { AppIdentity, selectorLabels, workloadLabels } from "./labels";
import { handlesReadBy } from "./startupReads";
import { ServiceEndpoint } from "./endpoints";
import { recordPods } from "./network";

export interface ScheduledJobArgs extends Omit<PodBase, "initContainers"> {
    cluster: ClusterContext;
    namespace: pulumi.Input<string>;
    app: AppIdentity;
    /** Five-field cron expression or macro (`@daily`). */
    schedule: string;
    /** IANA time zone for the schedule; the controller's (UTC) when unset. */
    timeZone?: string;
    /** `Forbid` by default: the bots must not run twice at once against the same repositories. */
    concurrencyPolicy?: "Allow" | "Forbid" | "Replace";
    successfulJobsHistoryLimit?: number;
    failedJobsHistoryLimit?: number;
    /**
     * A run missed by more than this is skipped instead of started late; {@link startingDeadlineFor} of the schedule
     * unless given.
     */
    startingDeadlineSeconds?: number;
    activeDeadlineSeconds?: number;
    backoffLimit?: number;
    suspend?: boolean;
    /**
     * The RoleBindings that give its account its rights: a pod names only the account, so without them its first run
     * could start before it may do its work.
     */
    grantedBy?: readonly pulumi.Resource[];
    restartPolicy?: "Never" | "OnFailure";
    /**
     * Services its pods reach by an address its spec writes as plain text (rendered arguments): the
     * references the network policies admit them by, beside the endpoint texts and keys the spec itself holds.
     */
    reaches?: readonly ServiceEndpoint[];
}

/** The longest a run may start late: an hour. */
export const MAX_STARTING_DEADLINE_SECONDS = 3600;
/** The CronJob controller looks at its jobs every 10 s: a shorter deadline can skip runs of a healthy cluster. */
export const MIN_STARTING_DEADLINE_SECONDS = 10;

const GO_UNITS: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

/** Seconds of an `@every <Go duration>` schedule, undefined for any other. */
function everySeconds(schedule: string): number | undefined {
    const m = /^@every (.+)$/.exec(schedule.trim());
    if (!m) return undefined;
    let total = 0;
    for (const [, n, unit] of m[1].matchAll(/([0-9]+(?:\.[0-9]+)?)(ns|us|µs|ms|s|m|h)/g)) {
        total += Number(n) * GO_UNITS[unit];
    }
    return total;
}

/**
 * The shortest time between two runs of a schedule, in seconds: over its next 1000 runs or a year of them from a
 * fixed date, so irregular schedules (`29 12 * * 1,3,5`) count their closest pair and the value never depends on
 * when the program runs.
 */
export function shortestIntervalSeconds(schedule: string, timeZone?: string): number {
    // A year of runs costs milliseconds and a stack repeats a handful of schedules over dozens of jobs: each pair is
    // walked once per process (the value depends on nothing else).
    const key = `${schedule}\u0000${timeZone ?? ""}`;
    let seconds = intervals.get(key);
    if (seconds === undefined) {
        seconds = walkShortestInterval(schedule, timeZone);
        intervals.set(key, seconds);
    }
    return seconds;
}

/** {@link shortestIntervalSeconds} by schedule and time zone. */
const intervals = new Map<string, number>();

function walkShortestInterval(schedule: string, timeZone?: string): number {
    const every = everySeconds(schedule);
    if (every !== undefined) return every;
    const expression = schedule.trim() === "@midnight" ? "@daily" : schedule.trim();
    const start = Date.UTC(2024, 0, 1);
    const runs = CronExpressionParser.parse(expression, {
        currentDate: new Date(start),
        strict: false,
        ...(timeZone ? { tz: timeZone } : { tz: "UTC" }),
    });
    let previous = runs.next().getTime();
    let shortest = Infinity;
    for (let i = 0; i < 1000 && previous - start < 366 * 86400e3; i++) {
        const next = runs.next().getTime();
        shortest = Math.min(shortest, next - previous);
        previous = next;
    }
    return shortest / 1000;
}

/**
 * How late a run of `schedule` may still start (the CronJob's `startingDeadlineSeconds`): half the shortest interval
 * between its runs, so a late run never starts nearer the next run than its own time (two runs back to back), and at
 * most an hour: a run later than that was missed through an outage of the cluster or its controller, and the
 * systems' jobs (syncs, imports, clean-ups, reports) catch up at their next run, which is what the runbooks' schedules
 * promise. Without a deadline the controller starts one missed run at any delay and stops scheduling a job that
 * missed more than 100 runs.
 */
export function startingDeadlineFor(schedule: string, timeZone?: string): number {
    const half = Math.floor(shortestIntervalSeconds(schedule, timeZone) / 2);
    return Math.max(MIN_STARTING_DEADLINE_SECONDS, Math.min(MAX_STARTING_DEADLINE_SECONDS, half));
}

function jobPodSpec(args: ScheduledJobArgs): k8s.types.input.core.v1.PodSpec {
    return { restartPolicy: args.restartPolicy ?? "Never", ...basePodSpec(args, args.cluster.platform) };
}

/** The CronJob's arguments: the schedule's rules and the run's pod. */
function cronJobArgs(args: ScheduledJobArgs): k8s.batch.v1.CronJobArgs {
    const labels = workloadLabels(args.app);
    return {
        metadata: { name: args.app.name, namespace: args.namespace, labels },
        spec: {
            schedule: args.schedule,
            ...(args.timeZone ? { timeZone: args.timeZone } : {}),
            concurrencyPolicy: args.concurrencyPolicy ?? "Forbid",
            successfulJobsHistoryLimit: args.successfulJobsHistoryLimit ?? 3,
            failedJobsHistoryLimit: args.failedJobsHistoryLimit ?? 1,
            startingDeadlineSeconds:
                args.startingDeadlineSeconds ?? startingDeadlineFor(args.schedule, args.timeZone),
            suspend: args.suspend ?? false,
            jobTemplate: {
                metadata: { labels },
                spec: {
                    backoffLimit: args.backoffLimit ?? 0,
                    ...(args.activeDeadlineSeconds !== undefined
                        ? { activeDeadlineSeconds: args.activeDeadlineSeconds }
                        : {}),
                    template: {
                        metadata: { labels },
                        spec: jobPodSpec(args),
                    },
                },
            },
        },
    };
}

/** A CronJob with the standard labels, non-root security context and the cluster's provider. */
export class ScheduledJob extends RunbookComponent {
    public readonly objectName: string;

    constructor(name: string, given: ScheduledJobArgs, opts?: pulumi.ComponentResourceOptions) {
        super("runbooks:shared:ScheduledJob", name, opts, given.cluster.provider);
        // The handles' mounts become pod volumes here, so the checks below see the volumes the pods get.
        const volumes = podVolumes(given.containers, given.volumes);
        const args = volumes === given.volumes ? given : { ...given, volumes };
        this.objectName = args.app.name;
        const account = handleOf(args.serviceAccountName);
        const handles = handlesReadBy({ containers: args.containers, volumes: args.volumes });
        checkReadNamespaces(name, args.namespace, account ? [...handles, account] : handles);
        // Its pods carry the CronJob's labels: the policies admit them as the CronJob's pods.
        const selector = { matchLabels: selectorLabels(args.app) };
        recordPods(args.cluster, `CronJob ${args.app.name}`, args.namespace, selector, args, args.reaches);
        const resourceName = this.childName("cronjob");
        new k8s.batch.v1.CronJob(
            resourceName,
            cronJobArgs(args),
            // order: the first run starts with the account's rights (see grantedBy).
            this.child(args.grantedBy?.length ? { dependsOn: [...args.grantedBy] } : {}),
        );
        this.registerOutputs({ objectName: this.objectName });
    }
}
