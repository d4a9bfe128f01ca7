import * as pulumi from "@pulumi/pulumi";
import { ClusterContext } from "../shared/cluster";
import { AccountHandle } from "../shared/handles";
import { AppIdentity } from "../shared/labels";
import { PolicyRule, accountObjects } from "../shared/serviceAccount";

/** Arguments of {@link jobAccount}. */
export interface JobAccountArgs {
    cluster: ClusterContext;
    app: AppIdentity;
    /** Name of the ServiceAccount, Role and RoleBinding. */
    accountName: string;
    /** Namespace of the ServiceAccount (where the job runs). */
    accountNamespace: string;
    /** Namespace the Role grants access in. */
    roleNamespace: string;
    rules: PolicyRule[];
}

/**
 * A job's own ServiceAccount with a Role granting exactly `rules` in one namespace, built by the shared
 * `accountObjects`. The logical names stay the ones these objects have in state since the first release
 * (`<name>-sa`, `<name>-role`, `<name>-rolebinding`): the grant's key is empty, so its suffix adds nothing.
 */
export function jobAccount(
    name: string,
    args: JobAccountArgs,
    child: (extra?: pulumi.CustomResourceOptions) => pulumi.CustomResourceOptions,
): { handle: AccountHandle; binding: pulumi.Resource } {
    const objects = accountObjects(
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
    return { handle: objects.handle, binding: objects.bindings[0] };
}
