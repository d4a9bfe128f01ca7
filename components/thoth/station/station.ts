import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { KubernetesContext } from "../../config/system";
import { Namespace } from "../../shared/namespace";
import { SystemArgs, SystemPart } from "../../config/systemComponent";
import { CheckedStation, ThothSection } from "../config";
import { thothApp } from "../identity";
import { grantName } from "../../shared/serviceAccount";
import { StationTier, stationNamespaces, tierNamespaces } from "./tiers";
import { serviceAccountTokenSecret, tokenOf } from "../token";

export interface StationArgs extends SystemArgs<ThothSection, KubernetesContext> {
    /** The `thoth.station` section as its check refined it. */
    station: CheckedStation;
    /**
     * The stack keeps long-lived data (the knowledge graph's, Dgraph's): the namespaces holding it are kept, with
     * their RBAC, as firmly as that data, since deleting a namespace deletes every claim inside it.
     */
    keepData: boolean;
}

/**
 * The namespaces of a Thoth station environment and the `thoth-ops` service account that deploys into them.
 * The tier → namespace mapping is the only difference between stage and test.
 */
export class Station extends SystemPart<ThothSection, KubernetesContext> {
    /** Tier → namespace. */
    public readonly namespaces: Record<StationTier, string>;
    /** Namespace components, by namespace name: objects placed with one's `name` are made after it. */
    public readonly namespaceResources: Record<string, Namespace> = {};
    /** Each namespace's name from its Namespace, by plain name: what an object there is placed with. */
    public readonly namespaceRefs: Record<string, pulumi.Output<string>> = {};
    /** `<namespace>/<name>` of the ops service account. */
    public readonly opsServiceAccount: string;
    /** The ops service account's token, secret. */
    public readonly opsToken: pulumi.Output<string>;

    constructor(name: string, args: StationArgs, opts?: pulumi.ComponentResourceOptions) {
        super("runbooks:thoth:Station", name, args, opts);
        const { station } = args;
        this.namespaces = tierNamespaces(station.environment);
        const dataNamespaces = args.keepData
            ? [
                  ...(station.dgraph ? [this.namespaces.dgraph] : []),
                  ...(station.modules ? [this.namespaces.graph] : []),
              ]
            : [];
        for (const ns of stationNamespaces(station.environment)) {
            this.namespaceResources[ns] = this.namespace(station, ns, dataNamespaces.includes(ns));
            this.namespaceRefs[ns] = this.namespaceResources[ns].name;
        }
        this.opsServiceAccount = `${this.namespaces.infra}/${station.opsServiceAccount}`;
        this.opsToken = this.opsAccountToken(station.opsServiceAccount);
        this.registerOutputs({
            namespaces: this.namespaces,
            opsServiceAccount: this.opsServiceAccount,
            opsToken: this.opsToken,
        });
    }

    /** The name of `tier`'s namespace from its Namespace: what the tier's objects are placed with. */
    namespaceOf(tier: StationTier): pulumi.Output<string> {
        return this.namespaceRefs[this.namespaces[tier]];
    }

    /** One namespace of the environment, with thoth-ops (in the infra tier's) and its bindings. */
    private namespace(station: CheckedStation, ns: string, holdsData: boolean): Namespace {
        const home = this.namespaces.infra;
        const sa = station.opsServiceAccount;
        const tiers = (Object.keys(this.namespaces) as StationTier[]).filter(
            (t) => this.namespaces[t] === ns,
        );
        const keep = this.context.protectStateful || holdsData;
        return new Namespace(
            this.childName(ns),
            {
                cluster: this.context.cluster,
                name: ns,
                app: thothApp("thoth-station", "station"),
                create: station.createNamespaces,
                keep,
                labels: {
                    "thoth-station.ninja/environment": station.environment,
                    // A single tier names the namespace's role; test's shared namespace holds them all.
                    "thoth-station.ninja/tier": tiers.length === 1 ? tiers[0] : "all",
                },
                serviceAccounts: ns === home ? [sa] : [],
                roleBindings: station.opsClusterRoles.map((role) => ({
                    name: grantName(sa, { namespace: ns, clusterRole: role }),
                    role: { kind: "ClusterRole" as const, name: role },
                    subjects: [{ kind: "ServiceAccount" as const, name: sa, namespace: home }],
                })),
            },
            this.child({ protect: keep }),
        );
    }

    /** The ops account's token, exported (encrypted) for the ansible vault. */
    private opsAccountToken(sa: string): pulumi.Output<string> {
        const home = this.namespaces.infra;
        const secret = serviceAccountTokenSecret(
            this.namespaceResources[home],
            home,
            sa,
            thothApp(sa, "station"),
        );
        return tokenOf(new k8s.core.v1.Secret(this.childName(`${sa}-token`), secret, this.child()));
    }
}
