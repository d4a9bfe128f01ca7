import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { KubernetesContext } from "../../../config/system";
import { SystemArgs, SystemPart } from "../../../config/systemComponent";
import { loadFacts } from "../../../shared/facts";
import { AccountHandle, HandleMount } from "../../../shared/handles";
import { Sizing } from "../../../shared/resources";
import { podVolume } from "../../../shared/volumes";
import { ScheduledJob } from "../../../shared/scheduledJob";
import { StationImages, ThothSection, stationImagesSchema, stationTier } from "../../config";
import { thothApp } from "../../identity";
import { envFromSpec, envSpecSchema } from "../envSpec";
import { SizedPart } from "../sizing";
import { kafkaCaMount, StationReads } from "../stationEnv";
import { StationTier } from "../tiers";

/** One periodic job of the station (thoth-station.md §3.1–3.3). */
const periodicPlanSchema = z.strictObject({
    name: z.string(),
    tier: stationTier,
    schedule: z.string(),
    /** Its image in `images`, which also names its size in the environment's sizing. */
    image: stationImagesSchema.keyof(),
    /** Suspended in the reference even where the environment runs (unset: scheduled). */
    suspended: z.boolean().optional(),
    history: z.tuple([z.number(), z.number()]),
    /**
     * Run-time limit. The reference expresses it as a liveness probe on port 80 (which the jobs never open)
     * with this initial delay and failure threshold 1; a deadline says the same without the bogus probe.
     */
    deadlineSeconds: z.number().optional(),
    serviceAccount: z.string().optional(),
    /** Mounts the Kafka CA (unset: no Kafka client). */
    kafkaCa: z.boolean().optional(),
    /** Default OnFailure with 6 retries; the integration tests run once and report (Never, no retry). */
    restartPolicy: z.enum(["Never", "OnFailure"]).optional(),
    backoffLimit: z.number().optional(),
    /** A Secret of its namespace mounted as files (document-sync's destination S3 credentials). */
    secretFiles: z.strictObject({ secret: z.string(), key: z.string(), mountPath: z.string() }).optional(),
    /** Scratch space the job writes to (an emptyDir): its volume's name, as the live pods name it, and where. */
    scratch: z.strictObject({ volume: z.string(), mountPath: z.string() }).optional(),
    /** Its env, read through the station's objects of its tier's namespace. */
    env: envSpecSchema,
});
const periodicJobsFile = z.strictObject({ jobs: z.array(periodicPlanSchema) });
/** A periodic job; its image names a sized part too. */
export type PeriodicPlan = z.infer<typeof periodicPlanSchema> & { image: keyof StationImages & SizedPart };

/**
 * The station's CronJobs: graph refresh and the Kafka producers, CVE and package updates, graph backup and metrics,
 * pulp sync, document sync, integration tests, the SLO report and the mi-scheduler jobs (thoth-station.md §3), as
 * facts/thoth/periodic-jobs.yaml has them.
 */
export function periodicPlans(): PeriodicPlan[] {
    return loadFacts("facts/thoth/periodic-jobs.yaml", periodicJobsFile, "a list of periodic jobs")
        .jobs as PeriodicPlan[];
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
    readonly #args: PeriodicJobsArgs;

    constructor(name: string, args: PeriodicJobsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("runbooks:thoth:PeriodicJobs", name, args, opts);
        this.#args = args;
        for (const plan of args.plans) this.job(plan);
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
                        env: envFromSpec(plan.env, reads),
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
