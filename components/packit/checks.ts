import { ConfigProblem, STACK_FILE, fullKey, removeCommand, setCommand } from "../config/problems";
import { isPlaceholder } from "../shared/placeholder";
import type { Component, PackitConfig, ServiceName } from "./config";
import { certificateCovers, hostOf, mainNamespace, publicEndpoints, wildcardFor } from "./layout";

/** What a component cannot run without. */
export const REQUIRES: Partial<Record<Component, Component[]>> = {
    service: ["postgres", "redis"],
    workers: ["postgres", "redis"],
    beat: ["postgres", "redis"],
    fedmsg: ["redis"],
    flower: ["redis"],
    redisCommander: ["redis"],
};

/** Contradictions and gaps the schema cannot see, each with the full key and the command that fixes it. */
export function packitProblems(section: string, config: PackitConfig): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const problem = (path: string, message: string, fix: string) =>
        problems.push({ key: fullKey(`${section}.${path}`), message, fix });
    const set = (path: string, example: string) => setCommand(`${section}.${path}`, example, { path: true });
    const rm = (path: string) => removeCommand(`${section}.${path}`, { path: true });
    const on = config.components;

    if (on.postgres && isPlaceholder(config.postgres.claimName)) {
        const ns = mainNamespace(section as ServiceName, config);
        problems.push({
            key: fullKey(`${section}.postgres.claimName`),
            message:
                "is a placeholder: set it to the claim of the running database, so its data is taken over instead of starting empty",
            fix: `pulumi config set --path ${section}.postgres.claimName "$(oc -n ${ns} get deployment postgres -o jsonpath='{.spec.template.spec.volumes[0].persistentVolumeClaim.claimName}')"`,
            placeholder: true,
        });
    }

    const w = config.workers;
    if (w.split === "all-queues") {
        for (const field of ["shortRunning", "longRunning"] as const) {
            if (w[field] !== undefined) {
                problem(
                    `workers.${field}`,
                    `only applies to split short-long, but split is all-queues`,
                    rm(`workers.${field}`),
                );
            }
        }
    } else if (w.allQueues !== undefined) {
        problem(
            "workers.allQueues",
            "only applies to split all-queues, but split is short-long",
            rm("workers.allQueues"),
        );
    }

    const names = config.tls.certificateNames;
    for (const { endpoint, host } of publicEndpoints(config)) {
        if (!names.some((n) => certificateCovers(n, host))) {
            problem(
                "tls.certificateNames",
                `no certificate covers ${host} (the ${endpoint} endpoint); the certificate names are ${names.join(", ")}`,
                set(`tls.certificateNames[${names.length}]`, wildcardFor(host)),
            );
        }
    }

    if (config.deployment === "prod" && config.images.updates === "scheduled") {
        problem(
            "images.updates",
            "is scheduled, but production images may move only in the maintenance window or by a config change",
            set("images.updates", "maintenance-window"),
        );
    }

    const pg = config.postgres;
    if (pg.previous && pg.previous.version >= pg.version) {
        problem(
            "postgres.previous.version",
            `is ${pg.previous.version}, but an upgrade goes from an older major version to postgres.version ${pg.version}`,
            set("postgres.previous.version", String(pg.version - 1)),
        );
    }

    for (const [component, needs] of Object.entries(REQUIRES) as [Component, Component[]][]) {
        if (!on[component]) continue;
        for (const need of needs.filter((n) => !on[n])) {
            problem(
                `components.${need}`,
                `is off, but ${component} needs it`,
                set(`components.${need}`, "true"),
            );
        }
    }
    if (on.tokman && !config.tokman) {
        // An app id is this deployment's own (production's is another app): asked for, never a borrowed example.
        problem(
            "tokman.githubAppId",
            "is required while components.tokman is on",
            `edit ${STACK_FILE}: set ${fullKey(`${section}.tokman.githubAppId`)} to the id of ${section}'s own GitHub App (GitHub → Settings → Developer settings → GitHub Apps), as a quoted string`,
        );
    }
    if (on.centosmsg && !config.centosmsg) {
        const prod = config.deployment === "prod";
        problem(
            "centosmsg.mqttHost",
            "is required while components.centosmsg is on",
            set("centosmsg.mqttHost", prod ? "mqtt.git.centos.org" : "mqtt.stg.centos.org"),
        );
    }
    // Unused but harmless overrides would hide typos in the host a stack really serves.
    for (const endpoint of Object.keys(config.hosts) as (keyof PackitConfig["hosts"])[]) {
        if (config.hosts[endpoint] && !publicEndpoints(config).some((e) => e.endpoint === endpoint)) {
            problem(
                `hosts.${endpoint}`,
                `is set to ${hostOf(endpoint, config)}, but that endpoint is switched off`,
                rm(`hosts.${endpoint}`),
            );
        }
    }
    return problems;
}
