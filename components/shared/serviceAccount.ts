import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterContext } from "./cluster";
import { RunbookComponent } from "./component";
import { AccountHandle, plainNamespace } from "./handles";
import { AppIdentity, standardLabels } from "./labels";
import { DefinitionError } from "./errors";

export type PolicyRule = k8s.types.input.rbac.v1.PolicyRule;

/**
 * Access a service account gets in one namespace: a Role of its own with these rules, an existing ClusterRole, or
 * a Role another owner creates there (an upstream manifest the program renders), bound by name only.
 */
export type AccessGrant = (
    | { namespace: pulumi.Input<string>; role: string; rules: PolicyRule[] }
    | { namespace: pulumi.Input<string>; clusterRole: string }
    | { namespace: pulumi.Input<string>; existingRole: string }
) & {
    /** metadata.name of the Role and RoleBinding; `<account>-<role>` ({@link grantName}) when unset. */
    objectName?: string;
    /** Suffix of their logical names; `<namespace>-<object name>` when unset. */
    key?: string;
};

export interface ServiceAccountArgs {
    cluster: ClusterContext;
    /** A Namespace's `name` (so the account and its bindings are ordered after it), or a plain name. */
    namespace: pulumi.Input<string>;
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
export class AccountWithGrants implements AccountObjects {
    public readonly account: k8s.core.v1.ServiceAccount;
    public readonly handle: AccountHandle;
    public readonly roles: k8s.rbac.v1.Role[];
    public readonly bindings: k8s.rbac.v1.RoleBinding[];

    constructor(owner: AccountOwner, args: ServiceAccountArgs) {
        this.account = new k8s.core.v1.ServiceAccount(
            owner.childName("sa"),
            {
                metadata: { name: args.name, namespace: args.namespace, labels: standardLabels(args.app) },
                ...(args.automountServiceAccountToken !== undefined
                    ? { automountServiceAccountToken: args.automountServiceAccountToken }
                    : {}),
            },
            owner.child(),
        );
        this.handle = AccountHandle.of(this.account, args.name, args.namespace);
        const grants = new AccountGrants(owner, args, this.handle);
        this.roles = grants.roles;
        this.bindings = grants.bindings;
    }
}

/**
 * The Roles and RoleBindings of an account's grants (its Roles merged where a layout collapses namespaces), as
 * children of `owner`. Each binding names its Role and `subject` (the account's handle, when this program creates it)
 * through their own outputs, so it comes after both without a `dependsOn`.
 */
export class AccountGrants {
    public readonly roles: k8s.rbac.v1.Role[] = [];
    public readonly bindings: k8s.rbac.v1.RoleBinding[] = [];

    constructor(owner: AccountOwner, args: ServiceAccountArgs, subject?: AccountHandle) {
        const labels = standardLabels(args.app);
        for (const [id, grant] of mergedGrants(args)) {
            const objectName = grantName(args.name, grant);
            const metadata = { name: objectName, namespace: grant.namespace, labels };
            const suffix = grant.key ?? id.replace(/\//g, "-");
            let roleRef: RoleRef = boundRole(grant);
            if ("rules" in grant) {
                const role = new k8s.rbac.v1.Role(
                    owner.childName(`role-${suffix}`),
                    { metadata, rules: grant.rules },
                    owner.child(),
                );
                this.roles.push(role);
                roleRef = { ...roleRef, name: role.metadata.name };
            }
            this.bindings.push(
                new k8s.rbac.v1.RoleBinding(
                    owner.childName(`${owner.bindingSuffix ?? "binding"}-${suffix}`),
                    {
                        metadata,
                        roleRef,
                        subjects: [
                            {
                                kind: "ServiceAccount",
                                name: subject?.name ?? args.name,
                                namespace: args.namespace,
                            },
                        ],
                    },
                    owner.child(),
                ),
            );
        }
    }
}

type RoleRef = { apiGroup: string; kind: string; name: pulumi.Input<string> };

/** The Role or ClusterRole a grant binds (a Role of its own is named by the Role's output once made). */
function boundRole(grant: AccessGrant): RoleRef {
    const apiGroup = "rbac.authorization.k8s.io";
    if ("rules" in grant) return { apiGroup, kind: "Role", name: grant.role };
    if ("clusterRole" in grant) return { apiGroup, kind: "ClusterRole", name: grant.clusterRole };
    return { apiGroup, kind: "Role", name: grant.existingRole };
}

/**
 * The account's grants by `<namespace>/<object name>`: grants that land on one Role (a layout that collapses
 * namespaces) merged, their rules once each.
 */
function mergedGrants(args: ServiceAccountArgs): Map<string, AccessGrant> {
    const merged = new Map<string, AccessGrant>();
    for (const grant of args.grants ?? []) {
        const id = `${grantNamespace(grant)}/${grantName(args.name, grant)}`;
        const seen = merged.get(id);
        if (seen && "rules" in seen && "rules" in grant) {
            const known = new Set(seen.rules.map((r) => JSON.stringify(r)));
            const added = grant.rules.filter((r) => !known.has(JSON.stringify(r)));
            merged.set(id, { ...seen, rules: [...seen.rules, ...added] });
        } else if (!seen) {
            merged.set(id, grant);
        }
    }
    return merged;
}

/**
 * The plain name of a grant's namespace (a string, or a Namespace's `name`, which carries it): what merges grants and
 * names their objects, so it must be known while the program is evaluated.
 */
function grantNamespace(grant: AccessGrant): string {
    const plain = plainNamespace(grant.namespace);
    if (plain === undefined) {
        throw new DefinitionError(
            `a grant of ${grantName("<account>", grant)}: its namespace is neither a name nor a Namespace's name`,
        );
    }
    return plain;
}

/** A service account with exactly the Roles and RoleBindings its workload needs, wherever they are. */
export class ServiceAccount extends RunbookComponent {
    /** Unset when another owner creates the account (`createAccount: false`). */
    public readonly account?: k8s.core.v1.ServiceAccount;
    /** How pods run as the account: `serviceAccountName: handle.name` orders them after it. */
    public readonly handle: AccountHandle;
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
            args.createAccount === false
                ? new AccountGrants(owner, args)
                : new AccountWithGrants(owner, args);
        this.account = objects.account;
        this.handle = objects.account
            ? AccountHandle.of(objects.account, args.name, args.namespace)
            : AccountHandle.existing(args.name, plainNamespace(args.namespace));
        this.roles = objects.roles;
        this.bindings = objects.bindings;
        this.registerOutputs({ objectName: this.objectName });
    }
}
