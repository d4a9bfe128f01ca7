import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterContext } from "../../shared/cluster";
import { RunbookComponent } from "../../shared/component";
import { Namespace } from "../../shared/namespace";
import { bindingName, thothApp } from "../identity";
import { StationEnvironment, StationTier, stationNamespaces, tierNamespaces } from "./tiers";
import { AccountHandle } from "../../shared/handles";
import { serviceAccountTokenSecret, tokenOf } from "../token";

/** Arguments of {@link Station}. */
export interface StationArgs {
    cluster: ClusterContext;
    /** `stage` (a namespace per tier) or `test` (every tier in thoth-test-core). */
    environment: StationEnvironment;
    createNamespaces: boolean;
    /** The deploy's service account, created in the infra tier's namespace. */
    opsServiceAccount: string;
    /** ClusterRoles bound to it in every station namespace. */
    opsClusterRoles: string[];
    /** Production: the namespaces (which hold Dgraph's volumes) and their RBAC are protected from deletion. */
    protectStateful: boolean;
    /**
     * The namespaces holding long-lived data (the knowledge graph's, Dgraph's) on a stack that keeps it: kept, with
     * their RBAC, as firmly as that data, since deleting a namespace deletes every claim inside it.
     */
    dataNamespaces: string[];
}

/**
 * The namespaces of a Thoth station environment and the `thoth-ops` service account that deploys into them.
 * The tier → namespace mapping is the only difference between stage and test.
 */
export class Station extends RunbookComponent {
    /** Tier → namespace. */
    public readonly namespaces: Record<StationTier, string>;
    /** Namespace components, by namespace name (so other parts can wait for them). */
    public readonly namespaceResources: Record<string, Namespace> = {};
    /** `<namespace>/<name>` of the ops service account. */
    public readonly opsServiceAccount: string;
    /** The ops service account's token, secret. */
    public readonly opsToken: pulumi.Output<string>;

    constructor(name: string, args: StationArgs, opts?: pulumi.ComponentResourceOptions) {
        super("runbooks:thoth:Station", name, opts, args.cluster.provider);
        this.namespaces = tierNamespaces(args.environment);
        const home = this.namespaces.infra;
        const sa = args.opsServiceAccount;
        for (const ns of stationNamespaces(args.environment)) {
            const tiers = (Object.keys(this.namespaces) as StationTier[]).filter(
                (t) => this.namespaces[t] === ns,
            );
            const keep = args.protectStateful || args.dataNamespaces.includes(ns);
            this.namespaceResources[ns] = new Namespace(
                this.childName(ns),
                {
                    cluster: args.cluster,
                    name: ns,
                    app: thothApp("thoth-station", "station"),
                    create: args.createNamespaces,
                    keep,
                    labels: {
                        "thoth-station.ninja/environment": args.environment,
                        // A single tier names the namespace's role; test's shared namespace holds them all.
                        "thoth-station.ninja/tier": tiers.length === 1 ? tiers[0] : "all",
                    },
                    serviceAccounts: ns === home ? [sa] : [],
                    roleBindings: args.opsClusterRoles.map((role) => ({
                        name: bindingName(sa, role),
                        role: { kind: "ClusterRole" as const, name: role },
                        subjects: [{ kind: "ServiceAccount" as const, name: sa, namespace: home }],
                    })),
                },
                this.child({ protect: keep }),
            );
        }
        const account = AccountHandle.of(this.namespaceResources[home].serviceAccounts[sa], sa, home);
        const token = tokenOf(
            new k8s.core.v1.Secret(
                this.childName(`${sa}-token`),
                serviceAccountTokenSecret({
                    namespace: home,
                    serviceAccount: account,
                    app: thothApp(sa, "station"),
                }),
                this.child(),
            ),
        );
        this.opsServiceAccount = `${home}/${sa}`;
        this.opsToken = token;
        this.registerOutputs({
            namespaces: this.namespaces,
            opsServiceAccount: this.opsServiceAccount,
            opsToken: token,
        });
    }
}
