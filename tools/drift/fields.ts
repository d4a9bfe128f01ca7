import { isDeepStrictEqual } from "node:util";
import { NamedError } from "../cli/args";

// A managedFields entry's `fieldsV1` (the structured-merge-diff field set) as readable paths.
//
// The set is a tree whose keys name one step each: `f:<name>` a field of an object, `k:<json>` the item of an
// associative list whose key fields have these values, `v:<json>` the item of a set with this value, `i:<n>` the
// item at an index, and `.` the node itself (the manager owns the item or map as a whole, not only fields below it).
// A key of `{}` is a leaf. Format: kubernetes/kubernetes staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/types.go
// (FieldsV1) and sigs.k8s.io/structured-merge-diff fieldpath/serialize-pe.go.

/** One step of a path: an object's field, a keyed list item, a set member, or a list index. */
export type Step =
    { field: string } | { key: Readonly<Record<string, unknown>> } | { value: unknown } | { index: number };

/** A path one manager owns, and whether it owns the node as a whole (`.`: an item or map it added). */
export interface OwnedPath {
    steps: Step[];
    whole: boolean;
}

/** A field set that is not the documented form: where in it, and what. */
export class FieldsError extends NamedError {}

function stepOf(key: string): Step {
    const kind = key.slice(0, 2);
    const rest = key.slice(2);
    if (kind === "f:") return { field: rest };
    if (kind === "i:" && /^\d+$/.test(rest)) return { index: Number(rest) };
    if (kind === "k:" || kind === "v:") {
        let parsed: unknown;
        try {
            parsed = JSON.parse(rest);
        } catch {
            throw new FieldsError(`${key}: not JSON after ${kind}`);
        }
        if (kind === "v:") return { value: parsed };
        if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
            throw new FieldsError(`${key}: a list item's key must be a JSON object`);
        return { key: parsed as Record<string, unknown> };
    }
    throw new FieldsError(`${key}: unknown path element (expected f:, k:, v:, i: or .)`);
}

/**
 * The paths a field set owns: every leaf, and every list item marked `.` (reported once, as a whole: what lies below
 * it is part of the item the manager owns). Sorted as written.
 */
export function ownedPaths(fieldsV1: unknown): OwnedPath[] {
    const out: OwnedPath[] = [];
    const walk = (node: unknown, steps: Step[]): void => {
        if (typeof node !== "object" || node === null || Array.isArray(node))
            throw new FieldsError(`${render(steps) || "(top)"}: a field set node must be an object`);
        const keys = Object.keys(node);
        if (keys.length === 0) {
            if (steps.length > 0) out.push({ steps, whole: false });
            return;
        }
        // `.` on a list item: the manager made the item, reported once as a whole. On a field, it made the map or
        // list the field holds (kubectl set env on a container without env): the items below are what it wrote.
        const others = keys.filter((k) => k !== ".");
        if (
            keys.includes(".") &&
            steps.length > 0 &&
            (!("field" in steps[steps.length - 1]) || others.length === 0)
        ) {
            out.push({ steps, whole: true });
            return;
        }
        for (const k of keys) {
            if (k === ".") continue;
            walk((node as Record<string, unknown>)[k], [...steps, stepOf(k)]);
        }
    };
    walk(fieldsV1 ?? {}, []);
    return out;
}

const PLAIN_FIELD = /^[A-Za-z_][A-Za-z0-9_-]*$/;

function scalar(v: unknown): string {
    return typeof v === "string" && /^[^\s,=[\]"]+$/.test(v) ? v : JSON.stringify(v);
}

/**
 * A path as an operator reads it: `spec.template.spec.containers[name=app].env[name=X]`, `data["nginx.conf"]`,
 * `metadata.finalizers[="kubernetes"]`, `spec.ports[0]`.
 */
export function render(steps: readonly Step[]): string {
    let s = "";
    for (const step of steps) {
        if ("field" in step)
            s += PLAIN_FIELD.test(step.field)
                ? `${s ? "." : ""}${step.field}`
                : `[${JSON.stringify(step.field)}]`;
        else if ("index" in step) s += `[${step.index}]`;
        else if ("value" in step) s += `[=${JSON.stringify(step.value)}]`;
        else
            s += `[${Object.entries(step.key)
                .map(([k, v]) => `${k}=${scalar(v)}`)
                .join(",")}]`;
    }
    return s;
}

/** What {@link valueAt} answers for a path the object does not have. */
export const ABSENT: unique symbol = Symbol("absent");

/**
 * Where a path leads in an object: the segments taken (a list item as its index) and the node there; `missing` where
 * the object lacks a step (the segments then say how far it has the path). A keyed step picks the list item whose fields equal the key, a value step the set
 * member equal to it (as JSON: key order ignored). `stop` ends the walk early at a node it accepts (the steps not
 * taken are `rest`).
 */
export function walk(
    root: unknown,
    steps: readonly Step[],
    stop: (node: unknown) => boolean = () => false,
): { segments: (string | number)[]; node: unknown; rest: readonly Step[]; missing: boolean } {
    const segments: (string | number)[] = [];
    let node: unknown = root;
    for (const [at, step] of steps.entries()) {
        const missing = { segments, node: undefined, rest: steps.slice(at), missing: true };
        if (stop(node)) return { segments, node, rest: steps.slice(at), missing: false };
        if ("field" in step) {
            if (typeof node !== "object" || node === null || Array.isArray(node)) return missing;
            if (!Object.prototype.hasOwnProperty.call(node, step.field)) return missing;
            segments.push(step.field);
            node = (node as Record<string, unknown>)[step.field];
            continue;
        }
        if (!Array.isArray(node)) return missing;
        const i =
            "index" in step
                ? step.index < node.length
                    ? step.index
                    : -1
                : node.findIndex((item) =>
                      "value" in step
                          ? isDeepStrictEqual(item, step.value)
                          : typeof item === "object" &&
                            item !== null &&
                            Object.entries(step.key).every(([k, v]) =>
                                isDeepStrictEqual((item as Record<string, unknown>)[k], v),
                            ),
                  );
        if (i < 0) return missing;
        segments.push(i);
        node = node[i];
    }
    return { segments, node, rest: [], missing: false };
}

/** The value a path names in an object (the program's inputs, the live object), or {@link ABSENT}. */
export function valueAt(root: unknown, steps: readonly Step[]): unknown {
    const found = walk(root, steps);
    return found.missing ? ABSENT : found.node;
}
