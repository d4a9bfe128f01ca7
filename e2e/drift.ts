import { spawn, spawnSync } from "child_process";
import { readFileSync } from "fs";
import * as path from "path";
import { ignoredAt } from "../tools/drift/engine";
import { DriftReport } from "../tools/drift/report";
import { FieldState } from "../tools/drift/analyse";
import { ROOT } from "./localStack";
import { K8sObject } from "./render";

// The hand edits an operator used to make (`oc set env`, `oc edit`, `oc create`, `oc delete`), each with what
// `npm run drift` must report for it. All in one namespace of the local stack, each on an object of its own so that
// each report line is its edit's. What restores them is the report's own procedure, run as printed.

export const DRIFT_NAMESPACE = "cms-dials-local";

export interface HandEdit {
    label: string;
    /** kubectl arguments (the namespace is added). */
    edit: string[];
    /** kubectl commands run first, in order (the revisions a rollout undo goes back to). */
    before?: string[][];
    /** The object's namespace when not {@link DRIFT_NAMESPACE}. */
    namespace?: string;
    /** `Kind namespace/name` as the report names the object. */
    object: string;
    /** The field manager kubectl records for the command. */
    manager: string;
    /** A field path the manager owns. */
    field: RegExp;
    /**
     * What the report must say: a field's verdict (`replace`: the engine replaces the object), `unmanaged` for an
     * object made by hand, `restored` for what only the engine's preview sees, `missing` for an object deleted.
     */
    state: FieldState | "replace" | "unmanaged" | "restored" | "missing" | "conflict";
    /** For an object made by hand: the operator's decision after review (the report never deletes). */
    remove?: string[];
    /** For a hand-made RBAC object: what the report must say it grants. */
    grants?: RegExp;
    /** A second verdict the engine may give instead (its preview conflicts only where it plans an apply). */
    or?: FieldState;
    /** Its verdict is the engine's preview's alone (drift reads the preview past every object it stops on). */
    engine?: boolean;
    /**
     * The edited field's path in the program's object (a list item as its index): where the resource's
     * `ignoreChanges` would name it. A generated edit there is `ignored`: the program leaves the field to others.
     */
    at?: (string | number)[];
}

/** Two hand revisions of a Deployment's image for a rollout undo to go back over, each rolled out before the next. */
function revisions(deployment: string, container: string, image: string): string[][] {
    const status = ["rollout", "status", deployment, "--timeout=120s"];
    return [
        ["set", "image", deployment, `${container}=${image}:1`],
        status,
        ["set", "image", deployment, `${container}=${image}:2`],
        status,
    ];
}

/** The edits' commands, in order, with their namespaces. */
export function editCommands(e: HandEdit): string[][] {
    const ns = ["-n", e.namespace ?? DRIFT_NAMESPACE];
    return [...(e.before ?? []), e.edit].map((c) => [...c, ...ns]);
}

/** What the edits read from the cluster first. */
export interface LiveValues {
    configMapKey: string;
    replicas: number;
    /** A key of the Secret `redis-web-cache`. */
    secretKey: string;
    /** The field manager the program's provider applies `csc-indexer` with, and its replica count. */
    programManager: string;
    indexerReplicas: number;
}

/**
 * The fifteen edits, the three controls of issue 87 and a rollout undo under an image trigger; `live` holds what they
 * read from the cluster.
 */
export function handEdits(live: LiveValues): HandEdit[] {
    const ns = DRIFT_NAMESPACE;
    return [
        {
            label: "kubectl set env",
            edit: ["set", "env", "deployment/backend", "HELDOUT_DRIFT=1"],
            object: `Deployment ${ns}/backend`,
            manager: "kubectl-set",
            field: /^spec\.template\.spec\.containers\[name=[^\]]+\]\.env\[name=HELDOUT_DRIFT\]$/,
            state: "added",
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
            field: dataField(live.configMapKey),
            // Updated in place (enableConfigMapMutable): a replace would delete every ETL worker reading it first.
            state: "changed",
        },
        {
            label: "a label added",
            edit: ["label", "deployment/flower", "drift-by-hand=1"],
            object: `Deployment ${ns}/flower`,
            manager: "kubectl-label",
            field: /^metadata\.labels\.drift-by-hand$/,
            state: "added",
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
        // The eight the last round's e2e lacked (issue 69).
        {
            label: "a Secret key changed",
            edit: [
                "patch",
                "secret",
                "redis-web-cache",
                "--type=merge",
                "-p",
                JSON.stringify({
                    data: { [live.secretKey]: Buffer.from("changed by hand").toString("base64") },
                }),
            ],
            object: `Secret ${ns}/redis-web-cache`,
            manager: "kubectl-patch",
            field: dataField(live.secretKey),
            // Updated in place (components/shared/cluster.ts enableSecretMutable): compared key by key by the engine.
            state: "changed",
            engine: true,
        },
        {
            label: "a label the program sets removed",
            edit: ["label", "deployment/csc-bulk", "app.kubernetes.io/part-of-"],
            object: `Deployment ${ns}/csc-bulk`,
            manager: "",
            field: /part-of/,
            state: "restored",
            engine: true,
        },
        {
            label: "an edit under the program's own field manager",
            edit: [
                "patch",
                "deployment/csc-indexer",
                `--field-manager=${live.programManager}`,
                "--type=merge",
                "-p",
                JSON.stringify({ spec: { replicas: live.indexerReplicas + 1 } }),
            ],
            object: `Deployment ${ns}/csc-indexer`,
            manager: "",
            field: /^spec\.replicas$/,
            state: "restored",
            engine: true,
        },
        {
            label: "a Service port changed",
            edit: [
                "patch",
                "service/redis-web-cache",
                "--type=json",
                "-p",
                '[{"op":"replace","path":"/spec/ports/0/port","value":16379}]',
            ],
            object: `Service ${ns}/redis-web-cache`,
            manager: "kubectl-patch",
            field: /^spec\.ports\[port=16379,protocol=TCP\]$/,
            state: "added",
        },
        {
            label: "an annotation added",
            edit: ["annotate", "service/frontend", "drift-note=by-hand"],
            object: `Service ${ns}/frontend`,
            manager: "kubectl-annotate",
            field: /^metadata\.annotations\.drift-note$/,
            state: "added",
        },
        {
            label: "a RoleBinding made by hand",
            edit: [
                "create",
                "rolebinding",
                "drift-hand-grant",
                "--clusterrole=edit",
                `--serviceaccount=${ns}:default`,
            ],
            object: `RoleBinding ${ns}/drift-hand-grant`,
            manager: "kubectl-create",
            field: /.*/,
            state: "unmanaged",
            remove: ["delete", "rolebinding", "drift-hand-grant"],
            grants: new RegExp(`^ClusterRole edit to ServiceAccount ${ns}/default$`),
        },
        {
            label: "a ConfigMap deleted",
            edit: ["delete", "configmap", "dials-backend-configmap"],
            object: `ConfigMap ${ns}/dials-backend-configmap`,
            manager: "",
            field: /.*/,
            state: "missing",
        },
        // Issue 87's controls: each named in the first round with a verdict the next step makes true.
        {
            label: "kubectl rollout undo",
            before: revisions("deployment/tracker-bulk", "*", "quay.io/hand/tracker"),
            edit: ["rollout", "undo", "deployment/tracker-bulk"],
            object: `Deployment ${ns}/tracker-bulk`,
            // Like kubectl scale, rollout undo sends no --field-manager: the API server names the user agent.
            manager: "kubectl",
            field: /^spec\.template\.spec\.containers\[name=[^\]]+\]\.image$/,
            // The engine's preview conflicts only when it applies the template: with unchanged inputs (seen on the
            // engine, 4.32.0) it plans no update, and the field is drift that kubectl owns, changed.
            state: "conflict",
            or: "changed",
        },
        {
            // The same undo where the program leaves the image to an OpenShift image trigger (its ignoreChanges):
            // named, and no drift, since no up sets that image (seen as "same" with the engine's inputs before).
            label: "kubectl rollout undo of an image the program leaves to its trigger",
            before: revisions("deployment/packit-service", "packit-service", "quay.io/hand/packit-service"),
            edit: ["rollout", "undo", "deployment/packit-service"],
            namespace: "packit-dev",
            object: "Deployment packit-dev/packit-service",
            manager: "kubectl",
            field: /^spec\.template\.spec\.containers\[name=packit-service\]\.image$/,
            state: "ignored",
        },
        {
            label: "an env var the program sets removed from a StatefulSet",
            edit: ["set", "env", "statefulset/packit-worker", "CELERY_RETRY_LIMIT-"],
            namespace: "packit-dev",
            object: "StatefulSet packit-dev/packit-worker",
            manager: "",
            field: /env/,
            state: "restored",
            engine: true,
        },
        {
            label: "an ingress rule added to a NetworkPolicy the program owns",
            edit: [
                "patch",
                "networkpolicy",
                "allow-to-frontend",
                "--type=json",
                "-p",
                '[{"op":"add","path":"/spec/ingress/-","value":{"from":[{"ipBlock":{"cidr":"0.0.0.0/0"}}]}}]',
            ],
            object: `NetworkPolicy ${ns}/allow-to-frontend`,
            manager: "kubectl-patch",
            field: /^spec\.ingress$/,
            state: "items",
        },
        {
            label: "a NetworkPolicy deleted",
            edit: ["delete", "networkpolicy", "allow-to-redis-web-cache"],
            object: `NetworkPolicy ${ns}/allow-to-redis-web-cache`,
            manager: "",
            field: /.*/,
            state: "missing",
        },
    ];
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** A data key's path as drift names it (`data.key`, or `data["key"]` for a key with dots). */
const dataField = (key: string) => new RegExp(`^data(\\.|\\[")${escape(key)}"?\\]?$`);

/** A path below one container of a pod template (`rest` starts with its `.`), as drift names it. */
const containerField = (container: string, rest: string) =>
    new RegExp(`^${escape(`spec.template.spec.containers[name=${container}]${rest}`)}$`);

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
export function reportedProblem(
    report: DriftReport,
    e: HandEdit,
    /** Whether a drifted object must name a runbook step or a removal (a generated edit's object may have neither). */
    stepRequired = true,
): string | undefined {
    if (e.state === "unmanaged") {
        const u = report.unmanaged.find((x) => `${x.kind} ${x.namespace}/${x.name}` === e.object);
        if (!u) return `${e.label}: ${e.object} not listed as unmanaged`;
        if (e.grants && !e.grants.test(u.grants ?? ""))
            return `${e.label}: grants "${u.grants}", not ${e.grants}`;
        return u.managers.includes(e.manager)
            ? undefined
            : `${e.label}: made by ${u.managers.join(", ")}, not ${e.manager}`;
    }
    if (e.state === "missing")
        return report.missing.some((m) => m.object === e.object)
            ? undefined
            : `${e.label}: ${e.object} not missing`;
    if (e.state === "conflict") {
        const c = report.conflicts.find((x) => x.object === e.object);
        if (!c && e.or) return reportedProblem(report, { ...e, state: e.or, or: undefined }, stepRequired);
        if (!c) return `${e.label}: ${e.object} not named as a conflict of the preview`;
        const m = c.conflicts.find((x) => x.manager === e.manager);
        if (!m)
            return `${e.label}: conflicts with ${c.conflicts.map((x) => x.manager).join(", ")}, not ${e.manager}`;
        const fields = m.fields.map((f) => f.replace(/^\./, "").replace(/"/g, ""));
        return fields.some((f) => e.field.test(f))
            ? undefined
            : `${e.label}: conflict fields ${m.fields.join(", ")}`;
    }
    if (e.state === "restored") {
        const r = report.restored.find((x) => x.object === e.object);
        if (!r) return `${e.label}: ${e.object} not among what only the engine sees`;
        return r.paths.some((p) => e.field.test(p))
            ? undefined
            : `${e.label}: the engine's paths ${r.paths.join(", ")}: none matches ${e.field}`;
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
    // The system always; a runbook step where the runbook has one (it has none for the NetworkPolicies the program
    // adds, whose hand-added item gets its removal below instead).
    if (!d.object.system) return `${e.label}: no system named`;
    // A field left to others needs no step: nothing is to be restored.
    if (
        stepRequired &&
        state !== "ignored" &&
        d.steps.length === 0 &&
        !report.removals.some((r) => r.object === e.object && r.command)
    )
        return `${e.label}: neither a runbook step nor a removal named`;
    return undefined;
}

/** The report's procedure: the commands it prints, in order, as printed (comments included: bash skips them). */
export function printedProcedure(text: string): string[] {
    const at = text.indexOf("To restore the program's state, run in order:\n");
    if (at < 0) return [];
    const lines = text.slice(at).split("\n").slice(1);
    const end = lines.findIndex((l) => !l.startsWith("  "));
    return (end < 0 ? lines : lines.slice(0, end)).map((l) => l.trim());
}

/** What a watch of a namespace's workloads saw: a workload absent, or without a Ready pod, and for how long. */
export interface WorkloadWatch {
    /** Stops the watch; every episode seen: `Deployment x absent` or `Deployment x: no Ready pod for 3.2 s`. */
    stop(): Promise<{ absent: string[]; unready: { workload: string; seconds: number }[]; polls: number }>;
}

/** Lists the namespace's Deployments and StatefulSets every half second from the API server until stopped. */
export function watchWorkloads(list: () => Promise<string>, baseline: readonly string[]): WorkloadWatch {
    const absent = new Set<string>();
    const since = new Map<string, number>();
    const unready: { workload: string; seconds: number }[] = [];
    let polls = 0;
    let running = true;
    const loop = (async () => {
        while (running) {
            const items = (
                JSON.parse(await list()) as {
                    items: {
                        kind: string;
                        metadata: { name: string };
                        spec?: { replicas?: number };
                        status?: { readyReplicas?: number };
                    }[];
                }
            ).items;
            polls++;
            const now = Date.now();
            const seen = new Map(items.map((o) => [`${o.kind} ${o.metadata.name}`, o]));
            for (const w of baseline) {
                const o = seen.get(w);
                if (!o) absent.add(w);
                const ready = !!o && ((o.spec?.replicas ?? 1) === 0 || (o.status?.readyReplicas ?? 0) > 0);
                if (!ready && !since.has(w)) since.set(w, now);
                if (ready && since.has(w)) {
                    unready.push({ workload: w, seconds: (now - since.get(w)!) / 1000 });
                    since.delete(w);
                }
            }
            await new Promise((r) => setTimeout(r, 500));
        }
    })();
    return {
        stop: async () => {
            running = false;
            await loop;
            for (const [w, t] of since) unready.push({ workload: w, seconds: (Date.now() - t) / 1000 });
            return { absent: [...absent].sort(), unready, polls };
        },
    };
}

/** One line as an operator pastes it into bash (process substitution, comments), without blocking the event loop. */
export function runShell(
    line: string,
    cwd: string,
    env: Record<string, string>,
): Promise<{ code: number; out: string }> {
    return new Promise((resolve, reject) => {
        const child = spawn("bash", ["-c", line], { cwd, env: { ...process.env, ...env } });
        let out = "";
        child.stdout.on("data", (d: Buffer) => (out += d.toString()));
        child.stderr.on("data", (d: Buffer) => (out += d.toString()));
        child.on("error", reject);
        child.on("close", (code) => resolve({ code: code ?? -1, out }));
    });
}

/** A seeded draw (a linear congruential generator: the same seed, the same draws on every machine). */
function seeded(seed: number): { next: () => number; pick: <T>(xs: readonly T[]) => T } {
    // Nearby seeds would start the generator at nearby states, and its first draws (the class) nearly agree: mix the
    // seed first (murmur3's 32-bit finalizer).
    let state = seed >>> 0;
    state = Math.imul(state ^ (state >>> 16), 0x85ebca6b) >>> 0;
    state = Math.imul(state ^ (state >>> 13), 0xc2b2ae35) >>> 0;
    state = (state ^ (state >>> 16)) >>> 0;
    const next = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    return { next, pick: (xs) => xs[Math.floor(next() * xs.length)] };
}

interface Container {
    name: string;
    image?: string;
    env?: { name: string }[];
    resources?: { limits?: Record<string, string> };
}

const podSpecOf = (o: K8sObject) =>
    (o.spec as { template?: { spec?: { containers?: Container[] } } } | undefined)?.template?.spec;
const resourceOf = (o: K8sObject) => `${o.kind.toLowerCase()}/${o.metadata.name}`;
/** A field of container `c` of a workload's pod template, as the program's object holds it (by index). */
const containerAt = (o: K8sObject, c: Container, ...rest: string[]) => [
    "spec",
    "template",
    "spec",
    "containers",
    (podSpecOf(o)?.containers ?? []).indexOf(c),
    ...rest,
];
const PROGRAM_LABEL = "app.kubernetes.io/part-of";

/**
 * The classes of hand edit an operator makes (issue 87 item 4), each over the program's objects it applies to, with
 * the verdict the rule gives it: a field the program does not set, added by another manager, is `added`; one it sets,
 * changed by another manager, `changed`; one it sets, removed, only the engine's preview sees (`restored`); an item
 * added to a list the program owns, `items`; a deleted object, `missing`; an object made by hand, `unmanaged`.
 *
 * A class names the edited field's path (`at`): where it lies under the resource's `ignoreChanges` (an image an
 * OpenShift trigger sets, a controller's data), the verdict is `ignored` instead, whatever the class's own rule says
 * (./generateEdits).
 */
export const EDIT_CLASSES: readonly {
    kinds: readonly string[];
    edit: (
        o: K8sObject,
        tag: string,
        r: ReturnType<typeof seeded>,
    ) => Omit<HandEdit, "object" | "namespace"> | undefined;
}[] = [
    {
        kinds: ["Deployment", "StatefulSet", "ConfigMap", "Secret", "Service", "NetworkPolicy", "CronJob"],
        edit: (o, tag) => ({
            label: `kubectl label ${resourceOf(o)}`,
            edit: ["label", resourceOf(o), `drift-${tag}=by-hand`],
            manager: "kubectl-label",
            field: new RegExp(`^metadata\\.labels\\.drift-${tag}$`),
            at: ["metadata", "labels", `drift-${tag}`],
            state: "added",
        }),
    },
    {
        kinds: ["Deployment", "StatefulSet", "ConfigMap", "Service", "NetworkPolicy", "CronJob"],
        edit: (o, tag) => ({
            label: `kubectl annotate ${resourceOf(o)}`,
            edit: ["annotate", resourceOf(o), `drift-${tag}=by-hand`],
            manager: "kubectl-annotate",
            field: new RegExp(`^metadata\\.annotations\\.drift-${tag}$`),
            at: ["metadata", "annotations", `drift-${tag}`],
            state: "added",
        }),
    },
    {
        kinds: ["Deployment", "StatefulSet", "ConfigMap", "Service"],
        edit: (o) =>
            (o.metadata.labels as Record<string, string> | undefined)?.[PROGRAM_LABEL] === undefined
                ? undefined
                : {
                      label: `a label the program sets removed from ${resourceOf(o)}`,
                      edit: ["label", resourceOf(o), `${PROGRAM_LABEL}-`],
                      manager: "",
                      field: /part-of/,
                      at: ["metadata", "labels", PROGRAM_LABEL],
                      state: "restored",
                      engine: true,
                  },
    },
    {
        kinds: ["Deployment", "StatefulSet"],
        edit: (o, tag, r) => {
            const c = r.pick(podSpecOf(o)?.containers ?? []);
            return {
                label: `kubectl set env ${resourceOf(o)} -c ${c.name}`,
                edit: ["set", "env", resourceOf(o), "-c", c.name, `DRIFT_${tag.toUpperCase()}=1`],
                manager: "kubectl-set",
                field: containerField(c.name, `.env[name=DRIFT_${tag.toUpperCase()}]`),
                at: containerAt(o, c, "env"),
                state: "added",
            };
        },
    },
    {
        kinds: ["Deployment", "StatefulSet"],
        edit: (o, _tag, r) => {
            const withEnv = (podSpecOf(o)?.containers ?? []).filter((c) => (c.env ?? []).length > 0);
            if (withEnv.length === 0) return undefined;
            const c = r.pick(withEnv);
            const name = r.pick(c.env!).name;
            return {
                label: `an env var the program sets (${name}) removed from ${resourceOf(o)}`,
                edit: ["set", "env", resourceOf(o), "-c", c.name, `${name}-`],
                manager: "",
                field: /env/,
                at: [...containerAt(o, c, "env"), c.env!.findIndex((e) => e.name === name)],
                state: "restored",
                engine: true,
            };
        },
    },
    {
        kinds: ["Deployment", "StatefulSet"],
        edit: (o, tag, r) => {
            const c = r.pick(podSpecOf(o)?.containers ?? []);
            return {
                label: `kubectl set image ${resourceOf(o)} ${c.name}`,
                edit: ["set", "image", resourceOf(o), `${c.name}=quay.io/hand/${tag}:drift`],
                manager: "kubectl-set",
                field: containerField(c.name, ".image"),
                at: containerAt(o, c, "image"),
                state: "changed",
            };
        },
    },
    {
        kinds: ["Deployment"],
        edit: (o, tag, r) => {
            const c = r.pick(podSpecOf(o)?.containers ?? []);
            return {
                label: `kubectl rollout undo ${resourceOf(o)} over two hand images of ${c.name}`,
                before: revisions(resourceOf(o), c.name, `quay.io/hand/${tag}`),
                edit: ["rollout", "undo", resourceOf(o)],
                // No --field-manager: the API server names the manager after kubectl's user agent.
                manager: "kubectl",
                field: containerField(c.name, ".image"),
                at: containerAt(o, c, "image"),
                // As the listed control: a conflict where the engine's preview applies the template, else changed.
                state: "conflict",
                or: "changed",
            };
        },
    },
    {
        kinds: ["Deployment"],
        edit: (o) => {
            const replicas = (o.spec as { replicas?: number }).replicas;
            if (replicas === undefined) return undefined;
            return {
                label: `kubectl scale ${resourceOf(o)}`,
                edit: ["scale", resourceOf(o), `--replicas=${replicas + 1}`],
                // No --field-manager: the API server names the manager after kubectl's user agent.
                manager: "kubectl",
                field: /^spec\.replicas$/,
                at: ["spec", "replicas"],
                state: "changed",
            };
        },
    },
    {
        kinds: ["Deployment", "StatefulSet"],
        edit: (o, _tag, r) => {
            const limited = (podSpecOf(o)?.containers ?? []).filter(
                (c) => c.resources?.limits?.cpu !== undefined && c.resources.limits.cpu !== "777m",
            );
            if (limited.length === 0) return undefined;
            const c = r.pick(limited);
            return {
                label: `kubectl set resources ${resourceOf(o)} -c ${c.name} --limits=cpu=777m`,
                edit: ["set", "resources", resourceOf(o), "-c", c.name, "--limits=cpu=777m"],
                manager: "kubectl-set",
                field: /resources\.limits\.cpu$/,
                at: containerAt(o, c, "resources", "limits", "cpu"),
                state: "changed",
            };
        },
    },
    {
        kinds: ["ConfigMap"],
        edit: (o, tag) =>
            o.immutable === true
                ? undefined
                : {
                      label: `a key added to ${resourceOf(o)}`,
                      edit: [
                          "patch",
                          resourceOf(o),
                          "--type=merge",
                          "-p",
                          JSON.stringify({ data: { [`drift-${tag}`]: "1" } }),
                      ],
                      manager: "kubectl-patch",
                      field: dataField(`drift-${tag}`),
                      at: ["data", `drift-${tag}`],
                      state: "added",
                  },
    },
    {
        kinds: ["ConfigMap"],
        edit: (o, _tag, r) => {
            const keys = Object.keys((o.data as Record<string, string> | undefined) ?? {});
            if (o.immutable === true || keys.length === 0) return undefined;
            const key = r.pick(keys);
            return {
                label: `a value of ${resourceOf(o)} changed (${key})`,
                edit: [
                    "patch",
                    resourceOf(o),
                    "--type=merge",
                    "-p",
                    JSON.stringify({ data: { [key]: "changed by hand" } }),
                ],
                manager: "kubectl-patch",
                field: dataField(key),
                at: ["data", key],
                state: "changed",
            };
        },
    },
    {
        kinds: ["Secret"],
        edit: (o, _tag, r) => {
            const keys = Object.keys({
                ...(o.data as object | undefined),
                ...(o.stringData as object | undefined),
            });
            if (o.immutable === true || keys.length === 0) return undefined;
            const key = r.pick(keys);
            const value = Buffer.from("changed by hand").toString("base64");
            return {
                label: `a key of ${resourceOf(o)} changed (${key})`,
                edit: [
                    "patch",
                    resourceOf(o),
                    "--type=merge",
                    "-p",
                    JSON.stringify({ data: { [key]: value } }),
                ],
                manager: "kubectl-patch",
                field: dataField(key),
                at: [o.stringData ? "stringData" : "data", key],
                state: "changed",
                engine: true,
            };
        },
    },
    {
        kinds: ["ConfigMap", "Secret", "Service", "NetworkPolicy", "Deployment"],
        edit: (o) => ({
            label: `kubectl delete ${resourceOf(o)}`,
            edit: ["delete", resourceOf(o)],
            manager: "",
            field: /.*/,
            state: "missing",
        }),
    },
    {
        kinds: ["NetworkPolicy"],
        edit: (o) =>
            ((o.spec as { ingress?: unknown[] }).ingress ?? []).length === 0
                ? undefined
                : {
                      label: `an ingress rule added to ${resourceOf(o)}`,
                      edit: [
                          "patch",
                          resourceOf(o),
                          "--type=json",
                          "-p",
                          '[{"op":"add","path":"/spec/ingress/-","value":{"from":[{"ipBlock":{"cidr":"0.0.0.0/0"}}]}}]',
                      ],
                      manager: "kubectl-patch",
                      field: /^spec\.ingress$/,
                      at: ["spec", "ingress"],
                      state: "items",
                  },
    },
    {
        kinds: ["CronJob"],
        edit: (o) =>
            (o.spec as { schedule?: string }).schedule === "7 7 * * *"
                ? undefined
                : {
                      label: `the schedule of ${resourceOf(o)} changed`,
                      edit: [
                          "patch",
                          resourceOf(o),
                          "--type=merge",
                          "-p",
                          '{"spec":{"schedule":"7 7 * * *"}}',
                      ],
                      manager: "kubectl-patch",
                      field: /^spec\.schedule$/,
                      at: ["spec", "schedule"],
                      state: "changed",
                  },
    },
];

/**
 * `count` hand edits for `seed`, generated from {@link EDIT_CLASSES} over the program's namespaced objects in
 * `objects` (the local stack's render), plus at most one object made by hand: no two on one object, so each report
 * line is its edit's. `ignored` gives an object's `ignoreChanges` (the stack's state, or the committed resource
 * list): an edit there is `ignored`, by drift's own rule; a removal there is not drawn (nothing sees it, by design).
 */
export function generateEdits(
    objects: readonly K8sObject[],
    seed: number,
    count: number,
    ignored: (o: K8sObject) => readonly string[] = () => [],
): HandEdit[] {
    const r = seeded(seed);
    const out: HandEdit[] = [];
    const candidates = objects.filter((o) => o.metadata.namespace);
    // A class first, then one of its objects: every class as likely, however many objects each kind has.
    const classes = [...EDIT_CLASSES.map((c) => c.kinds), ["hand-made"]];
    for (let tries = 0; out.length < count && tries < count * 50; tries++) {
        const tag = `g${seed}x${out.length}`;
        const at = Math.floor(r.next() * classes.length);
        if (at === EDIT_CLASSES.length) {
            if (out.some((e) => e.state === "unmanaged")) continue;
            const namespace = r.pick(candidates).metadata.namespace!;
            out.push({
                label: "an object created by hand",
                edit: ["create", "configmap", `drift-${tag}`, "--from-literal=made=by-hand"],
                namespace,
                object: `ConfigMap ${namespace}/drift-${tag}`,
                manager: "kubectl-create",
                field: /.*/,
                state: "unmanaged",
                remove: ["delete", "configmap", `drift-${tag}`],
            });
            continue;
        }
        const ofKind = candidates.filter((o) => EDIT_CLASSES[at].kinds.includes(o.kind));
        if (ofKind.length === 0) continue;
        const o = r.pick(ofKind);
        const object = `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`;
        if (out.some((e) => e.object === object)) continue;
        const made = EDIT_CLASSES[at].edit(o, tag, r);
        if (!made) continue;
        const left = made.at && ignoredAt(ignored(o), made.at);
        if (left && made.state === "restored") continue;
        out.push({
            ...made,
            ...(left ? { state: "ignored", or: undefined, engine: undefined } : {}),
            namespace: o.metadata.namespace,
            object,
        });
    }
    return out;
}
