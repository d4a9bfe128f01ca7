import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterContext } from "./cluster";
import { RunbookComponent } from "./component";
import { AppIdentity, standardLabels } from "./labels";

export type PolicyRule = k8s.types.input.rbac.v1.PolicyRule;

/**
 * Access a service account gets in one namespace: a Role of its own with these rules, an existing ClusterRole, or
 * a Role another owner creates there (an upstream manifest the program renders), bound by name only.
 */
export type AccessGrant = (
    | { namespace: string; role: string; rules: PolicyRule[] }
    | { namespace: string; clusterRole: string }
    | { namespace: string; existingRole: string }
) & {
    /** metadata.name of the Role and RoleBinding; `<account>-<role>` ({@link grantName}) when unset. */
    objectName?: string;
    /** Suffix of their logical names; `<namespace>-<object name>` when unset. */
    key?: string;
};

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
    /** The account's `automountServiceAccountToken`; unset leaves the cluster default. */
    automountServiceAccountToken?: boolean;
    /**
     * `false`: the account belongs to another owner (an upstream manifest the program renders); only its Roles
     * and bindings are made, naming it as subject. Two owners of one object would conflict when it is created.
     */
    createAccount?: boolean;
}

/** Role/RoleBinding name of a grant: `<account>-<role>`; ClusterRoles with `:` get `-`. */
export function grantName(account: string, grant: AccessGrant): string {
    return (
        grant.objectName ??
        `${account}-${("role" in grant ? grant.role : "clusterRole" in grant ? grant.clusterRole : grant.existingRole).replace(/:/g, "-")}`
    );
}

/** The objects of one account. */
export interface AccountObjects {
    account: k8s.core.v1.ServiceAccount;
    roles: k8s.rbac.v1.Role[];
    bindings: k8s.rbac.v1.RoleBinding[];
}

/** How the caller names and places the objects: its own child names and options. */
export interface AccountOwner {
    childName(suffix: string): string;
    child(extra?: pulumi.CustomResourceOptions): pulumi.CustomResourceOptions;
    /** Logical-name parts of the RoleBinding (default `binding`). */
    bindingSuffix?: string;
}

/**
 * A service account with exactly the Roles and RoleBindings its workload needs, wherever they are, as children of
 * `owner`: the one implementation of the trio, used by {@link ServiceAccount} and by components that own their
 * account directly.
 */
export function accountObjects(owner: AccountOwner, args: ServiceAccountArgs): AccountObjects {
    const account = new k8s.core.v1.ServiceAccount(
        owner.childName("sa"),
        {
            metadata: { name: args.name, namespace: args.namespace, labels: standardLabels(args.app) },
            ...(args.automountServiceAccountToken !== undefined
                ? { automountServiceAccountToken: args.automountServiceAccountToken }
                : {}),
        },
        owner.child(),
    );
    return { account, ...grantObjects(owner, args, [account]) };
}

/**
 * The Roles and RoleBindings of an account's grants (its Roles merged where a layout collapses namespaces), each
 * binding after `after` (the account, when this program creates it) and its own Role.
 */
export function grantObjects(
    owner: AccountOwner,
    args: ServiceAccountArgs,
    after: pulumi.Resource[],
): Omit<AccountObjects, "account"> {
    const labels = standardLabels(args.app);
    const roles: k8s.rbac.v1.Role[] = [];
    const bindings: k8s.rbac.v1.RoleBinding[] = [];
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
        const suffix = grant.key ?? id.replace(/\//g, "-");
        let roleRef: { apiGroup: string; kind: string; name: string };
        const deps: pulumi.Resource[] = [...after];
        if ("rules" in grant) {
            const role = new k8s.rbac.v1.Role(
                owner.childName(`role-${suffix}`),
                { metadata, rules: grant.rules },
                owner.child(),
            );
            roles.push(role);
            deps.push(role);
            roleRef = { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: objectName };
        } else if ("clusterRole" in grant) {
            roleRef = { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: grant.clusterRole };
        } else {
            roleRef = { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: grant.existingRole };
        }
        bindings.push(
            new k8s.rbac.v1.RoleBinding(
                owner.childName(`${owner.bindingSuffix ?? "binding"}-${suffix}`),
                {
                    metadata,
                    roleRef,
                    subjects: [{ kind: "ServiceAccount", name: args.name, namespace: args.namespace }],
                },
                owner.child({ dependsOn: deps }),
            ),
        );
    }
    return { roles, bindings };
}

/** A service account with exactly the Roles and RoleBindings its workload needs, wherever they are. */
export class ServiceAccount extends RunbookComponent {
    /** Unset when another owner creates the account (`createAccount: false`). */
    public readonly account?: k8s.core.v1.ServiceAccount;
    public readonly roles: k8s.rbac.v1.Role[];
    public readonly bindings: k8s.rbac.v1.RoleBinding[];
    public readonly objectName: string;

    constructor(name: string, args: ServiceAccountArgs, opts?: pulumi.ComponentResourceOptions) {
        super("runbooks:shared:ServiceAccount", name, opts, args.cluster.provider);
        this.objectName = args.name;
        const owner: AccountOwner = {
            childName: (s) => this.childName(s),
            child: (extra) => this.child(extra),
        };
        const objects: Omit<AccountObjects, "account"> & { account?: k8s.core.v1.ServiceAccount } =
            args.createAccount === false ? grantObjects(owner, args, []) : accountObjects(owner, args);
        this.account = objects.account;
        this.roles = objects.roles;
        this.bindings = objects.bindings;
        this.registerOutputs({ objectName: this.objectName });
    }
}
