import { ConfigProblem, keysBelow } from "../config/problems";
import { isPlaceholder } from "../shared/placeholder";
import { Refined, Rejected } from "../config/system";
import type { Component, PackitComponents, PackitConfig, PackitSection, ServiceName } from "./config";
import { takeoverProof } from "../config/takeoverProof";
import { certificateCovers, hostOf, mainNamespace, publicEndpoints } from "./layout";
import { serverName } from "./postgres";

/** What a component cannot run without. */
export const REQUIRES: Partial<Record<Component, Component[]>> = {
    service: ["postgres", "redis"],
    workers: ["postgres", "redis"],
    beat: ["postgres", "redis"],
    fedmsg: ["redis"],
    flower: ["redis"],
    redisCommander: ["redis"],
};

/** One section's problem reporter: the full key, the message and the fix of a problem at a path below the section. */
interface Reporter {
    section: ServiceName;
    problem(path: string, message: string): void;
}

function reporter(section: ServiceName, problems: ConfigProblem[]): Reporter {
    const keys = keysBelow(section);
    return { section, problem: (...p) => problems.push(keys.problem(...p)) };
}

/** The adopted database's claim, while it is still the placeholder: the plan may go past it, a real run may not. */
function claimPlaceholder(section: ServiceName, config: PackitConfig): ConfigProblem[] {
    if (!config.components.postgres || !isPlaceholder(config.postgres.claimName)) return [];
    const ns = mainNamespace(section, config);
    const keys = keysBelow(section);
    const claim = "'{.spec.template.spec.volumes[0].persistentVolumeClaim.claimName}'";
    const message =
        "is a placeholder: set it to the claim of the running database, so its data is taken over instead of starting empty";
    const fix = `oc -n ${ns} get deployment postgres -o jsonpath=${claim}`;
    return [{ ...keys.problem("postgres.claimName", message, fix), placeholder: true }];
}

/** What the program-wide config tells a section's check: each cluster's entry (its `adoptExisting`). */
export interface PackitProgram {
    clusters: Record<string, unknown>;
}

/** Packit's database takeover, by the one rule of `pulumi up`'s takeovers ({@link takeoverProof}). */
function packitTakeoverProof(
    section: ServiceName,
    config: PackitConfig,
    program: PackitProgram | undefined,
    now: Date,
): ConfigProblem[] {
    const pg = config.postgres;
    const cluster = program?.clusters[config.cluster] as { adoptExisting?: boolean } | undefined;
    if (!config.components.postgres || pg.claimName === undefined || isPlaceholder(pg.claimName)) return [];
    if (!cluster?.adoptExisting) return [];
    const server = pg.previous ?? pg;
    return takeoverProof(
        `${section}.postgres.takeoverReport`,
        pg.takeoverReport,
        {
            cluster: config.cluster,
            namespace: mainNamespace(section, config),
            claim: pg.claimName,
            server: serverName(server.version),
            version: server.version,
            versionKey: `${section}.postgres.${pg.previous ? "previous.version" : "version"}`,
        },
        now,
    );
}

/** Replica counts of the other worker split. */
function workerSplitProblems(r: Reporter, w: PackitConfig["workers"]): void {
    if (w.split === "all-queues") {
        for (const field of ["shortRunning", "longRunning"] as const) {
            if (w[field] !== undefined) {
                r.problem(`workers.${field}`, `only applies to split short-long, but split is all-queues`);
            }
        }
    } else if (w.allQueues !== undefined) {
        r.problem("workers.allQueues", "only applies to split all-queues, but split is short-long");
    }
}

/** Every public host is covered by a name of the certificate the pods serve (TLS is passed through to them). */
function certificateProblems(r: Reporter, config: PackitConfig): void {
    const names = config.tls.certificateNames;
    for (const { endpoint, host } of publicEndpoints(config)) {
        if (!names.some((n) => certificateCovers(n, host))) {
            r.problem(
                "tls.certificateNames",
                `no certificate covers ${host} (the ${endpoint} endpoint); the certificate names are ${names.join(", ")}`,
            );
        }
    }
}

/** Production images move only in the window; an upgrade goes up a major version. */
function upgradeProblems(r: Reporter, config: PackitConfig): void {
    if (config.deployment === "prod" && config.images.updates === "scheduled") {
        r.problem(
            "images.updates",
            "is scheduled, but production images may move only in the maintenance window or by a config change",
        );
    }
    const pg = config.postgres;
    if (pg.previous && pg.previous.version >= pg.version) {
        r.problem(
            "postgres.previous.version",
            `is ${pg.previous.version}, but an upgrade goes from an older major version to postgres.version ${pg.version}`,
        );
    }
}

/** redis.liveService names the broker the Celery processes keep using, which only the program's Redis component points them at. */
function liveBrokerProblems(r: Reporter, config: PackitConfig): void {
    const live = config.redis.liveService;
    if (live === undefined) return;
    if (!config.components.redis)
        r.problem(
            "redis.liveService",
            `names the broker the Celery processes use, but components.redis is off: with it off they reach a Redis Service named redis`,
        );
}

/** What a switched-on component needs: the components it runs on, and its own settings. */
function componentProblems(r: Reporter, config: PackitConfig): void {
    const on = config.components;
    for (const [component, needs] of Object.entries(REQUIRES) as [Component, Component[]][]) {
        if (!on[component]) continue;
        for (const need of needs.filter((n) => !on[n])) {
            r.problem(`components.${need}`, `is off, but ${component} needs it`);
        }
    }
    if (on.tokman && !config.tokman) {
        // An app id is this deployment's own (production's is another app): asked for, never a borrowed example.
        r.problem(
            "tokman.githubAppId",
            `is required while components.tokman is on: the id of ${r.section}'s own GitHub App (GitHub → Settings → Developer settings → GitHub Apps), as a quoted string`,
        );
    }
    if (on.centosmsg && !config.centosmsg) {
        r.problem("centosmsg.mqttHost", "is required while components.centosmsg is on");
    }
}

/** Unused but harmless overrides would hide typos in the host a stack really serves. */
function unusedHostProblems(r: Reporter, config: PackitConfig): void {
    for (const endpoint of Object.keys(config.hosts) as (keyof PackitConfig["hosts"])[]) {
        if (config.hosts[endpoint] && !publicEndpoints(config).some((e) => e.endpoint === endpoint)) {
            r.problem(
                `hosts.${endpoint}`,
                `is set to ${hostOf(endpoint, config)}, but that endpoint is switched off`,
            );
        }
    }
}

/** Contradictions and gaps the schema cannot see, each at its full key with what is allowed. */
export function packitProblems(
    section: ServiceName,
    config: PackitConfig,
    program?: PackitProgram,
    now: Date = new Date(),
): ConfigProblem[] {
    const problems: ConfigProblem[] = [
        ...claimPlaceholder(section, config),
        ...packitTakeoverProof(section, config, program, now),
    ];
    const r = reporter(section, problems);
    workerSplitProblems(r, config.workers);
    certificateProblems(r, config);
    upgradeProblems(r, config);
    componentProblems(r, config);
    liveBrokerProblems(r, config);
    unusedHostProblems(r, config);
    return problems;
}

/**
 * The switches as {@link PackitComponents}: undefined exactly when a database client is on without components.postgres,
 * which {@link REQUIRES} reports (service, workers and beat each need postgres).
 */
export function databaseSwitches(on: PackitConfig["components"]): PackitComponents | undefined {
    if (on.postgres) return { ...on, postgres: true };
    if (on.service || on.workers || on.beat) return undefined;
    return { ...on, postgres: false, service: false, workers: false, beat: false };
}

/**
 * The check of one service: {@link packitProblems}, or the section deploy reads ({@link PackitSection}), with the
 * settings of a component present exactly when it is on. The claim's placeholder alone leaves the section built: an
 * offline plan may go past it.
 */
export function packitCheck(
    service: ServiceName,
    config: PackitConfig,
    program?: PackitProgram,
    now?: Date,
): Refined<PackitSection> | Rejected {
    const problems = packitProblems(service, config, program, now);
    // A rejected section stops every run, so the claim's placeholder, which an offline plan may go past, is left to
    // the run after the fixes; only the placeholder left: the section is built and the plan lists it.
    const blocking = problems.filter((p) => !p.placeholder);
    const components = databaseSwitches(config.components);
    // No switches without a blocking problem: REQUIRES reports each database client without the database.
    if (blocking.length > 0 || components === undefined)
        return { problems: [blocking[0], ...blocking.slice(1)] };
    const { tokman, centosmsg, ...rest } = config;
    const on = config.components;
    return {
        section: {
            ...rest,
            components,
            service,
            namespace: mainNamespace(service, config),
            tokman: on.tokman ? tokman : undefined,
            centosmsg: on.centosmsg ? centosmsg : undefined,
        },
        problems,
    };
}
