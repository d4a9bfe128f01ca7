import * as pulumi from "@pulumi/pulumi";
import { ClusterContext } from "../shared/cluster";
import { AccountHandle } from "../shared/handles";
import { AppIdentity } from "../shared/labels";
import { PolicyRule, AccountWithGrants } from "../shared/serviceAccount";

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
