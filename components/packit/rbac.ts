import * as pulumi from "@pulumi/pulumi";
import { ClusterContext } from "../shared/cluster";
import { AccountHandle } from "../shared/handles";
import type { ContainerSpec } from "../shared/container";
import { AppIdentity } from "../shared/labels";
import { ScheduledJob, ScheduledJobArgs } from "../shared/scheduledJob";
import { PolicyRule, AccountWithGrants } from "../shared/serviceAccount";
import { SIZES } from "./layout";

export interface JobAccountArgs {
    cluster: ClusterContext;
    app: AppIdentity;
    accountName: string;
    /** Namespace of the ServiceAccount (where the job runs): its Namespace's `name`, so the account waits for it. */
    accountNamespace: pulumi.Input<string>;
    /** Namespace the Role grants access in: its Namespace's `name`, likewise. */
    roleNamespace: pulumi.Input<string>;
    rules: PolicyRule[];
}

/**
 * A job's own ServiceAccount with a Role granting exactly `rules` in one namespace, built by the shared
 * {@link AccountWithGrants}. The logical names stay the ones these objects have in state since the first release
 * (`<name>-sa`, `<name>-role`, `<name>-rolebinding`): the grant's key is empty, so its suffix adds nothing.
 */
export class JobAccount {
    public readonly handle: AccountHandle;
    public readonly binding: pulumi.Resource;

    constructor(
        name: string,
        args: JobAccountArgs,
        child: (extra?: pulumi.CustomResourceOptions) => pulumi.CustomResourceOptions,
    ) {
        const objects = new AccountWithGrants(
            {
                childName: (suffix) => `${name}-${suffix.replace(/-$/, "")}`,
                child,
                bindingSuffix: "rolebinding",
            },
            {
                cluster: args.cluster,
                namespace: args.accountNamespace,
                name: args.accountName,
                app: args.app,
                grants: [
                    {
                        namespace: args.roleNamespace,
                        role: args.accountName,
                        rules: args.rules,
                        objectName: args.accountName,
                        key: "",
                    },
                ],
            },
        );
        this.handle = objects.handle;
        this.binding = objects.bindings[0];
    }
}

/** What {@link OcCronJob} runs: one container's bash script of `oc` calls, and the CronJob's own timing. */
export interface OcJobArgs extends JobAccountArgs {
    container: { name: string; image: string; script: string; env: ContainerSpec["env"] };
    job: Pick<
        ScheduledJobArgs,
        "schedule" | "timeZone" | "startingDeadlineSeconds" | "activeDeadlineSeconds" | "backoffLimit"
    >;
}

/** A CronJob in the account's namespace that runs `oc` under a {@link JobAccount} of its own. */
export class OcCronJob {
    public readonly job: ScheduledJob;

    constructor(
        names: { account: string; job: string },
        { container, job, ...account }: OcJobArgs,
        child: (extra?: pulumi.CustomResourceOptions) => pulumi.CustomResourceOptions,
    ) {
        const access = new JobAccount(names.account, account, child);
        this.job = new ScheduledJob(
            names.job,
            {
                ...job,
                cluster: account.cluster,
                namespace: account.accountNamespace,
                app: account.app,
                serviceAccountName: access.handle.name,
                grantedBy: [access.binding],
                containers: [
                    {
                        name: container.name,
                        image: container.image,
                        command: ["/bin/bash", "-c", container.script],
                        // oc keeps a discovery cache in $HOME; the arbitrary UID has no writable home.
                        env: { HOME: "/tmp", ...container.env },
                        resources: SIZES.cliJob,
                    },
                ],
            },
            child(),
        );
    }
}
