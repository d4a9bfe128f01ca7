import { isDeepStrictEqual } from "node:util";
import { isObject, masked, type PathSegment, structuralChanges } from "../diff/structural";
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

/** `a.b`, `labels["app.kubernetes.io/name"]`, `containers[name=web]`, `rules[0]`. */
function pathText(path: PathSegment[]): string {
    return path
        .map((s, i) => {
            if ("key" in s) {
                if (!IDENTIFIER.test(s.key)) return `[${JSON.stringify(s.key)}]`;
                return i === 0 ? s.key : `.${s.key}`;
            }
            return "name" in s ? `[name=${s.name}]` : `[${s.index}]`;
        })
        .join("");
}

const OPTIONS = ["protect", "retainOnDelete", "ignoreChanges", "provider"] as const;

/** Field changes of one resource present in both plans: inputs first, then resource options. */
export function diffResource(base: PlanResource, head: PlanResource): FieldChange[] {
    const secretObject = head.type === "kubernetes:core/v1:Secret";
    const fields: FieldChange[] = structuralChanges(base.inputs, head.inputs).map((c) => {
        const { path, reordered, ...shown } = masked(c, secretObject);
        return { scope: "input", path: pathText(path), ...shown, ...(reordered ? { reordered } : {}) };
    });
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
    for (const r of base) if (!after.has(r.urn)) changes.push(change("remove", r, stepsOf));
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
