import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterContext } from "../shared/cluster";
import { AppIdentity, standardLabels } from "../shared/labels";

/** Arguments of {@link serviceAccountWithRole}. */
export interface ServiceAccountRoleArgs {
    cluster: ClusterContext;
    app: AppIdentity;
    /** Name of the ServiceAccount, Role and RoleBinding. */
    accountName: string;
    /** Namespace of the ServiceAccount (where the job runs). */
    accountNamespace: string;
    /** Namespace the Role grants access in. */
    roleNamespace: string;
    rules: k8s.types.input.rbac.v1.PolicyRule[];
}

/** A job's own ServiceAccount with a Role granting exactly `rules` in one namespace. */
export function serviceAccountWithRole(
    name: string,
    args: ServiceAccountRoleArgs,
    opts: pulumi.CustomResourceOptions,
): { serviceAccount: k8s.core.v1.ServiceAccount; role: k8s.rbac.v1.Role; binding: k8s.rbac.v1.RoleBinding } {
    const copts = { ...opts, provider: args.cluster.provider };
    const labels = standardLabels(args.app);
    const serviceAccount = new k8s.core.v1.ServiceAccount(
        `${name}-sa`,
        { metadata: { name: args.accountName, namespace: args.accountNamespace, labels } },
        copts,
    );
    const role = new k8s.rbac.v1.Role(
        `${name}-role`,
        { metadata: { name: args.accountName, namespace: args.roleNamespace, labels }, rules: args.rules },
        copts,
    );
    const binding = new k8s.rbac.v1.RoleBinding(
        `${name}-rolebinding`,
        {
            metadata: { name: args.accountName, namespace: args.roleNamespace, labels },
            // Referring to the created objects' names makes the binding wait for both, on top of what `opts` waits for.
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role.metadata.name },
            subjects: [
                {
                    kind: "ServiceAccount",
                    name: serviceAccount.metadata.name,
                    namespace: args.accountNamespace,
                },
            ],
        },
        copts,
    );
    return { serviceAccount, role, binding };
}
