import { covers } from "../adopt/immutable";
import { EngineStep, declaredAt, ignoredAt, isMasked, overlaps, pathSegments, replaces } from "./engine";
import { ABSENT, Step, ownedPaths, render, valueAt, walk } from "./fields";
import { ClusterController, CLUSTER_CONTROLLERS, ManagedFieldsEntry, classifyEntry } from "./managers";
import { ManagedObject } from "./state";

// One managed object against its live copy: which managers other than the program's and the cluster's own own which
// fields, and what the next `pulumi up --refresh` does to each: compared with what the program declares now (the
// engine's preview inputs), the replace read from the engine's own plan (./engine), never from copied rules.

/**
 * What the next `pulumi up --refresh` does with a field another manager owns:
 * - `added`: the program does not set it; under server-side apply the up leaves it in place (the report prints
 *   the command that removes it);
 * - `items`: a list the program sets, with items appended by hand past the program's and nothing else changed: the
 *   up leaves them too (the provider's refresh cuts a live list to the length of the program's before it compares:
 *   pulumi/pulumi-kubernetes provider/pkg/provider/util.go `pruneSlice`), so the report prints their removal;
 * - `changed`: the program sets another value; the up applies the program's value (or replaces the object);
 * - `same`: the program sets the same value; nothing changes, the other manager co-owns it;
 * - `secret`: the program sets a secret there and no engine preview was read: not compared;
 * - `ignored`: the program leaves the field to others (the resource's `ignoreChanges`: an image trigger's image, a
 *   controller's data): no up changes it, whatever its value, so it is named and is no drift.
 */
export type FieldState = "added" | "items" | "changed" | "same" | "secret" | "ignored";

export interface DriftedField {
    path: string;
    /** The manager owns the node as a whole (an item or key it added), not only fields below it. */
    whole: boolean;
    state: FieldState;
    /** The engine's reason to replace the object for this field (only for a field the program sets differently). */
    replace?: string;
    /** The field's steps, for the command that removes an added field. */
    steps: Step[];
    /** Of a list the program sets: the indices of the live items no item of the program's matches (added by hand). */
    extra?: number[];
    /** For `ignored`: the resource's `ignoreChanges` path that covers the field. */
    ignoredBy?: string;
}

export interface ManagerChange {
    manager: string;
    operation: string;
    subresource?: string;
    time?: string;
    fields: DriftedField[];
}

export interface ObjectDrift {
    object: ManagedObject;
    changes: ManagerChange[];
}

/** Secret keys the program writes as `stringData` are `data` on the server (and in the provider's diff). */
function dataKeyed(object: ManagedObject, steps: readonly Step[]): Step[][] {
    const first = steps[0];
    if (object.kind !== "Secret" || !first || !("field" in first) || first.field !== "data")
        return [[...steps]];
    return [[...steps], [{ field: "stringData" }, ...steps.slice(1)]];
}

const asData = (segments: readonly (string | number)[]) =>
    segments[0] === "stringData" ? ["data", ...segments.slice(1)] : [...segments];

/**
 * The field's path in the program's inputs as far as they reach (a list item as the program's index), then the
 * names of the field steps past their end: where an `ignoreChanges` path would name it.
 */
function inputPath(inputs: unknown, steps: readonly Step[]): (string | number)[] {
    const { segments, rest } = walk(inputs, steps, isMasked);
    const names = rest.findIndex((s) => !("field" in s));
    const named = (names < 0 ? rest : rest.slice(0, names)) as { field: string }[];
    return [...segments, ...named.map((s) => s.field)];
}

function fieldVerdict(
    object: ManagedObject,
    live: unknown,
    steps: readonly Step[],
    step: EngineStep | undefined,
): Pick<DriftedField, "state" | "replace" | "extra" | "ignoredBy"> {
    const inputs = step?.inputs ?? object.inputs;
    const ignoredBy = dataKeyed(object, steps)
        .map((s) => ignoredAt(object.ignoreChanges, inputPath(inputs, s)))
        .find((x) => x !== undefined);
    if (ignoredBy !== undefined) return { state: "ignored", ignoredBy };
    const d =
        dataKeyed(object, steps)
            .map((s) => declaredAt(inputs, s))
            .find((x) => x.declared) ?? declaredAt(inputs, steps);
    if (!d.declared) return { state: "added" };
    // The engine's diff names the paths the up changes: a secret is compared key by key there, never read.
    const diffs = (step?.diffs ?? []).filter((x) =>
        overlaps(asData(pathSegments(x.path)), asData(d.segments)),
    );
    let state: FieldState;
    let extra: number[] | undefined;
    if (d.masked) state = step === undefined ? "secret" : diffs.length > 0 ? "changed" : "same";
    else {
        const current = valueAt(live, steps);
        state = current !== ABSENT && covers(current, d.value) ? "same" : "changed";
        if (state === "changed" && Array.isArray(current) && Array.isArray(d.value)) {
            extra = unmatched(current, d.value);
            const rest = current.filter((_, i) => !extra!.includes(i));
            if (extra.length === 0) extra = undefined;
            else if (covers(rest, d.value)) state = "items";
        }
    }
    if (state !== "changed" || !replaces(step)) return { state, ...(extra ? { extra } : {}) };
    const keys = step!.replaceKeys.length > 0 ? step!.replaceKeys : diffs.map((x) => x.path);
    return {
        state,
        ...(extra ? { extra } : {}),
        replace: `the engine's preview replaces the object (replace keys: ${keys.join(", ") || "?"})`,
    };
}

/** The indices of `live`'s items that no item of `declared` matches, each declared item matching one live item. */
function unmatched(live: readonly unknown[], declared: readonly unknown[]): number[] {
    const used = new Set<number>();
    for (const d of declared) {
        const i = live.findIndex((l, j) => !used.has(j) && covers(l, d));
        if (i >= 0) used.add(i);
    }
    return live.flatMap((_, i) => (used.has(i) ? [] : [i]));
}

/**
 * The drift of one managed object: every managedFields entry that is neither the program's nor a cluster
 * controller's (./managers), with its fields. Undefined when there is none.
 */
export function objectDrift(
    object: ManagedObject,
    live: Record<string, unknown> & { metadata?: unknown },
    step?: EngineStep,
    controllers: readonly ClusterController[] = CLUSTER_CONTROLLERS,
): ObjectDrift | undefined {
    const changes: ManagerChange[] = [];
    const entries = ((live.metadata ?? {}) as { managedFields?: ManagedFieldsEntry[] }).managedFields ?? [];
    for (const entry of entries) {
        if (!classifyEntry(entry, object.fieldManager, controllers).drift) continue;
        const fields = ownedPaths(entry.fieldsV1).map(({ steps, whole }): DriftedField => ({
            path: render(steps),
            whole,
            ...fieldVerdict(object, live, steps, step),
            steps,
        }));
        changes.push({
            manager: entry.manager ?? "(no manager name)",
            operation: entry.operation ?? "?",
            ...(entry.subresource ? { subresource: entry.subresource } : {}),
            ...(entry.time ? { time: entry.time } : {}),
            fields,
        });
    }
    return changes.length > 0 ? { object, changes } : undefined;
}
