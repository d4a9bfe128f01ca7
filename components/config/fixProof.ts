import { parse } from "yaml";
import { gitCommittedFiles } from "./committedFiles";
import { FixEdit, fixEdits, parsePath } from "./fixCommands";
import { memoByString } from "../shared/memo";
import { pathValue, valueAt } from "./issues";
import { ConfigProblem, PROJECT, STACK_FILE, keyWithin, setCommand } from "./problems";
import { ConfigSource, contentKey } from "./source";
import { ForeignWrite, foreignQuestion } from "./foreignValues";

// A fix is printed only once the program has followed it: applied to the configuration, every pass run again. One
// that leaves its own problem, makes a new one, or collides with another fix is not printed; the operator is asked
// instead, with the committed value offered where the committed file has one.

/** Every problem of one run of every pass over a configuration (no proof of its own). */
export type Rerun = (source: ConfigSource) => readonly ConfigProblem[];

/** The configuration as a list of fixes leaves it: each edited key's value as the CLI would write it. */
export function editedSource(source: ConfigSource, edits: readonly FixEdit[]): ConfigSource {
    const values = new Map<string, unknown>();
    const secrets = new Set<string>();
    const removed = new Set<string>();
    const current = (head: string) =>
        values.has(head)
            ? values.get(head)
            : removed.has(head)
              ? undefined
              : structuredClone(source.getValue(head));
    for (const e of edits) {
        if (e.secret) {
            secrets.add(e.head);
            removed.delete(e.head);
            continue;
        }
        if (e.path.length === 0 && e.verb === "rm") {
            removed.add(e.head);
            values.delete(e.head);
            continue;
        }
        values.set(e.head, e.path.length === 0 ? e.value : editedValue(current(e.head), e));
        removed.delete(e.head);
    }
    return {
        ...source,
        keys: () =>
            [...new Set([...source.keys(), ...values.keys(), ...secrets])]
                .filter((k) => !removed.has(k))
                .sort(),
        isSecret: (key) =>
            secrets.has(key) || (!values.has(key) && !removed.has(key) && source.isSecret(key)),
        // A secret the fix sets is read from the operator's file or prompt: it has no value here, like a placeholder.
        getValue: (key) =>
            secrets.has(key) || removed.has(key)
                ? undefined
                : values.has(key)
                  ? values.get(key)
                  : source.getValue(key),
        secretText: (key) =>
            secrets.has(key) || removed.has(key) || values.has(key) ? undefined : source.secretText?.(key),
    };
}

/** A key's value after one `--path` edit below it: what is missing on the way is made as the CLI makes it. */
function editedValue(root: unknown, e: FixEdit): unknown {
    const value = root !== null && typeof root === "object" ? root : {};
    let node = value as Record<string | number, unknown>;
    for (const [i, seg] of e.path.slice(0, -1).entries()) {
        const next = node[seg];
        if (next === null || typeof next !== "object") {
            if (e.verb === "rm") break;
            node[seg] = typeof e.path[i + 1] === "number" ? [] : {};
        }
        node = node[seg] as Record<string | number, unknown>;
    }
    const last = e.path[e.path.length - 1];
    if (e.verb === "rm") {
        if (Array.isArray(node) && typeof last === "number") node.splice(last, 1);
        else if (node && typeof node === "object") delete node[last];
    } else {
        node[last] = e.value;
    }
    return value;
}

/** Whether following `fix` alone removes `problem` and leaves no other problem on its key. */
function holds(problem: ConfigProblem, edits: readonly FixEdit[], proof: Proof): boolean {
    let after: readonly ConfigProblem[];
    try {
        after = proof.after(edits);
    } catch {
        return false;
    }
    // Alone, a fix need only settle its own key: fixes that converge only together are proven together below.
    return !after.some((q) => q.key === problem.key);
}

/** The committed stack file's config by `root\0stack`, read once per process (one `git show` for every question). */
const committedConfig = memoByString((id): Record<string, unknown> => {
    const [root, stack] = id.split("\0");
    try {
        const text = gitCommittedFiles(root).atHead(stack);
        return (parse(text ?? "") as { config?: Record<string, unknown> } | null)?.config ?? {};
    } catch {
        return {};
    }
});

/** The committed file's value at a full key (`runbooks:a.b[0]`), when the stack file is under git. */
export function committedValue(stack: string | undefined, key: string, root: string): unknown {
    if (stack === undefined) return undefined;
    const [head, ...path] = parsePath(key.slice(PROJECT.length + 1));
    return valueAt(committedConfig(`${root}\0${stack}`)[`${PROJECT}:${head}`], path);
}

/** What proving a fix reads: every pass again over the configuration as edits leave it, and the committed values. */
interface Proof {
    /** The problems of every pass over the configuration after `edits` (throws as the passes do). */
    after: (edits: readonly FixEdit[]) => readonly ConfigProblem[];
    committed: (key: string) => unknown;
    /** Another stack's value that `edits` write (components/config/foreignValues.ts), when they write one. */
    foreign: (edits: readonly FixEdit[]) => ForeignWrite | undefined;
}

/** {@link Proof.after}, each list of edits run once (a fix alone and "every fix together" are often the same edits). */
function rerunOnce(source: ConfigSource, rerun: Rerun): Proof["after"] {
    const runs = new Map<string, { problems: readonly ConfigProblem[] } | { error: unknown }>();
    return (edits) => {
        // Each edit as a list: contentKey keeps apart what `--path` typed differently (1 and "1", -0 and 0).
        const key = contentKey(
            edits.map((e) => [
                e.verb,
                e.head,
                e.path,
                e.value === undefined ? [] : [e.value],
                e.secret === true,
            ]),
        );
        let run = key === undefined ? undefined : runs.get(key);
        if (!run) {
            try {
                run = { problems: rerun(editedSource(source, edits)) };
            } catch (error) {
                run = { error };
            }
            if (key !== undefined) runs.set(key, run);
        }
        if ("error" in run) throw run.error;
        return run.problems;
    };
}

/** A run's problems with the edits each proven fix makes; a problem without edits is asked for. */
type Proven = Map<ConfigProblem, FixEdit[]>;

/** The problems of a run with every fix proven; restoring a committed plain value is offered when proven in turn. */
export function provenFixes(
    problems: readonly ConfigProblem[],
    source: ConfigSource,
    rerun: Rerun,
    committed: (key: string) => unknown,
    foreign: Proof["foreign"] = () => undefined,
): ConfigProblem[] {
    const proof: Proof = { after: rerunOnce(source, rerun), committed, foreign };
    const out = problems.map((p) => ({ ...p }));
    const proven = proveAlone(out, proof);
    oneFixPerKey(out, proven, proof);
    proveTogether(out, problems, proven, proof);
    return out;
}

/** A fix that failed its proof: the committed value where restoring it is proven (its edits), else a question. */
function restoreOrAsk(p: ConfigProblem, proof: Proof): FixEdit[] | undefined {
    const was = proof.committed(p.key);
    delete p.sets;
    delete p.invents;
    const restored = restoreCommitted(p, was, proof);
    if (restored) return restored;
    p.fix = question(p, was);
    return undefined;
}

/** The edits that put the committed plain value back, when following them is proven; they become the fix. */
function restoreCommitted(p: ConfigProblem, was: unknown, proof: Proof): FixEdit[] | undefined {
    if (typeof was !== "string" && typeof was !== "number" && typeof was !== "boolean") return undefined;
    const key = p.key.slice(PROJECT.length + 1);
    const text = String(was);
    const restore = setCommand(key, text, {
        path: key.includes(".") || key.includes("["),
        ...(typeof was === "string" && pathValue(text) !== text ? { type: "string" as const } : {}),
    });
    const edits = fixEdits(restore);
    if (!edits || !holds(p, edits, proof)) return undefined;
    p.fix = restore;
    return edits;
}

/** Each fix followed alone (a fix that invents a value is restored or asked instead); the proven ones' edits. */
function proveAlone(out: ConfigProblem[], proof: Proof): Proven {
    const proven: Proven = new Map();
    // Bounded: a run with very many problems (10,000 list entries) is proven as a whole below, not one by one.
    const alone = out.length <= 40;
    for (const p of out) {
        const edits = fixEdits(p.fix);
        if (edits === undefined) {
            offerCommitted(p, proof);
            continue;
        }
        // A fix writing another stack's value (in any spelling of it) fails its proof like one that does not hold:
        // restoring this stack's committed value is offered, else the operator is asked for its own.
        const borrowed = proof.foreign(edits);
        const restored =
            p.invents || borrowed !== undefined || (alone && !holds(p, edits, proof))
                ? restoreOrAsk(p, proof)
                : edits;
        if (restored) proven.set(p, restored);
        else if (borrowed !== undefined) p.fix = foreignQuestion(p.key, borrowed);
    }
    return proven;
}

/** A question where the committed file has a value: restoring it is offered once it is proven. */
function offerCommitted(p: ConfigProblem, proof: Proof): void {
    if (!p.invents || typeof proof.committed(p.key) === "object") return;
    const asked = p.fix;
    if (restoreOrAsk(p, proof) === undefined) p.fix = asked;
}

/** One key, one fix: two problems on a key whose fixes differ would have the second undo the first. */
function oneFixPerKey(out: ConfigProblem[], proven: Proven, proof: Proof): void {
    for (const key of new Set(out.map((p) => p.key))) {
        const on = out.filter((p) => p.key === key);
        if (new Set(on.map((p) => p.fix)).size <= 1) continue;
        for (const p of on) proven.delete(p);
        // The first problem's repair (the committed value, once proven, or a question) becomes every one's: its
        // edits stay among the proven ones, so the fixes proven together see this key as it will be.
        const restored = restoreOrAsk(on[0], proof);
        for (const p of on) {
            delete p.sets;
            delete p.invents;
            p.fix = on[0].fix;
            if (restored) proven.set(p, restored);
        }
    }
}

/** Every proven fix together: a fix the others undo, or one leaving a problem, falls back to committed, then asks. */
function proveTogether(
    out: ConfigProblem[],
    problems: readonly ConfigProblem[],
    proven: Proven,
    proof: Proof,
): void {
    for (const last of [false, true]) {
        const all = out.flatMap((p) => proven.get(p) ?? []);
        if (all.length === 0) break;
        const left = leftOver(out, problems, proven, all, proof);
        if (left.length === 0) break;
        for (const p of culprits(out, proven, left)) {
            proven.delete(p);
            if (last) p.fix = question(p, proof.committed(p.key));
            else {
                const restored = restoreOrAsk(p, proof);
                if (restored) proven.set(p, restored);
            }
        }
    }
}

/** What following every proven fix leaves, but for what lies under a key the operator is asked to write. */
function leftOver(
    out: ConfigProblem[],
    problems: readonly ConfigProblem[],
    proven: Proven,
    all: readonly FixEdit[],
    proof: Proof,
): ConfigProblem[] {
    let after: readonly ConfigProblem[];
    try {
        after = proof.after(all);
    } catch {
        after = problems;
    }
    const asked = out.filter((p) => !proven.has(p));
    // What lies under a key the operator is asked to write depends on what they write there.
    return after.filter((q) => !asked.some((p) => keyWithin(q.key, p.key)));
}

/** The proven fixes of the sections a problem is left in (by key or by what they edit); all of them when none is. */
function culprits(out: ConfigProblem[], proven: Proven, left: readonly ConfigProblem[]): ConfigProblem[] {
    const section = (key: string) => key.slice(PROJECT.length + 1).split(/[.[]/)[0];
    const sections = new Set(left.map((q) => section(q.key)));
    const inSections = out.filter(
        (p) =>
            proven.has(p) &&
            (sections.has(section(p.key)) || (proven.get(p) ?? []).some((e) => sections.has(e.head))),
    );
    return inSections.length > 0 ? inSections : out.filter((p) => proven.has(p));
}

/** What a fix that no repair proves becomes: the operator sets the key, with the committed file to compare. */
function question(p: ConfigProblem, committedValue: unknown): string {
    return `edit ${STACK_FILE}: set ${p.key} by hand (no repair of it proved itself on this configuration${committedValue !== undefined ? `; the committed file has a value there: git diff -- ${STACK_FILE}` : ""})`;
}
