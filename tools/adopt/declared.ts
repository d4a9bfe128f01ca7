import { TakeoverDecision, TakeoverList, decisionOf, takeoverDigest } from "../../components/config/takeover";
import { formatPath } from "../../components/config/problems";
import { imageName } from "../../components/shared/releases";
import { KubeObject } from "./model";
import { WORKLOAD_KINDS, containersOf } from "./workloads";

// The takeover as the stack declares it (components/config/takeover.ts), checked against what runs: every live object
// of a system's namespaces is named by its list (one by one, or for a non-workload by `sameName: adopt`), every listed
// object runs, and an adopted one is the same software as the program's object of its name (kind and images). What a
// live workload does is not inferred: the operator says it in the list, and the pull request reviews it.

/** `<namespace>/<Kind>/<name>`: an object as the list names it. */
export function listId(o: Pick<KubeObject, "kind" | "metadata">): string {
    return `${o.metadata.namespace ?? ""}/${o.kind}/${o.metadata.name}`;
}

/** One live object and what the list decides of it. */
export interface Decided {
    id: string;
    decision: TakeoverDecision;
    /** Decided by `sameName: adopt` rather than an entry of its own. */
    byRule?: true;
}

/** What the report found of one system's list on one cluster. */
export interface TakeoverCheck {
    cluster: string;
    system: string;
    /** Every live object of the system's namespaces that the list decides. */
    decided: Decided[];
    /** Each blocks the first deploy: unlisted, listed and absent, adopted but not the same software. */
    problems: string[];
    /** The digest of the list; `record` is set when the stack's `takeover.read` is not it and nothing blocks. */
    digest: string;
    /** The command that records the checked list (this stack's own values only). */
    record?: string;
}

/** The names of the images a workload's containers run: what stays when OpenShift rewrites a triggered image. */
function imageNames(o: KubeObject): Set<string> {
    return new Set(containersOf(o).flatMap((c) => (c.image ? [imageName(c.image)] : [])));
}

/** What an adopted workload differs in from the program's object of its name: nothing, or why it is other software. */
function otherSoftware(live: KubeObject, program: KubeObject): string | undefined {
    if (!WORKLOAD_KINDS.includes(live.kind)) return undefined;
    const today = imageNames(live);
    const planned = imageNames(program);
    if ([...planned].some((n) => today.has(n))) return undefined;
    return `runs ${[...today].sort().join(", ") || "no image"} where the program's ${program.kind} ${program.metadata.name} runs ${[...planned].sort().join(", ")}: it is other software under the program's name`;
}

/** The entry an unlisted object would get: what the operator chooses from, the program's own objects named. */
function choices(o: KubeObject, program: readonly KubeObject[]): string {
    const here = program.filter((p) => p.metadata.namespace === o.metadata.namespace);
    const same = here.find((p) => p.kind === o.kind && p.metadata.name === o.metadata.name);
    if (same)
        return `"adopt" (the program writes ${o.kind} ${o.metadata.name}), or "leave running: <why>" after renaming the program's`;
    const named = here.find((p) => WORKLOAD_KINDS.includes(p.kind) && p.metadata.name === o.metadata.name);
    const replace = named
        ? `"replace with ${named.kind}/${named.metadata.name}"`
        : `"replace with <Kind>/<name>"`;
    return `${replace} (a program object of ${o.metadata.namespace} takes its place) or "leave running: <why>"`;
}

/**
 * Checks one system's takeover list against its live objects (`live`: the objects of its namespaces the cluster did
 * not make) and the objects the program writes there (`program`, claims a StatefulSet makes included).
 */
export function checkTakeover(input: {
    cluster: string;
    system: string;
    stack: string;
    list: TakeoverList | undefined;
    live: readonly KubeObject[];
    program: readonly KubeObject[];
    /**
     * StatefulSets deleted with `--cascade=orphan` whose pods run on until the up makes the program's (the report's
     * own StatefulSet takeover, ./immutable.ts), by `<namespace>/StatefulSet/<name>`: an adopted one still runs.
     */
    orphaned?: ReadonlySet<string>;
}): TakeoverCheck {
    const { cluster, system, list, live, program } = input;
    const objects = list?.objects ?? {};
    const key = (id: string) => formatPath(system, ["takeover", "objects", id]);
    const programOf = (ns: string | undefined, kind: string, name: string) =>
        program.find((p) => p.metadata.namespace === ns && p.kind === kind && p.metadata.name === name);
    const problems: string[] = [];
    const decided: Decided[] = [];
    const seen = new Set<string>();
    for (const o of [...live].sort((a, b) => listId(a).localeCompare(listId(b)))) {
        const id = listId(o);
        seen.add(id);
        const ns = o.metadata.namespace;
        const same = programOf(ns, o.kind, o.metadata.name);
        const text = objects[id];
        if (text === undefined) {
            if (list?.sameName === "adopt" && same && !WORKLOAD_KINDS.includes(o.kind)) {
                decided.push({ id, decision: { do: "adopt" }, byRule: true });
                continue;
            }
            problems.push(
                `${id} runs on cluster ${cluster} and ${system}.takeover does not name it: declare it at ${key(id)}: ${choices(o, program)}`,
            );
            continue;
        }
        const decision = decisionOf(text);
        if (!decision) continue; // the stack's own check names an entry it cannot read
        decided.push({ id, decision });
        if (decision.do === "adopt") {
            if (!same) {
                problems.push(
                    `${key(id)} adopts ${o.kind} ${o.metadata.name}, but the program writes no ${o.kind} of that name in ${ns}: declare "replace with <Kind>/<name>" or "leave running: <why>"`,
                );
                continue;
            }
            const other = otherSoftware(o, same);
            if (other)
                problems.push(
                    `${key(id)} adopts it, but it ${other}: declare "replace with ${o.kind}/${o.metadata.name}" when the program's software is to take its place, "leave running: <why>" and rename the program's, or "replace with" another program object`,
                );
        } else if (decision.do === "replace") {
            const by = programOf(ns, decision.kind, decision.name);
            if (!by)
                problems.push(
                    `${key(id)} replaces it with ${decision.kind} ${decision.name}, which the program does not write in ${ns}`,
                );
            // Replaced by the program's object of its own kind and name: the declared way to take over a workload
            // that runs other software today (OpenShift's redis where the program runs sclorg's redis-7-c9s, nginx
            // where it runs nginx-unprivileged). Without it, such a workload had no decision that passes: adopt is
            // "other software", leave running is "the program writes it", and this was "replaces it with itself".
            // Only the same software is told to declare "adopt".
            else if (decision.kind === o.kind && decision.name === o.metadata.name && !otherSoftware(o, by))
                problems.push(`${key(id)} replaces it with itself, the same software: declare "adopt"`);
        } else if (same) {
            problems.push(
                `${key(id)} leaves it running, but the program writes ${o.kind} ${o.metadata.name} in ${ns}: the up would take it over. Declare "adopt", or rename the program's`,
            );
        }
    }
    for (const id of Object.keys(objects)
        .filter((i) => !seen.has(i))
        .sort()) {
        if (input.orphaned?.has(id) && objects[id] === "adopt") {
            decided.push({ id, decision: { do: "adopt" } });
            continue;
        }
        problems.push(
            `${key(id)} is listed, but nothing of that kind and name runs on cluster ${cluster}: remove the entry, or check that ${system}.cluster is the cluster that runs it`,
        );
    }
    const digest = takeoverDigest(list);
    const recorded = problems.length === 0 && list?.read !== digest;
    return {
        cluster,
        system,
        decided,
        problems,
        digest,
        ...(recorded
            ? {
                  record: `pulumi config set --stack ${input.stack} --path ${formatPath(system, ["takeover", "read"])} ${digest}`,
              }
            : {}),
    };
}

/** The live objects a program object replaces, as the lists declare it: by the program object's `<ns>/<Kind>/<name>`. */
export function declaredReplacements(
    checks: readonly TakeoverCheck[],
    live: readonly KubeObject[],
): Map<string, KubeObject[]> {
    const byId = new Map(live.map((o) => [listId(o), o]));
    const out = new Map<string, KubeObject[]>();
    for (const c of checks)
        for (const d of c.decided) {
            if (d.decision.do !== "replace") continue;
            const o = byId.get(d.id);
            if (!o) continue;
            const by = `${o.metadata.namespace ?? ""}/${d.decision.kind}/${d.decision.name}`;
            // Replaced by the program's object of its own id: taken over in place, no second workload beside it.
            if (by === d.id) continue;
            out.set(by, [...(out.get(by) ?? []), o]);
        }
    return out;
}

/** The decision of a live object, from the checked lists. */
export function decisionFor(checks: readonly TakeoverCheck[], o: KubeObject): TakeoverDecision | undefined {
    const id = listId(o);
    return checks.flatMap((c) => c.decided).find((d) => d.id === id)?.decision;
}
