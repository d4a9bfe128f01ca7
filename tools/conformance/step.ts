/**
 * The conformance table: for every line of a team's runbook, what this program does instead. A runbook line is either
 * a {@link Step} (it has an operational effect: a command, a value, a schedule, a secret, an order, a check) or
 * {@link Context} (prose, headings, links, screenshots). Every non-blank line of the runbook belongs to exactly one of
 * them, so a line nobody classified fails the conformance test instead of falling out of the table unseen.
 */

/** The committed stacks a step is proved against. */
export type Stack = "stage" | "prod";
export const STACKS: readonly Stack[] = ["stage", "prod"];

/** Lines of the runbook, 1-based and inclusive: `"12"` or `"12-18"`. */
export type LineRange = `${number}` | `${number}-${number}`;

/** A value that may differ per stack (a namespace is `packit-prod` on prod and `packit-stg` on stage). */
export type PerStack<T> = T | Partial<Record<Stack, T>>;

/** A Kubernetes object of the plan, matched by kind, namespace and name (cluster-scoped objects have no namespace). */
export interface KubernetesObjectRef {
    kind: string;
    namespace?: PerStack<string>;
    name: PerStack<string>;
}

/** A non-Kubernetes resource of the plan (OpenStack, commands, random), matched by its Pulumi type token and name. */
export interface ResourceRef {
    type: string;
    name: PerStack<string>;
}

export type PlanObjectRef = KubernetesObjectRef | ResourceRef;

/** A test that guards the step: the file (from the repository root) and a substring of its `it(...)` title. */
export interface TestRef {
    file: string;
    title: string;
}

/** A {@link TestRef}: every table names its guarding tests this one way, file first. */
export const testRef = (file: string, title: string): TestRef => ({ file, title });

/** The {@link testRef} of one system's test folder, by the file's stem: `test/<dir>/<stem>.test.ts`. */
export const testsIn =
    (dir: string) =>
    (stem: string, title: string): TestRef =>
        testRef(`test/${dir}/${stem}.test.ts`, title);

/**
 * Where an operator reads the manual procedure of a step the program does not do: a docs page with its heading
 * (`docs/operate/first-deploy.md#restore-a-backup`), or a notice the program prints (its text's start).
 */
export type Procedure = { doc: string } | { notice: string };

/** The step becomes objects of the plan. */
export interface ReplacedByObjects {
    by: "objects";
    objects: PlanObjectRef[];
    /** Full configuration keys the objects are built from (`packit.instances.prod.host`). */
    config?: string[];
    /** What the runbook step makes that no object replaces, and why (a Secret no process opens). */
    notMade?: string;
    tests: TestRef[];
}

/** The program does not do the step: an operator does, by a written procedure, for the written reason. */
export interface ManualStep {
    by: "manual";
    reason: string;
    procedure: Procedure;
    tests?: TestRef[];
}

/** The step is intentionally not carried over (gopass, a superseded workaround), and why. */
export interface DroppedStep {
    by: "dropped";
    reason: string;
}

export type Replacement = ReplacedByObjects | ManualStep | DroppedStep;

/** A runbook line (or block) with an operational effect, and what replaces it. */
export interface Step {
    lines: LineRange;
    /** A verbatim substring of the first line of the range: a runbook edit that moves lines fails the test. */
    says: string;
    /** One line: the step in the operator's words ("create the packit-secrets Secret"). */
    step: string;
    /** The stacks the step applies to (default: both). */
    stacks?: Stack[];
    replaced: Replacement;
}

/**
 * A step as a table writes it: the runbook line and what replaces it side by side (`by` after `step`), one level
 * shallower than {@link Step}, which the checks and the generated pages read.
 */
export type StepEntry = Omit<Step, "replaced"> & Replacement;

/** A table's steps from its entries, in their order: each entry's replacement fields become its `replaced`. */
function stepsOf(entries: StepEntry[]): Step[] {
    return entries.map(({ lines, says, step, stacks, ...replaced }) => ({
        lines,
        says,
        step,
        ...(stacks && { stacks }),
        replaced: replaced as Replacement,
    }));
}

/** Entries of consecutive runbook lines that one replacement covers alike (each of certbot's manual steps). */
export function replacedAlike(replaced: Replacement, steps: Omit<Step, "replaced">[]): StepEntry[] {
    return steps.map((step) => ({ ...step, ...replaced }));
}

/** Runbook lines without an operational effect. */
export interface Context {
    lines: LineRange;
    /** Why the lines have no effect: "heading", "prose", "screenshot", "link list", … */
    why: string;
}

/**
 * A table's context from its reasons: each reason (`"heading"`) with every range it covers, so a reason that recurs
 * is written once. The entries come out in runbook order, as the checks and the generated pages list them.
 */
function contextOf(ranges: Record<string, LineRange[]>): Context[] {
    return Object.entries(ranges)
        .flatMap(([why, all]) => all.map((lines) => ({ lines, why })))
        .sort((a, b) => Number.parseInt(a.lines, 10) - Number.parseInt(b.lines, 10));
}

/** The table of one runbook. */
export interface RunbookTable {
    /** The system as `components/systems.ts` names it. */
    system: string;
    /** The runbook's file under `tools/conformance/runbooks/`. */
    runbook: string;
    steps: Step[];
    context: Context[];
}

/**
 * The table of one runbook as its file writes it: each step beside its replacement ({@link StepEntry}), and the
 * context by reason, each reason written once with every range it covers (`heading: ["1", "5"]`).
 */
export function runbookTable(table: {
    system: string;
    runbook: string;
    steps: StepEntry[];
    context: Record<string, LineRange[]>;
}): RunbookTable {
    return { ...table, steps: stepsOf(table.steps), context: contextOf(table.context) };
}
