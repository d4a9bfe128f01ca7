import type { PlanResource } from "../plan/render";
import { KubernetesObjectRef, PerStack, PlanObjectRef, RunbookTable, STACKS, Stack, Step } from "./schema";

/** The value of `value` on `stack`: a plain value holds on every stack, a per-stack one only where it is given. */
export function valueOn<T>(value: PerStack<T> | undefined, stack: string): T | undefined {
    if (value === undefined) return undefined;
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
        const perStack = value as Partial<Record<string, T>>;
        if (STACKS.some((s) => s in perStack)) return perStack[stack];
    }
    return value as T;
}

export function isKubernetesRef(ref: PlanObjectRef): ref is KubernetesObjectRef {
    return "kind" in ref;
}

function metadataOf(r: PlanResource): { name?: unknown; namespace?: unknown } {
    return (r.inputs.metadata ?? {}) as { name?: unknown; namespace?: unknown };
}

/**
 * Whether the plan resource `r` of `stack` is the object `ref` names: a Kubernetes object by kind, namespace and
 * name (cluster-scoped ones have no namespace), anything else by its Pulumi type token and resource name. The one
 * matching rule of the conformance check, the generated pages, drift and the pull-request plan diff.
 */
export function refMatches(r: PlanResource, ref: PlanObjectRef, stack: string): boolean {
    const name = valueOn(ref.name, stack);
    if (name === undefined) return false;
    if (isKubernetesRef(ref)) {
        if (!r.type.startsWith("kubernetes:") || r.type.split(":").pop() !== ref.kind) return false;
        const meta = metadataOf(r);
        return meta.name === name && (meta.namespace ?? undefined) === valueOn(ref.namespace, stack);
    }
    return r.type === ref.type && r.name === name;
}

/** Lines of the runbook, 1-based and inclusive. */
export function parseRange(range: string): { from: number; to: number } {
    const [from, to = from] = range.split("-").map(Number);
    return { from, to };
}

/** `<runbook>:<line> "<says>"`: where a step is, as the operator finds it in the runbook. */
export function stepLocation(
    table: Pick<RunbookTable, "runbook">,
    step: Pick<Step, "lines" | "says">,
): string {
    return `${table.runbook}:${parseRange(step.lines).from} "${step.says}"`;
}

/** The stacks a step applies to (every committed one unless it names some). */
export function stepStacks(step: Pick<Step, "stacks">): readonly Stack[] {
    return step.stacks ?? STACKS;
}

/**
 * The steps (as {@link stepLocation}) whose objects include `r` on `stack`: what a change to `r` touches in the
 * runbooks. A step that does not apply to a committed `stack` touches nothing there.
 */
export function stepsTouching(tables: readonly RunbookTable[], r: PlanResource, stack: string): string[] {
    const touched: string[] = [];
    for (const table of tables)
        for (const step of table.steps) {
            if (step.replaced.by !== "objects") continue;
            if (STACKS.includes(stack as Stack) && !stepStacks(step).includes(stack as Stack)) continue;
            if (step.replaced.objects.some((ref) => refMatches(r, ref, stack)))
                touched.push(stepLocation(table, step));
        }
    return touched;
}
