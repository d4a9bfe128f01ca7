import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterContext } from "./cluster";
import { RunbookComponent } from "./component";
import { namespaceRef } from "./handles";
import { AppIdentity, standardLabels } from "./labels";
import { DerivedEgressPolicy, DerivedPolicy, networkGraphOf } from "./network";
import { statefulOptions } from "./protect";

export interface Subject {
    kind: "ServiceAccount" | "User" | "Group";
    name: string;
    /** ServiceAccount subjects only. */
    namespace?: string;
}

export interface RoleBindingSpec {
    name: string;
    role: { kind: "ClusterRole" | "Role"; name: string };
    subjects: Subject[];
}

export interface NamespaceArgs {
    cluster: ClusterContext;
    name: string;
    app: AppIdentity;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    /**
     * False for namespaces owned by someone else (e.g. a cluster admin on a shared PaaS): nothing is created,
     * but RBAC inside the namespace still is.
     */
    create?: boolean;
    /**
     * Protect and retain the Namespace (it holds data a delete would lose with it); unset: on a production cluster.
     */
    keep?: boolean;
    serviceAccounts?: string[];
    roleBindings?: RoleBindingSpec[];
    /**
     * Runs code nobody reviewed (a sandbox, pull-request jobs): every pod of it, whoever made it, reaches only
     * the internet, the cluster DNS and the Services the program's references name for it.
     */
    untrusted?: boolean;
}

/**
 * A namespace with its service accounts and role bindings. In production the namespace itself is protected and
 * retained: deleting it would make the namespace controller delete every claim inside, including the retained ones,
 * so a forced destroy must leave it (and the data in it) in place.
 */
export class Namespace extends RunbookComponent {
    /**
     * The namespace's name from the Namespace object: objects placed with it wait for the namespace without a
     * `dependsOn` (a namespace made elsewhere gives the plain name, nothing to wait for).
     */
    public readonly name: pulumi.Output<string>;
    public readonly serviceAccounts: Record<string, k8s.core.v1.ServiceAccount> = {};
    /** Its NetworkPolicies, written once the whole program's pods are known (`writeNetworkPolicies`). */
    public readonly networkPolicies: k8s.networking.v1.NetworkPolicy[] = [];

    constructor(name: string, args: NamespaceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("runbooks:shared:Namespace", name, opts, args.cluster.provider);
        const labels = { ...standardLabels(args.app), ...(args.labels ?? {}) };
        if (args.create ?? true) {
            const ns = new k8s.core.v1.Namespace(
                this.childName("namespace"),
                {
                    metadata: {
                        name: args.name,
                        labels,
                        ...(args.annotations ? { annotations: args.annotations } : {}),
                    },
                },
                this.child(statefulOptions(args.keep ?? args.cluster.production)),
            );
            this.name = namespaceRef(ns.metadata.name, args.name);
        } else {
            this.name = namespaceRef(pulumi.output(args.name), args.name);
        }
        this.placeAccounts(args, labels);
        networkGraphOf(args.cluster).namespaces.set(args.name, {
            name: args.name,
            created: args.create ?? true,
            programPods: {
                "app.kubernetes.io/managed-by": labels["app.kubernetes.io/managed-by"],
                "app.kubernetes.io/part-of": labels["app.kubernetes.io/part-of"],
            },
            untrusted: args.untrusted ?? false,
            writePolicy: (policy) => this.writePolicy(policy, labels),
        });
        this.registerOutputs({ name: this.name });
    }

    /** Its service accounts and role bindings, placed with the namespace's reference (after it, when it is created). */
    private placeAccounts(args: NamespaceArgs, labels: Record<string, string>): void {
        for (const sa of args.serviceAccounts ?? []) {
            this.serviceAccounts[sa] = new k8s.core.v1.ServiceAccount(
                this.childName(`sa-${sa}`),
                { metadata: { name: sa, namespace: this.name, labels } },
                this.child(),
            );
        }
        for (const rb of args.roleBindings ?? []) {
            new k8s.rbac.v1.RoleBinding(
                this.childName(`rb-${rb.name}`),
                {
                    metadata: { name: rb.name, namespace: this.name, labels },
                    roleRef: {
                        apiGroup: "rbac.authorization.k8s.io",
                        kind: rb.role.kind,
                        name: rb.role.name,
                    },
                    subjects: rb.subjects.map((s) => ({
                        kind: s.kind,
                        name: s.name,
                        ...(s.kind === "ServiceAccount"
                            ? { namespace: s.namespace ?? args.name }
                            : { apiGroup: "rbac.authorization.k8s.io" }),
                    })),
                },
                this.child(),
            );
        }
    }

    /** One derived NetworkPolicy, placed with the namespace's reference so it is ordered after the Namespace. */
    private writePolicy(policy: DerivedPolicy | DerivedEgressPolicy, labels: Record<string, string>): void {
        this.networkPolicies.push(
            new k8s.networking.v1.NetworkPolicy(
                this.childName(`netpol-${policy.name}`),
                { metadata: { name: policy.name, namespace: this.name, labels }, spec: policy.spec },
                // Not the namespace's protection (a kept namespace's children inherit it): a policy holds no data,
                // and a protected one would stop the up that removes the Service it admits to.
                this.child({ protect: false }),
            ),
        );
    }
}
