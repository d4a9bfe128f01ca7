import type { EngineEvent } from "@pulumi/pulumi/automation";
import { Step, walk } from "./fields";

// What the next `pulumi up --refresh` does to each resource, as the engine itself answers it: the events of its own
// preview of the refreshed stack (Automation API, `preview({ refresh: true })`). Drift never derives a replace from
// copied provider rules; it reads the step the engine plans (`op`), the top-level keys that force a replace (`keys`)
// and the property paths that differ (`detailedDiff`), and what the program declares now (`new.inputs`).

/** One property path the engine's diff names, and whether a change there replaces the resource. */
export interface EngineDiff {
    path: string;
    kind: string;
}

/** The engine's planned step for one resource. */
export interface EngineStep {
    /** `same`, `update`, `replace` (and its `create-replacement`/`delete-replaced` halves), `create`, `delete`. */
    op: string;
    /** The keys the provider says force the replace (only on a replace). */
    replaceKeys: string[];
    diffs: EngineDiff[];
    /** What the program declares for the resource now (secret values masked by the engine). */
    inputs?: Record<string, unknown>;
    /** Error diagnostics the engine printed for the resource (an apply conflict stops the preview there). */
    errors: string[];
}

/** The engine's refresh preview, per URN. `failure` when the preview itself did not complete. */
export interface EnginePreview {
    steps: ReadonlyMap<string, EngineStep>;
    failure?: string;
}

const REPLACE_OPS = new Set(["replace", "create-replacement", "delete-replaced", "discard-replaced"]);

/** Whether the engine replaces the resource (deletes it and creates it again) on the next up. */
export const replaces = (s: EngineStep | undefined): boolean =>
    !!s && (REPLACE_OPS.has(s.op) || s.diffs.some((d) => d.kind.endsWith("-replace")));

/** Whether the engine changes the resource at all on the next up. */
export const changes = (s: EngineStep | undefined): boolean =>
    !!s && !["same", "refresh", "read", "read-replacement"].includes(s.op);

/** The engine's events of one preview (in the order received), read into one step per URN. */
export function previewOf(events: readonly EngineEvent[], failure?: string): EnginePreview {
    const steps = new Map<string, EngineStep>();
    const errors = new Map<string, string[]>();
    for (const e of events) {
        const d = e.diagnosticEvent;
        if (d?.urn && d.severity === "error")
            errors.set(d.urn, [...(errors.get(d.urn) ?? []), d.message.trim()]);
        const m = e.resourcePreEvent?.metadata;
        if (!m || m.op === "refresh") continue;
        const prior = steps.get(m.urn);
        // A replace arrives as its halves; the strongest step of a resource is the one reported.
        if (prior && REPLACE_OPS.has(prior.op) && !REPLACE_OPS.has(m.op)) continue;
        steps.set(m.urn, {
            op: REPLACE_OPS.has(m.op) ? "replace" : m.op,
            replaceKeys: m.op === "same" ? [] : [...(m.keys ?? [])],
            diffs: Object.entries(m.detailedDiff ?? {}).map(([path, p]) => ({
                path,
                kind: String(p.diffKind),
            })),
            ...(m.new?.inputs ? { inputs: m.new.inputs as Record<string, unknown> } : {}),
            errors: [],
        });
    }
    for (const [urn, list] of errors) {
        const s = steps.get(urn) ?? { op: "same", replaceKeys: [], diffs: [], errors: [] };
        steps.set(urn, { ...s, errors: list });
    }
    return { steps, ...(failure ? { failure } : {}) };
}

/** A Pulumi property path (`spec.ports[0].port`, `metadata.labels["app.kubernetes.io/name"]`) as segments. */
export function pathSegments(path: string): (string | number)[] {
    const out: (string | number)[] = [];
    const re = /\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]|\.?([^.[\]]+)/g;
    for (let m = re.exec(path); m !== null; m = re.exec(path)) {
        if (m[1] !== undefined) out.push(Number(m[1]));
        else if (m[2] !== undefined) out.push(JSON.parse(`"${m[2]}"`) as string);
        else out.push(m[3]);
    }
    return out;
}

/**
 * The `ignoreChanges` path (a Pulumi property path, `*` for any item or field) that covers `segments`, a path in the
 * program's inputs, or undefined. The engine keeps the state's value at an ignored path and everything below it, so
 * no up changes what another manager writes there (pulumi/pulumi sdk/go/common/resource/properties_path.go).
 */
export function ignoredAt(
    ignoreChanges: readonly string[],
    segments: readonly (string | number)[],
): string | undefined {
    return ignoreChanges.find((path) => {
        const p = pathSegments(path);
        return (
            p.length <= segments.length && p.every((s, i) => s === "*" || String(s) === String(segments[i]))
        );
    });
}

/** The envelope of a secret value: the engine's masked `[secret]`, or a checkpoint's signature object. */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
export const isMasked = (v: unknown): boolean =>
    v === "[secret]" || (typeof v === "object" && v !== null && SECRET_SIG in v);

/** What the program declares at a managed-fields path. */
export interface Declared {
    /** The path with list items as their index in the program's list, as far as the program declares it. */
    segments: (string | number)[];
    /** The program declares the whole path; `value` is what it sets there. */
    declared: boolean;
    /** The walk met a secret the engine masks: the program sets the path, its value is not for reading. */
    masked: boolean;
    value?: unknown;
}

/**
 * A managed-fields path resolved against what the program declares: list items by their index in the program's list.
 * Stops at an item or field the program does not declare (the rest is someone else's) or at a masked secret.
 */
export function declaredAt(inputs: unknown, steps: readonly Step[]): Declared {
    const { segments, node, rest, missing } = walk(inputs, steps, isMasked);
    if (missing) return { segments, declared: false, masked: false };
    // Below a masked secret only field names are known (a Secret's keys): the engine's diff names them so.
    if (rest.length > 0) {
        const names = rest.map((s) => ("field" in s ? s.field : undefined));
        return {
            segments: [...segments, ...(names.includes(undefined) ? [] : (names as string[]))],
            declared: true,
            masked: true,
        };
    }
    return { segments, declared: true, masked: isMasked(node), value: node };
}

/** One path lies at or below the other. */
export function overlaps(a: readonly (string | number)[], b: readonly (string | number)[]): boolean {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
    return true;
}

/** One manager a server-side apply conflicts with, and the fields it holds (as the API server names them). */
export interface Conflict {
    manager: string;
    fields: string[];
}

/**
 * The managers and fields of a server-side-apply conflict in an engine diagnostic ("Apply failed with 2 conflicts:
 * conflicts with \"kubectl\" using apps/v1:\n- .spec.replicas ..."; kubernetes/kubernetes staging/src/k8s.io/
 * apiserver/pkg/endpoints/handlers/fieldmanager, sigs.k8s.io/structured-merge-diff merge/conflict.go). Empty when
 * the message is no such conflict.
 */
export function conflictsIn(message: string): Conflict[] {
    const out: Conflict[] = [];
    const re = /conflicts? with "([^"]+)"(?: using [^\s:]+)?:([\s\S]*?)(?=conflicts? with "|$)/g;
    for (let m = re.exec(message); m !== null; m = re.exec(message)) {
        const fields = (m[2].match(/(?:^|\s|-\s*)(\.[^\s,]+)/g) ?? []).map((f) => f.replace(/^[\s-]+/, ""));
        out.push({ manager: m[1], fields });
    }
    return out;
}

/** One preview of the refreshed stack with `exclude` left out (Automation API `preview({ refresh, exclude })`). */
export type PreviewRun = (exclude: readonly string[]) => Promise<{ events: EngineEvent[]; failure?: string }>;

/**
 * The engine's preview read past every object it stops on: a preview that stops on an object (an apply conflict, an
 * object the API server refuses) says nothing of what it had not reached, so it runs again with the objects it
 * stopped on left out, until it completes or stops on nothing new (at most `passes` times). Each object's step is
 * its last pass's; the objects stopped on keep their errors. `failure` only when the last pass failed and no object
 * explains it.
 */
export async function previewPast(
    run: PreviewRun,
    exclude: readonly string[] = [],
    passes = 6,
): Promise<EnginePreview> {
    const steps = new Map<string, EngineStep>();
    const left = [...exclude];
    let failure: string | undefined;
    for (let pass = 0; pass < passes; pass++) {
        const result = await run(left);
        const preview = previewOf(result.events, result.failure);
        for (const [urn, step] of preview.steps) if (!steps.get(urn)?.errors.length) steps.set(urn, step);
        const stopped = [...preview.steps].filter(([u, s]) => s.errors.length > 0 && !left.includes(u));
        failure = result.failure !== undefined && stopped.length === 0 ? result.failure : undefined;
        if (result.failure === undefined || stopped.length === 0) break;
        left.push(...stopped.map(([u]) => u));
    }
    return { steps, ...(failure !== undefined ? { failure } : {}) };
}
