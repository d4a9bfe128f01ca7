import { create, type Delta, type DiffContext, type Filter, type ObjectDelta } from "jsondiffpatch";
import { isDeepStrictEqual } from "node:util";
import { SECRET_MASK } from "../mocks/recorder";

/**
 * One step of a path: an object key, a list item matched by its `name` (with its position in the list it is read
 * from: the new list, or the old one when removed), or a list item matched by position.
 */
export type PathSegment = { key: string } | { name: string; index: number } | { index: number };

/** One difference between two JSON values: what was at `path` before and what is there after. */
export interface StructuralChange {
    path: PathSegment[];
    kind: "added" | "removed" | "changed";
    /** Absent when added. */
    before?: unknown;
    /** Absent when removed. */
    after?: unknown;
    /** Only the order of a named list changed: `before`/`after` hold all its names, old order and new order. */
    reordered?: boolean;
}

type Json = Record<string, unknown>;

export function isObject(v: unknown): v is Json {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isScalar(v: unknown): boolean {
    return v === null || typeof v !== "object";
}

/** The names of a list whose every item is an object with a distinct string `name`, or none. */
function itemNames(list: unknown[]): string[] | undefined {
    const names = list.map((item) =>
        isObject(item) && typeof item.name === "string" ? item.name : undefined,
    );
    if (names.some((n) => n === undefined)) return undefined;
    return new Set(names).size === names.length ? (names as string[]) : undefined;
}

/**
 * How two lists at the same place are compared. Kubernetes lists of containers, ports, env or volumes are keyed by
 * `name`, so they are matched by name when every item of both has one; other lists of objects by position. Lists of
 * scalars (args, verbs, hosts) of one length item by item, so one changed flag of a long `args` is the line shown;
 * of another length, and lists mixing scalars with objects, as one value, read whole.
 */
function listMatching(a: unknown[], b: unknown[]): "whole" | "name" | "position" | "item" {
    if (itemNames(a) && itemNames(b)) return "name";
    const all = (test: (v: unknown) => boolean): boolean => a.every(test) && b.every(test);
    if (all((v) => !isScalar(v)) && a.length + b.length > 0) return "position";
    return all(isScalar) && a.length === b.length ? "item" : "whole";
}

/** The identity jsondiffpatch matches each list item by, set for the two lists being compared just before it does. */
const identity = new WeakMap<object, string>();

/**
 * Runs before jsondiffpatch's own list filter, which it leaves lists of objects to, with their identities; lists of
 * scalars it answers itself: one change, or one per differing item.
 */
const keyedLists: Filter<DiffContext> = (context) => {
    if (!Array.isArray(context.left) || !Array.isArray(context.right)) return;
    const [a, b] = [context.left, context.right];
    const matching = listMatching(a, b);
    if (matching === "whole") {
        context.setResult(isDeepStrictEqual(a, b) ? undefined : [a, b]).exit();
        return;
    }
    if (matching === "item") {
        const changed = a.flatMap((v, i) => (v === b[i] ? [] : [[i, [v, b[i]]] as const]));
        context
            .setResult(changed.length === 0 ? undefined : { _t: "a", ...Object.fromEntries(changed) })
            .exit();
        return;
    }
    for (const list of [a, b]) {
        list.forEach((item: object, i) =>
            identity.set(item, matching === "name" ? `name:${(item as Json).name as string}` : `index:${i}`),
        );
    }
};
keyedLists.filterName = "keyedLists";

const differ = create({ objectHash: (item) => identity.get(item), arrays: { detectMove: true } });
differ.processor.pipes.diff.before("arrays", keyedLists);

/** jsondiffpatch's leaf deltas: `[after]` added, `[before, after]` changed, `[before, 0, 0]` removed. */
function leaf(delta: unknown[], path: PathSegment[]): StructuralChange {
    if (delta.length === 1) return { path, kind: "added", after: delta[0] };
    if (delta.length === 2) return { path, kind: "changed", before: delta[0], after: delta[1] };
    return { path, kind: "removed", before: delta[0] };
}

/** The mark of a removed list item (`_<old index>: [before, 0, 0]`); a moved one is `["", <new index>, 3]`. */
const REMOVED = 0;

function listChanges(
    delta: Json,
    a: unknown[],
    b: unknown[],
    path: PathSegment[],
    out: StructuralChange[],
): void {
    const names = listMatching(a, b) === "name" ? [itemNames(a)!, itemNames(b)!] : undefined;
    const at = (list: unknown[], i: number): PathSegment =>
        names ? { name: (list[i] as Json).name as string, index: i } : { index: i };
    const matched = (i: number): unknown =>
        names ? a.find((item) => (item as Json).name === (b[i] as Json).name) : a[i];
    // New order first, then what the new list no longer has, in old order.
    b.forEach((item, i) => {
        if (delta[i] !== undefined) collect(delta[i] as Delta, [...path, at(b, i)], out, matched(i), item);
    });
    a.forEach((_, i) => {
        const removed = delta[`_${i}`] as unknown[] | undefined;
        if (removed && removed[2] === REMOVED)
            out.push({ path: [...path, at(a, i)], kind: "removed", before: a[i] });
    });
    if (!names) return;
    const [na, nb] = names;
    const common = (list: string[], other: string[]): string[] => list.filter((n) => other.includes(n));
    if (common(na, nb).join("\0") !== common(nb, na).join("\0"))
        out.push({ path, kind: "changed", before: na, after: nb, reordered: true });
}

function collect(delta: Delta, path: PathSegment[], out: StructuralChange[], a?: unknown, b?: unknown): void {
    if (delta === undefined) return;
    if (Array.isArray(delta)) {
        out.push(leaf(delta, path));
        return;
    }
    if (delta._t === "a") {
        listChanges(delta as Json, a as unknown[], b as unknown[], path, out);
        return;
    }
    const nested = delta as ObjectDelta;
    for (const key of Object.keys(nested).sort())
        collect(nested[key], [...path, { key }], out, (a as Json)[key], (b as Json)[key]);
}

/**
 * A copy to compare: without shared references, so every list item has one identity, and with objects that inherit
 * nothing, so a key named `constructor` or `toString` on one side is not found on the other side's prototype.
 */
function detached(v: unknown): unknown {
    if (v === undefined) return v;
    return JSON.parse(JSON.stringify(v), (_, x: unknown) =>
        isObject(x) ? Object.assign(Object.create(null), x) : x,
    );
}

/** A value of a change as ordinary JSON again. */
function plain(v: unknown): unknown {
    return v === undefined ? v : JSON.parse(JSON.stringify(v));
}

/**
 * Every difference between two JSON values, leaf by leaf: object keys in sorted order, named list items in the new
 * list's order and then the removed ones. Pure; the values are not modified.
 */
export function structuralChanges(before: unknown, after: unknown): StructuralChange[] {
    const [a, b] = [before, after].map(detached);
    const out: StructuralChange[] = [];
    collect(differ.diff(a, b), [], out, a, b);
    return out.map((c) => ({
        ...c,
        ...("before" in c ? { before: plain(c.before) } : {}),
        ...("after" in c ? { after: plain(c.after) } : {}),
    }));
}

/** A Kubernetes Secret's payload: every value below it is secret, whatever it looks like. */
function underSecretPayload(path: PathSegment[]): boolean {
    const first = path[0];
    return first !== undefined && "key" in first && (first.key === "data" || first.key === "stringData");
}

/** A secret value as shown: an object keeps its keys (which keys change is not secret), everything else is masked. */
function maskValue(v: unknown): unknown {
    if (isObject(v)) return Object.fromEntries(Object.keys(v).map((k) => [k, SECRET_MASK]));
    return SECRET_MASK;
}

/**
 * A change as it may be shown: when either side is already masked, or the path is under the payload of a Secret
 * (`secretObject`), both sides are masked and `secret` is set, so a change list never carries a secret value.
 */
export function masked(
    change: StructuralChange,
    secretObject: boolean,
): StructuralChange & { secret: boolean } {
    const secret =
        !change.reordered &&
        (change.before === SECRET_MASK ||
            change.after === SECRET_MASK ||
            (secretObject && underSecretPayload(change.path)));
    if (!secret) return { ...change, secret };
    const shown: StructuralChange & { secret: boolean } = { path: change.path, kind: change.kind, secret };
    if ("before" in change) shown.before = maskValue(change.before);
    if ("after" in change) shown.after = maskValue(change.after);
    return shown;
}
