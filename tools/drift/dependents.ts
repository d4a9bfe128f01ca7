import { serviceSelects } from "../../components/shared/labelSelector";
import { KubeObject, at } from "../adopt/model";
import { podTemplateOf } from "../adopt/workloads";
import { ManagedObject, ObjectRef, describeObject } from "./state";

// Which of the program's workloads read an object, read from what the program declares (pod templates, Service
// selectors), and what a missing or hand-changed object does to each until the procedure runs: what an operator
// weighs before running it, and what tells a deleted Secret from a harmless one.

/** One workload that reads an object, how, and what happens to it meanwhile. */
export interface Dependent {
    workload: string;
    /** `mounts it`, `reads it in env`, `runs as it`, `is selected by it`, ... */
    reads: string;
    effect: string;
}

type Use = "volume" | "env" | "account" | "pull" | "claim" | "selected";

/** The program's kinds that run pods (a Job's and a CronJob's read the same objects as a Deployment's). */
const WORKLOAD_KINDS = new Set(["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob"]);

/** A workload's pod template as the program declares it: adopt's reading, over the program's inputs. */
const templateOf = (w: ManagedObject): unknown => podTemplateOf({ ...w.inputs, kind: w.kind } as KubeObject);

const list = (v: unknown): Record<string, unknown>[] =>
    Array.isArray(v) ? (v.filter((x) => x && typeof x === "object") as Record<string, unknown>[]) : [];

/** What one pod spec reads: `Kind/name` → how, and whether the reference is optional. */
function podReads(spec: unknown): { kind: string; name: string; use: Use; optional: boolean }[] {
    const out: { kind: string; name: string; use: Use; optional: boolean }[] = [];
    const add = (kind: string, name: unknown, use: Use, optional: unknown = false) => {
        if (typeof name === "string") out.push({ kind, name, use, optional: optional === true });
    };
    for (const v of list(at(spec, "volumes"))) {
        const secret = at(v, "secret");
        add("Secret", at(secret, "secretName"), "volume", at(secret, "optional"));
        const cm = at(v, "configMap");
        add("ConfigMap", at(cm, "name"), "volume", at(cm, "optional"));
        add("PersistentVolumeClaim", at(v, "persistentVolumeClaim", "claimName"), "claim");
        for (const s of list(at(v, "projected", "sources"))) {
            add("Secret", at(s, "secret", "name"), "volume", at(s, "secret", "optional"));
            add("ConfigMap", at(s, "configMap", "name"), "volume", at(s, "configMap", "optional"));
        }
    }
    const containers = [...list(at(spec, "containers")), ...list(at(spec, "initContainers"))];
    for (const c of containers) {
        for (const e of list(c.env)) {
            const s = at(e, "valueFrom", "secretKeyRef");
            add("Secret", at(s, "name"), "env", at(s, "optional"));
            const m = at(e, "valueFrom", "configMapKeyRef");
            add("ConfigMap", at(m, "name"), "env", at(m, "optional"));
        }
        for (const e of list(c.envFrom)) {
            add("Secret", at(e, "secretRef", "name"), "env", at(e, "secretRef", "optional"));
            add("ConfigMap", at(e, "configMapRef", "name"), "env", at(e, "configMapRef", "optional"));
        }
    }
    add("ServiceAccount", at(spec, "serviceAccountName"), "account");
    for (const p of list(at(spec, "imagePullSecrets"))) add("Secret", p.name, "pull");
    return out;
}

const READS: Record<Use, string> = {
    volume: "mounts it",
    env: "reads it into its environment",
    account: "runs as it",
    pull: "pulls its images with it",
    claim: "mounts the volume it claims",
    selected: "is reached through it",
};

function effect(
    use: Use,
    kind: string,
    name: string,
    state: "missing" | "changed",
    optional: boolean,
): string {
    const it = `its ${kind} ${name}`;
    if (state === "missing") {
        if (optional) return `a new pod starts without ${it} (the reference is optional)`;
        if (use === "selected") return `nothing reaches it through ${it}: the Service is gone`;
        if (use === "account") return `no new pod of it can be created: ${it} is gone`;
        if (use === "pull") return `a new pod may not pull its image: ${it} is gone`;
        return `a new pod of it cannot start (${it} is gone); running pods keep what they read at start`;
    }
    if (use === "selected") return `what reaches it through ${it} follows the hand-changed fields`;
    if (use === "volume") return `its pods see the hand-changed files (a mounted volume follows the object)`;
    if (use === "env") return `a pod started before the procedure runs reads the hand-changed values`;
    if (use === "account") return `new pods run under the hand-changed ${kind} ${name}`;
    return `new pods use the hand-changed ${kind} ${name}`;
}

const keyOf = (kind: string, namespace: string | undefined, name: string) =>
    `${kind}/${namespace ?? ""}/${name}`;

/** Who reads what, among `objects`: call the result with an object to name its readers. */
export function dependentsOf(
    objects: readonly ManagedObject[],
): (o: ObjectRef, state: "missing" | "changed") => Dependent[] {
    const readers = new Map<string, { workload: string; use: Use; optional: boolean }[]>();
    const push = (key: string, r: { workload: string; use: Use; optional: boolean }) => {
        const list = readers.get(key);
        if (list) list.push(r);
        else readers.set(key, [r]);
    };
    // Each workload's template read once, for its own reads and for every Service that may select it.
    const workloads = objects
        .filter((o) => WORKLOAD_KINDS.has(o.kind))
        .map((w) => ({ w, template: templateOf(w) }));
    for (const { w, template } of workloads) {
        for (const r of podReads(at(template, "spec")))
            push(keyOf(r.kind, w.namespace, r.name), {
                workload: describeObject(w),
                use: r.use,
                optional: r.optional,
            });
    }
    for (const s of objects.filter((o) => o.kind === "Service")) {
        const selector = at(s.inputs, "spec", "selector");
        for (const { w, template } of workloads) {
            if (w.namespace !== s.namespace) continue;
            const labels = (at(template, "metadata", "labels") ?? {}) as Record<string, string>;
            // The one reading of a Service's selector (an empty one selects nothing), adopt's too.
            if (serviceSelects(selector, labels))
                push(keyOf("Service", s.namespace, s.name), {
                    workload: describeObject(w),
                    use: "selected",
                    optional: false,
                });
        }
    }
    return (o, state) =>
        (readers.get(keyOf(o.kind, o.namespace, o.name)) ?? []).map((r) => ({
            workload: r.workload,
            reads: READS[r.use],
            effect: effect(r.use, o.kind, o.name, state, r.optional),
        }));
}
