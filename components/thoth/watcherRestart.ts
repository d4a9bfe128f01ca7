import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterContext } from "../shared/cluster";
import { standardLabels } from "../shared/labels";
import { sized } from "../shared/resources";
import { ScheduledJob } from "../shared/scheduledJob";
import { WatcherRestartConfig } from "./config";
import { thothApp } from "./identity";
import { RestartGroup, restartGroups, restartRule, restartScript } from "./restartPlan";
import { StationTier } from "./tiers";

const NAME = "watcher-restart";

/** Arguments of {@link WatcherRestart}. */
export interface WatcherRestartArgs {
    cluster: ClusterContext;
    config: WatcherRestartConfig;
    /** Tier → namespace of the station environment. */
    namespaces: Record<StationTier, string>;
    /** What must exist first (the station namespaces). */
    dependsOn: pulumi.Resource[];
}

/**
 * Restarts the event-driven operators whose Kubernetes watch goes deaf after ~30 minutes, on a schedule, with a
 * rolling restart through the API. Replaces the old liveness probe on a closed port, which made every restart
 * look like a crash. One CronJob per namespace, whose service account may only get and patch the named
 * Deployments there.
 */
export class WatcherRestart extends pulumi.ComponentResource {
    public readonly groups: RestartGroup[];

    constructor(name: string, args: WatcherRestartArgs, opts?: pulumi.ComponentResourceOptions) {
        super("runbooks:thoth:WatcherRestart", name, {}, opts);
        this.groups = restartGroups(args.config.targets, args.namespaces);
        const app = thothApp(NAME, "operations", args.config.image);
        const labels = standardLabels(app);
        for (const group of this.groups) {
            const ns = group.namespace;
            const copts = { parent: this, provider: args.cluster.provider, dependsOn: args.dependsOn };
            const metadata = { name: NAME, namespace: ns, labels };
            const account = new k8s.core.v1.ServiceAccount(`${name}-${ns}-sa`, { metadata }, copts);
            const role = new k8s.rbac.v1.Role(
                `${name}-${ns}-role`,
                { metadata, rules: [restartRule(group.deployments)] },
                copts,
            );
            const binding = new k8s.rbac.v1.RoleBinding(
                `${name}-${ns}-rolebinding`,
                {
                    metadata,
                    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: NAME },
                    subjects: [{ kind: "ServiceAccount", name: NAME, namespace: ns }],
                },
                { ...copts, dependsOn: [...args.dependsOn, role, account] },
            );
            new ScheduledJob(
                `${name}-${ns}`,
                {
                    cluster: args.cluster,
                    namespace: ns,
                    app,
                    schedule: args.config.schedule,
                    concurrencyPolicy: "Forbid",
                    successfulJobsHistoryLimit: 1,
                    failedJobsHistoryLimit: 3,
                    // A run that starts late would restart pods that have only just been restarted.
                    startingDeadlineSeconds: 300,
                    activeDeadlineSeconds: 600,
                    serviceAccountName: NAME,
                    automountServiceAccountToken: true,
                    containers: [
                        {
                            name: NAME,
                            image: args.config.image,
                            command: ["/bin/bash", "-c", restartScript(group)],
                            resources: sized("50m", "64Mi", "200m", "128Mi"),
                        },
                    ],
                },
                { parent: this, dependsOn: [binding] },
            );
        }
        this.registerOutputs({ groups: this.groups });
    }
}
