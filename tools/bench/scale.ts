import { readFileSync, writeFileSync } from "fs";
import * as path from "path";
import { ConfigError } from "../../components/config/problems";
import { BenchError } from "./measure";
import { checkSize } from "../plan/size";
import { parseStackText, readStackFile, stackFilePath } from "../plan/stackfile";

// (c) of `npm run bench`: the stage stack with its DIALS workspaces repeated, each multiple written as a stack of its
// own. A multiple is a real stack the plan must accept, so which multiples exist is decided by the plan's own size
// rule (tools/plan/size.ts), read here, never by a number written down when stage was smaller.
//
// Ownership: a bench stack is planned alone in a scratch directory. Only the committed stacks (COMMITTED_STACKS in
// components/config/identity.ts) take part in the ownership model, so a bench stack neither grants nor is refused
// anything another stack holds; within itself it is stage's grants and claims, which stage's own plan proves.

/** The stack the scale part multiplies. */
export const SCALED_STACK = "stage";

/** A DIALS workspace as the stack file writes it: `name` is what tells copies apart. */
interface Workspace {
    name: string;
    [key: string]: unknown;
}

function workspacesOf(values: Record<string, unknown>): Workspace[] {
    const dials = values.dials as { workspaces?: Workspace[] } | undefined;
    const list = dials?.workspaces;
    if (!Array.isArray(list) || list.length === 0)
        throw new BenchError(`Pulumi.${SCALED_STACK}.yaml has no runbooks:dials.workspaces to multiply`);
    return list;
}

/**
 * `factor` copies of the workspaces: the first keeps stage's names, copy `i` appends `-x<i>` to each. Stage's names
 * carry no `-x<digits>` ending (a bench of such a stack is refused: its copies could repeat a name), so no two names
 * are the same.
 */
export function scaleWorkspaces(base: readonly Workspace[], factor: number): Workspace[] {
    const copied = base.find((w) => /-x\d+$/.test(w.name));
    if (copied) {
        throw new BenchError(
            `workspace "${copied.name}" of Pulumi.${SCALED_STACK}.yaml ends like a bench copy (-x<n>): its copies could repeat a name`,
        );
    }
    return Array.from({ length: factor }, (_, i) =>
        base.map((w) => ({ ...w, name: i === 0 ? w.name : `${w.name}-x${i}` })),
    ).flat();
}

/** The stack file's values with the workspaces multiplied, as the plan reads them. */
function scaledValues(values: Record<string, unknown>, factor: number): Record<string, unknown> {
    const dials = values.dials as Record<string, unknown>;
    return { ...values, dials: { ...dials, workspaces: scaleWorkspaces(workspacesOf(values), factor) } };
}

/** Why the plan refuses stage at `factor` times its workspaces (its size rule's message), or undefined. */
export function scaleProblem(values: Record<string, unknown>, factor: number): string | undefined {
    try {
        checkSize(`bench-x${factor}`, scaledValues(values, factor));
        return undefined;
    } catch (err) {
        if (err instanceof ConfigError) return err.problems.map((p) => p.message).join("; ");
        throw err;
    }
}

/** The largest multiple of stage's workspaces the plan accepts (0 when stage alone is over the limit). */
export function largestScale(values: Record<string, unknown>): number {
    let factor = 0;
    while (scaleProblem(values, factor + 1) === undefined) factor++;
    return factor;
}

/** The configuration values of the stack the scale part multiplies, from the checkout in `root`. */
export function scaledStackValues(root: string): Record<string, unknown> {
    return readStackFile(SCALED_STACK, root).values;
}

/**
 * Writes `Pulumi.bench-x<factor>.yaml` into `dir`: stage's file (comments and all) with its workspaces multiplied.
 * Returns the stack's name.
 */
export function writeScaledStack(root: string, dir: string, factor: number): string {
    const stack = `bench-x${factor}`;
    const { doc } = parseStackText(readFileSync(stackFilePath(SCALED_STACK, root), "utf8"));
    const key = ["config", "runbooks:dials", "workspaces"];
    const base = (doc.getIn(key) as { toJSON(): Workspace[] }).toJSON();
    doc.setIn(key, doc.createNode(scaleWorkspaces(base, factor), { flow: true }));
    writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), doc.toString());
    return stack;
}
