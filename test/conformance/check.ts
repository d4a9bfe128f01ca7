import type { PlanResource } from "../../tools/plan/render";
import { headingAnchors } from "../oracles/docs/links";
import { noticesOfPlanFile } from "../../tools/plan/notices";
import {
    isKubernetesRef,
    parseRange,
    refMatches,
    stepLocation,
    stepStacks,
    valueOn,
} from "../../tools/conformance/match";
import {
    LineRange,
    PlanObjectRef,
    Procedure,
    RunbookTable,
    STACKS,
    Stack,
    Step,
} from "../../tools/conformance/schema";
import { operationalLines } from "./operational";

/** `Deployment packit-prod/packit-service`, or `openstack:compute/instance:Instance hub`, on `stack`. */
export function describeRef(ref: PlanObjectRef, stack: string): string {
    if (isKubernetesRef(ref)) {
        const ns = valueOn(ref.namespace, stack);
        return `${ref.kind} ${ns ? `${ns}/` : ""}${valueOn(ref.name, stack) ?? "?"}`;
    }
    return `${ref.type} ${valueOn(ref.name, stack) ?? "?"}`;
}

/** What a committed stack's plan shows the checks: its resources and the notices it prints. */
export interface StackPlanView {
    resources: readonly PlanResource[];
    /** `<system>: <text>` lines the plan prints for an operator to read before `pulumi up` (Plan.notices). */
    notices: readonly string[];
}

/** What the checks read besides the table: the runbook's text, the committed stacks' plans, the repository. */
export interface ConformanceInputs {
    runbookText: string;
    plans: Record<Stack, StackPlanView>;
    /** The text of a repository file, or undefined when there is none. */
    readFile(relative: string): string | undefined;
    /** Why the program does not read a configuration key, or undefined when it does (configKeys.ts). */
    unreadKeyReason(key: string): string | undefined;
}

/** Whether the plan has the object `ref` names on `stack`. */
function planHas(plan: readonly PlanResource[], ref: PlanObjectRef, stack: string): boolean {
    return plan.some((r) => refMatches(r, ref, stack));
}

/** The notices of a plan's `notices.txt`: every line under its kinds' headers. */
export function noticesOfFile(text: string | undefined): string[] {
    return noticesOfPlanFile(text ?? "").map((n) => n.line);
}

/** Whether `start` begins a notice, with or without the `<system>: ` the plan puts before its text. */
export function noticeStarts(notices: readonly string[], start: string): boolean {
    return (
        start.trim() !== "" &&
        notices.some((n) => n.startsWith(start) || n.slice(n.indexOf(": ") + 2).startsWith(start))
    );
}

/**
 * Every problem of a table, each starting with `<runbook>:<line> "<what the line says>"` so an operator finds the
 * runbook step: lines nobody classified, operational lines filed as context, quotes that no longer match, objects,
 * tests, configuration keys, docs headings and notices that are gone.
 */
export function conformanceProblems(table: RunbookTable, inputs: ConformanceInputs): string[] {
    const problems: string[] = [];
    const lines = inputs.runbookText.split("\n");
    const at = (n: number): string => `${table.runbook}:${n} "${(lines[n - 1] ?? "").trim()}"`;
    const owner = new Map<number, string>();
    const claim = (range: LineRange, where: string, what: string): void => {
        const { from, to } = parseRange(range);
        if (!(
            Number.isInteger(from) &&
            Number.isInteger(to) &&
            from >= 1 &&
            to >= from &&
            to <= lines.length
        )) {
            problems.push(`${where}: lines ${range} are not within 1-${lines.length}`);
            return;
        }
        for (let n = from; n <= to; n++) {
            const other = owner.get(n);
            if (other) problems.push(`${at(n)}: is in both ${other} and ${what}`);
            else owner.set(n, what);
        }
    };
    for (const step of table.steps) {
        const where = stepLocation(table, step);
        claim(step.lines, where, `step ${step.lines}`);
        const from = parseRange(step.lines).from;
        const first = lines[from - 1] ?? "";
        if (!step.says || !first.includes(step.says))
            problems.push(`${where}: line ${from} does not say that (it says "${first.trim()}")`);
        problems.push(...replacementProblems(step, where, inputs));
    }
    const contextLines = new Map<number, string>();
    for (const context of table.context) {
        const where = `${at(parseRange(context.lines).from)} (context ${context.lines}, ${context.why})`;
        claim(context.lines, where, `context ${context.lines}`);
        const { from, to } = parseRange(context.lines);
        for (let n = from; n <= to; n++) contextLines.set(n, `context ${context.lines} (${context.why})`);
    }
    const operational = operationalLines(inputs.runbookText);
    lines.forEach((text, i) => {
        const n = i + 1;
        const form = operational.get(n);
        if (text.trim() !== "" && !owner.has(n))
            problems.push(`${at(n)}: is neither a step nor context${form ? ` (it is ${form}: a step)` : ""}`);
        else if (form && owner.get(n)?.startsWith("context"))
            problems.push(`${at(n)}: is ${form}, so it is a step, not ${contextLines.get(n)}`);
    });
    return problems;
}

function procedureProblems(
    procedure: Procedure,
    step: Step,
    where: string,
    inputs: ConformanceInputs,
): string[] {
    if ("doc" in procedure) {
        const [file, anchor] = procedure.doc.split("#", 2);
        if (!/^docs\/[^#]+\.md$/.test(file) || file.split("/").includes(".."))
            return [`${where}: the procedure ${procedure.doc} is not a page under docs/`];
        const text = inputs.readFile(file);
        if (text === undefined) return [`${where}: the procedure's page ${file} does not exist`];
        if (!anchor) return [`${where}: the procedure ${procedure.doc} names no heading (${file}#<heading>)`];
        const found = headingAnchors(text);
        return found.has(anchor)
            ? []
            : [
                  `${where}: ${file} has no heading #${anchor} (it has: ${[...found].map((a) => `#${a}`).join(", ")})`,
              ];
    }
    return stepStacks(step)
        .filter((stack) => !noticeStarts(inputs.plans[stack].notices, procedure.notice))
        .map((stack) => `${where}: the ${stack} plan prints no notice starting "${procedure.notice}"`);
}

function replacementProblems(step: Step, where: string, inputs: ConformanceInputs): string[] {
    const problems: string[] = [];
    const replaced = step.replaced;
    if (step.stacks && (step.stacks.length === 0 || step.stacks.some((s) => !STACKS.includes(s))))
        problems.push(
            `${where}: stacks must be some of ${STACKS.join(", ")} (it is [${step.stacks.join(", ")}])`,
        );
    if (replaced.by === "objects") {
        if (replaced.objects.length === 0) problems.push(`${where}: replaced by objects, but names none`);
        for (const stack of stepStacks(step))
            for (const ref of replaced.objects)
                // An object named for some stacks only (`name: { prod: … }`) is one the others do not run.
                if (
                    valueOn(ref.name, stack) !== undefined &&
                    !planHas(inputs.plans[stack]?.resources ?? [], ref, stack)
                )
                    problems.push(`${where}: the ${stack} plan has no ${describeRef(ref, stack)}`);
        for (const key of replaced.config ?? []) {
            const why = inputs.unreadKeyReason(key);
            if (why) problems.push(`${where}: the program reads no configuration key ${key} (${why})`);
        }
    }
    if (replaced.by === "manual")
        problems.push(...procedureProblems(replaced.procedure, step, where, inputs));
    if (replaced.by !== "dropped") {
        const tests = replaced.tests ?? [];
        if (replaced.by === "objects" && tests.length === 0) problems.push(`${where}: no test guards it`);
        for (const test of tests) {
            const text = inputs.readFile(test.file);
            if (text === undefined) problems.push(`${where}: the test file ${test.file} does not exist`);
            else if (!test.title || !text.includes(test.title))
                problems.push(`${where}: ${test.file} has no test titled "${test.title}"`);
        }
    }
    if (replaced.by !== "objects" && replaced.reason.trim() === "")
        problems.push(`${where}: ${replaced.by} without a reason`);
    return problems;
}

/** The runbook files with no facts file or more than one, and facts of runbooks that do not exist. */
export function tableCoverageProblems(
    runbooks: readonly string[],
    tables: readonly RunbookTable[],
): string[] {
    const problems: string[] = [];
    for (const runbook of runbooks) {
        const count = tables.filter((t) => t.runbook === runbook).length;
        if (count !== 1)
            problems.push(
                `${runbook}: has ${count} tables in facts/runbooks/ (each runbook has exactly one)`,
            );
    }
    for (const table of tables)
        if (!runbooks.includes(table.runbook))
            problems.push(
                `${table.runbook}: the ${table.system} table's runbook is not in test/conformance/runbooks/`,
            );
    return problems;
}
