import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterContext } from "./cluster";
import { childOptions } from "./component";
import { AppIdentity, standardLabels } from "./labels";

export type PolicyRule = k8s.types.input.rbac.v1.PolicyRule;

/** Access a service account gets in one namespace: a Role of its own with these rules, or an existing ClusterRole. */
export type AccessGrant =
    { namespace: string; role: string; rules: PolicyRule[] } | { namespace: string; clusterRole: string };

export interface ServiceAccountArgs {
    cluster: ClusterContext;
    namespace: string;
    /** metadata.name of the account. */
    name: string;
    app: AppIdentity;
    /**
     * Grants, possibly in other namespaces (a frontend API that starts Workflows in the backend namespace). Two
     * grants that land on the same namespace and name (a layout that collapses namespaces) become one object.
     */
    grants?: AccessGrant[];
}

/** Role/RoleBinding name of a grant: `<account>-<role>`; ClusterRoles with `:` get `-`. */
export function grantName(account: string, grant: AccessGrant): string {
    return `${account}-${("role" in grant ? grant.role : grant.clusterRole).replace(/:/g, "-")}`;
}

/** A service account with exactly the Roles and RoleBindings its workload needs, wherever they are. */
export class ServiceAccount extends pulumi.ComponentResource {
    public readonly account: k8s.core.v1.ServiceAccount;
    public readonly roles: k8s.rbac.v1.Role[] = [];
    public readonly bindings: k8s.rbac.v1.RoleBinding[] = [];
    public readonly objectName: string;

    constructor(name: string, args: ServiceAccountArgs, opts?: pulumi.ComponentResourceOptions) {
        super("runbooks:shared:ServiceAccount", name, {}, opts);
        const labels = standardLabels(args.app);
        const copts = childOptions(this, opts, { provider: args.cluster.provider });
        this.objectName = args.name;
        this.account = new k8s.core.v1.ServiceAccount(
            `${name}-sa`,
            { metadata: { name: args.name, namespace: args.namespace, labels } },
            copts,
        );
        const merged = new Map<string, AccessGrant>();
        for (const grant of args.grants ?? []) {
            const id = `${grant.namespace}/${grantName(args.name, grant)}`;
            const seen = merged.get(id);
            if (seen && "rules" in seen && "rules" in grant) {
                const known = new Set(seen.rules.map((r) => JSON.stringify(r)));
                const added = grant.rules.filter((r) => !known.has(JSON.stringify(r)));
                merged.set(id, { ...seen, rules: [...seen.rules, ...added] });
            } else if (!seen) {
                merged.set(id, grant);
            }
        }
        for (const [id, grant] of merged) {
            const objectName = grantName(args.name, grant);
            const metadata = { name: objectName, namespace: grant.namespace, labels };
            const suffix = id.replace(/\//g, "-");
            let roleRef: { apiGroup: string; kind: string; name: string };
            const deps: pulumi.Resource[] = [this.account];
            if ("rules" in grant) {
                const role = new k8s.rbac.v1.Role(
                    `${name}-role-${suffix}`,
                    { metadata, rules: grant.rules },
                    copts,
                );
                this.roles.push(role);
                deps.push(role);
                roleRef = { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: objectName };
            } else {
                roleRef = {
                    apiGroup: "rbac.authorization.k8s.io",
                    kind: "ClusterRole",
                    name: grant.clusterRole,
                };
            }
            this.bindings.push(
                new k8s.rbac.v1.RoleBinding(
                    `${name}-binding-${suffix}`,
                    {
                        metadata,
                        roleRef,
                        subjects: [{ kind: "ServiceAccount", name: args.name, namespace: args.namespace }],
                    },
                    childOptions(this, opts, { provider: args.cluster.provider, dependsOn: deps }),
                ),
            );
        }
        this.registerOutputs({ objectName: this.objectName });
    }
}
