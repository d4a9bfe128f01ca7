import * as pulumi from "@pulumi/pulumi";
import { NamespaceClaim, defineSystem } from "../config/system";
import { ThothBots } from "./bots";
import { defaultHost } from "./catalog";
import { thothProblems } from "./checks";
import { ThothConfig, thothSchema } from "./config";
import { ArgoPrerequisites } from "./argo";
import { Dgraph } from "./dgraph";
import { resolveDestination } from "./destinations";
import { ZuulNodepool } from "./nodepool";
import { SECRET_KEYS, scopedStore, thothSecrets, ultrahookApiKeySecret } from "./secrets";
import { Station } from "./station";
import { stationNamespaces } from "./tiers";
import { Ultrahooks } from "./ultrahook";
import { StationModules } from "./stationModules";

function namespaces(config: ThothConfig): NamespaceClaim[] {
    const claims: NamespaceClaim[] = [];
    if (config.bots?.enabled) claims.push({ namespace: config.bots.namespace, key: "thoth.bots.namespace" });
    if (config.ultrahooks?.enabled) {
        claims.push({ namespace: config.ultrahooks.namespace, key: "thoth.ultrahooks.namespace" });
    }
    if (config.station?.enabled) {
        for (const ns of stationNamespaces(config.station.environment)) {
            claims.push({ namespace: ns, key: "thoth.station.environment" });
        }
    }
    if (config.nodepool?.enabled)
        claims.push({ namespace: config.nodepool.namespace, key: "thoth.nodepool.namespace" });
    return claims;
}

/** Thoth-station: bots, ultrahooks, station namespaces, Dgraph, watcher restarts and the Zuul nodepool hookup. */
export const thoth = defineSystem<ThothConfig, "kubernetes">({
    section: "thoth",
    title: "Thoth-station",
    target: "kubernetes",
    schema: thothSchema,
    namespaces,
    secrets: thothSecrets,
    check: (config) => thothProblems(config),
    deploy: (config, ctx) => {
        const cluster = ctx.cluster;
        const secrets = scopedStore(ctx.secrets, config.identity);
        const outputs: Record<string, unknown> = {};

        const bots = config.bots?.enabled
            ? new ThothBots("thoth-bots", {
                  cluster,
                  bots: config.bots,
                  domain: config.domain,
                  secrets,
              })
            : undefined;
        if (bots) {
            outputs.bots = {
                namespace: config.bots!.namespace,
                deployed: bots.deployed,
                endpoints: bots.endpointUrls,
            };
        }

        const hooks = config.ultrahooks;
        if (hooks?.enabled) {
            const apiKeys: Record<string, pulumi.Output<string>> = {};
            for (const i of hooks.instances) {
                apiKeys[i.apiKeySecret] = secrets.require(ultrahookApiKeySecret(i.apiKeySecret));
            }
            const ultrahooks = new Ultrahooks("thoth-ultrahooks", {
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
            });
            outputs.ultrahookDestinations = ultrahooks.destinations;
        }

        const station = config.station;
        if (station?.enabled) {
            const env = new Station("thoth-station", {
                cluster,
                environment: station.environment,
                createNamespaces: station.createNamespaces,
                opsServiceAccount: station.opsServiceAccount,
                opsClusterRoles: station.opsClusterRoles,
                protect: ctx.protectStateful,
            });
            const stationOut: Record<string, unknown> = {
                environment: station.environment,
                namespaces: env.namespaces,
                opsServiceAccount: env.opsServiceAccount,
                opsToken: env.opsToken,
            };
            const dgraphNs = env.namespaces.dgraph;
            const dg = station.dgraph;
            if (dg?.enabled) {
                const host = (route: string, configured?: string) =>
                    configured ?? defaultHost(route, dgraphNs, config.domain!);
                const dgraph = new Dgraph(
                    "thoth-dgraph",
                    {
                        cluster,
                        namespace: dgraphNs,
                        config: dg,
                        hosts: {
                            zeroRest: host("zero-rest", dg.hosts.zeroRest),
                            alphaRest: host("alpha-rest", dg.hosts.alphaRest),
                            alphaGrpc: host("alpha-grpc", dg.hosts.alphaGrpc),
                        },
                        tls: {
                            caCrt: secrets.require(SECRET_KEYS.dgraphCaCrt),
                            nodeCrt: secrets.require(SECRET_KEYS.dgraphNodeCrt),
                            nodeKey: secrets.require(SECRET_KEYS.dgraphNodeKey),
                            clientCrt: secrets.require(SECRET_KEYS.dgraphClientCrt),
                            clientKey: secrets.require(SECRET_KEYS.dgraphClientKey),
                        },
                        protect: ctx.protectStateful,
                    },
                    { dependsOn: [env.namespaceResources[dgraphNs]] },
                );
                stationOut.dgraph = { layout: dg.layout, namespace: dgraphNs, ...dgraph.urls };
            }
            const modules = station.modules;
            if (modules?.enabled) {
                const prerequisites = modules.ownClusterPrerequisites
                    ? new ArgoPrerequisites("thoth-cluster-prerequisites", {
                          cluster,
                          protect: ctx.protectStateful,
                      })
                    : undefined;
                const mods = new StationModules("thoth-station-modules", {
                    cluster,
                    environment: station.environment,
                    namespaces: env.namespaces,
                    namespaceResources: env.namespaceResources,
                    domain: config.domain!,
                    config: modules,
                    secrets,
                    protect: ctx.protectStateful,
                    watcherRestart: station.watcherRestart,
                    prerequisites: prerequisites ? [prerequisites] : [],
                });
                stationOut.publicUrls = mods.publicUrls;
                stationOut.clusterPrerequisites = modules.ownClusterPrerequisites ? "owned" : "referenced";
                if (mods.restart) {
                    stationOut.watcherRestart = {
                        schedule: station.watcherRestart!.schedule,
                        targets: mods.restart.groups,
                    };
                }
            }
            outputs.station = stationOut;
        }

        const nodepool = config.nodepool;
        if (nodepool?.enabled) {
            const np = new ZuulNodepool("thoth-nodepool", {
                cluster,
                config: nodepool,
                apiServer: config.apiServer!,
            });
            outputs.nodepool = { providerYaml: np.providerYaml, context: np.context, token: np.token };
        }
        return outputs;
    },
});
