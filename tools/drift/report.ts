import { DriftedField, ObjectDrift } from "./analyse";
import { DependentReplace } from "./dependents";
import { describeObject } from "./state";
import { UnmanagedObject } from "./unmanaged";

/** What drift found on one stack. */
export interface DriftReport {
    stack: string;
    /** Managed objects checked, per cluster. */
    checked: Record<string, number>;
    drifted: (ObjectDrift & { steps: string[] })[];
    /**
     * Objects nobody changed that the next `up --refresh` replaces all the same: each reads an object replaced
     * before it (a drifted one, or another dependent), which is deleted first.
     */
    dependents: (DependentReplace & { cluster: string; object: string; system: string; reads: string[] })[];
    /** Objects the state records that the cluster no longer has. */
    missing: { cluster: string; object: string; system: string }[];
    unmanaged: (UnmanagedObject & { cluster: string })[];
    /** Kinds of an owned namespace the credentials may not list: objects made by hand there are not seen. */
    unlisted: { cluster: string; namespace: string; kind: string; reason: string }[];
    /** Clusters that could not be read, and why: drift there is unknown. */
    unreachable: { cluster: string; reason: string }[];
}

/** 0: no drift; 2: drift (a change by hand, a missing object, an object the program does not manage); 1: unknown. */
export function exitCode(r: DriftReport): number {
    if (r.unreachable.length > 0) return 1;
    return r.drifted.length > 0 || r.missing.length > 0 || r.unmanaged.length > 0 ? 2 : 0;
}

const STATE_TEXT: Record<DriftedField["state"], string> = {
    added: "added outside the program: pulumi up leaves it in place (see docs/operate/deploy.md#drift to remove it)",
    // A plain up compares the program with the state, not the cluster: only an up that refreshes first sees the edit.
    changed:
        "the program sets another value: pulumi up --refresh sets the program's value back (forced: docs/operate/deploy.md#drift)",
    same: "the program sets the same value: no change, but it is co-owned",
    secret: "a secret value the program sets (not compared): pulumi up --refresh sets the program's value back",
};

function fieldLine(f: DriftedField): string {
    const what = f.replace
        ? `the program sets another value: pulumi up --refresh REPLACES the object (delete, then create), because ${f.replace}`
        : STATE_TEXT[f.state];
    return `      ${f.path}${f.whole ? " (whole item)" : ""}: ${what}`;
}

/** The report as text: one block per drifted object, then the objects the program does not manage. */
export function renderReport(r: DriftReport): string {
    const lines: string[] = [];
    const total = Object.values(r.checked).reduce((a, b) => a + b, 0);
    for (const u of r.unreachable)
        lines.push(`cluster ${u.cluster}: NOT CHECKED, drift unknown: ${u.reason}`);
    for (const d of r.drifted) {
        const o = d.object;
        lines.push(
            `${describeObject(o)} on cluster ${o.cluster}: changed outside the program`,
            `  system ${o.system}; runbook step: ${d.steps.length > 0 ? d.steps.join("; ") : "none names it"}`,
        );
        for (const c of d.changes) {
            lines.push(
                `  by ${c.manager} (${c.operation}${c.subresource ? ` of /${c.subresource}` : ""}${c.time ? ` at ${c.time}` : ""}):`,
            );
            for (const f of c.fields) lines.push(fieldLine(f));
        }
    }
    for (const d of r.dependents) {
        lines.push(
            `${d.object} on cluster ${d.cluster} (system ${d.system}): nobody changed it, but pulumi up --refresh REPLACES it too (delete, then create): it reads ${d.reads.join(", ")}, replaced before it`,
        );
        for (const k of d.keys) lines.push(`      ${k.key}: ${k.why}`);
    }
    for (const m of r.missing)
        lines.push(
            `${m.object} on cluster ${m.cluster} (system ${m.system}): in the state, gone from the cluster: pulumi up creates it again`,
        );
    if (r.unmanaged.length > 0) {
        lines.push(
            "Objects in namespaces this stack owns that the program does not manage (made by hand or by a tool):",
        );
        for (const u of r.unmanaged)
            lines.push(
                `  ${describeObject(u)} on cluster ${u.cluster}${u.created ? `, created ${u.created}` : ""}` +
                    ` by ${u.managers.join(", ") || "an unknown manager"}${u.owns > 0 ? ` (and ${u.owns} objects it owns)` : ""}`,
            );
    }
    for (const u of r.unlisted)
        lines.push(
            `not listed: ${u.kind} in ${u.namespace} on cluster ${u.cluster} (${u.reason}): objects made by hand there are not seen`,
        );
    const summary =
        `drift of stack ${r.stack}: ${r.drifted.length} of ${total} managed objects changed outside the program, ` +
        `${r.dependents.length} more replaced with them, ${r.missing.length} missing, ` +
        `${r.unmanaged.length} unmanaged objects in owned namespaces` +
        (r.unreachable.length > 0 ? `; ${r.unreachable.length} clusters NOT CHECKED` : "");
    return [...lines, summary].join("\n");
}
