import * as pulumi from "@pulumi/pulumi";
import { KubernetesContext } from "../config/system";
import { RunbookComponent } from "../shared/component";
import { ownsClusterScoped } from "../shared/cluster";
import { ChecksumKey, ReadsChecksumKey } from "../shared/startupReads";
import { keepsLongLivedData } from "../shared/protect";
import { ArgoPrerequisites } from "./station/modules/argo";
import { THOTH_CLUSTER_PREREQUISITES } from "./station/clusterPrerequisites";
import { Bots } from "./bots/bots";
import { ThothSection } from "./config";
import { Dgraph } from "./station/dgraph";
import { resolveDestination } from "./ultrahooks/destinations";
import { ZuulNodepool } from "./nodepool/nodepool";
import { SECRET_KEYS, scopedStore, ultrahookApiKeySecret } from "./secrets";
import { Station } from "./station/station";
import { tierNamespaces } from "./station/tiers";
import { StationModulePart, StationModules } from "./station/modules/stationModules";
import { Ultrahooks } from "./ultrahooks/ultrahooks";

/** Arguments of {@link Thoth}. */
export interface ThothArgs {
    /** The `thoth` section as its check built it. */
    config: ThothSection;
    /** What the program decided: the cluster (provider resolved), the tier's protection and the secrets. */
    context: KubernetesContext;
    /** The station modules' parts to build (every part when absent): a test builds the ones it reads. */
    moduleParts?: readonly StationModulePart[];
}

/**
 * Thoth-station as runbook 000 migrates it, in the runbook's order: the bots, the ultrahooks, the station
 * (prepare: namespaces and `thoth-ops`; Dgraph; provision: shared configuration, knowledge graph, workflow
 * controllers, services, periodic jobs, catalog, watcher restart; verify; the `thoth-ops` token export) and the
 * Zuul nodepool hookup. Each part is switched by its config section; the stack outputs are {@link outputs}.
 */
export class Thoth extends RunbookComponent {
    /** Stack outputs of the system, by part. */
    public readonly outputs: Record<string, unknown> = {};
    #restartKey: ChecksumKey | undefined;

    constructor(name: string, args: ThothArgs, opts?: pulumi.ComponentResourceOptions) {
        super("runbooks:thoth:Thoth", name, opts, args.context.cluster.provider);
        const { config, context } = args;
        const cluster = context.cluster;
        // A stage stack reads `thoth-stage-...` keys only: it can never act with production's identities.
        const secrets = scopedStore(context.secrets, config.identity);

        // "Thoth Bots Migration": Kebechet, Nepthys, Sesheta, review-manager, webhook2kafka and normalizers.
        let bots: Bots | undefined;
        if (config.bots?.enabled) {
            bots = new Bots(
                this.childName("bots"),
                { cluster, bots: config.bots, domain: config.domain, secrets, restartKey: this.restartKey() },
                this.child(),
            );
            this.outputs.bots = {
                namespace: config.bots.namespace,
                deployed: bots.deployed,
                endpoints: bots.endpointUrls,
            };
        }

        // "Ultrahooks Deployment": public webhooks tunnelled to the bots (or to Zuul's managesf).
        const hooks = config.ultrahooks;
        if (hooks?.enabled) {
            const apiKeys: Record<string, pulumi.Output<string>> = {};
            for (const i of hooks.instances) {
                apiKeys[i.apiKeySecret] = secrets.require(ultrahookApiKeySecret(i.apiKeySecret));
            }
            const ultrahooks = new Ultrahooks(
                this.childName("ultrahooks"),
                {
                    cluster,
                    namespace: hooks.namespace,
                    createNamespace: hooks.createNamespace,
                    image: hooks.image,
                    tunnels: hooks.instances.map((i) => ({
                        subdomain: i.subdomain,
                        apiKeySecret: i.apiKeySecret,
                        destination: resolveDestination(i, bots?.endpoints ?? {}),
                    })),
                    apiKeys,
                    restartKey: this.restartKey(),
                },
                this.child(),
            );
            this.outputs.ultrahookDestinations = ultrahooks.destinations;
        }

        // "Thoth Station Migration", prepare: the environment's namespaces and the thoth-ops account.
        const station = config.station;
        if (station?.enabled) {
            // The knowledge graph and Dgraph hold long-lived data on every stack but a local one, stage included.
            const keepData = context.protectStateful || keepsLongLivedData(context.tier);
            const tiers = tierNamespaces(station.environment);
            const env = new Station(
                this.childName("station"),
                {
                    cluster,
                    environment: station.environment,
                    createNamespaces: station.createNamespaces,
                    opsServiceAccount: station.opsServiceAccount,
                    opsClusterRoles: station.opsClusterRoles,
                    protectStateful: context.protectStateful,
                    dataNamespaces: keepData
                        ? [
                              ...(station.dgraph ? [tiers.dgraph] : []),
                              ...(station.modules ? [tiers.graph] : []),
                          ]
                        : [],
                },
                this.child(),
            );
            const stationOut: Record<string, unknown> = {
                environment: station.environment,
                namespaces: env.namespaces,
                opsServiceAccount: env.opsServiceAccount,
            };

            // "Dgraph": the graph database, with the certificates of the ansible vault.
            const dgraphNs = env.namespaces.dgraph;
            const dg = station.dgraph;
            if (dg) {
                const dgraph = new Dgraph(
                    this.childName("dgraph"),
                    {
                        cluster,
                        namespace: dgraphNs,
                        config: dg,
                        hosts: dg.hosts,
                        tls: {
                            caCrt: secrets.require(SECRET_KEYS.dgraphCaCrt),
                            nodeCrt: secrets.require(SECRET_KEYS.dgraphNodeCrt),
                            nodeKey: secrets.require(SECRET_KEYS.dgraphNodeKey),
                            clientCrt: secrets.require(SECRET_KEYS.dgraphClientCrt),
                            clientKey: secrets.require(SECRET_KEYS.dgraphClientKey),
                        },
                        protectStateful: keepData,
                        restartKey: this.restartKey(),
                    },
                    this.child({ dependsOn: [env.namespaceResources[dgraphNs]] }),
                );
                stationOut.dgraph = { layout: dg.layout, namespace: dgraphNs, ...dgraph.urls };
            }

            // Provision and verify: the station's modules (see StationModules for the steps, in order).
            const modules = station.modules;
            if (modules) {
                // Validation refuses ownClusterPrerequisites without the grants; the second condition keeps a
                // configuration that skipped validation from creating what the cluster setup provides.
                const owned =
                    modules.ownClusterPrerequisites &&
                    THOTH_CLUSTER_PREREQUISITES.every((p) =>
                        ownsClusterScoped(cluster, "thoth", p.kind, p.name),
                    );
                const prerequisites = owned
                    ? new ArgoPrerequisites(
                          this.childName("cluster-prerequisites"),
                          { cluster, protectStateful: context.protectStateful },
                          this.child(),
                      )
                    : undefined;
                const mods = new StationModules(
                    this.childName("station-modules"),
                    {
                        cluster,
                        environment: station.environment,
                        namespaces: env.namespaces,
                        namespaceResources: env.namespaceResources,
                        domain: modules.domain,
                        config: modules,
                        secrets,
                        protectStateful: keepData,
                        watcherRestart: station.watcherRestart,
                        prerequisites: prerequisites ? [prerequisites] : [],
                        parts: args.moduleParts,
                    },
                    this.child(),
                );
                stationOut.publicUrls = mods.publicUrls;
                stationOut.clusterPrerequisites = owned ? "owned" : "referenced";
                if (mods.catalog) stationOut.catalog = mods.catalog.instances;
                if (mods.restart && station.watcherRestart) {
                    stationOut.watcherRestart = {
                        schedule: station.watcherRestart.schedule,
                        targets: mods.restart.groups,
                    };
                }
            }

            // "copy the secret token of service account thoth-ops ... to the ansible vault": exported, encrypted.
            stationOut.opsToken = env.opsToken;
            this.outputs.station = stationOut;
        }

        // "Zuul": the nodepool's namespace, service account and token in this cluster, and its provider file.
        const nodepool = config.nodepool;
        if (nodepool) {
            const np = new ZuulNodepool(
                this.childName("nodepool"),
                { cluster, config: nodepool, apiServer: nodepool.apiServer },
                this.child(),
            );
            this.outputs.nodepool = { providerYaml: np.providerYaml, context: np.context, token: np.token };
        }
        this.registerOutputs(this.outputs);
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
