import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { KubernetesContext } from "../../../config/system";
import { SystemArgs, SystemPart } from "../../../config/systemComponent";
import { AccountHandle } from "../../../shared/handles";
import { standardLabels } from "../../../shared/labels";
import { sized } from "../../../shared/resources";
import { ScheduledJob } from "../../../shared/scheduledJob";
import { Workload } from "../../../shared/workload";
import { ThothSection, WatcherRestartConfig } from "../../config";
import { thothApp } from "../../identity";
import { StationTier } from "../tiers";
import { RestartGroup, restartGroups, restartRule, restartScript, runbookNamesFor } from "./restartPlan";

const NAME = "watcher-restart";

/** An event-watching workload the station deploys, the namespace it deployed it to and the tiers it serves. */
export interface RestartTarget {
    namespace: string;
    workload: Workload;
    tiers: StationTier[];
}

export interface WatcherRestartArgs extends SystemArgs<ThothSection, KubernetesContext> {
    /** `thoth.station.watcherRestart`, enabled. */
    restart: WatcherRestartConfig;
    /**
     * The event-watching workloads; those serving a tier the runbook names (`RUNBOOK_RESTARTS` of restartPlan.ts) are restarted.
     * Their Deployment names are read from the objects, never typed.
     */
    targets: RestartTarget[];
    /** Each namespace's name from its Namespace, by plain name: the objects placed with it are made after it. */
    namespaceRefs: Record<string, pulumi.Output<string>>;
}

/**
 * Restarts the event-driven workloads whose Kubernetes/Kafka watch goes deaf after ~30 minutes: what the runbook's
 * workload-operators of the middletier and backend tiers became in the station deployed here (the investigator
 * consumers and Argo workflow controllers of those tiers, as Deployments, not the runbook's DeploymentConfigs; see
 * `RUNBOOK_RESTARTS`). One CronJob per namespace, whose service account may only get and patch exactly those
 * Deployments there (`resourceNames`).
 */
export class WatcherRestart extends SystemPart<ThothSection, KubernetesContext> {
    /** Namespace → restarted Deployment names. */
    public readonly groups: RestartGroup[];

    readonly #args: WatcherRestartArgs;

    constructor(name: string, args: WatcherRestartArgs, opts?: pulumi.ComponentResourceOptions) {
        super("runbooks:thoth:WatcherRestart", name, args, opts);
        this.#args = args;
        const grouped = restartGroups(
            args.targets
                .filter((t) => runbookNamesFor(t.tiers).length > 0)
                .map((t) => ({ namespace: t.namespace, target: t.workload })),
        );
        this.groups = grouped.map((g) => ({
            namespace: g.namespace,
            deployments: g.targets.map((w) => w.objectName).sort(),
        }));
        grouped.forEach((g, i) => this.restart(this.groups[i], g.targets));
        this.registerOutputs({ groups: this.groups });
    }

    /** One namespace's CronJob, with an account that may only get and patch the group's Deployments. */
    private restart(group: RestartGroup, targets: readonly Workload[]): void {
        const args = this.#args;
        const ns = group.namespace;
        const app = thothApp(NAME, "operations", args.restart.image);
        const metadata = { name: NAME, namespace: args.namespaceRefs[ns], labels: standardLabels(app) };
        const account = AccountHandle.of(
            new k8s.core.v1.ServiceAccount(this.childName(`${ns}-sa`), { metadata }, this.child()),
            NAME,
            ns,
        );
        const role = new k8s.rbac.v1.Role(
            this.childName(`${ns}-role`),
            // The Deployments named through their own objects (sorted as the group lists them): the Role grants once
            // they exist, and follows a rename.
            { metadata, rules: [restartRule(deploymentNames(targets))] },
            this.child(),
        );
        const binding = new k8s.rbac.v1.RoleBinding(
            this.childName(`${ns}-rolebinding`),
            {
                metadata,
                roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role.metadata.name },
                subjects: [{ kind: "ServiceAccount", name: account.name, namespace: ns }],
            },
            this.child(),
        );
        new ScheduledJob(
            this.childName(ns),
            {
                cluster: this.context.cluster,
                namespace: args.namespaceRefs[ns],
                app,
                schedule: args.restart.schedule,
                concurrencyPolicy: "Forbid",
                successfulJobsHistoryLimit: 1,
                failedJobsHistoryLimit: 3,
                // A run that starts late would restart pods that have only just been restarted.
                startingDeadlineSeconds: 300,
                activeDeadlineSeconds: 600,
                serviceAccountName: account.name,
                grantedBy: [binding],
                automountServiceAccountToken: true,
                containers: [
                    {
                        name: NAME,
                        image: args.restart.image,
                        command: ["/bin/bash", "-c", restartScript(group)],
                        resources: sized("50m", "64Mi", "200m", "128Mi"),
                    },
                ],
            },
            this.child(),
        );
    }
}

/** The targets' Deployment names, each through its object, in the order of their plain names. */
function deploymentNames(targets: readonly Workload[]): pulumi.Output<string>[] {
    return [...targets]
        .sort((a, b) => (a.objectName < b.objectName ? -1 : a.objectName > b.objectName ? 1 : 0))
        .map((w) => w.workload.metadata.name);
}
