import { strict as assert } from "assert";
import { DIALS_EVIDENCE } from "../../components/dials/evidence";
import { QueueView, containerVerdict, flagName, scriptCommands, unservedQueues } from "../evidence/check";
import { evidenceFor } from "../../components/shared/evidence/lookup";
import type { At, ImageEvidence, NamedFact, ReadFacts } from "../../components/shared/evidence/schema";
import { containersOf, kindOf, podSpecOf } from "../../policy/rules/k8s";
import { Obj, isObj, objectsOf } from "../../policy/rules/types";

// Helpers of test/dials/*: what test/evidence's replay does not see of DIALS, whose containers take their whole environment through envFrom
// and whose Celery workers each consume the queue their command names: every variable a container gets is one its
// image's code reads, every variable the code requires is given, every flag of a celery command line is defined, and
// every queue the pinned release publishes (for the stack's workspaces) has a worker.

// ---- the queues (Celery on redis-etl-broker) v1.12.0 publishes.

/** `cms-DQM/dials@a4b354ccc6:path:lines`, as facts/evidence/dials/ cites the release. */
const dialsAt = (path: string, lines: string | number): At => `cms-DQM/dials@a4b354ccc6:${path}:${lines}`;

/**
 * v1.12.0's etl/etl.config.json, per workspace: the lines of its own `bulk_ingesting_queue`/`priority_ingesting_queue`
 * (`<ws>-bulk`, `<ws>-priority`), which the file indexer publishes each new file's ingestion to (v1.8.0's downloader
 * queues are gone with its file downloader). ETL_CONFIG_FPATH names the file the ETL reads: the queues below hold
 * when it is this file restricted to the stack's workspaces.
 */
const ETL_CONFIG = "etl/etl.config.json";
const WORKSPACE_QUEUES: Record<string, { own: string; ownQueues?: string[] }> = {
    csc: { own: "28-29" },
    ecal: { own: "44-45" },
    egamma: { own: "58-59" },
    hcal: { own: "72-73" },
    jetmet: { own: "91-92" },
    // Both of its queues are the bulk one.
    muon_staging: { own: "109-110", ownQueues: ["private-bulk"] },
    tracker: { own: "173-174" },
};

/** Who publishes each kind of queue (the task's `apply_async(..., queue=...)`). */
const PUBLISHERS = {
    commonIndexer: `${dialsAt("etl/python/celery/__init__.py", "15-21")} (beat, hourly); ${dialsAt("etl/python/pipelines/dataset_indexer/post_load.py", "5-8")}`,
    ingesting: dialsAt("etl/python/pipelines/file_indexer/pipeline.py", "35-46"),
} as const;

/**
 * Every Celery queue v1.12.0 publishes for these workspaces, with where: `common-indexer` (the queue the beat schedule
 * and the dataset indexer send to, etl.config.json:3) and each workspace's own two. A workspace v1.12.0's file does
 * not list publishes its own two only if the operator's file adds it (unknown here).
 */
export function publishedQueues(workspaces: readonly string[]): NamedFact[] {
    const out = new Map<string, At>();
    out.set("common-indexer", `${dialsAt(ETL_CONFIG, 3)}; ${PUBLISHERS.commonIndexer}`);
    for (const ws of workspaces) {
        const known = WORKSPACE_QUEUES[ws];
        if (!known) continue;
        for (const q of known.ownQueues ?? [`${ws}-bulk`, `${ws}-priority`])
            out.set(q, `${dialsAt(ETL_CONFIG, known.own)}; ${PUBLISHERS.ingesting}`);
    }
    return [...out].map(([name, at]) => ({ name, at }));
}

export const TABLE = DIALS_EVIDENCE.images;
const meta = (o: Obj): Obj => (isObj(o.metadata) ? o.metadata : {});
/** A rendered Kubernetes object of an evaluation (test/harness's recorder keeps Secret values unmasked). */
export interface Rendered {
    type: string;
    custom?: boolean;
    inputs: Record<string, unknown>;
}

const nameOf = (r: Rendered): string => String(meta(r.inputs).name ?? "");

export interface DialsContainer {
    where: string;
    namespace: string;
    container: Obj;
    /** Every variable it gets: its env names and the keys of the ConfigMaps and Secrets it envFroms. */
    vars: Set<string>;
}

/** The keys of a ConfigMap's or Secret's data (stringData or data), by `<Kind>/<namespace>/<name>`. */
export function dataKeys(resources: readonly Rendered[]): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const r of resources) {
        const kind = kindOf(r.type);
        if (kind !== "ConfigMap" && kind !== "Secret") continue;
        const keys = ["data", "stringData"].flatMap((f) =>
            isObj(r.inputs[f]) ? Object.keys(r.inputs[f] as Obj) : [],
        );
        out.set(`${kind}/${String(meta(r.inputs).namespace)}/${nameOf(r)}`, keys);
    }
    return out;
}

/** Every container of every workload of an evaluation of DIALS alone (runSystem), with the variables it gets. */
export function dialsContainers(resources: readonly Rendered[]): DialsContainer[] {
    const keys = dataKeys(resources);
    return resources
        .filter((r) => r.custom !== false && r.type.startsWith("kubernetes:"))
        .flatMap((r) => {
            const pod = podSpecOf(r.type, r.inputs);
            if (!pod) return [];
            const namespace = String(meta(r.inputs).namespace ?? "");
            return containersOf(pod).map(({ name, container }) => {
                const vars = new Set(objectsOf(container.env).map((e) => String(e.name)));
                for (const from of objectsOf(container.envFrom)) {
                    const ref = isObj(from.configMapRef)
                        ? `ConfigMap/${namespace}/${String(from.configMapRef.name)}`
                        : isObj(from.secretRef)
                          ? `Secret/${namespace}/${String(from.secretRef.name)}`
                          : undefined;
                    const found = ref !== undefined ? keys.get(ref) : undefined;
                    assert.ok(
                        found,
                        `${kindOf(r.type)} ${nameOf(r)} ${name}: envFrom ${ref} is not in the plan`,
                    );
                    const prefix = typeof from.prefix === "string" ? from.prefix : "";
                    found.forEach((k) => vars.add(`${prefix}${k}`));
                }
                return {
                    where: `${kindOf(r.type)} ${namespace}/${nameOf(r)} ${name}`,
                    namespace,
                    container,
                    vars,
                };
            });
        });
}

export function readFacts(table: readonly ImageEvidence[], c: DialsContainer): ReadFacts | undefined {
    const { entry } = evidenceFor(table, String(c.container.image));
    return entry?.facts.state === "read" ? entry.facts : undefined;
}

/**
 * What the shared evidence rule (test/evidence/check.ts) says of each container's variables: one it gets
 * that its image never reads, or one its image requires that it does not get.
 */
export function variableMismatches(containers: readonly DialsContainer[]): string[] {
    return containers.flatMap((c) => {
        // The command too: a Job's own script that runs celery without the ETL's app starts none of its code.
        const verdict = containerVerdict(TABLE, {
            image: String(c.container.image),
            ...(Array.isArray(c.container.command) ? { command: c.container.command.map(String) } : {}),
            env: [...c.vars].map((name) => ({ name })),
            probes: [],
        });
        return verdict.state === "checked"
            ? verdict.mismatches.filter((m) => /^sets /.test(m)).map((m) => `${c.where}: ${m}`)
            : [];
    });
}

/** The queues a worker command serves: its `--queues=<q,...>`. */
function commandQueues(c: DialsContainer): string[] {
    const command = Array.isArray(c.container.command) ? c.container.command.map(String) : [];
    if (command[0] !== "celery") return [];
    return command.flatMap((arg) => /^--queues=(.+)$/.exec(arg)?.[1].split(",") ?? []);
}

/**
 * Published queues of the stack's workspaces with no worker in the namespace (each has its own redis-etl-broker): the
 * shared queue rule, with DIALS' publishers (one per namespace, the ETL's for these workspaces) and its workers'
 * `--queues`.
 */
export function unconsumed(containers: readonly DialsContainer[], workspaces: readonly string[]): string[] {
    const facts = (consumes: NamedFact[], publishes: NamedFact[]): ReadFacts => ({
        state: "read",
        listens: [],
        flags: "none",
        env: [],
        files: [],
        consumes,
        publishes,
        queues: { broker: "namespace" },
    });
    const published = publishedQueues(workspaces);
    const at = new Map(published.map((q) => [q.name, q.at]));
    const namespaces = [...new Set(containers.map((c) => c.namespace))];
    const views: QueueView[] = [
        ...namespaces.map((ns) => ({
            where: ns,
            namespace: ns,
            scope: ns,
            facts: facts([], published),
            values: new Map<string, string>(),
        })),
        ...containers.map((c) => ({
            where: c.where,
            namespace: c.namespace,
            scope: c.namespace,
            facts: facts(
                commandQueues(c).map((name) => ({ name, at: "its command's --queues" })),
                [],
            ),
            values: new Map<string, string>(),
        })),
    ];
    return unservedQueues(views).map((m) => {
        const [, ns, q] = /^(\S+): publishes to (\S+),/.exec(m) ?? [];
        return `${ns}: ${q} is published (${at.get(q) ?? "?"}) and no worker consumes it`;
    });
}

/**
 * Every celery flag a container passes: its command, its own shell script (a Job's), and the scripts of its probes and
 * hooks that run celery.
 */
export function celeryFlags(c: DialsContainer): string[] {
    const lines: string[][] = [];
    const command = Array.isArray(c.container.command) ? c.container.command.map(String) : [];
    if (command[0] === "celery") lines.push(command);
    const script = command.length === 3 && command[1] === "-c" ? command[2] : undefined;
    if (script !== undefined)
        for (const words of scriptCommands(script)) if (words[0] === "celery") lines.push(words);
    const scripts = JSON.stringify([c.container.startupProbe, c.container.lifecycle] as unknown[]);
    for (const m of scripts.matchAll(/celery [^"\\]*/g)) lines.push(m[0].split(/\s+/));
    return lines.flatMap((args) => args.flatMap((a) => flagName(a) ?? []));
}
