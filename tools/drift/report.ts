import { DriftedField, ObjectDrift } from "./analyse";
import { Dependent } from "./dependents";
import { Conflict } from "./engine";
import { describeObject } from "./state";
import { UnmanagedObject } from "./unmanaged";

/** What the engine's preview plans for an object on the next `pulumi up --refresh`. */
export interface NextStep {
    op: string;
    /** The property paths the engine's diff names. */
    paths: string[];
    /** Errors the engine's preview printed for it (an apply conflict). */
    errors: string[];
}

/** What drift found on one stack. */
export interface DriftReport {
    stack: string;
    /** Managed objects checked, per cluster. */
    checked: Record<string, number>;
    /** Objects with fields other managers wrote, each with what the engine does to it next. */
    drifted: (ObjectDrift & { steps: string[]; next?: NextStep; dependents?: Dependent[] })[];
    /**
     * Resources no other manager wrote that the engine's preview of the refreshed stack changes all the same: a
     * field removed by hand or written under the program's own manager name (neither leaves a managedFields entry of
     * its own), or a resource replaced with one it reads.
     */
    restored: ({
        cluster?: string;
        urn: string;
        object: string;
        system?: string;
        dependents?: Dependent[];
    } & NextStep)[];
    /** Objects the state records that the cluster no longer has, and the program's workloads that read them. */
    missing: { cluster: string; object: string; system: string; dependents?: Dependent[] }[];
    unmanaged: (UnmanagedObject & { cluster: string })[];
    /** Kinds of an owned namespace the credentials may not list: objects made by hand there are not seen. */
    unlisted: { cluster: string; namespace: string; kind: string; reason: string }[];
    /** Clusters that could not be read, and why: drift there is unknown. */
    unreachable: { cluster: string; reason: string }[];
    /** Per object with fields others added: the dry-run-proved command that removes them, or why there is none. */
    removals: { cluster: string; object: string; command?: string; refused?: string }[];
    /** The engine's preview did not complete, and no resource's error explains why: its verdicts are partial. */
    engineFailure?: string;
    /** The objects the engine's preview stopped on (an error of their own); the rest is read past them (./engine). */
    engineStoppedAt: string[];
    /** Per object the preview stopped on: the managers and fields an unforced apply conflicts with, and the errors. */
    conflicts: { cluster: string; object: string; conflicts: Conflict[]; errors: string[] }[];
}

/**
 * A field only co-owned at the program's value, or one the program leaves to others, is no drift: the object is as
 * the program declares it.
 */
export const differs = (d: ObjectDrift) =>
    d.changes.some((c) => c.fields.some((f) => f.state !== "same" && f.state !== "ignored"));

/** 0: no drift; 2: drift (a change by hand, a missing object, an object the program does not manage); 1: unknown. */
export function exitCode(r: DriftReport): number {
    if (r.unreachable.length > 0 || r.engineFailure !== undefined) return 1;
    return r.drifted.some(differs) || r.restored.length > 0 || r.missing.length > 0 || r.unmanaged.length > 0
        ? 2
        : 0;
}

const STATE_TEXT: Record<DriftedField["state"], string> = {
    added: "added outside the program: pulumi up leaves it in place (the procedure below removes it)",
    items: "items appended outside the program to a list it sets: pulumi up leaves them in place (the procedure below removes them)",
    // A plain up compares the program with the state, not the cluster: only an up that refreshes first sees the edit.
    changed: "the program declares another value: pulumi up --refresh sets the program's value back",
    same: "the program declares the same value: no change, but it is co-owned",
    secret: "a secret value the program sets (not compared): pulumi up --refresh sets the program's value back",
    ignored: "the program leaves it to others: no pulumi up changes it, no drift",
};

function fieldLine(f: DriftedField): string {
    const what = f.replace
        ? `the program declares another value: pulumi up --refresh REPLACES the object (delete, then create): ${f.replace}`
        : STATE_TEXT[f.state];
    const items = f.extra ? ` [hand-added items at ${f.extra.join(", ")}]` : "";
    const ignored = f.ignoredBy ? ` (ignoreChanges ${f.ignoredBy})` : "";
    return `      ${f.path}${f.whole ? " (whole item)" : ""}${items}: ${what}${ignored}`;
}

const nextLine = (n: NextStep) =>
    `  the engine's preview of the refreshed stack: ${n.op === "replace" ? "REPLACE (delete, then create)" : n.op}` +
    `${n.paths.length > 0 ? ` at ${n.paths.join(", ")}` : ""}` +
    (n.errors.length > 0 ? `; the preview stopped on it: ${n.errors.join(" / ")}` : "");

/**
 * The commands that restore the program's state, in the order they must run. Each changes what the next report
 * reads: the patches take off what no up removes; the up sets what the program declares, forced where another
 * manager holds a field the program sets (an unforced apply stops on that conflict, the preview too); a forced up is
 * followed by an unforced one, which puts the providers' patch-force switch (recorded in the state) back.
 */
export function procedure(r: DriftReport): string[] {
    const steps: string[] = [];
    for (const m of r.removals)
        steps.push(
            m.command
                ? `${m.command}    # takes off what others added to ${m.object} (dry-run accepted by the API server)`
                : `# ${m.object} on cluster ${m.cluster}: no command printed, ${m.refused}: remove the fields marked "added" above by hand`,
        );
    const contested =
        r.conflicts.some((c) => c.conflicts.length > 0) ||
        r.drifted.some((d) =>
            d.changes.some((c) => c.fields.some((f) => f.state === "changed" || f.state === "secret")),
        );
    const up =
        contested ||
        r.drifted.some((d) => d.next) ||
        r.restored.length > 0 ||
        r.missing.length > 0 ||
        r.engineStoppedAt.length > 0;
    if (!up) return steps;
    // A stop that is neither a conflict nor taken off by a patch above: the up applies everything else past it.
    const patched = new Set(r.removals.filter((m) => m.command).map((m) => m.object));
    const unexplained = r.conflicts.some((c) => c.conflicts.length === 0 && !patched.has(c.object));
    const flags = `--refresh${unexplained ? " --continue-on-error" : ""} --stack ${r.stack}`;
    if (!contested) {
        steps.push(
            `pulumi up ${flags}    # sets what the program declares; then npm run drift -- --stack ${r.stack} again`,
        );
        return steps;
    }
    const holders = [
        ...new Set([
            ...r.conflicts.flatMap((c) => c.conflicts.map((x) => x.manager)),
            ...r.drifted.flatMap((d) =>
                d.changes.filter((c) => c.fields.some((f) => f.state === "changed")).map((c) => c.manager),
            ),
        ]),
    ];
    steps.push(
        `PULUMI_K8S_ENABLE_PATCH_FORCE=true pulumi up ${flags}    # takes back the fields ${holders.join(", ") || "others"} hold (forced: an unforced apply stops on the conflict)`,
        `pulumi up --refresh --stack ${r.stack}    # unforced: puts the providers' patch-force switch back; then npm run drift -- --stack ${r.stack} again`,
    );
    return steps;
}

const dependentLines = (ds: readonly { workload: string; reads: string; effect: string }[] = []) =>
    ds.map((d) => `  read by ${d.workload} (${d.reads}): ${d.effect}, until the procedure runs`);

/** The report as text: one block per drifted object, then the objects the program does not manage. */
export function renderReport(r: DriftReport): string {
    const lines: string[] = [];
    const total = Object.values(r.checked).reduce((a, b) => a + b, 0);
    for (const u of r.unreachable)
        lines.push(`cluster ${u.cluster}: NOT CHECKED, drift unknown: ${u.reason}`);
    for (const d of r.drifted) {
        const o = d.object;
        lines.push(
            `${describeObject(o)} on cluster ${o.cluster}: ${differs(d) ? "changed outside the program" : "written outside the program only where it allows (no drift)"}`,
            `  system ${o.system}; runbook step: ${d.steps.length > 0 ? d.steps.join("; ") : "none names it"}`,
        );
        if (d.next) lines.push(nextLine(d.next));
        lines.push(...dependentLines(d.dependents));
        for (const c of d.changes) {
            lines.push(
                `  by ${c.manager} (${c.operation}${c.subresource ? ` of /${c.subresource}` : ""}${c.time ? ` at ${c.time}` : ""}):`,
            );
            for (const f of c.fields) lines.push(fieldLine(f));
        }
    }
    for (const d of r.restored) {
        lines.push(
            `${d.object}${d.cluster ? ` on cluster ${d.cluster}` : ""}${d.system ? ` (system ${d.system})` : ""}: no other manager wrote it, yet the engine changes it:` +
                " a field removed by hand or written under the program's own manager name, or it reads a replaced object",
            nextLine(d),
            ...dependentLines(d.dependents),
        );
    }
    for (const m of r.missing)
        lines.push(
            `${m.object} on cluster ${m.cluster} (system ${m.system}): in the state, gone from the cluster: pulumi up --refresh creates it again (a plain up trusts the state and does not)`,
            ...dependentLines(m.dependents),
        );
    for (const c of r.conflicts)
        lines.push(
            c.conflicts.length > 0
                ? `${c.object} on cluster ${c.cluster}: the engine's preview stops on it, a server-side-apply conflict with ` +
                      c.conflicts
                          .map((x) => `${x.manager} over ${x.fields.join(", ") || "its fields"}`)
                          .join("; ") +
                      ": the forced up below takes the program's fields back (every other object was read past it)"
                : `${c.object} on cluster ${c.cluster}: the engine's preview stops on it (${c.errors.join(" / ")}): ` +
                      (r.removals.some((m) => m.object === c.object && m.command)
                          ? "the patch below takes off what the API server refuses"
                          : "the up below applies everything else past it"),
        );
    if (r.unmanaged.length > 0) {
        lines.push(
            "Objects in namespaces this stack owns that the program does not manage (made by hand or by a tool):",
        );
        for (const u of r.unmanaged)
            lines.push(
                `  ${describeObject(u)} on cluster ${u.cluster}${u.created ? `, created ${u.created}` : ""}` +
                    ` by ${u.managers.join(", ") || "an unknown manager"}${u.owns > 0 ? ` (and ${u.owns} objects it owns)` : ""}` +
                    (u.grants ? `; SECURITY: it grants ${u.grants}` : ""),
            );
    }
    for (const u of r.unlisted)
        lines.push(
            `not listed: ${u.kind} in ${u.namespace} on cluster ${u.cluster} (${u.reason}): objects made by hand there are not seen`,
        );
    if (r.engineFailure)
        lines.push(`the engine's preview did not complete, its verdicts are partial: ${r.engineFailure}`);
    const steps = procedure(r);
    if (steps.length > 0)
        lines.push("To restore the program's state, run in order:", ...steps.map((c) => `  ${c}`));
    if (r.unmanaged.length > 0)
        lines.push(
            "Objects made outside the program are not removed by any of this: find who made each one; delete it (kubectl delete) only once nobody needs it.",
        );
    const summary =
        `drift of stack ${r.stack}: ${r.drifted.filter(differs).length} of ${total} managed objects changed outside the program, ` +
        `${r.restored.length} more changed by the next up, ${r.missing.length} missing, ` +
        `${r.unmanaged.length} unmanaged objects in owned namespaces` +
        (r.unreachable.length > 0 ? `; ${r.unreachable.length} clusters NOT CHECKED` : "");
    return [...lines, summary].join("\n");
}
