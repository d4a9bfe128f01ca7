import { sourcedImages } from "../shared/confirmedImages";
import { THOTH_EVIDENCE } from "./evidence";
import { Claim } from "../config/ownership";
import { NamespaceClaim } from "../config/system";
import { ExternalName, endpoint } from "../config/externalNames";
import { defineSystem } from "../config/systemDefinition";
import { partNamespaces, thothCheck } from "./checks";
import { ThothConfig, ThothSection, thothSchema } from "./config";
import { thothImages, thothNotices } from "./notices";
import { thothRetiredSecrets, thothSecrets } from "./secrets";
import { Thoth } from "./thoth";
import { THOTH_CLUSTER_PREREQUISITES, prerequisiteClaims } from "./station/clusterPrerequisites";
import { BOT_NAMES } from "./bots/catalog";

function namespaces(config: ThothConfig): NamespaceClaim[] {
    return partNamespaces(config).map(({ namespace, key }) => ({ namespace, key }));
}

/**
 * Hosts of Thoth's Routes: OpenShift's `<route>-<namespace>.<domain>` for every namespace it writes (bots, station
 * services, Argo UIs, Dgraph), and the hosts the stack file sets.
 */
function hosts(config: ThothConfig): Claim[] {
    const claims: Claim[] = [];
    if (config.domain) {
        for (const ns of namespaces(config))
            claims.push({ value: `*-${ns.namespace}.${config.domain}`, key: ns.key });
    }
    if (config.bots?.enabled) {
        for (const [bot, entry] of Object.entries(config.bots)) {
            const host = (entry as { host?: unknown } | undefined)?.host;
            if (typeof host === "string")
                claims.push({ value: host, key: `thoth.bots.${bot}.host`, settable: true });
        }
    }
    const station = config.station;
    if (station?.enabled) {
        for (const [name, host] of Object.entries(station.dgraph?.enabled ? station.dgraph.hosts : {})) {
            if (host) claims.push({ value: host, key: `thoth.station.dgraph.hosts.${name}`, settable: true });
        }
        if (station.modules?.enabled) {
            for (const [name, host] of Object.entries(station.modules.hosts)) {
                claims.push({ value: host, key: `thoth.station.modules.hosts.${name}`, settable: true });
            }
        }
    }
    return claims;
}

/** The Argo CRDs and ClusterRoles, only where this stack owns them (`ownClusterPrerequisites`). */
function clusterScoped(config: ThothConfig): Claim[] {
    const modules = config.station?.enabled ? config.station.modules : undefined;
    if (!modules?.enabled || !modules.ownClusterPrerequisites) return [];
    const key = "thoth.station.modules.ownClusterPrerequisites";
    return prerequisiteClaims().map((value) => ({
        value,
        key,
        disable: {
            key,
            value: "false",
            why: "thoth-station.md §6.3 and §7 have the cluster setup provide the Argo CRDs and the ClusterRoles argo and argo-admin, which other tenants of the cluster use too (their schemas are not this stack's to overwrite)",
        },
    }));
}

/**
 * The object prefix the station writes in the Ceph bucket it shares with other deployments: thoth-storages keys every
 * result under `<THOTH_CEPH_BUCKET_PREFIX>/<THOTH_DEPLOYMENT_NAME>/` (thoth-station/storages@00a5874:
 * thoth/storages/result_base.py), so two stacks' prefixes must not lie one within the other.
 */
function externalNames(config: ThothConfig): ExternalName[] {
    const shared = config.station?.modules?.shared;
    if (!shared) return [];
    const { host, bucket, prefix } = shared.ceph;
    return [
        {
            key: "thoth.station.modules.shared.deploymentName",
            what: "Ceph object prefix",
            scope: `s3 ${endpoint(host)} ${bucket}`,
            name: `${prefix}/${shared.deploymentName}`,
            prefix: true,
            why: "two stacks writing one prefix overwrite each other's results and read each other's as their own",
        },
    ];
}

/** Thoth-station: bots, ultrahooks, the station (namespaces, Dgraph, modules, verify) and the Zuul nodepool hookup. */
export const thoth = defineSystem<ThothConfig, "kubernetes", ThothSection>({
    section: "thoth",
    title: "Thoth-station",
    target: "kubernetes",
    schema: thothSchema,
    namespaces,
    hosts,
    externalNames,
    clusterScoped,
    secrets: thothSecrets,
    retiredSecrets: thothRetiredSecrets,
    check: (config, { tier, clusters }) => thothCheck(config, tier, clusters),
    notices: (section) => thothNotices(section),
    images: (config) => thothImages(config),
    sourcedImages: sourcedImages("thoth"),
    evidence: { table: THOTH_EVIDENCE },
    clusterPrerequisites: THOTH_CLUSTER_PREREQUISITES,
    resourcesKey,
    deploy: (config, context) => new Thoth("thoth", { config, context }).outputs,
});

/**
 * The key that sizes a container the stack file sizes: each bot (its container is named after it, botkit's
 * `name: spec.bot`) and the `zero` and `alpha` containers of Dgraph's image.
 */
function resourcesKey(container: { name: string; image?: string }): string | undefined {
    const { name } = container;
    if ((BOT_NAMES as readonly string[]).includes(name)) return `thoth.bots.${name}.resources`;
    if ((name === "zero" || name === "alpha") && /dgraph/.test(container.image ?? ""))
        return `thoth.station.dgraph.${name}Resources`;
    return undefined;
}
