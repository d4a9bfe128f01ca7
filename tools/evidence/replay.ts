import {
    ContainerView,
    QueueView,
    SecretFiles,
    containerVerdict,
    startsImage,
    listensOn,
    resolvePort,
    unservedQueues,
} from "../../components/shared/evidence/check";
import { evidenceFor } from "../../components/shared/evidence/lookup";
import type { ImageEvidence } from "../../components/shared/evidence/schema";
import { containersOf, kindOf, podSpecOf } from "../../policy/rules/k8s";
import { serviceSelects } from "../../components/shared/labelSelector";
import { templateLabels } from "../../policy/rules/podTemplate";
import { Obj, isObj, objectsOf } from "../../policy/rules/types";
import type { PlanResource } from "../plan/render";

// Replays the evidence over a plan: what kwok cannot show (a probe on a port nothing serves, a flag the binary
// does not define, a Service whose target no container serves) fails here, per container of every workload.

/** One container of a plan: where it is (`<system> <Kind> <namespace>/<name> <container>`) and what it runs. */
export interface PlannedContainer {
    where: string;
    system: string;
    namespace: string;
    scope: string;
    labels: Record<string, string>;
    view: ContainerView;
}

export interface Replay {
    /** Every disagreement of a container, a Service or a queue with the evidence. */
    mismatches: string[];
    /** `<where>: <image>` of each container whose image's source was not read (nothing about it is checked). */
    unread: string[];
    /** How many containers had an entry that was read and checked. */
    checked: number;
}

const meta = (o: Obj): Obj => (isObj(o.metadata) ? o.metadata : {});

function probesOf(c: Obj): ContainerView["probes"] {
    return (["livenessProbe", "readinessProbe", "startupProbe"] as const).flatMap((kind) => {
        const p = c[kind];
        if (!isObj(p)) return [];
        const check = isObj(p.httpGet) ? p.httpGet : isObj(p.tcpSocket) ? p.tcpSocket : undefined;
        if (!check) return [];
        const port = check.port as number | string;
        return [
            {
                kind: kind.replace("Probe", ""),
                port,
                ...(typeof check.path === "string" ? { path: check.path } : {}),
            },
        ];
    });
}

/**
 * `<scope>\0<Kind>/<name>` → the keys a ConfigMap or Secret of the plan holds. The plan masks a Secret's payload
 * whole; its keys come from what the evaluation recorded (test/fixtures/plans.ts `secretKeys`), else `undefined`.
 */
type Sources = Map<string, string[] | undefined>;

function sourcesOf(resources: readonly PlanResource[]): Sources {
    const out: Sources = new Map();
    for (const r of resources) {
        const kind = kindOf(r.type);
        if (kind !== "ConfigMap" && kind !== "Secret") continue;
        const props = r.inputs as Obj;
        const payloads = [props.data, props.stringData, props.binaryData].filter((d) => d !== undefined);
        const keys = payloads.every(isObj)
            ? payloads.flatMap((d) => Object.keys(d))
            : (r as { secretKeys?: string[] }).secretKeys;
        out.set(`${scopeOf(r)}\0${kind}/${String(meta(props).name ?? "")}`, keys);
    }
    return out;
}

/** `<scope>\0ConfigMap/<name>` → the text of each key of a ConfigMap of the plan (its `data`). */
type Texts = Map<string, Record<string, unknown>>;

function textsOf(resources: readonly PlanResource[]): Texts {
    const out: Texts = new Map();
    for (const r of resources) {
        const props = r.inputs as Obj;
        if (kindOf(r.type) === "ConfigMap" && isObj(props.data))
            out.set(`${scopeOf(r)}\0ConfigMap/${String(meta(props).name ?? "")}`, props.data);
    }
    return out;
}

const scopeOf = (r: PlanResource): string =>
    `${r.provider}\0${String(meta(r.inputs as Obj).namespace ?? "")}`;

/** The text of a ConfigMap's key in the plan, or undefined (not a ConfigMap of the plan, or not text). */
function configMapValue(texts: Texts, scope: string, name: unknown, key: string): string | undefined {
    const value = texts.get(`${scope}\0ConfigMap/${String(name)}`)?.[key];
    return typeof value === "string" ? value : undefined;
}

/**
 * Every variable a container gets: its `env`, then each key of its `envFrom` ConfigMaps and Secrets (with their
 * prefix), as the kubelet sets them; `complete` is false when a source's keys are unknown here (not in the plan, or
 * masked), so a variable the image needs may still come from it. A value a ConfigMap of the plan holds is carried,
 * as the process sees it: a requirement of that value (a mode, a path) is then held too.
 */
function envOf(
    c: Obj,
    scope: string,
    sources: Sources,
    texts: Texts,
): Pick<ContainerView, "env" | "envComplete"> {
    let complete = true;
    const fromSources = objectsOf(c.envFrom).flatMap((f) => {
        const [kind, ref] = isObj(f.configMapRef)
            ? ["ConfigMap", f.configMapRef]
            : isObj(f.secretRef)
              ? ["Secret", f.secretRef]
              : ["", {}];
        const keys = sources.get(`${scope}\0${kind}/${String(ref.name)}`);
        if (keys === undefined) {
            complete = false;
            return [];
        }
        const prefix = typeof f.prefix === "string" ? f.prefix : "";
        return keys.map((k) => {
            const value = kind === "ConfigMap" ? configMapValue(texts, scope, ref.name, k) : undefined;
            return {
                name: `${prefix}${k}`,
                from: `${kind} ${String(ref.name)}`,
                ...(value !== undefined ? { value } : {}),
            };
        });
    });
    const valueOf = (e: Obj): string | undefined => {
        if (typeof e.value === "string") return e.value;
        const ref =
            isObj(e.valueFrom) && isObj(e.valueFrom.configMapKeyRef)
                ? e.valueFrom.configMapKeyRef
                : undefined;
        return ref ? configMapValue(texts, scope, ref.name, String(ref.key)) : undefined;
    };
    return {
        env: [
            ...objectsOf(c.env).map((e) => {
                const value = valueOf(e);
                return { name: String(e.name), ...(value !== undefined ? { value } : {}) };
            }),
            ...fromSources,
        ],
        ...(complete ? {} : { envComplete: false }),
    };
}

/** `path in the volume` → Secret and key, for each Secret a volume projects; undefined where its keys are unknown. */
function secretVolumeFiles(
    v: Obj,
    scope: string,
    sources: Sources,
): { path: string; secret: string; key: string }[] | undefined {
    const refs = isObj(v.secret)
        ? [{ name: v.secret.secretName, items: v.secret.items }]
        : isObj(v.projected)
          ? objectsOf(v.projected.sources)
                .map((s) => s.secret)
                .filter(isObj)
          : [];
    let known = true;
    const files = refs.flatMap((ref) => {
        const secret = String(ref.name ?? ref.secretName);
        const items = objectsOf(ref.items);
        if (items.length > 0)
            return items.map((it) => ({ path: String(it.path), secret, key: String(it.key) }));
        const keys = sources.get(`${scope}\0Secret/${secret}`);
        if (keys === undefined) known = false;
        return (keys ?? []).map((key) => ({ path: key, secret, key }));
    });
    return known ? files : undefined;
}

/** What the container's Secret volumes place in it, by mount (a `subPath` mount places the one file it names). */
function secretFilesOf(c: Obj, pod: Obj, scope: string, sources: Sources): SecretFiles | undefined {
    const volumes = new Map(objectsOf(pod.volumes).map((v) => [String(v.name), v]));
    const files: SecretFiles["files"][number][] = [];
    const dirs: string[] = [];
    const undecided: string[] = [];
    for (const m of objectsOf(c.volumeMounts)) {
        const v = volumes.get(String(m.name));
        if (!v || !(isObj(v.secret) || isObj(v.projected))) continue;
        const at = String(m.mountPath).replace(/\/+$/, "");
        const inVolume = secretVolumeFiles(v, scope, sources);
        if (inVolume === undefined) {
            undecided.push(at);
            continue;
        }
        if (typeof m.subPath === "string" && m.subPath !== "") {
            const sub = m.subPath;
            files.push(...inVolume.filter((f) => f.path === sub).map((f) => ({ ...f, path: at })));
            continue;
        }
        dirs.push(at);
        files.push(...inVolume.map((f) => ({ ...f, path: `${at}/${f.path}` })));
    }
    return files.length + dirs.length + undecided.length > 0 ? { files, dirs, undecided } : undefined;
}

/**
 * The files a volume's Secrets and ConfigMaps place in it (by path inside it), with a ConfigMap key's text; undefined
 * where the plan cannot tell: an emptyDir or a claim may hold anything, and a masked Secret's keys are unknown.
 */
function volumeFiles(
    v: Obj,
    scope: string,
    sources: Sources,
    texts: Texts,
): { path: string; text?: string }[] | undefined {
    const refs: { kind: string; name: unknown; items: unknown }[] = [];
    const source = (s: Obj): boolean => {
        if (isObj(s.secret))
            refs.push({ kind: "Secret", name: s.secret.secretName ?? s.secret.name, items: s.secret.items });
        else if (isObj(s.configMap))
            refs.push({ kind: "ConfigMap", name: s.configMap.name, items: s.configMap.items });
        else return false;
        return true;
    };
    if (isObj(v.projected) ? !objectsOf(v.projected.sources).every(source) : !source(v)) return undefined;
    let known = true;
    const files = refs.flatMap((ref) => {
        const id = `${scope}\0${ref.kind}/${String(ref.name)}`;
        const data = texts.get(id);
        const file = (path: string, key: string) =>
            typeof data?.[key] === "string" ? { path, text: data[key] } : { path };
        const items = objectsOf(ref.items);
        if (items.length > 0) return items.map((it) => file(String(it.path), String(it.key)));
        const keys = sources.get(id);
        if (keys === undefined) known = false;
        return (keys ?? []).map((key) => file(key, key));
    });
    return known ? files : undefined;
}

/** Where the container's volumes are mounted and what each holds there, and the text of its ConfigMap files. */
function mountsOf(
    c: Obj,
    pod: Obj,
    scope: string,
    sources: Sources,
    texts: Texts,
): Pick<ContainerView, "mounts" | "configFiles"> {
    const volumes = new Map(objectsOf(pod.volumes).map((v) => [String(v.name), v]));
    const mounts: { path: string; files?: string[] }[] = [];
    const configFiles = new Map<string, string>();
    for (const m of objectsOf(c.volumeMounts)) {
        const at = String(m.mountPath).replace(/\/+$/, "");
        const v = volumes.get(String(m.name));
        const inVolume = v ? volumeFiles(v, scope, sources, texts) : undefined;
        const sub = typeof m.subPath === "string" && m.subPath !== "" ? m.subPath : undefined;
        // A subPath mount places the one file it names; a subPath the volume's keys do not name holds unknown files.
        const placed =
            sub === undefined
                ? inVolume?.map((f) => ({ ...f, path: `${at}/${f.path}` }))
                : inVolume?.some((f) => f.path === sub)
                  ? inVolume.filter((f) => f.path === sub).map((f) => ({ ...f, path: at }))
                  : undefined;
        mounts.push({ path: at, ...(placed ? { files: placed.map((f) => f.path) } : {}) });
        for (const f of placed ?? []) if (f.text !== undefined) configFiles.set(f.path, f.text);
    }
    return { mounts, ...(configFiles.size > 0 ? { configFiles } : {}) };
}

function viewOf(c: Obj, pod: Obj, scope: string, sources: Sources, texts: Texts): ContainerView {
    const secretFiles = secretFilesOf(c, pod, scope, sources);
    return {
        ...(secretFiles ? { secretFiles } : {}),
        ...mountsOf(c, pod, scope, sources, texts),
        image: String(c.image),
        args: Array.isArray(c.args) ? c.args : undefined,
        command: Array.isArray(c.command) ? c.command : undefined,
        ...(typeof c.workingDir === "string" && c.workingDir !== "" ? { workingDir: c.workingDir } : {}),
        ...envOf(c, scope, sources, texts),
        ports: objectsOf(c.ports).map((p) => ({
            containerPort: Number(p.containerPort),
            ...(typeof p.name === "string" ? { name: p.name } : {}),
        })),
        probes: probesOf(c),
    };
}

/** An Argo CronWorkflow's workflowSpec (its `volumes` are its pods' volumes). */
function workflowSpecOf(props: Obj): Obj {
    const spec = isObj(props.spec) ? props.spec : {};
    return isObj(spec.workflowSpec) ? spec.workflowSpec : {};
}

/** The containers of an Argo CronWorkflow's templates (what each Workflow it starts runs). */
function workflowContainers(props: Obj): Obj[] {
    const wf = workflowSpecOf(props);
    return objectsOf(wf.templates).flatMap((t) =>
        [t.container, t.script].filter(isObj).map((c, i) => ({ name: `${String(t.name)}#${i}`, ...c })),
    );
}

/** Every container of every workload of a plan. */
export function plannedContainers(resources: readonly PlanResource[]): PlannedContainer[] {
    const sources = sourcesOf(resources);
    const texts = textsOf(resources);
    return resources.flatMap((r) => {
        const kind = kindOf(r.type);
        const props = r.inputs as Obj;
        const name = `${r.system} ${kind} ${String(meta(props).namespace ?? "")}/${String(meta(props).name ?? "")}`;
        const scope = scopeOf(r);
        const pod = podSpecOf(r.type, props);
        const containers = pod
            ? containersOf(pod).map((c) => c.container)
            : kind === "CronWorkflow"
              ? workflowContainers(props)
              : [];
        return containers.map((c) => ({
            where: `${name} ${String(c.name)}`,
            system: r.system,
            namespace: String(meta(props).namespace ?? ""),
            scope,
            labels: pod ? templateLabels(props) : {},
            view: viewOf(c, pod?.spec ?? workflowSpecOf(props), scope, sources, texts),
        }));
    });
}

/**
 * Whether some container of the pods a Service port selects serves its target: a number is the pod's port (any
 * container may listen on it), a name is resolved against the containers' declared ports (the API's rule).
 */
function servicePortFindings(
    svc: PlanResource,
    pods: readonly PlannedContainer[],
    table: readonly ImageEvidence[],
): { mismatches: string[]; unread: string[] } {
    const props = svc.inputs as Obj;
    const spec = isObj(props.spec) ? props.spec : {};
    const scope = scopeOf(svc);
    const id = `${svc.system} Service ${String(meta(props).namespace ?? "")}/${String(meta(props).name ?? "")}`;
    if (!isObj(spec.selector) || Object.keys(spec.selector).length === 0)
        return { mismatches: [], unread: [] };
    const selected = pods.filter((c) => c.scope === scope && serviceSelects(spec.selector, c.labels));
    if (selected.length === 0) return { mismatches: [`${id} selects no pod of the plan`], unread: [] };
    const mismatches: string[] = [];
    const unread: string[] = [];
    for (const port of objectsOf(spec.ports)) {
        const target = (port.targetPort ?? port.port) as number | string;
        const answers = selected.map((c) => {
            const n = resolvePort(target, c.view.ports);
            return n === undefined ? false : listensOn(table, c.view.image, n);
        });
        if (answers.some((a) => a === true)) continue;
        if (answers.some((a) => a === undefined)) {
            unread.push(
                `${id} port ${String(port.port)} → ${String(target)}: served by an unread image, not checked`,
            );
            continue;
        }
        mismatches.push(
            `${id} port ${String(port.port)} targets ${String(target)}, which no container of its pods serves`,
        );
    }
    return { mismatches, unread };
}

/** The containers of read images, as the queue rule sees them. */
export function queueViews(
    containers: readonly PlannedContainer[],
    table: readonly ImageEvidence[],
): QueueView[] {
    return containers.flatMap((c) => {
        const verdict = containerVerdict(table, c.view);
        if (verdict.state !== "checked" || verdict.entry.facts.state !== "read") return [];
        // A container running its own script that starts none of the image's software serves and publishes nothing
        // (the consumers check asks the workers over the broker from a worker image).
        if (!startsImage(verdict.entry.facts, c.view)) return [];
        const values = new Map(
            (c.view.env ?? []).flatMap((e) =>
                typeof e.value === "string" ? [[e.name, e.value] as const] : [],
            ),
        );
        return [
            { where: c.where, namespace: c.namespace, scope: c.scope, facts: verdict.entry.facts, values },
        ];
    });
}

/** Replays `table` (every system's evidence) over a plan's resources. */
export function replay(resources: readonly PlanResource[], table: readonly ImageEvidence[]): Replay {
    const containers = plannedContainers(resources);
    const mismatches: string[] = [];
    const unread: string[] = [];
    let checked = 0;
    for (const c of containers) {
        const verdict = containerVerdict(table, c.view);
        if (verdict.state === "unread") {
            unread.push(`${c.where}: ${c.view.image}`);
            continue;
        }
        if (verdict.state === "checked") {
            checked++;
        }
        mismatches.push(...verdict.mismatches.map((m) => `${c.where}: ${m}`));
    }
    for (const svc of resources.filter((r) => kindOf(r.type) === "Service")) {
        const found = servicePortFindings(svc, containers, table);
        mismatches.push(...found.mismatches);
        unread.push(...found.unread);
    }
    mismatches.push(...unservedQueues(queueViews(containers, table)));
    return { mismatches, unread, checked };
}

/** The entry of an image, for tests that change one. */
export { evidenceFor };
