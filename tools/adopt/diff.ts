import { parse } from "yaml";
import { masked, type PathSegment, structuralChanges } from "./structural";
import { FieldChange } from "./model";

/** Fields the API server owns: they differ between any two reads and are not the program's to change. */
const SERVER_FIELDS = ["managedFields", "resourceVersion", "generation"];

/** An object as compared: without server bookkeeping and without `status` (the program never writes it). */
export function comparable(obj: Record<string, unknown>): Record<string, unknown> {
    const { status: _status, ...rest } = structuredClone(obj);
    const metadata = { ...((rest.metadata ?? {}) as Record<string, unknown>) };
    for (const f of SERVER_FIELDS) delete metadata[f];
    return { ...rest, metadata };
}

/** A ConfigMap value that is a YAML or JSON document (a mapping or a list), read; undefined for anything else. */
function documentOf(value: unknown): unknown {
    if (typeof value !== "string" || !value.includes("\n")) return undefined;
    try {
        const doc: unknown = parse(value);
        return typeof doc === "object" && doc !== null ? doc : undefined;
    } catch {
        return undefined;
    }
}

/**
 * A ConfigMap's keys that hold a document on both sides (Prow's config.yaml, plugins.yaml, labels.yaml), read as
 * documents: the report names each setting the apply changes, not two texts of a thousand lines.
 */
function withDocuments(
    live: Record<string, unknown>,
    after: Record<string, unknown>,
): [typeof live, typeof after] {
    const a = (live.data ?? {}) as Record<string, unknown>;
    const b = (after.data ?? {}) as Record<string, unknown>;
    const keys = Object.keys(b).filter((k) => a[k] !== b[k] && documentOf(a[k]) && documentOf(b[k]));
    if (keys.length === 0) return [live, after];
    const read = (o: Record<string, unknown>, data: Record<string, unknown>) => ({
        ...o,
        data: { ...data, ...Object.fromEntries(keys.map((k) => [k, documentOf(data[k])])) },
    });
    return [read(live, a), read(after, b)];
}

/** `a.b`, `containers[web]`, `rules[0]`: the report's paths, dotted without quoting. */
function pathText(path: PathSegment[]): string {
    return path
        .map((s, i) => ("key" in s ? `${i === 0 ? "" : "."}${s.key}` : `[${"name" in s ? s.name : s.index}]`))
        .join("");
}

/**
 * Every leaf field that differs between the live object and the object after the apply, old → new, in a stable
 * order; inside a ConfigMap's YAML documents too. Secret values are masked: the report shows which keys change,
 * never what they hold.
 */
export function fieldChanges(
    live: Record<string, unknown>,
    after: Record<string, unknown>,
    kind: string,
): FieldChange[] {
    const [before, next] =
        kind === "ConfigMap"
            ? withDocuments(comparable(live), comparable(after))
            : [comparable(live), comparable(after)];
    return structuralChanges(before, next).map((c) => {
        const shown = masked(c, kind === "Secret");
        const change: FieldChange = { path: pathText(shown.path) };
        if ("before" in shown) change.old = shown.before;
        if ("after" in shown) change.new = shown.after;
        if (shown.reordered) change.reordered = true;
        return change;
    });
}

/** A value as one line of the report. */
export function showValue(v: unknown): string {
    if (v === undefined) return "(absent)";
    const text = typeof v === "string" ? v : JSON.stringify(v);
    return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** A change as the rest of its report line: `old → new`, or the names of a reordered list. */
export function changeText(c: FieldChange): string {
    if (c.reordered) return `order ${(c.old as string[]).join(", ")} → ${(c.new as string[]).join(", ")}`;
    return `${showValue(c.old)} → ${showValue(c.new)}`;
}
