import { isDeepStrictEqual } from "node:util";
import { SECRET_MASK } from "../mocks/recorder";
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

function isObject(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Lists whose items all carry a distinct `name` (containers, env, ports, volumes) are matched by name, not index. */
function byName(list: unknown[]): Map<string, unknown> | undefined {
    const map = new Map<string, unknown>();
    for (const item of list) {
        const name = isObject(item) ? item.name : undefined;
        if (typeof name !== "string" || map.has(name)) return undefined;
        map.set(name, item);
    }
    return map;
}

function join(path: string, key: string): string {
    return path ? `${path}.${key}` : key;
}

function walk(old: unknown, now: unknown, path: string, out: FieldChange[]): void {
    if (isDeepStrictEqual(old, now)) return;
    if (isObject(old) && isObject(now)) {
        for (const k of [...new Set([...Object.keys(old), ...Object.keys(now)])].sort()) {
            walk(old[k], now[k], join(path, k), out);
        }
        return;
    }
    if (Array.isArray(old) && Array.isArray(now)) {
        const a = byName(old);
        const b = byName(now);
        if (a && b) {
            for (const name of [...new Set([...a.keys(), ...b.keys()])]) {
                walk(a.get(name), b.get(name), `${path}[${name}]`, out);
            }
            return;
        }
        if (old.length === now.length) {
            old.forEach((v, i) => walk(v, now[i], `${path}[${i}]`, out));
            return;
        }
    }
    const change: FieldChange = { path };
    if (old !== undefined) change.old = old;
    if (now !== undefined) change.new = now;
    out.push(change);
}

/** True for the paths whose values are secret: a Secret's `data` and `stringData`. */
function secretPath(kind: string, path: string): boolean {
    return kind === "Secret" && /^(data|stringData)(\.|$)/.test(path);
}

function maskValue(v: unknown): unknown {
    if (v === undefined) return undefined;
    if (isObject(v)) return Object.fromEntries(Object.keys(v).map((k) => [k, SECRET_MASK]));
    return SECRET_MASK;
}

/**
 * Every leaf field that differs between the live object and the object after the apply, old → new, in a stable
 * order. Secret values are masked: the report shows which keys change, never what they hold.
 */
export function fieldChanges(
    live: Record<string, unknown>,
    after: Record<string, unknown>,
    kind: string,
): FieldChange[] {
    const out: FieldChange[] = [];
    walk(comparable(live), comparable(after), "", out);
    return out.map((c) => {
        if (!secretPath(kind, c.path)) return c;
        const masked: FieldChange = { path: c.path };
        if ("old" in c) masked.old = maskValue(c.old);
        if ("new" in c) masked.new = maskValue(c.new);
        return masked;
    });
}

/** A value as one line of the report. */
export function showValue(v: unknown): string {
    if (v === undefined) return "(absent)";
    const text = typeof v === "string" ? v : JSON.stringify(v);
    return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
