import { spawnSync } from "child_process";
import { readFileSync } from "fs";
import * as path from "path";
import { DriftReport } from "../tools/drift/report";
import { FieldState } from "../tools/drift/analyse";
import { ROOT } from "./localStack";

// The hand edits an operator used to make (`oc set env`, `oc edit`, `oc create`), each with what `npm run drift`
// must report for it and the command docs/operate/deploy.md#drift gives to remove what `pulumi up` leaves. All in
// one namespace of the local stack, each on an object of its own so that each report line is its edit's.

export const DRIFT_NAMESPACE = "cms-dials-local";

export interface HandEdit {
    label: string;
    /** kubectl arguments (the namespace is added). */
    edit: string[];
    /** `Kind namespace/name` as the report names the object. */
    object: string;
    /** The field manager kubectl records for the command. */
    manager: string;
    /** A field path the manager owns. */
    field: RegExp;
    /** What the next up does with it; `unmanaged` for an object made by hand. */
    state: FieldState | "replace" | "unmanaged";
    /** kubectl arguments that remove what the up leaves (docs/operate/deploy.md#drift). */
    remove?: string[];
}

/** The seven edits; `live` reads what an edit needs (a ConfigMap key, a replica count) from the cluster. */
export function handEdits(live: { configMapKey: string; replicas: number }): HandEdit[] {
    const ns = DRIFT_NAMESPACE;
    return [
        {
            label: "kubectl set env",
            edit: ["set", "env", "deployment/backend", "HELDOUT_DRIFT=1"],
            object: `Deployment ${ns}/backend`,
            manager: "kubectl-set",
            field: /^spec\.template\.spec\.containers\[name=[^\]]+\]\.env\[name=HELDOUT_DRIFT\]$/,
            state: "added",
            remove: ["set", "env", "deployment/backend", "HELDOUT_DRIFT-"],
        },
        {
            label: "kubectl set image",
            edit: ["set", "image", "deployment/frontend", "*=quay.io/hand/frontend:drift"],
            object: `Deployment ${ns}/frontend`,
            manager: "kubectl-set",
            field: /^spec\.template\.spec\.containers\[name=[^\]]+\]\.image$/,
            state: "changed",
        },
        {
            label: "a ConfigMap key added",
            edit: [
                "patch",
                "configmap",
                "backend-nginx-conf",
                "--type=merge",
                "-p",
                '{"data":{"drift-extra":"1"}}',
            ],
            object: `ConfigMap ${ns}/backend-nginx-conf`,
            manager: "kubectl-patch",
            field: /^data\.drift-extra$/,
            state: "added",
            remove: [
                "patch",
                "configmap",
                "backend-nginx-conf",
                "--type=json",
                "-p",
                '[{"op":"remove","path":"/data/drift-extra"}]',
            ],
        },
        {
            label: "a ConfigMap value changed",
            edit: [
                "patch",
                "configmap",
                "dials-etl-configmap",
                "--type=merge",
                "-p",
                JSON.stringify({ data: { [live.configMapKey]: "changed by hand" } }),
            ],
            object: `ConfigMap ${ns}/dials-etl-configmap`,
            manager: "kubectl-patch",
            field: new RegExp(
                `^data(\\.|\\[")${live.configMapKey.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}"?\\]?$`,
            ),
            state: "replace",
        },
        {
            label: "a label added",
            edit: ["label", "deployment/flower", "drift-by-hand=1"],
            object: `Deployment ${ns}/flower`,
            manager: "kubectl-label",
            field: /^metadata\.labels\.drift-by-hand$/,
            state: "added",
            remove: ["label", "deployment/flower", "drift-by-hand-"],
        },
        {
            label: "kubectl scale",
            edit: ["scale", "deployment/common-redbeat", `--replicas=${live.replicas + 1}`],
            object: `Deployment ${ns}/common-redbeat`,
            // kubectl scale has no --field-manager: the API server names the manager after the client's user agent,
            // "kubectl/<version> ..." (kubernetes/kubernetes v1.36.3 staging/src/k8s.io/kubectl/pkg/cmd/scale/scale.go;
            // staging/src/k8s.io/apiserver/pkg/endpoints/handlers/create.go managerOrUserAgent).
            manager: "kubectl",
            field: /^spec\.replicas$/,
            state: "changed",
        },
        {
            label: "an object created by hand",
            edit: ["create", "configmap", "drift-hand-made", "--from-literal=made=by-hand"],
            object: `ConfigMap ${ns}/drift-hand-made`,
            manager: "kubectl-create",
            field: /.*/,
            state: "unmanaged",
            remove: ["delete", "configmap", "drift-hand-made"],
        },
    ];
}

/** `npm run drift` as an operator runs it, in the stack's directory with the engine's environment. */
export function runDrift(
    cwd: string,
    env: Record<string, string>,
    stack: string,
    json: string,
): { code: number; out: string; report: DriftReport } {
    const res = spawnSync(
        process.execPath,
        [path.join(ROOT, "dist", "tools", "drift", "cli.js"), "--stack", stack, "--json", json],
        { cwd, env: { ...process.env, ...env }, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
    );
    let report: DriftReport;
    try {
        report = JSON.parse(readFileSync(json, "utf8")) as DriftReport;
    } catch {
        throw new Error(`npm run drift wrote no report (exit ${res.status}):\n${res.stdout}\n${res.stderr}`);
    }
    return { code: res.status ?? -1, out: `${res.stdout}${res.stderr}`, report };
}

/** How the report shows one edit, or why it does not: `undefined` when it shows it as expected. */
export function reportedProblem(report: DriftReport, e: HandEdit): string | undefined {
    if (e.state === "unmanaged") {
        const u = report.unmanaged.find((x) => `${x.kind} ${x.namespace}/${x.name}` === e.object);
        if (!u) return `${e.label}: ${e.object} not listed as unmanaged`;
        return u.managers.includes(e.manager)
            ? undefined
            : `${e.label}: made by ${u.managers.join(", ")}, not ${e.manager}`;
    }
    const d = report.drifted.find(
        (x) => `${x.object.kind} ${x.object.namespace}/${x.object.name}` === e.object,
    );
    if (!d) return `${e.label}: ${e.object} not reported`;
    const change = d.changes.find((c) => c.manager === e.manager);
    if (!change)
        return `${e.label}: ${e.object} reported with managers ${d.changes.map((c) => c.manager).join(", ")}, not ${e.manager}`;
    const field = change.fields.find((f) => e.field.test(f.path));
    if (!field)
        return `${e.label}: ${e.manager} fields ${change.fields.map((f) => f.path).join(", ")}: none matches ${e.field}`;
    const state = field.replace ? "replace" : field.state;
    if (state !== e.state) return `${e.label}: ${field.path} reported as ${state}, expected ${e.state}`;
    if (d.steps.length === 0 || !d.object.system) return `${e.label}: no system or runbook step named`;
    return undefined;
}

/**
 * The objects (`Kind namespace/name`, as {@link HandEdit.object}) the report says the next up replaces: for a field of
 * their own, or along with a replaced object they read. Whatever others added to them is gone with them.
 */
export function replacedObjects(report: DriftReport): Set<string> {
    return new Set([
        ...report.drifted
            .filter((d) => d.changes.some((c) => c.fields.some((f) => f.replace)))
            .map((d) => `${d.object.kind} ${d.object.namespace}/${d.object.name}`),
        ...report.dependents.map((d) => d.object),
    ]);
}

/** Whether the report still shows the edit's field under its manager (after an up that should have taken it back). */
export function stillReported(report: DriftReport, e: HandEdit): boolean {
    const d = report.drifted.find(
        (x) => `${x.object.kind} ${x.object.namespace}/${x.object.name}` === e.object,
    );
    return !!d?.changes.some((c) => c.manager === e.manager && c.fields.some((f) => e.field.test(f.path)));
}

/** What the engine does to an object on the next up, as far as drift can foresee it. */
export type Outcome = "replace" | "update or conflict";

/** Per URN, what the next up does according to the drift report: only objects with fields the program sets. */
export function expectedOutcome(report: DriftReport): Record<string, Outcome> {
    const out: Record<string, Outcome> = {};
    for (const d of report.drifted) {
        const fields = d.changes.flatMap((c) => c.fields);
        if (fields.some((f) => f.replace)) out[d.object.urn] = "replace";
        else if (fields.some((f) => f.state === "changed")) out[d.object.urn] = "update or conflict";
    }
    // Objects nobody changed that are replaced with a replaced object they read (delete-before-replace).
    for (const d of report.dependents) out[d.urn] = "replace";
    return out;
}

/**
 * `pulumi preview --refresh --json` of the stack, read per URN: a replace step, an update step, or an error
 * diagnostic about a field conflict (the provider's preview applies without force, so a field another manager owns
 * stops it there; pulumi/pulumi-kubernetes@a03ff6b provider/pkg/await/await.go `patchForce`). The preview may exit
 * non-zero: its JSON still lists steps and diagnostics.
 */
export function previewOutcome(
    cwd: string,
    env: Record<string, string>,
    stack: string,
): { outcome: Record<string, Outcome>; text: string } {
    const res = spawnSync(
        path.join(env.PATH.split(path.delimiter)[0], "pulumi"),
        ["--non-interactive", "preview", "--refresh", "--json", "--stack", stack],
        { cwd, env: { ...process.env, ...env }, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 },
    );
    const text = `${res.stdout}\n${res.stderr}`;
    let parsed: {
        steps?: { op: string; urn: string }[];
        diagnostics?: { urn?: string; message?: string; severity?: string }[];
    };
    try {
        parsed = JSON.parse(res.stdout) as typeof parsed;
    } catch {
        throw new Error(`pulumi preview --json printed no JSON (exit ${res.status}):\n${text.slice(-4000)}`);
    }
    const outcome: Record<string, Outcome> = {};
    for (const step of parsed.steps ?? []) {
        if (/replace/.test(step.op)) outcome[step.urn] = "replace";
        else if (step.op === "update" && outcome[step.urn] === undefined)
            outcome[step.urn] = "update or conflict";
        else if (!["same", "refresh", "read", "update"].includes(step.op))
            outcome[step.urn] = step.op as Outcome;
    }
    for (const d of parsed.diagnostics ?? [])
        if (
            d.urn &&
            d.severity === "error" &&
            /conflict/i.test(d.message ?? "") &&
            outcome[d.urn] === undefined
        )
            outcome[d.urn] = "update or conflict";
    return { outcome, text };
}
