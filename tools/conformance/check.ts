import type { PlanResource } from "../plan/render";
import {
    KubernetesObjectRef,
    LineRange,
    PerStack,
    PlanObjectRef,
    RunbookTable,
    STACKS,
    Stack,
    Step,
} from "./step";

/** What the checks read besides the table: the runbook's text, the committed stacks' plans, the repository's files. */
export interface ConformanceInputs {
    runbookText: string;
    plans: Record<Stack, readonly PlanResource[]>;
    /** The text of a repository file, or undefined when there is none. */
    readFile(relative: string): string | undefined;
}

export function parseRange(range: LineRange): { from: number; to: number } {
    const [from, to = from] = range.split("-").map(Number);
    return { from, to };
}

function valueOn<T>(value: PerStack<T> | undefined, stack: Stack): T | undefined {
    if (value === undefined) return undefined;
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
        const perStack = value as Partial<Record<Stack, T>>;
        if (STACKS.some((s) => s in perStack)) return perStack[stack];
    }
    return value as T;
}

function isKubernetes(ref: PlanObjectRef): ref is KubernetesObjectRef {
    return "kind" in ref;
}

/** `Deployment packit-prod/packit-service`, or `openstack:compute/instance:Instance hub`, on `stack`. */
export function describeRef(ref: PlanObjectRef, stack: Stack): string {
    if (isKubernetes(ref)) {
        const ns = valueOn(ref.namespace, stack);
        return `${ref.kind} ${ns ? `${ns}/` : ""}${valueOn(ref.name, stack) ?? "?"}`;
    }
    return `${ref.type} ${valueOn(ref.name, stack) ?? "?"}`;
}

function metadataOf(r: PlanResource): { name?: unknown; namespace?: unknown } {
    return (r.inputs.metadata ?? {}) as { name?: unknown; namespace?: unknown };
}

/** Whether the plan has the object `ref` names on `stack`. */
export function planHas(plan: readonly PlanResource[], ref: PlanObjectRef, stack: Stack): boolean {
    const name = valueOn(ref.name, stack);
    if (name === undefined) return false;
    if (isKubernetes(ref)) {
        const namespace = valueOn(ref.namespace, stack);
        return plan.some((r) => {
            if (!r.type.startsWith("kubernetes:") || r.type.split(":").pop() !== ref.kind) return false;
            const meta = metadataOf(r);
            return meta.name === name && (meta.namespace ?? undefined) === namespace;
        });
    }
    return plan.some((r) => r.type === ref.type && r.name === name);
}

/** `<runbook>:<line> "<says>"`: where a problem of a step is, as the operator finds it in the runbook. */
export function stepLocation(table: RunbookTable, step: Pick<Step, "lines" | "says">): string {
    return `${table.runbook}:${parseRange(step.lines).from} "${step.says}"`;
}

/** Every problem of a table: lines nobody classified, quotes that no longer match, objects and tests that are gone. */
export function conformanceProblems(table: RunbookTable, inputs: ConformanceInputs): string[] {
    const problems: string[] = [];
    const lines = inputs.runbookText.split("\n");
    const owner = new Map<number, string>();
    const claim = (range: LineRange, what: string): void => {
        const { from, to } = parseRange(range);
        if (!(from >= 1 && to >= from && to <= lines.length)) {
            problems.push(`${table.runbook}: ${what} has lines ${range} outside 1-${lines.length}`);
            return;
        }
        for (let n = from; n <= to; n++) {
            const other = owner.get(n);
            if (other) problems.push(`${table.runbook}:${n} is in both ${other} and ${what}`);
            else owner.set(n, what);
        }
    };
    for (const step of table.steps) {
        const where = stepLocation(table, step);
        claim(step.lines, `step ${where}`);
        const first = lines[parseRange(step.lines).from - 1] ?? "";
        if (!step.says || !first.includes(step.says))
            problems.push(
                `${where}: line ${parseRange(step.lines).from} does not say that (it says "${first}")`,
            );
        problems.push(...replacementProblems(step, where, inputs));
    }
    for (const context of table.context) claim(context.lines, `context ${context.lines} (${context.why})`);
    lines.forEach((text, i) => {
        if (text.trim() !== "" && !owner.has(i + 1))
            problems.push(`${table.runbook}:${i + 1} is neither a step nor context: "${text.trim()}"`);
    });
    return problems;
}

function replacementProblems(step: Step, where: string, inputs: ConformanceInputs): string[] {
    const problems: string[] = [];
    const replaced = step.replaced;
    if (replaced.by === "objects") {
        if (replaced.objects.length === 0) problems.push(`${where}: replaced by objects, but names none`);
        for (const stack of step.stacks ?? STACKS)
            for (const ref of replaced.objects)
                if (!planHas(inputs.plans[stack], ref, stack))
                    problems.push(`${where}: the ${stack} plan has no ${describeRef(ref, stack)}`);
    }
    if (replaced.by !== "dropped") {
        const tests = replaced.tests ?? [];
        if (replaced.by === "objects" && tests.length === 0) problems.push(`${where}: no test guards it`);
        for (const test of tests) {
            const text = inputs.readFile(test.file);
            if (text === undefined) problems.push(`${where}: the test file ${test.file} does not exist`);
            else if (!text.includes(test.title))
                problems.push(`${where}: ${test.file} has no test titled "${test.title}"`);
        }
    }
    if (replaced.by !== "objects" && replaced.reason.trim() === "")
        problems.push(`${where}: ${replaced.by} without a reason`);
    return problems;
}
