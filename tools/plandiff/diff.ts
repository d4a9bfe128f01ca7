import { isDeepStrictEqual } from "node:util";
import { SECRET_MASK } from "../mocks/recorder";
import type { PlanResource } from "../plan/render";
import { kindLabel } from "../plan/render";

/** How one field of a resource differs between the base plan and the head plan. */
export interface FieldChange {
    /** `input`: a property of the resource; `option`: a resource option (protect, provider, ...). */
    scope: "input" | "option";
    /** Readable path, e.g. `spec.template.spec.containers[name=ultrahook].image` or `metadata.labels["app"]`. */
    path: string;
    kind: "added" | "removed" | "changed";
    /** Base value (absent when added). Secret values are already replaced by `[secret]`. */
    before?: unknown;
    /** Head value (absent when removed). Secret values are already replaced by `[secret]`. */
    after?: unknown;
    /** The value is secret on either side: only `[secret]` is ever shown. */
    secret: boolean;
    /** Only the order of a list's named elements changed (`before`/`after` hold the names). */
    reordered?: boolean;
}

export interface ResourceChange {
    kind: "add" | "remove" | "change";
    urn: string;
    system: string;
    type: string;
    /** Pulumi resource name. */
    name: string;
    /** Short kind, e.g. `apps/v1:Deployment`, `component:Workload`. */
    kindLabel: string;
    /** `namespace/name` of a Kubernetes object, when it is one. */
    object?: string;
    /** Changed fields (only for `change`). */
    fields: FieldChange[];
    /** The runbook steps whose objects include the resource (`<runbook>:<line> "<says>"`): what the change touches. */
    steps?: string[];
}

export interface PlanDiff {
    /** Grouped by system, then sorted by resource name. */
    changes: ResourceChange[];
    counts: { add: number; change: number; remove: number; unchanged: number };
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

function isObject(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

function keyPath(base: string, key: string): string {
    const segment = IDENTIFIER.test(key) ? key : `[${JSON.stringify(key)}]`;
    if (!base) return segment;
    return segment.startsWith("[") ? `${base}${segment}` : `${base}.${segment}`;
}

/** Names of a list whose every element is an object with a distinct string `name` (containers, env, ports...). */
function elementNames(list: unknown[]): string[] | undefined {
    const names: string[] = [];
    for (const el of list) {
        if (!isObject(el) || typeof el.name !== "string") return undefined;
        names.push(el.name);
    }
    return new Set(names).size === names.length ? names : undefined;
}

function isScalar(v: unknown): boolean {
    return v === null || ["string", "number", "boolean"].includes(typeof v);
}

/** Paths below which every value is secret whatever it looks like: the payload of a Kubernetes Secret. */
function alwaysSecret(type: string, path: string): boolean {
    return type === "kubernetes:core/v1:Secret" && /^(data|stringData)([.[]|$)/.test(path);
}

function isMasked(v: unknown): boolean {
    return v === SECRET_MASK;
}

/**
 * Walks two input trees and collects leaf differences. A value that is secret on either side (masked, or under a
 * Secret's payload) is compared but reported only as `[secret]`, so a change list never carries a secret.
 */
function diffValues(type: string, path: string, a: unknown, b: unknown, out: FieldChange[]): void {
    if (isDeepStrictEqual(a, b)) return;
    const secret = isMasked(a) || isMasked(b) || alwaysSecret(type, path);
    const leaf = (kind: FieldChange["kind"]): void => {
        const change: FieldChange = { scope: "input", path, kind, secret };
        if (kind !== "added") change.before = secret ? SECRET_MASK : a;
        if (kind !== "removed") change.after = secret ? SECRET_MASK : b;
        out.push(change);
    };
    if (a === undefined) return leaf("added");
    if (b === undefined) return leaf("removed");
    if (isMasked(a) || isMasked(b)) return leaf("changed");
    if (isObject(a) && isObject(b)) {
        const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
        for (const k of keys) diffValues(type, keyPath(path, k), a[k], b[k], out);
        return;
    }
    if (Array.isArray(a) && Array.isArray(b)) {
        if (a.every(isScalar) && b.every(isScalar)) return leaf("changed");
        const na = elementNames(a);
        const nb = elementNames(b);
        if (na && nb) {
            const before = new Map(na.map((n, i) => [n, a[i]]));
            const after = new Map(nb.map((n, i) => [n, b[i]]));
            // Head order, then what the head no longer has.
            const names = [...nb, ...na.filter((n) => !after.has(n))];
            const start = out.length;
            for (const n of names) diffValues(type, `${path}[name=${n}]`, before.get(n), after.get(n), out);
            const common = (list: string[], other: Map<string, unknown>): string[] =>
                list.filter((n) => other.has(n));
            if (out.length === start && !isDeepStrictEqual(common(na, after), common(nb, before))) {
                out.push({
                    scope: "input",
                    path,
                    kind: "changed",
                    before: na,
                    after: nb,
                    secret: false,
                    reordered: true,
                });
            }
            return;
        }
        for (let i = 0; i < Math.max(a.length, b.length); i++)
            diffValues(type, `${path}[${i}]`, a[i], b[i], out);
        return;
    }
    leaf("changed");
}

const OPTIONS = ["protect", "retainOnDelete", "ignoreChanges", "provider"] as const;

/** Field changes of one resource present in both plans: inputs first, then resource options. */
export function diffResource(base: PlanResource, head: PlanResource): FieldChange[] {
    const fields: FieldChange[] = [];
    diffValues(head.type, "", base.inputs, head.inputs, fields);
    for (const option of OPTIONS) {
        const a = base[option];
        const b = head[option];
        if (!isDeepStrictEqual(a, b))
            fields.push({
                scope: "option",
                path: option,
                kind: "changed",
                before: a,
                after: b,
                secret: false,
            });
    }
    return fields;
}

/** `namespace/name` (or `name`) of a Kubernetes object's inputs. */
export function objectName(resource: PlanResource): string | undefined {
    if (!resource.type.startsWith("kubernetes:")) return undefined;
    const meta = resource.inputs.metadata;
    if (!isObject(meta) || typeof meta.name !== "string") return undefined;
    return typeof meta.namespace === "string" ? `${meta.namespace}/${meta.name}` : meta.name;
}

/** The runbook steps a resource belongs to (tools/conformance/match.ts stepsTouching), or none. */
export type StepsOf = (resource: PlanResource) => string[];

function change(
    kind: ResourceChange["kind"],
    r: PlanResource,
    stepsOf: StepsOf,
    fields: FieldChange[] = [],
): ResourceChange {
    const object = objectName(r);
    const steps = stepsOf(r);
    return {
        kind,
        urn: r.urn,
        system: r.system,
        type: r.type,
        name: r.name,
        kindLabel: kindLabel(r.type),
        ...(object ? { object } : {}),
        fields,
        ...(steps.length > 0 ? { steps } : {}),
    };
}

/** Orders systems for reading: the program's own resources (providers) first, then systems alphabetically. */
function systemRank(system: string): string {
    return system === "program" ? "" : system;
}

/**
 * Compares two plans resource by resource (matched by URN). Pure: two plans in, a structured change list out, each
 * change with the runbook steps `stepsOf` says its resource (the base's, when removed) belongs to.
 */
export function diffPlans(
    base: readonly PlanResource[],
    head: readonly PlanResource[],
    stepsOf: StepsOf = () => [],
): PlanDiff {
    const before = new Map(base.map((r) => [r.urn, r]));
    const after = new Map(head.map((r) => [r.urn, r]));
    const changes: ResourceChange[] = [];
    let unchanged = 0;
    for (const r of head) {
        const old = before.get(r.urn);
        if (!old) {
            changes.push(change("add", r, stepsOf));
            continue;
        }
        const fields = diffResource(old, r);
        if (fields.length > 0) changes.push(change("change", r, stepsOf, fields));
        else unchanged++;
    }
    for (const r of base) {
        if (!after.has(r.urn)) changes.push(change("remove", r, stepsOf));
    }
    changes.sort(
        (x, y) =>
            systemRank(x.system).localeCompare(systemRank(y.system)) ||
            x.name.localeCompare(y.name) ||
            x.type.localeCompare(y.type),
    );
    const count = (kind: ResourceChange["kind"]): number => changes.filter((c) => c.kind === kind).length;
    return {
        changes,
        counts: { add: count("add"), change: count("change"), remove: count("remove"), unchanged },
    };
}

/** True when the two plans differ in anything. */
export function hasChanges(diff: PlanDiff): boolean {
    return diff.changes.length > 0;
}
