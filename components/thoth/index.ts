import { NamespaceClaim, defineSystem } from "../config/system";
import { thothProblems } from "./checks";
import { ThothConfig, thothSchema } from "./config";
import { thothSecrets } from "./secrets";
import { Thoth } from "./thoth";
import { stationNamespaces } from "./tiers";

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

/** Thoth-station: bots, ultrahooks, the station (namespaces, Dgraph, modules, verify) and the Zuul nodepool hookup. */
export const thoth = defineSystem<ThothConfig, "kubernetes">({
    section: "thoth",
    title: "Thoth-station",
    target: "kubernetes",
    schema: thothSchema,
    namespaces,
    secrets: thothSecrets,
    check: (config) => thothProblems(config),
    deploy: (config, context) => new Thoth("thoth", { config, context }).outputs,
});
