import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterContext } from "./cluster";
import { ContainerSpec } from "./container";
import { blockOptions } from "./block";
import { AppIdentity, standardLabels } from "./labels";
import { contentHash } from "./naming";
import { recordPods } from "./network";
import { sized } from "./resources";
import { runOncePodSpec } from "./runOnce";
import { singleQuoted } from "./shellWord";

// "Consumers are back on their queues" (runbooks 001 and 003, after a deploy: the operator looked in flower) as part
// of `pulumi up`: once the workers are rolled out, a Job asks them over the broker which queues they consume, and
// `up` waits for it, so a queue left without a consumer fails the update. The workers' brokers are inside the
// cluster, which the runner does not reach.

/**
 * How often and how far apart the Job asks: 30 asks 10 s apart (about 5 minutes of waits, up to 10 with each ask's own
 * timeout) for a rollout's last worker to join its queue.
 */
export const CONSUMER_ATTEMPTS = 30;
export const CONSUMER_DELAY_SECONDS = 10;
/** How long each ask waits for the workers' replies (celery's `--timeout`). */
export const CONSUMER_REPLY_SECONDS = 10;
/** The Job's deadline: longer than every attempt timing out with every wait between them. */
export const CONSUMER_DEADLINE_SECONDS = 900;

/**
 * The shell the Job runs (POSIX sh): `celery inspect active_queues --json` against the broker the workers use (a shell
 * expression over the pod's env, so no credential is written into the spec) until every queue has a consumer, then
 * exit 0; after {@link CONSUMER_ATTEMPTS} it names the queues with none and exits 1. The JSON is celery's own
 * (celery/celery@v5.5.3 celery/bin/control.py `inspect --json`, as in v5.2.6, a worker's queues as `queue.as_dict()`:
 * celery/worker/control.py `active_queues`), so a queue's entry is `"name": "<queue>"`. No app is imported: the
 * workers use celery's default control exchange, so the broker alone reaches them.
 */
export function consumersScript(
    broker: string,
    queues: readonly string[],
    setup: readonly string[] = [],
): string {
    return [
        "set -u",
        ...setup,
        "attempt=1",
        "while :; do",
        `  replies=$(celery --broker="${broker}" inspect active_queues --json --timeout=${CONSUMER_REPLY_SECONDS} 2>&1)`,
        '  missing=""',
        `  for queue in ${queues.map(singleQuoted).join(" ")}; do`,
        '    printf "%s" "$replies" | grep -qF "\\"name\\": \\"$queue\\"" || missing="$missing $queue"',
        "  done",
        '  if [ -z "$missing" ]; then',
        `    echo ${singleQuoted(`every queue has a consumer: ${queues.join(" ")}`)}`,
        "    exit 0",
        "  fi",
        `  if [ "$attempt" -ge ${CONSUMER_ATTEMPTS} ]; then`,
        '    echo "no consumer on:$missing" >&2',
        '    printf "%s\\n" "$replies" | tail -n 5 >&2',
        "    exit 1",
        "  fi",
        "  attempt=$((attempt + 1))",
        `  sleep ${CONSUMER_DELAY_SECONDS}`,
        "done",
    ].join("\n");
}

export interface ConsumersCheckArgs {
    cluster: Pick<ClusterContext, "provider" | "platform">;
    namespace: pulumi.Input<string>;
    app: AppIdentity;
    /** The workers' image: it carries the celery they run. */
    image: pulumi.Input<string>;
    /** The env the broker expression reads (the workers' own references, never a value). */
    env?: ContainerSpec["env"];
    /** A shell expression over that env for the broker's URL, as the workers build it. */
    broker: string;
    /** Shell lines the expression needs first (the parts of a URL it assembles). */
    setup?: readonly string[];
    /** Every queue the workers consume. */
    queues: readonly string[];
    /** The release the workers run (a new one is a new Job, which runs again). */
    release: string;
}

/**
 * The Job that waits for a consumer on every queue: named after the release and the queues, so each release, or a
 * change of queues, runs it once more; `opts` orders it after the workers. `up` waits for it.
 */
export class ConsumersCheck extends k8s.batch.v1.Job {
    constructor(name: string, args: ConsumersCheckArgs, opts: pulumi.CustomResourceOptions) {
        const labels = standardLabels(args.app);
        const containers: ContainerSpec[] = [
            {
                name: "consumers",
                image: args.image,
                command: ["/bin/sh", "-c", consumersScript(args.broker, args.queues, args.setup)],
                env: args.env,
                resources: sized("50m", "128Mi", "500m", "256Mi"),
            },
        ];
        const jobName = `${args.app.name}-${contentHash([args.release, [...args.queues].sort()]).slice(0, 10)}`;
        recordPods(args.cluster, `Job ${jobName}`, args.namespace, { matchLabels: labels }, { containers });
        super(
            name,
            {
                metadata: { name: jobName, namespace: args.namespace, labels },
                spec: {
                    backoffLimit: 0,
                    activeDeadlineSeconds: CONSUMER_DEADLINE_SECONDS,
                    template: {
                        metadata: { labels },
                        spec: runOncePodSpec(args.cluster.platform, containers),
                    },
                },
            },
            // The provider waits 10 minutes for a Job by default (pulumi/pulumi-kubernetes@a03ff6b provider/pkg/await/
            // job.go DefaultJobTimeoutMins): the script's own deadline decides instead.
            blockOptions("Job", name, { ...opts, customTimeouts: { create: WAIT, update: WAIT } }),
        );
    }
}

/** How long `up` waits for the Job: its deadline and a minute for the pod to start. */
const WAIT = `${CONSUMER_DEADLINE_SECONDS / 60 + 1}m`;
