import * as pulumi from "@pulumi/pulumi";
import { ClusterContext } from "../shared/cluster";
import { RunbookComponent } from "../shared/component";
import { AppIdentity } from "../shared/labels";
import { Namespace } from "../shared/namespace";
import { PersistentVolumeClaim } from "../shared/persistentVolumeClaim";
import { ScheduledJob } from "../shared/scheduledJob";
import { SIZES } from "./layout";
import { JobAccount } from "./rbac";
import { SANDBOX_CLEANUP_SCRIPT } from "./scripts";

/** Arguments of {@link Sandbox}. */
export interface SandboxArgs {
    cluster: ClusterContext;
    /** The sandbox namespace, `<service>-<deployment>-sandbox`. */
    namespace: string;
    /** The main namespace, whose `default` service account (the workers') runs sandcastle pods here. */
    mainNamespace: string;
    partOf: string;
    create: boolean;
    /** Sandbox twins of the workers' repository caches. */
    repositoryCaches: { name: string; size: string }[];
    /** The hourly clean-up; none when switched off. */
    cleanup?: { schedule: string; image: string; podMaxAgeHours: number; pvcGraceMinutes: number };
    protectStateful: boolean;
}

/** Name of the only grant the workers get: ClusterRole `edit`, inside the sandbox namespace only. */
export const SANDBOX_EDIT_BINDING = "sandcastle-edit";

/**
 * Where sandcastle runs untrusted code (packit-service's `command_handler_k8s_namespace`). The workers' service
 * account may do anything a project editor may, here and nowhere else; the clean-up job has its own account
 * that can only list and delete pods and claims here.
 */
export class Sandbox extends RunbookComponent {
    public readonly namespace: Namespace;
    /** metadata.name of the sandbox namespace. */
    public readonly name: string;
    public readonly cleanupJob?: ScheduledJob;

    constructor(name: string, args: SandboxArgs, opts?: pulumi.ComponentResourceOptions) {
        super("runbooks:packit:Sandbox", name, opts, args.cluster.provider);
        const { cluster } = args;
        this.name = args.namespace;
        const app = (appName: string, component: string): AppIdentity => ({
            name: appName,
            partOf: args.partOf,
            component,
        });
        this.namespace = new Namespace(
            this.childName("ns"),
            {
                cluster,
                name: args.namespace,
                app: app(args.namespace, "sandbox"),
                create: args.create,
                roleBindings: [
                    {
                        name: SANDBOX_EDIT_BINDING,
                        role: { kind: "ClusterRole", name: "edit" },
                        subjects: [
                            { kind: "ServiceAccount", name: "default", namespace: args.mainNamespace },
                        ],
                    },
                ],
            },
            this.child(),
        );
        for (const claim of args.repositoryCaches) {
            new PersistentVolumeClaim(
                this.childName(claim.name),
                {
                    name: claim.name,
                    namespace: args.namespace,
                    // The managed-by label keeps the clean-up job away from these claims.
                    app: app(claim.name, "repository-cache"),
                    storage: claim.size,
                    protectStateful: args.protectStateful,
                },
                // Placed in the sandbox namespace by its plain name, so no reference orders it after the namespace.
                this.child({ dependsOn: [this.namespace] }),
            );
        }
        if (args.cleanup) {
            const id = app("sandbox-cleanup", "sandbox-cleanup");
            // The Role and its binding are placed in the sandbox namespace by its plain name.
            const after = { dependsOn: [this.namespace] };
            const access = new JobAccount(
                this.childName("cleaner"),
                {
                    cluster,
                    app: id,
                    accountName: "sandbox-cleaner",
                    accountNamespace: args.mainNamespace,
                    roleNamespace: args.namespace,
                    rules: [
                        { apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "delete"] },
                        {
                            apiGroups: [""],
                            resources: ["persistentvolumeclaims"],
                            verbs: ["get", "list", "delete"],
                        },
                    ],
                },
                (extra) => this.child({ ...after, ...extra }),
            );
            this.cleanupJob = new ScheduledJob(
                this.childName("cleanup"),
                {
                    cluster,
                    namespace: args.mainNamespace,
                    app: id,
                    schedule: args.cleanup.schedule,
                    activeDeadlineSeconds: 1800,
                    serviceAccountName: access.handle.name,
                    containers: [
                        {
                            name: "sandbox-cleanup",
                            image: args.cleanup.image,
                            command: ["/bin/bash", "-c", SANDBOX_CLEANUP_SCRIPT],
                            env: {
                                // oc keeps a discovery cache in $HOME; the arbitrary UID has no writable home.
                                HOME: "/tmp",
                                SANDBOX_NAMESPACE: args.namespace,
                                POD_MAX_AGE_HOURS: String(args.cleanup.podMaxAgeHours),
                                PVC_GRACE_MINUTES: String(args.cleanup.pvcGraceMinutes),
                            },
                            resources: SIZES.cliJob,
                        },
                    ],
                },
                // Its first run needs the rights; the pod names only the account, not the binding.
                this.child({ dependsOn: [access.binding] }),
            );
        }
        this.registerOutputs({ namespace: args.namespace });
    }
}
