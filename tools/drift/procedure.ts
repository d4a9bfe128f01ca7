import { shellQuote } from "../../components/config/problems";
import { kubectlResource } from "../adopt/managers";
import { declaredAt, isMasked, overlaps } from "./engine";
import { Step } from "./fields";
import { ObjectRef } from "./state";

// What the report tells an operator to run, in order: first take off what others added (`pulumi up` leaves it, and a
// list item added under a field the program sets can make the program's apply fail), then one `pulumi up --refresh`
// that sets every value the program declares. Every patch is tested against the object as read and dry-run on the
// API server before it is printed (./run).

/** One operation of a JSON patch (RFC 6902). */
export interface PatchOp {
    op: "test" | "remove" | "add";
    path: string;
    value?: unknown;
}

const pointer = (segments: readonly (string | number)[]) =>
    segments.map((s) => `/${String(s).replace(/~/g, "~0").replace(/\//g, "~1")}`).join("");

/** Later list indices first, so that removing one item does not move the next. */
function laterFirst(a: readonly (string | number)[], b: readonly (string | number)[]): number {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
        if (a[i] === b[i]) continue;
        return typeof a[i] === "number" && typeof b[i] === "number"
            ? (b[i] as number) - (a[i] as number)
            : String(a[i]).localeCompare(String(b[i]));
    }
    return b.length - a.length;
}

const within = (inner: readonly (string | number)[], outer: readonly (string | number)[]) =>
    inner.length > outer.length && overlaps(inner, outer);

/**
 * The JSON patch that takes `added` (fields the program does not set) off `live`. Each is tested at its place
 * first, so that a patch over an object changed since it was read fails whole instead of removing something else.
 * Where an added item sits in a list the program declares, the program's items that the list lacks (matched on
 * the item's key fields) go back in the same patch: a Service whose port was changed by hand keeps a port.
 * Undefined when such an item holds a secret the report cannot print.
 */
export function removalPatch(
    live: unknown,
    added: readonly Step[][],
    inputs: unknown,
): PatchOp[] | undefined {
    const found = added
        .map((steps) => ({ steps, at: declaredAt(live, steps) }))
        .filter(({ at }) => at.declared);
    const paths = found.map(({ at }) => at.segments);
    const kept = found.filter(({ at }) => !paths.some((p) => within(at.segments, p)));
    const ops: PatchOp[] = kept.map(({ at }) => ({
        op: "test",
        path: pointer(at.segments),
        value: at.value,
    }));
    ops.push(
        ...kept
            .map(({ at }) => at.segments)
            .sort(laterFirst)
            .map((s): PatchOp => ({ op: "remove", path: pointer(s) })),
    );
    const restored = new Set<string>();
    for (const { steps, at } of kept) {
        const last = steps[steps.length - 1];
        if (!last || !("key" in last)) continue;
        const program = declaredAt(inputs, steps.slice(0, -1));
        const list = declaredAt(live, steps.slice(0, -1));
        if (!program.declared || !Array.isArray(program.value) || !Array.isArray(list.value)) continue;
        const removed = new Set(kept.map((k) => pointer(k.at.segments)));
        const rest = list.value.filter((_, i) => !removed.has(pointer([...at.segments.slice(0, -1), i])));
        const keys = Object.keys(last.key);
        for (const item of program.value as Record<string, unknown>[]) {
            const named = keys.filter((k) => item[k] !== undefined);
            if (named.length === 0) continue;
            const present = rest.some((l) =>
                named.every(
                    (k) => JSON.stringify((l as Record<string, unknown>)[k]) === JSON.stringify(item[k]),
                ),
            );
            if (present) continue;
            if (JSON.stringify(item).includes("[secret]") || isMasked(item)) return undefined;
            const op: PatchOp = { op: "add", path: `${pointer(list.segments)}/-`, value: item };
            if (!restored.has(JSON.stringify(op))) ops.push(op);
            restored.add(JSON.stringify(op));
        }
    }
    return ops.some((o) => o.op === "remove") ? ops : undefined;
}

/**
 * The JSON patch that takes the items at `extra` off the list at `steps` of `live` (items appended by hand to a list
 * the program sets, which no up removes): each tested with the content read, then removed, the later first.
 */
export function itemRemovals(live: unknown, steps: readonly Step[], extra: readonly number[]): PatchOp[] {
    const at = declaredAt(live, steps);
    if (!at.declared || !Array.isArray(at.value)) return [];
    const list = at.value as unknown[];
    const indices = [...extra].filter((i) => i < list.length).sort((a, b) => b - a);
    return [
        ...indices.map((i): PatchOp => ({ op: "test", path: pointer([...at.segments, i]), value: list[i] })),
        ...indices.map((i): PatchOp => ({ op: "remove", path: pointer([...at.segments, i]) })),
    ];
}

/** `deployment.apps/backend`: how kubectl names one object of a kind. */
export function kubectlName(o: ObjectRef): string {
    return `${kubectlResource(o)}/${o.name}`;
}

/** The kubectl command that applies `ops` to `o` on a cluster reached with `kubectl` (its context flags included). */
export function patchCommand(kubectl: string, o: ObjectRef, ops: readonly PatchOp[]): string {
    const ns = o.namespace ? ` -n ${shellQuote(o.namespace)}` : "";
    return `${kubectl}${ns} patch ${shellQuote(kubectlName(o))} --type=json -p ${shellQuote(JSON.stringify(ops))}`;
}
