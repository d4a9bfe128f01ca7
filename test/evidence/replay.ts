import {
    ContainerView,
    containerVerdict,
    listensOn,
    resolvePort,
    unconsumedQueues,
} from "../../components/shared/evidence/check";
import { evidenceFor } from "../../components/shared/evidence/lookup";
import type { ImageEvidence } from "../../components/shared/evidence/types";
import { containersOf, kindOf, podSpecOf } from "../../policy/rules/k8s";
import { serviceSelects } from "../../components/shared/labelSelector";
import { templateLabels } from "../../policy/rules/podTemplate";
import { Obj, isObj, objectsOf } from "../../policy/rules/types";
import type { PlanResource } from "../../tools/plan/render";

// Replays the evidence over a plan: what kwok cannot show (a probe on a port nothing serves, a flag the binary
// does not define, a Service whose target no container serves) fails here, per container of every workload.

/** One container of a plan: where it is (`<system> <Kind> <namespace>/<name> <container>`) and what it runs. */
export interface PlannedContainer {
    where: string;
    system: string;
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
 * `<scope>\0<Kind>/<name>` → the keys a ConfigMap or Secret of the plan holds; `undefined` for a Secret whose whole
 * payload the plan masks (a secret output), whose keys it cannot show.
 */
type Sources = Map<string, string[] | undefined>;

function sourcesOf(resources: readonly PlanResource[]): Sources {
    const out: Sources = new Map();
    for (const r of resources) {
        const kind = kindOf(r.type);
        if (kind !== "ConfigMap" && kind !== "Secret") continue;
        const props = r.inputs as Obj;
        const payloads = [props.data, props.stringData, props.binaryData].filter((d) => d !== undefined);
        const keys = payloads.every(isObj) ? payloads.flatMap((d) => Object.keys(d)) : undefined;
        out.set(`${scopeOf(r)}\0${kind}/${String(meta(props).name ?? "")}`, keys);
    }
    return out;
}

const scopeOf = (r: PlanResource): string =>
    `${r.provider}\0${String(meta(r.inputs as Obj).namespace ?? "")}`;

/**
 * Every variable a container gets: its `env`, then each key of its `envFrom` ConfigMaps and Secrets (with their
 * prefix), as the kubelet sets them; `complete` is false when a source's keys are unknown here (not in the plan, or
 * masked), so a variable the image needs may still come from it.
 */
function envOf(c: Obj, scope: string, sources: Sources): Pick<ContainerView, "env" | "envComplete"> {
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
        return keys.map((k) => ({ name: `${prefix}${k}`, from: `${kind} ${String(ref.name)}` }));
    });
    return {
        env: [...objectsOf(c.env).map((e) => ({ name: String(e.name) })), ...fromSources],
        ...(complete ? {} : { envComplete: false }),
    };
}

function viewOf(c: Obj, scope: string, sources: Sources): ContainerView {
    return {
        image: String(c.image),
        args: Array.isArray(c.args) ? c.args : undefined,
        command: Array.isArray(c.command) ? c.command : undefined,
        ...envOf(c, scope, sources),
        ports: objectsOf(c.ports).map((p) => ({
            containerPort: Number(p.containerPort),
            ...(typeof p.name === "string" ? { name: p.name } : {}),
        })),
        probes: probesOf(c),
    };
}

/** The containers of an Argo CronWorkflow's templates (what each Workflow it starts runs). */
function workflowContainers(props: Obj): Obj[] {
    const spec = isObj(props.spec) ? props.spec : {};
    const wf = isObj(spec.workflowSpec) ? spec.workflowSpec : {};
    return objectsOf(wf.templates).flatMap((t) =>
        [t.container, t.script].filter(isObj).map((c, i) => ({ name: `${String(t.name)}#${i}`, ...c })),
    );
}

/** Every container of every workload of a plan. */
export function plannedContainers(resources: readonly PlanResource[]): PlannedContainer[] {
    const sources = sourcesOf(resources);
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
            scope,
            labels: pod ? templateLabels(props) : {},
            view: viewOf(c, scope, sources),
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

/** Replays `table` (every system's evidence) over a plan's resources. */
export function replay(resources: readonly PlanResource[], table: readonly ImageEvidence[]): Replay {
    const containers = plannedContainers(resources);
    const mismatches: string[] = [];
    const unread: string[] = [];
    let checked = 0;
    const used: ImageEvidence[] = [];
    for (const c of containers) {
        const verdict = containerVerdict(table, c.view);
        if (verdict.state === "unread") {
            unread.push(`${c.where}: ${c.view.image}`);
            continue;
        }
        if (verdict.state === "checked") {
            checked++;
            used.push(verdict.entry);
        }
        mismatches.push(...verdict.mismatches.map((m) => `${c.where}: ${m}`));
    }
    for (const svc of resources.filter((r) => kindOf(r.type) === "Service")) {
        const found = servicePortFindings(svc, containers, table);
        mismatches.push(...found.mismatches);
        unread.push(...found.unread);
    }
    for (const { queue, by } of unconsumedQueues([...new Set(used)]))
        mismatches.push(`${by} publishes to ${queue}, which no workload of the plan consumes`);
    return { mismatches, unread, checked };
}

/** The entry of an image, for tests that change one. */
export { evidenceFor };
