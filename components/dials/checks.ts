import { ConfigProblem, fullKey, keysBelow } from "../config/problems";
import { Refined, Rejected, StackTier, takesOver } from "../config/system";
import { isPlaceholder } from "../shared/placeholder";
import { isDnsLabel } from "../shared/naming";
import { DATABASE_SERVER_ASK, DialsConfig, DialsSection } from "./config";
import { checkedMigration } from "./migration";
import {
    BEAT_NAME,
    EtlWorker,
    FLOWER_NAME,
    PRE_STOP_BUDGET_SECONDS,
    WEB_OBJECT_NAMES,
    etlWorkers,
    workspaceObjectNames,
} from "./workers";

/**
 * DIALS' check: what the schema cannot see (see {@link dialsProblems}), and the section deploy receives, whose
 * migration is the reviewed one with its Job, or none. Problems that all stop the run reject the section. The
 * placeholder of `dials.databaseServer` is one an offline plan goes past (a real run stops on it), which a rejection
 * cannot say: beside it the section is built and the other problems still stop every run (only a placeholder passes,
 * see `checkOutcome`), so one run still shows every problem.
 */
export function dialsCheck(
    config: DialsConfig,
    clusters: Record<string, unknown> = {},
    tier?: StackTier,
): Refined<DialsSection> | Rejected {
    const { problems: migrationProblems, migration } = checkedMigration(config);
    const problems = [
        ...dialsProblems(config),
        ...migrationProblems,
        ...drainProblems(config, clusters, tier),
    ];
    if (problems.length > 0 && problems.every((p) => !p.placeholder)) {
        return { problems: [problems[0], ...problems.slice(1)] };
    }
    const { migration: _asWritten, ...rest } = config;
    return { section: { ...rest, ...(migration ? { migration } : {}) }, problems };
}

const { problem } = keysBelow("");

/**
 * What the schema cannot see but the migration: a confirmation of another release, the database server left a
 * placeholder, duplicate workspaces, workspace names whose workers would get invalid Kubernetes names, workers that
 * would collide with other objects, a default workspace that does not exist, and a grace period that would let a
 * rollout kill a running task.
 */
export function dialsProblems(config: DialsConfig): ConfigProblem[] {
    return [
        ...confirmationProblems(config),
        ...databaseServerProblems(config),
        ...config.workspaces.flatMap((_, i) => workspaceProblems(config, i)),
        ...workerNameProblems(config),
        ...defaultWorkspaceProblems(config),
        ...gracePeriodProblems(config),
    ];
}

function confirmationProblems(config: DialsConfig): ConfigProblem[] {
    const { confirmed, tag } = config.images;
    if (confirmed === undefined || confirmed.tag === tag) return [];
    return [
        problem(
            "dials.images.confirmed.tag",
            `is ${confirmed.tag}, but dials.images.tag is ${tag}: the digests confirm another release, so ${tag} is imported by its tag and nobody has confirmed it. Read ${tag}'s digests as docs/systems/dials-notes.md, "Releasing", says and set them, or remove the confirmation (a production stack then stops until ${tag} is confirmed)`,
        ),
    ];
}

function databaseServerProblems(config: DialsConfig): ConfigProblem[] {
    if (!isPlaceholder(config.databaseServer)) return [];
    return [
        {
            key: fullKey("dials.databaseServer"),
            message:
                "is a placeholder: name the PostgreSQL server this stack's workspace databases are on, so the database URIs are checked against it and no other stack can share it: set it to " +
                DATABASE_SERVER_ASK,
            placeholder: true,
        },
    ];
}

/** The workspace at `i`: configured twice, or named so that its workers' names are no DNS labels. */
function workspaceProblems(config: DialsConfig, i: number): ConfigProblem[] {
    const ws = config.workspaces[i];
    const key = `dials.workspaces[${i}].name`;
    const first = config.workspaces.findIndex((w) => w.name === ws.name);
    if (first !== i) {
        return [
            problem(
                key,
                `workspace "${ws.name}" is configured twice (workspaces[${first}] and [${i}]); each workspace has one database and one set of workers`,
            ),
        ];
    }
    const invalid = workspaceObjectNames(ws).filter((n) => !isDnsLabel(n));
    if (invalid.length === 0) return [];
    const listed = invalid.map((n) => `"${n}"`).join(", ");
    return [
        {
            key: fullKey(key),
            message: `workspace "${ws.name}" gives the invalid Kubernetes name(s) ${listed} (object names must be DNS labels: lower-case letters, digits and '-', at most 63 characters): name the workspace so`,
        },
    ];
}

/** Workers share the namespace with the rest of DIALS: a name used twice would make two objects fight. */
function workerNameProblems(config: DialsConfig): ConfigProblem[] {
    const names = config.workspaces.map((w) => w.name);
    const owners = new Map<string, string>();
    WEB_OBJECT_NAMES.forEach((n) => owners.set(n, "the web tier"));
    [BEAT_NAME, FLOWER_NAME].forEach((n) => owners.set(n, "the ETL scheduler and flower"));
    const repeated = config.workspaces.map((w, i) => names.indexOf(w.name) !== i);
    const problems: ConfigProblem[] = [];
    for (const worker of etlWorkers(config)) {
        // A workspace configured twice is reported once, as such, not again for each of its workers.
        const index = /^dials\.workspaces\[(\d+)\]/.exec(worker.configKey ?? "")?.[1];
        if (index !== undefined && repeated[Number(index)]) continue;
        const owner = owners.get(worker.name);
        if (owner === undefined) {
            owners.set(worker.name, worker.configKey ? fullKey(worker.configKey) : "DIALS");
            continue;
        }
        const key = worker.configKey ?? "dials.workspaces";
        problems.push({
            key: fullKey(key),
            message: `gives the Deployment "${worker.name}", which ${owner} already uses; every Deployment in the namespace needs its own name: ${clashRemedy(worker)}`,
        });
    }
    return problems;
}

/** What removes a worker's name clash: drop the extra queue or downloader, turn the indexer off, or rename the workspace. */
function clashRemedy(worker: EtlWorker): string {
    if (worker.role === "extra" || worker.role === "downloader") return "remove it";
    if (worker.role === "indexer") return "set it to false";
    return "rename the workspace";
}

function defaultWorkspaceProblems(config: DialsConfig): ConfigProblem[] {
    const names = config.workspaces.map((w) => w.name);
    if (names.includes(config.defaultWorkspace)) return [];
    return [
        problem(
            "dials.defaultWorkspace",
            `"${config.defaultWorkspace}" is not one of the workspaces (${names.join(", ")})`,
        ),
    ];
}

function gracePeriodProblems(config: DialsConfig): ConfigProblem[] {
    const { taskTimeLimitSeconds: limit, terminationGracePeriodSeconds: grace } = config.etl;
    if (limit === undefined || grace > limit + PRE_STOP_BUDGET_SECONDS) return [];
    return [
        problem(
            "dials.etl.terminationGracePeriodSeconds",
            `(${grace} s) must be longer than dials.etl.taskTimeLimitSeconds (${limit} s) plus ${PRE_STOP_BUDGET_SECONDS} s for the pre-stop hook: a worker stopped by a rollout must be able to finish its longest task before it is killed`,
        ),
    ];
}

/**
 * The `up` that takes DIALS over replaces today's worker pods, which have no pre-stop drain and a 30 s grace: a job
 * running longer is killed. Runbook 003's own step comes first: disable the consumers in flower and let the workers
 * finish what they prefetched; the operator says so in the stack file.
 */
function drainProblems(
    config: DialsConfig,
    clusters: Record<string, unknown>,
    tier: StackTier | undefined,
): ConfigProblem[] {
    if (config.workersDrained || !takesOver(clusters, config.cluster, tier)) return [];
    const ns = config.namespace;
    return [
        problem(
            "dials.workersDrained",
            `is not true while clusters.${config.cluster}.adoptExisting is on: this up replaces today's ETL worker pods in ${ns}, which stop after 30 s with no drain, so every job running longer is lost (runbook 003). Drain them first, as the runbook does (oc -n ${ns} port-forward deployment/${FLOWER_NAME} 5555, then in flower at http://localhost:5555, Workers, cancel every queue's consumer of every worker and wait until each worker's active and reserved tasks are 0), then set it to true`,
        ),
    ];
}
