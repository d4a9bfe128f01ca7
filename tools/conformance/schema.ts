import { z } from "zod";

/**
 * The conformance table: for every line of a team's runbook, what this program does instead. A runbook line is either
 * a {@link Step} (it has an operational effect: a command, a value, a schedule, a secret, an order, a check) or
 * {@link Context} (prose, headings, links, screenshots). Every non-blank line of the runbook belongs to exactly one of
 * them, so a line nobody classified fails the conformance test instead of falling out of the table unseen.
 *
 * The tables are data (facts/runbooks/<runbook>.yaml, one {@link stepRow} per step), so this schema is the one
 * definition of a row: the loader refuses a row it does not accept, the checks and the generated pages read what it
 * makes of one.
 */

const STACK_NAMES = ["stage", "prod"] as const;
/** The committed stacks a step is proved against. */
export type Stack = (typeof STACK_NAMES)[number];
export const STACKS: readonly Stack[] = STACK_NAMES;

const text = z.string().min(1, "must not be empty");

/** Lines of the runbook, 1-based and inclusive: `"12"` or `"12-18"` (quoted in YAML: a bare 12 is a number). */
const lineRange = z
    .string()
    .regex(/^[1-9][0-9]*(-[1-9][0-9]*)?$/, 'must be a line ("12") or a range ("12-18")');
export type LineRange = z.infer<typeof lineRange>;

/** A value that may differ per stack (a namespace is `packit-prod` on prod and `packit-stg` on stage). */
export type PerStack<T> = T | Partial<Record<Stack, T>>;
const perStack = z.union([
    text,
    z
        .strictObject({ stage: text.optional(), prod: text.optional() })
        .refine((v) => v.stage !== undefined || v.prod !== undefined, "names no stack (stage, prod)"),
]);

/** A Kubernetes object of the plan, matched by kind, namespace and name (cluster-scoped objects have no namespace). */
const kubernetesObjectRef = z.strictObject({ kind: text, namespace: perStack.optional(), name: perStack });
export type KubernetesObjectRef = z.infer<typeof kubernetesObjectRef>;

/** A non-Kubernetes resource of the plan (OpenStack, commands, random), matched by its Pulumi type token and name. */
const resourceRef = z.strictObject({ type: text, name: perStack });
export type ResourceRef = z.infer<typeof resourceRef>;

export type PlanObjectRef = KubernetesObjectRef | ResourceRef;

/** A test that guards the step: the file (from the repository root) and a substring of its `it(...)` title. */
const testRef = z.strictObject({ file: text, title: text });

/**
 * Where an operator reads the manual procedure of a step the program does not do: a docs page with its heading
 * (`docs/operate/first-deploy.md#restore-a-backup`), or a notice the program prints (its text's start).
 */
const procedure = z.union([z.strictObject({ doc: text }), z.strictObject({ notice: text })]);
export type Procedure = z.infer<typeof procedure>;

/** The step becomes objects of the plan. */
const replacedByObjects = z.strictObject({
    by: z.literal("objects"),
    objects: z.array(z.union([kubernetesObjectRef, resourceRef])),
    /** Full configuration keys the objects are built from (`packit.instances.prod.host`). */
    config: z.array(text).optional(),
    /** What the runbook step makes that no object replaces, and why (a Secret no process opens). */
    notMade: text.optional(),
    tests: z.array(testRef),
});
export type ReplacedByObjects = z.infer<typeof replacedByObjects>;

/** The program does not do the step: an operator does, by a written procedure, for the written reason. */
const manualStep = z.strictObject({
    by: z.literal("manual"),
    reason: text,
    procedure,
    tests: z.array(testRef).optional(),
});
export type ManualStep = z.infer<typeof manualStep>;

/** The step is intentionally not carried over (gopass, a superseded workaround), and why. */
const droppedStep = z.strictObject({ by: z.literal("dropped"), reason: text });
export type DroppedStep = z.infer<typeof droppedStep>;

export type Replacement = ReplacedByObjects | ManualStep | DroppedStep;

const stepFields = {
    lines: lineRange,
    /** A verbatim substring of the first line of the range: a runbook edit that moves lines fails the test. */
    says: text,
    /** One line: the step in the operator's words ("create the packit-secrets Secret"). */
    step: text,
    /** The stacks the step applies to (default: both). */
    stacks: z.array(z.enum(STACK_NAMES)).min(1).optional(),
};

/** A runbook line (or block) with an operational effect, and what replaces it. */
export interface Step {
    lines: LineRange;
    says: string;
    step: string;
    stacks?: Stack[];
    replaced: Replacement;
}

/**
 * One row of a runbook's facts: the runbook line and what replaces it side by side (`by` beside `step`), read into a
 * {@link Step}, whose `replaced` the checks and the generated pages switch on.
 */
export const stepRow = z
    .discriminatedUnion("by", [
        replacedByObjects.extend(stepFields),
        manualStep.extend(stepFields),
        droppedStep.extend(stepFields),
    ])
    .transform(({ lines, says, step, stacks, ...replaced }): Step => ({
        lines,
        says,
        step,
        ...(stacks && { stacks }),
        replaced,
    }));

/** Runbook lines without an operational effect. */
export interface Context {
    lines: LineRange;
    /** Why the lines have no effect: "heading", "prose", "screenshot", "link list", … */
    why: string;
}

/** The table of one runbook. */
export interface RunbookTable {
    /** The system as `components/systems.ts` names it. */
    system: string;
    /** The runbook's file under `test/conformance/runbooks/`, named like the facts file (`000-thoth-station.txt`). */
    runbook: string;
    steps: Step[];
    context: Context[];
}

/**
 * A runbook's facts file: its system, its steps, and its context by reason, each reason written once with every range
 * it covers (`heading: ["1", "5"]`). The context comes out in runbook order, as the checks and the pages list it.
 */
export const runbookFacts = z.strictObject({
    system: text,
    steps: z.array(stepRow),
    context: z.record(text, z.array(lineRange)).transform((byWhy): Context[] =>
        Object.entries(byWhy)
            .flatMap(([why, all]) => all.map((lines) => ({ lines, why })))
            .sort((a, b) => Number.parseInt(a.lines, 10) - Number.parseInt(b.lines, 10)),
    ),
});
