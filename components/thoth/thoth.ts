import * as pulumi from "@pulumi/pulumi";
import { KubernetesContext, SecretStore, keepsLongLivedData } from "../config/system";
import { ownsClusterScoped } from "../shared/cluster";
import { ChecksumKey, ReadsChecksumKey } from "../shared/startupReads";
import { SystemArgs, SystemComponent } from "../config/systemComponent";
import { ArgoPrerequisites } from "./station/modules/argo";
import { THOTH_CLUSTER_PREREQUISITES } from "./station/clusterPrerequisites";
import { Bots } from "./bots/bots";
import { CheckedStation, ThothSection } from "./config";
import { Dgraph } from "./station/dgraph";
import { ZuulNodepool } from "./nodepool/nodepool";
import { scopedStore } from "./secrets";
import { Station } from "./station/station";
import { StationModules } from "./station/modules/stationModules";
import { Ultrahooks } from "./ultrahooks/ultrahooks";

/** The station's stack output: its namespaces and account, and what each of its enabled parts reports. */
export interface StationOutputs extends Record<string, unknown> {
    environment: string;
    namespaces: Record<string, string>;
    opsServiceAccount: string;
    opsToken: pulumi.Output<string>;
    dgraph?: Record<string, string>;
    publicUrls?: Record<string, string>;
    clusterPrerequisites?: "owned" | "referenced";
    catalog?: unknown;
    watcherRestart?: { schedule: string; targets: unknown };
}

/** Thoth's stack outputs (`pulumi stack output thoth`), by part; a part that is off has none. */
export interface ThothOutputs extends Record<string, pulumi.Input<unknown>> {
    bots?: { namespace: string; deployed: string[]; endpoints: Record<string, pulumi.Input<string>> };
    ultrahookDestinations?: Record<string, pulumi.Output<string>>;
    station?: StationOutputs;
    nodepool?: { providerYaml: string; context: string; token: pulumi.Output<string> };
}

/**
 * Thoth-station as runbook 000 migrates it, in the runbook's order: the bots, the ultrahooks, the station
 * (prepare: namespaces and `thoth-ops`; Dgraph; provision: shared configuration, knowledge graph, workflow
 * controllers, services, periodic jobs, catalog, watcher restart; verify; the `thoth-ops` token export) and the
 * Zuul nodepool hookup. Each part is switched by its config section; the stack outputs are {@link outputs}.
 */
export class Thoth extends SystemComponent<ThothSection, KubernetesContext, ThothOutputs> {
    /** A stage stack reads `thoth-stage-...` keys only: it can never act with production's identities. */
    readonly #secrets: SecretStore;
    #restartKey: ChecksumKey | undefined;

    constructor(
        name: string,
        args: SystemArgs<ThothSection, KubernetesContext>,
        opts?: pulumi.ComponentResourceOptions,
    ) {
        super("runbooks:thoth:Thoth", name, args, opts);
        this.#secrets = scopedStore(this.context.secrets, this.config.identity);
        const bots = this.bots();
        const ultrahookDestinations = this.ultrahooks(bots);
        const station = this.station();
        const nodepool = this.nodepool();
        this.setOutputs({
            ...(bots && { bots: bots.outputs }),
            ...(ultrahookDestinations && { ultrahookDestinations }),
            ...(station && { station }),
            ...(nodepool && { nodepool }),
        });
    }

    /** "Thoth Bots Migration": Kebechet, Nepthys, Sesheta, review-manager, webhook2kafka and normalizers. */
    private bots(): Bots | undefined {
        const bots = this.config.bots;
        if (!bots?.enabled) return undefined;
        return new Bots(
            this.childName("bots"),
            { ...this.parts(), bots, secrets: this.#secrets, restartKey: this.restartKey() },
            this.child(),
        );
    }

    /** "Ultrahooks Deployment": public webhooks tunnelled to the bots (or to Zuul's managesf). */
    private ultrahooks(bots: Bots | undefined): ThothOutputs["ultrahookDestinations"] {
        const hooks = this.config.ultrahooks;
        if (!hooks?.enabled) return undefined;
        return new Ultrahooks(
            this.childName("ultrahooks"),
            {
                ...this.parts(),
                hooks,
                botEndpoints: bots?.endpoints ?? {},
                secrets: this.#secrets,
                restartKey: this.restartKey(),
            },
            this.child(),
        ).destinations;
    }

    /**
     * "Thoth Station Migration": prepare (the environment's namespaces and the thoth-ops account), Dgraph, provision
     * and verify (the modules), and "copy the secret token of service account thoth-ops ... to the ansible vault":
     * exported, encrypted.
     */
    private station(): StationOutputs | undefined {
        const station = this.config.station;
        if (!station?.enabled) return undefined;
        // The knowledge graph and Dgraph hold long-lived data on every stack but a local one, stage included.
        const keepData = this.context.protectStateful || keepsLongLivedData(this.context.tier);
        const env = new Station(
            this.childName("station"),
            { ...this.parts(), station, keepData },
            this.child(),
        );
        return {
            environment: station.environment,
            namespaces: env.namespaces,
            opsServiceAccount: env.opsServiceAccount,
            ...this.dgraph(station, env, keepData),
            ...this.modules(station, env, keepData),
            opsToken: env.opsToken,
        };
    }

    /** "Dgraph": the graph database, with the certificates of the ansible vault. */
    private dgraph(station: CheckedStation, env: Station, keepData: boolean): Partial<StationOutputs> {
        const dg = station.dgraph;
        if (!dg) return {};
        const dgraph = new Dgraph(
            this.childName("dgraph"),
            {
                ...this.parts(),
                dgraph: dg,
                namespace: env.namespaceOf("dgraph"),
                secrets: this.#secrets,
                protectStateful: keepData,
                restartKey: this.restartKey(),
            },
            this.child(),
        );
        return { dgraph: { layout: dg.layout, namespace: env.namespaces.dgraph, ...dgraph.urls } };
    }

    /** Provision and verify: the station's modules (see StationModules for the steps, in order). */
    private modules(station: CheckedStation, env: Station, keepData: boolean): Partial<StationOutputs> {
        const modules = station.modules;
        if (!modules) return {};
        const prerequisites = this.clusterPrerequisites(modules.ownClusterPrerequisites);
        const mods = new StationModules(
            this.childName("station-modules"),
            {
                ...this.parts(),
                station,
                modules,
                env,
                secrets: this.#secrets,
                protectStateful: keepData,
                prerequisites: prerequisites ? [prerequisites] : [],
            },
            // Every module object waits for them (Argo installs, CronWorkflows, bindings to argo/argo-admin).
            // order: Argo's CRDs and the ClusterRoles argo/argo-admin, when this stack owns them, exist before any use.
            this.child(prerequisites ? { dependsOn: [prerequisites] } : {}),
        );
        return {
            publicUrls: mods.publicUrls,
            clusterPrerequisites: prerequisites ? "owned" : "referenced",
            ...(mods.catalog && { catalog: mods.catalog.instances }),
            ...(mods.restart &&
                station.watcherRestart && {
                    watcherRestart: {
                        schedule: station.watcherRestart.schedule,
                        targets: mods.restart.groups,
                    },
                }),
        };
    }

    /**
     * The Argo CRDs and ClusterRoles, where this stack owns them. Validation refuses ownClusterPrerequisites without
     * the grants; the second condition keeps a configuration that skipped validation from creating what the cluster
     * setup provides.
     */
    private clusterPrerequisites(own: boolean): ArgoPrerequisites | undefined {
        const cluster = this.context.cluster;
        const owned =
            own &&
            THOTH_CLUSTER_PREREQUISITES.every((p) => ownsClusterScoped(cluster, "thoth", p.kind, p.name));
        if (!owned) return undefined;
        return new ArgoPrerequisites(
            this.childName("cluster-prerequisites"),
            { ...this.parts() },
            this.child(),
        );
    }

    /** "Zuul": the nodepool's namespace, service account and token in this cluster, and its provider file. */
    private nodepool(): ThothOutputs["nodepool"] {
        const nodepool = this.config.nodepool;
        if (!nodepool) return undefined;
        const np = new ZuulNodepool(this.childName("nodepool"), { ...this.parts(), nodepool }, this.child());
        return { providerYaml: np.providerYaml, context: np.kubeconfigContext, token: np.token };
    }

    /** What every part is built from: the checked section and the context. */
    private parts(): SystemArgs<ThothSection, KubernetesContext> {
        return { config: this.config, context: this.context };
    }

    /**
     * One key for the checksums of every bot, tunnel and Dgraph pod: a rotated secret restarts its readers. Made on
     * first use: a stack without bots, tunnels or Dgraph has no key.
     */
    private restartKey(): ChecksumKey {
        return (this.#restartKey ??= new ReadsChecksumKey(
            this.childName("checksum-key"),
            this.foreignChild(),
        ).result);
    }
}
