import { ConfigProblem, keysBelow } from "../config/problems";
import { RunbookSources, widerSourcesProblem } from "../config/sourceRanges";
import { Refined, Rejected, StackTier, isProductionTier, takesOver } from "../config/system";
import { routeAudienceProblems } from "../config/routeAudience";
import { duplicates } from "../shared/naming";
import { sclorgPostgresMajor } from "../shared/postgresServer";
import { Sizing, sizingProblems } from "../shared/resources";
import { BOT_NAMES, WEBHOOK_BOTS, isBotName, isWebhookBot } from "./bots/catalog";
import { botDisabledReason, enabledBot, enabledBots } from "./bots/enabled";
import {
    BotsConfig,
    CheckedBots,
    CheckedStation,
    CheckedUltrahooks,
    ThothConfig,
    ThothSection,
    UltrahookInstanceConfig,
    UltrahooksConfig,
    METRICS_AUDIENCE_KEY,
    STATION_METRICS_ROUTES,
} from "./config";
import { BotRouteHosts, botRouteHosts } from "./bots/routeHosts";
import { targetedInstances } from "./ultrahooks/targets";
import { defaultHost } from "./identity";
import { stationNamespaces, tierNamespaces } from "./station/tiers";
import { DefinitionError } from "../shared/errors";
import { takeoverProof } from "../config/takeoverProof";
import { GRAPH_CLAIM } from "./live";
import { catalogTreeProblems } from "./station/catalog/catalogTree";

const keys = keysBelow("");

const { problem } = keys;
/** A problem at a `thoth...` path: a key that must go. */
const removal = (path: string, message: string) => problem(path, `${message}; remove it`);

/** `thoth.domain`, which the parts whose Route hosts derive from it require. */
function domainProblem(message: string): ConfigProblem {
    return problem("thoth.domain", `is required: ${message}`);
}

const WEBHOOK_BOT_LIST = Object.keys(WEBHOOK_BOTS).join(", ");

/** Duplicate tunnels and destinations that do not resolve to exactly one deployed webhook bot or URL. */
export function ultrahookProblems(config: ThothConfig): ConfigProblem[] {
    const hooks: UltrahooksConfig | undefined = config.ultrahooks;
    if (!hooks?.enabled) return [];
    const subdomains = hooks.instances.map((i) => i.subdomain);
    return [
        ...duplicates(subdomains).map((sub) =>
            problem(
                `thoth.ultrahooks.instances[${subdomains.lastIndexOf(sub)}].subdomain`,
                `subdomain "${sub}" is configured twice; each ultrahook subdomain can be tunnelled once`,
            ),
        ),
        ...hooks.instances.flatMap((instance, i) => tunnelProblems(config, instance, i)),
    ];
}

/** One tunnel: exactly one of a URL and a bot, and the bot one this stack deploys with webhooks. */
function tunnelProblems(config: ThothConfig, instance: UltrahookInstanceConfig, i: number): ConfigProblem[] {
    const at = `thoth.ultrahooks.instances[${i}]`;
    const botProblem = (message: string) => problem(`${at}.bot`, message);
    const bot = instance.bot;
    if (instance.destination !== undefined && bot !== undefined) {
        return [
            removal(
                `${at}.destination`,
                `is set together with bot "${bot}": a tunnel goes either to a URL or to a bot`,
            ),
        ];
    }
    if (instance.destination !== undefined) {
        return (["path", "via"] as const)
            .filter((field) => instance[field] !== undefined)
            .map((field) =>
                removal(
                    `${at}.${field}`,
                    `applies to bot destinations only; put the path into the destination URL instead`,
                ),
            );
    }
    if (bot === undefined) {
        return [
            botProblem(
                `tunnel "${instance.subdomain}" has no destination: name a bot (${WEBHOOK_BOT_LIST}) or set destination to a URL`,
            ),
        ];
    }
    if (!isBotName(bot)) {
        return [
            botProblem(
                `names bot "${bot}", which is not a Thoth bot (bots that receive webhooks: ${WEBHOOK_BOT_LIST})`,
            ),
        ];
    }
    if (!isWebhookBot(bot)) {
        return [
            botProblem(
                `names bot "${bot}", which runs on a schedule and receives no webhooks (bots that do: ${WEBHOOK_BOT_LIST})`,
            ),
        ];
    }
    const reason = botDisabledReason(config.bots, bot);
    if (reason) {
        return [
            keys.problem(
                `${at}.bot`,
                `tunnel "${instance.subdomain}" points at bot "${bot}", which this stack does not deploy (${reason}); its tunnel would lead nowhere: deploy the bot (thoth.bots.${bot}) or remove the tunnel`,
            ),
        ];
    }
    if (instance.via === "route" && config.bots?.[bot]?.route === false) {
        return [problem(`${at}.via`, `bot "${bot}" has no Route/Ingress (thoth.bots.${bot}.route is false)`)];
    }
    return [];
}

function sizing(path: string, value: Sizing | undefined): ConfigProblem[] {
    if (!value) return [];
    return sizingProblems(value).map((message) => problem(path, message));
}

/** Settings bots need only in combination: a domain for derived Route hosts, Kafka for the DataHub writers. */
export function botProblems(config: ThothConfig): ConfigProblem[] {
    const bots = config.bots;
    if (!bots?.enabled) return [];
    const problems: ConfigProblem[] = [];
    const enabled = enabledBots(bots);
    const { needDomain } = botRouteHosts(bots, config.domain);
    if (needDomain.length > 0) {
        problems.push(
            domainProblem(
                `the Routes of ${needDomain.join(", ")} get their host from it (or set thoth.bots.<bot>.host)`,
            ),
        );
    }
    const kafkaUsers = enabled.filter((name) => name === "webhook2kafka" || name === "normalizers");
    if (kafkaUsers.length > 0 && !bots.kafkaBootstrapServers) {
        problems.push(
            problem(
                "thoth.bots.kafkaBootstrapServers",
                `is required: ${kafkaUsers.join(" and ")} write to the DataHub's Kafka`,
            ),
        );
    }
    for (const name of BOT_NAMES) {
        problems.push(...sizing(`thoth.bots.${name}.resources`, bots[name]?.resources));
    }
    return problems;
}

/** Dgraph hosts need a domain; restart targets must be distinct. */
export function stationProblems(config: ThothConfig, tier?: StackTier): ConfigProblem[] {
    const station = config.station;
    if (!station?.enabled) return [];
    return [
        ...graphImageProblems(station),
        ...dgraphProblems(station, config.domain, tier),
        ...watcherRestartProblems(station),
        ...modulesProblems(station, config.domain),
    ];
}

type Station = NonNullable<ThothConfig["station"]>;

/**
 * The knowledge graph's server mounts the claim holding today's data: the takeover check compares the data
 * directory's major version with the one the image runs, which sclorg/rhscl images name in the repository.
 */
function graphImageProblems(station: Station): ConfigProblem[] {
    const postgresql = station.modules?.enabled ? station.modules.images.postgresql : undefined;
    if (postgresql === undefined || sclorgPostgresMajor(postgresql) !== undefined) return [];
    const key = "thoth.station.modules.images.postgresql";
    return [
        keys.problem(
            key,
            `is ${postgresql}, which does not name its PostgreSQL major version (an sclorg or rhscl image, registry.access.redhat.com/rhscl/postgresql-<major>-rhel7, does): the knowledge graph's data directory must be of the server's major version, and nothing could check it: set it to the image running today (this read-only command prints it), e.g. registry.access.redhat.com/rhscl/postgresql-10-rhel7@sha256:...`,
            `oc get pods -n ${tierNamespaces(station.environment).graph} -o jsonpath='{range .items[*]}{.spec.containers[*].image}{"\\n"}{end}' | grep postgresql`,
        ),
    ];
}

/**
 * Who may call Dgraph alpha's admin endpoints: runbook 000 deploys Dgraph from thoth-station/dgraph-thoth-config and
 * names no range, so a production whitelist is held to not admitting the whole internet, and the range is asked for.
 */
const DGRAPH_ADMIN_RUNBOOK: RunbookSources = {
    source: "runbook 000's Dgraph deployment (thoth-station/dgraph-thoth-config, alpha --whitelist)",
    separator: ",",
};

/** Dgraph's Routes need a domain unless every host is set; its sizes must be sane; production's admin is not open. */
function dgraphProblems(
    station: Station,
    domain: string | undefined,
    tier: StackTier | undefined,
): ConfigProblem[] {
    const dgraph = station.dgraph;
    if (!dgraph?.enabled) return [];
    const problems: ConfigProblem[] = [];
    const hosts = dgraph.hosts;
    if ((!hosts.zeroRest || !hosts.alphaRest || !hosts.alphaGrpc) && !domain) {
        problems.push(
            domainProblem(
                "Dgraph's Routes (zero-rest, alpha-rest, alpha-grpc) get their hosts from it (or set thoth.station.dgraph.hosts)",
            ),
        );
    }
    const whitelist = dgraph.adminWhitelist?.split(",");
    if (isProductionTier(tier) && whitelist !== undefined) {
        const key = "thoth.station.dgraph.adminWhitelist";
        const wider = widerSourcesProblem(key, whitelist, DGRAPH_ADMIN_RUNBOOK);
        if (wider) problems.push(wider);
    }
    problems.push(...sizing("thoth.station.dgraph.zeroResources", dgraph.zeroResources));
    problems.push(...sizing("thoth.station.dgraph.alphaResources", dgraph.alphaResources));
    return problems;
}

/** The watcher restart's targets are distinct, and what it restarts is deployed (by the modules). */
function watcherRestartProblems(station: Station): ConfigProblem[] {
    const restart = station.watcherRestart;
    if (!restart?.enabled) return [];
    const kinds = restart.targets;
    const problems = duplicates(kinds).map((kind) =>
        removal(
            `thoth.station.watcherRestart.targets[${kinds.lastIndexOf(kind)}]`,
            `names ${kind} a second time`,
        ),
    );
    if (!station.modules?.enabled) {
        problems.push(
            problem(
                "thoth.station.modules.enabled",
                "must be true: the watcher restart restarts the station's own event-watching Deployments, which only the modules deploy",
            ),
        );
    }
    return problems;
}

/** The modules' generated Routes need a domain; verify needs running APIs. */
function modulesProblems(station: Station, domain: string | undefined): ConfigProblem[] {
    const modules = station.modules;
    if (!modules?.enabled) return [];
    const problems: ConfigProblem[] = [];
    if (!domain) {
        problems.push(
            domainProblem("the station's generated Routes (user-api, argo-ui, ...) get their hosts from it"),
        );
    }
    if (modules.verify && modules.hibernated) {
        problems.push(
            problem(
                "thoth.station.modules.verify",
                "must be false while thoth.station.modules.hibernated is true: no API runs to answer the check",
            ),
        );
    }
    return problems;
}

export function nodepoolProblems(config: ThothConfig): ConfigProblem[] {
    const nodepool = config.nodepool;
    if (!nodepool?.enabled) return [];
    const names = nodepool.labels.map((l) => l.name);
    return [
        ...(config.apiServer
            ? []
            : [
                  problem(
                      "thoth.apiServer",
                      `is required: the nodepool context names the API server of cluster "${config.cluster}", where its token is made`,
                  ),
              ]),
        ...duplicates(names).map((name) =>
            problem(
                `thoth.nodepool.labels[${names.lastIndexOf(name)}].name`,
                `label "${name}" is defined twice; nodepool needs unique label names`,
            ),
        ),
    ];
}

/**
 * The namespaces of each enabled part: the key that names them, the switch that creates them and whether it is on.
 */
export function partNamespaces(
    config: ThothConfig,
): { namespace: string; key: string; createKey: string; created: boolean }[] {
    const part = (name: "bots" | "ultrahooks" | "nodepool") => {
        const section = config[name];
        if (!section?.enabled) return [];
        return [
            {
                namespace: section.namespace,
                key: `thoth.${name}.namespace`,
                createKey: `thoth.${name}.createNamespace`,
                created: section.createNamespace,
            },
        ];
    };
    const station = config.station;
    const stationParts = station?.enabled
        ? stationNamespaces(station.environment).map((namespace) => ({
              namespace,
              key: "thoth.station.environment",
              createKey: "thoth.station.createNamespaces",
              created: station.createNamespaces,
          }))
        : [];
    return [...part("bots"), ...part("ultrahooks"), ...stationParts, ...part("nodepool")];
}

/** Two parts creating the same namespace would fight over it (and the second create fails). */
export function namespaceProblems(config: ThothConfig): ConfigProblem[] {
    const created = partNamespaces(config).filter((n) => n.created);
    return created.flatMap((entry, i) => {
        const first = created.findIndex((c) => c.namespace === entry.namespace);
        if (first === i || created[first].key === entry.key) return [];
        return keys.problem(
            entry.key,
            `namespace "${entry.namespace}" is also created by ${created[first].key}; use another namespace, or let only one part create it`,
        );
    });
}

/**
 * A catalog module or placement rule listed a second time: two Directories would render the same objects, two rules
 * would give one object two places: the later entry is the one reported.
 */
export function catalogProblems(config: ThothConfig): ConfigProblem[] {
    const catalog = config.station?.modules?.catalog;
    if (!catalog) return [];
    const at = "thoth.station.modules.catalog.modules";
    const names = catalog.modules.map((m) => m.name);
    return [
        ...duplicates(names).map((name) =>
            removal(`${at}[${names.lastIndexOf(name)}]`, `lists module ${name} a second time`),
        ),
        ...catalog.modules.flatMap((m, i) => {
            const rules = m.place.map((r) =>
                r.name === undefined ? `every ${r.kind}` : `${r.kind} ${r.name}`,
            );
            return duplicates(rules).map((what) =>
                removal(`${at}[${i}].place[${rules.lastIndexOf(what)}]`, `is a second rule for ${what}`),
            );
        }),
    ];
}

/** Every cross-field check of the thoth section. */
export function thothProblems(
    config: ThothConfig,
    tier?: StackTier,
    clusters: Record<string, unknown> = {},
    now: Date = new Date(),
): ConfigProblem[] {
    return [
        ...graphTakeoverProblems(config, tier, clusters, now),
        ...ultrahookProblems(config),
        ...botProblems(config),
        ...stationProblems(config, tier),
        ...catalogProblems(config),
        ...catalogTreeProblems(config.station?.modules?.catalog),
        ...nodepoolProblems(config),
        ...namespaceProblems(config),
    ];
}

/**
 * The knowledge graph's database takeover, by the one rule of `pulumi up`'s takeovers ({@link takeoverProof}):
 * PostgreSQL starts on claim `pgsql-data`, which holds today's data on the stage and production stations, so while
 * the cluster's `adoptExisting` is on the up needs the report's proof. A local stack's claim holds only what its own
 * runs wrote.
 */
function graphTakeoverProblems(
    config: ThothConfig,
    tier: StackTier | undefined,
    clusters: Record<string, unknown>,
    now: Date,
): ConfigProblem[] {
    const station = config.station?.enabled ? config.station : undefined;
    const modules = station?.modules?.enabled ? station.modules : undefined;
    if (!station || !modules || !takesOver(clusters, config.cluster, tier)) return [];
    const imageKey = "thoth.station.modules.images.postgresql";
    return takeoverProof(
        "thoth.station.modules.postgresql.takeoverReport",
        modules.postgresql.takeoverReport,
        {
            cluster: config.cluster,
            namespace: tierNamespaces(station.environment).graph,
            claim: GRAPH_CLAIM,
            server: "postgresql",
            version: sclorgPostgresMajor(modules.images.postgresql) ?? 0,
            versionKey: imageKey,
        },
        now,
    );
}

/** A value {@link thothProblems} proved present; missing here, the check and this refinement disagree. */
function proved<T>(value: T | undefined, key: string): T {
    if (value === undefined)
        throw new DefinitionError(`thoth's check passed without ${key}: checks.ts and thothCheck disagree`);
    return value;
}

/** The enabled parts of the station, with Dgraph's hosts resolved and the modules' domain (both proved by stationProblems). */
function checkedStation(config: ThothConfig): CheckedStation | undefined {
    const station = config.station;
    if (!station?.enabled) return undefined;
    const { dgraph, modules, ...rest } = station;
    const dgraphNamespace = tierNamespaces(station.environment).dgraph;
    const host = (route: string, configured: string | undefined) =>
        configured ?? defaultHost(route, dgraphNamespace, proved(config.domain, "thoth.domain"));
    return {
        ...rest,
        dgraph: dgraph?.enabled
            ? {
                  ...dgraph,
                  hosts: {
                      zeroRest: host("zero-rest", dgraph.hosts.zeroRest),
                      alphaRest: host("alpha-rest", dgraph.hosts.alphaRest),
                      alphaGrpc: host("alpha-grpc", dgraph.hosts.alphaGrpc),
                  },
              }
            : undefined,
        modules: modules?.enabled ? { ...modules, domain: proved(config.domain, "thoth.domain") } : undefined,
    };
}

/** The bots with the settings of the cyborg-regidores bots, present when one of them runs (proved by botProblems). */
function checkedBots(bots: BotsConfig | undefined, routes: BotRouteHosts): CheckedBots | undefined {
    if (!bots) return undefined;
    const webhook2kafka = enabledBot(bots, "webhook2kafka");
    const normalizers = enabledBot(bots, "normalizers");
    return {
        ...bots,
        routeHosts: routes.hosts,
        regidores:
            webhook2kafka || normalizers
                ? {
                      webhook2kafka,
                      normalizers,
                      kafkaBootstrapServers: proved(
                          bots.kafkaBootstrapServers,
                          "thoth.bots.kafkaBootstrapServers",
                      ),
                  }
                : undefined,
    };
}

/** The tunnels, each of an enabled section with its target (decided by ultrahookTarget, proved by ultrahookProblems). */
function checkedUltrahooks(
    hooks: UltrahooksConfig | undefined,
    routes: BotRouteHosts,
): CheckedUltrahooks | undefined {
    if (!hooks) return undefined;
    if (!hooks.enabled) return { ...hooks, enabled: false };
    return { ...hooks, enabled: true, instances: targetedInstances(hooks.instances, routes.hosts) };
}

/** Thoth's check: every problem of {@link thothProblems}, or the section deploy reads ({@link ThothSection}). */
export function thothCheck(
    config: ThothConfig,
    tier?: StackTier,
    clusters?: Record<string, unknown>,
): Refined<ThothSection> | Rejected {
    const audience = metricsAudienceProblems(config, tier);
    const problems = [...thothProblems(config, tier, clusters), ...audience.filter((p) => !p.placeholder)];
    if (problems.length > 0) return { problems: [problems[0], ...problems.slice(1)] };
    const { station: _station, nodepool, bots, ultrahooks, ...rest } = config;
    const routes = botRouteHosts(bots, config.domain);
    return {
        section: {
            ...rest,
            bots: checkedBots(bots, routes),
            ultrahooks: checkedUltrahooks(ultrahooks, routes),
            station: checkedStation(config),
            nodepool: nodepool?.enabled
                ? { ...nodepool, apiServer: proved(config.apiServer, "thoth.apiServer") }
                : undefined,
        },
        // A placeholder audience: the offline plan goes on and lists it, a real run stops on it.
        problems: audience.filter((p) => p.placeholder),
    };
}

/** Who may reach the modules' metrics Routes, by the one rule of such Routes (config/routeAudience.ts). */
function metricsAudienceProblems(config: ThothConfig, tier: StackTier | undefined): ConfigProblem[] {
    const modules = config.station?.enabled ? config.station.modules : undefined;
    if (!modules?.enabled) return [];
    return routeAudienceProblems(METRICS_AUDIENCE_KEY, modules.metricsAudience, STATION_METRICS_ROUTES, tier);
}
