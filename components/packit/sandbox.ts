import * as pulumi from "@pulumi/pulumi";
import { SystemArgs, SystemPart } from "../config/systemComponent";
import type { PackitSection } from "./config";
import { AppIdentity } from "../shared/labels";
import { Namespace } from "../shared/namespace";
import { PersistentVolumeClaim } from "../shared/persistentVolumeClaim";
import { ScheduledJob } from "../shared/scheduledJob";
import { OcCronJob } from "./rbac";
import { SANDBOX_CLEANUP_SCRIPT } from "./scripts";

export interface SandboxArgs extends SystemArgs<PackitSection> {
    namespace: string;
    main: Namespace;
    repositoryCaches: { name: string; size: string }[];
    cleanup?: { schedule: string; image: string; podMaxAgeHours: number; pvcGraceMinutes: number };
}

/** Name of the only grant the workers get: ClusterRole `edit`, inside the sandbox namespace only. */
export const SANDBOX_EDIT_BINDING = "sandcastle-edit";

/**
 * Where sandcastle runs untrusted code (packit-service's `command_handler_k8s_namespace`). The workers' service
 * account may do anything a project editor may, here and nowhere else; the clean-up job has its own account
 * that can only list and delete pods and claims here.
 */
export class Sandbox extends SystemPart<PackitSection> {
    public readonly namespace: Namespace;
    public readonly name: string;
    public readonly cleanupJob?: ScheduledJob;

    constructor(name: string, args: SandboxArgs, opts?: pulumi.ComponentResourceOptions) {
        super("runbooks:packit:Sandbox", name, args, opts);
        this.name = args.namespace;
        this.namespace = this.sandboxNamespace(args);
        for (const claim of args.repositoryCaches) this.repositoryCache(claim);
        if (args.cleanup) this.cleanupJob = this.cleanup(args, args.cleanup);
        this.registerOutputs({ namespace: args.namespace });
    }

    private app(name: string, component: string): AppIdentity {
        return { name, partOf: this.config.service, component };
    }

    /** The namespace, where the workers' account may do what a project editor may. */
    private sandboxNamespace(args: SandboxArgs): Namespace {
        return new Namespace(
            this.childName("ns"),
            {
                cluster: this.context.cluster,
                name: args.namespace,
                app: this.app(args.namespace, "sandbox"),
                create: this.config.createNamespaces,
                // sandcastle runs the commands of any project's packit.yaml here.
                untrusted: true,
                roleBindings: [
                    {
                        name: SANDBOX_EDIT_BINDING,
                        role: { kind: "ClusterRole", name: "edit" },
                        subjects: [
                            { kind: "ServiceAccount", name: "default", namespace: this.config.namespace },
                        ],
                    },
                ],
            },
            this.child(),
        );
    }

    /** The sandbox twin of a worker's repository cache. */
    private repositoryCache(claim: { name: string; size: string }): void {
        new PersistentVolumeClaim(
            this.childName(claim.name),
            {
                name: claim.name,
                namespace: this.namespace.name,
                // The managed-by label keeps the clean-up job away from these claims.
                app: this.app(claim.name, "repository-cache"),
                storage: claim.size,
                protectStateful: this.context.protectStateful,
            },
            this.child(),
        );
    }

    /** The hourly clean-up: its own account, which may only list and delete pods and claims here. */
    private cleanup(args: SandboxArgs, cleanup: NonNullable<SandboxArgs["cleanup"]>): ScheduledJob {
        const id = this.app("sandbox-cleanup", "sandbox-cleanup");
        return new OcCronJob(
            { account: this.childName("cleaner"), job: this.childName("cleanup") },
            {
                cluster: this.context.cluster,
                app: id,
                accountName: "sandbox-cleaner",
                // The workers' `default` service account of the main namespace runs sandcastle pods here.
                accountNamespace: args.main.name,
                roleNamespace: this.namespace.name,
                rules: [
                    { apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "delete"] },
                    {
                        apiGroups: [""],
                        resources: ["persistentvolumeclaims"],
                        verbs: ["get", "list", "delete"],
                    },
                ],
                job: { schedule: cleanup.schedule, activeDeadlineSeconds: 1800 },
                container: {
                    name: "sandbox-cleanup",
                    image: cleanup.image,
                    script: SANDBOX_CLEANUP_SCRIPT,
                    env: {
                        SANDBOX_NAMESPACE: args.namespace,
                        POD_MAX_AGE_HOURS: String(cleanup.podMaxAgeHours),
                        PVC_GRACE_MINUTES: String(cleanup.pvcGraceMinutes),
                    },
                },
            },
            (extra) => this.child(extra),
        ).job;
    }
}
