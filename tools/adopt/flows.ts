import type { V1LabelSelector, V1ServicePort, V1Volume } from "@kubernetes/client-node";
import { parseAllDocuments } from "yaml";
import {
    Cluster,
    NetworkPolicy,
    PodEndpoint,
    Source,
    affectsEgress,
    affectsIngress,
    connectionAllowed,
    egressAllowed,
    ingressAllowed,
} from "../../components/shared/netpolEvaluate";
import { labelSelectorMatches, serviceSelects } from "../../components/shared/labelSelector";
import { OPENSHIFT_INGRESS_GROUPS } from "../../components/shared/network";
import { CallerRepair, EgressRepair, LiveServiceRef } from "../../components/shared/egress";
import { KubeObject, LeftBehind, Placed, at, namespacedName, objectId } from "./model";
import { WORKLOAD_KINDS, containersOf, podTemplateOf, programNames } from "./workloads";
import { serviceOfHost } from "./serviceHost";
import { POD_RUNNING_KINDS, labelPairs } from "./selectors";

// What the report leaves running keeps the flows it has today: the callers that live configuration names for it,
// whoever reaches it through a Service or a Route, and its own egress. The program's NetworkPolicies of a namespace
// isolate pods it selects; a policy that selects a pod it leaves running (or a caller's pod) cuts whatever that
// policy does not admit. Each flow is judged with the one NetworkPolicy evaluator
// (components/shared/netpolEvaluate.ts) under today's policies and under the policies after the up (the program's,
// and the live ones it neither manages nor replaces): a flow admitted today and denied after blocks, named.

/** A flow of a workload the report leaves running that the up would cut. */
export interface FlowCut extends Placed {
    /** The workload left running (an object id). */
    workload: string;
    /** Who opens the connection. */
    from: string;
    /** Where it goes: `Service <ns>/<name>:<port>`, or what the egress reaches. */
    to: string;
    /** Where the flow is written down (the live object and key that names the caller, or the Service). */
    namedIn: string;
    /** The planned policies that cut it (namespace/name), each with the side it isolates. */
    cutBy: string[];
    /** The stack setting that makes the program admit it, proved against the planned policies. */
    fix?: string;
}

/** The router of an OpenShift cluster as a NetworkPolicy sees it: its namespace carries the ingress policy groups. */
export const ROUTER: PodEndpoint = {
    namespace: "openshift-ingress",
    labels: { "ingresscontroller.operator.openshift.io/deployment-ingresscontroller": "default" },
};

/**
 * The label plank puts on every ProwJob's pod, beside the job's own labels (a preset's labels among them):
 * kubernetes/test-infra@a5b49bc903:prow/pod-utils/decorate/podspec.go:100-115 (kube.CreatedByProw,
 * prow/kube/prowjob.go:25).
 */
const CREATED_BY_PROW = "created-by-prow";

/** A pod a flow starts from or ends at, with what the report calls it. */
interface End {
    what: string;
    endpoint: Source;
    /** The live workload whose pods these are. */
    workload?: KubeObject;
}

/** The pods at one end of a flow today, and during and after the up. */
type Ends = { today: End[]; after: End[] };

/** One flow: its sources, its destination Service's pods and port. */
interface Flow {
    workload: string;
    from: Ends;
    to: string;
    /** Destination pods (for an egress to the outside, one address). */
    destination: Ends;
    /** The port each destination pod is reached on (a Service's target port, resolved). */
    port: (pod: Source) => number | undefined;
    namedIn: string;
    service?: LiveServiceRef;
}

/**
 * The port a URL of each scheme reaches when it names none: HTTP's (RFC 9110 §4.2), Redis' and AMQP's (their IANA
 * registrations) and PostgreSQL's (libpq's connection URIs). A URL of another scheme names its port or is skipped.
 */
const DEFAULT_PORTS: Readonly<Record<string, number>> = {
    http: 80,
    https: 443,
    redis: 6379,
    rediss: 6379,
    amqp: 5672,
    amqps: 5671,
    postgres: 5432,
    postgresql: 5432,
};

/**
 * The in-cluster Service endpoints the URLs of `text` name: `scheme://[user@]host[:port]`, the scheme's port when it
 * names none ({@link DEFAULT_PORTS}).
 */
export function urlEndpoints(
    text: string,
    callerNamespace: string,
): { namespace: string; name: string; port: number; url: string }[] {
    const urls = text.matchAll(/\b([a-z][a-z0-9+.-]*):\/\/(?:[^@/\s]*@)?([A-Za-z0-9.-]+)(?::(\d{1,5}))?/gi);
    return [...urls].flatMap((m) => {
        const service = serviceOfHost(m[2], callerNamespace);
        const port = m[3] ? Number(m[3]) : DEFAULT_PORTS[m[1].toLowerCase()];
        return service && port !== undefined ? [{ ...service, port, url: m[0] }] : [];
    });
}

/** The literal texts of a workload's containers: command, args and env values. */
function containerTexts(o: KubeObject): string[] {
    return containersOf(o).flatMap((c) => [
        ...(c.command ?? []),
        ...(c.args ?? []),
        ...(c.env ?? []).map((e) => (typeof e.value === "string" ? e.value : "")),
    ]);
}

/** The YAML documents of a ConfigMap's values, each as plain data (values that do not parse are skipped). */
function configDocuments(cm: KubeObject): { key: string; doc: Record<string, unknown> }[] {
    const data = (at(cm, "data") ?? {}) as Record<string, unknown>;
    const out: { key: string; doc: Record<string, unknown> }[] = [];
    for (const [key, value] of Object.entries(data)) {
        if (typeof value !== "string" || !/\.ya?ml$/.test(key)) continue;
        try {
            for (const d of parseAllDocuments(value)) {
                const js: unknown = d.toJS();
                if (typeof js === "object" && js !== null && !Array.isArray(js))
                    out.push({ key, doc: js as Record<string, unknown> });
            }
        } catch {
            continue;
        }
    }
    return out;
}

/** Whether a workload's pods mount or read ConfigMap `name`. */
function readsConfigMap(o: KubeObject, name: string): boolean {
    const volumes = (at(podTemplateOf(o), "spec", "volumes") ?? []) as V1Volume[];
    const fromVolume = volumes.some(
        (v) =>
            v?.configMap?.name === name ||
            (v?.projected?.sources ?? []).some((source) => source?.configMap?.name === name),
    );
    const fromEnv = containersOf(o).some((c) =>
        (c.envFrom ?? []).some((e) => e?.configMapRef?.name === name),
    );
    return fromVolume || fromEnv;
}

/** A caller named in live configuration: whose pods call which URL, and where that is written. */
interface NamedCaller {
    /** Live workloads whose pods call (their program successors' pods too), or pods of a namespace by labels. */
    callers:
        { workloads: KubeObject[] } | { namespace: string; labels: Record<string, string>; what: string };
    namespace: string;
    url: string;
    namedIn: string;
}

/**
 * Prow's external plugins (plugins.yaml `external_plugins`): hook sends each plugin its events at `endpoint`,
 * `http://<name>` when unset (kubernetes/test-infra@a5b49bc903:prow/plugins/config.go:103-113 and 878-884). The
 * callers are the live workloads running hook that read the ConfigMap.
 */
function externalPluginCallers(cm: KubeObject, live: readonly KubeObject[]): NamedCaller[] {
    const ns = cm.metadata.namespace ?? "";
    const hooks = live.filter(
        (w) =>
            POD_RUNNING_KINDS.includes(w.kind) &&
            (w.metadata.namespace ?? "") === ns &&
            readsConfigMap(w, cm.metadata.name) &&
            containersOf(w).some((c) => programNames(c).has("hook")),
    );
    const out: NamedCaller[] = [];
    for (const { key, doc } of configDocuments(cm)) {
        const plugins = doc.external_plugins;
        if (typeof plugins !== "object" || plugins === null) continue;
        for (const [repo, list] of Object.entries(plugins as Record<string, unknown>)) {
            for (const p of Array.isArray(list) ? (list as { name?: unknown; endpoint?: unknown }[]) : []) {
                if (typeof p?.name !== "string") continue;
                const url =
                    typeof p.endpoint === "string" && p.endpoint !== "" ? p.endpoint : `http://${p.name}`;
                out.push({
                    callers: { workloads: hooks },
                    namespace: ns,
                    url,
                    namedIn: `ConfigMap ${ns}/${cm.metadata.name} ${key}: external_plugins.${repo} ${p.name} (${url})`,
                });
            }
        }
    }
    return out;
}

/**
 * Prow's presets (config.yaml `presets`): a job whose labels carry a preset's labels gets its env; its pod runs in
 * `pod_namespace` with the job's labels and `created-by-prow: "true"` (test-infra@a5b49bc903:prow/config/jobs.go
 * mergePreset; prow/pod-utils/decorate/podspec.go:100-115).
 */
function presetCallers(cm: KubeObject): NamedCaller[] {
    const out: NamedCaller[] = [];
    for (const { key, doc } of configDocuments(cm)) {
        const podNamespace = doc.pod_namespace;
        if (typeof podNamespace !== "string" || !Array.isArray(doc.presets)) continue;
        for (const preset of doc.presets as {
            labels?: Record<string, string>;
            env?: { name?: string; value?: unknown }[];
        }[]) {
            const labels = preset?.labels ?? {};
            for (const e of preset?.env ?? []) {
                if (typeof e?.value !== "string") continue;
                for (const u of urlEndpoints(e.value, podNamespace))
                    out.push({
                        callers: {
                            namespace: podNamespace,
                            labels: { ...labels, [CREATED_BY_PROW]: "true" },
                            what: `ProwJob pods of ${labelPairs(labels).join(",")} in ${podNamespace}`,
                        },
                        namespace: podNamespace,
                        url: u.url,
                        namedIn: `ConfigMap ${cm.metadata.namespace ?? ""}/${cm.metadata.name} ${key}: presets (${Object.keys(labels).join(",")}) ${e.name ?? ""}`,
                    });
            }
        }
    }
    return out;
}

/** A workload's pods as policies see them: its template's labels and named container ports. */
export function podOf(o: KubeObject): PodEndpoint {
    const namedPorts: Record<string, number> = {};
    for (const c of containersOf(o))
        for (const p of c.ports ?? [])
            if (typeof p.name === "string" && typeof p.containerPort === "number")
                namedPorts[p.name] = p.containerPort;
    const labels = (at(podTemplateOf(o), "metadata", "labels") ?? {}) as Record<string, string>;
    return { namespace: o.metadata.namespace ?? "", labels, namedPorts };
}

const servicePorts = (s: unknown) => (at(s, "spec", "ports") ?? []) as V1ServicePort[];
/** A caller that is the same before and after the up (a namespace's pods, the router). */
const always = (e: End): Ends => ({ today: [e], after: [e] });
/** A namespace no policy of the program's names: where an unknown caller of a Service may run. */
const ANOTHER_NAMESPACE = "another-namespace";
const nameOf = (o: KubeObject) => `${o.kind} ${o.metadata.namespace ?? ""}/${o.metadata.name}`;

/** The inputs of the judgement: what runs today and what the program applies, on one cluster. */
export interface FlowInputs {
    cluster: string;
    /** Live objects of the program's namespaces. */
    live: readonly KubeObject[];
    /** What the program applies there. */
    desired: readonly KubeObject[];
    /** What the report leaves behind (only those without `replacedBy` keep running). */
    leftBehind: readonly LeftBehind[];
    /** The system of each namespace, for the report. */
    systemOfNamespace: ReadonlyMap<string, string>;
    /** The cluster is OpenShift: its router reaches Routes' Services. */
    openshift: boolean;
    /** How the system of a namespace would admit a flow its egress lock cuts. */
    egressRepair?: EgressRepair;
    /** How the system of a Service would admit a live workload's call its policy cuts. */
    callerRepair?: CallerRepair;
}

/** The flows of the workloads left running that the planned NetworkPolicies cut. */
export function cutFlows(inputs: FlowInputs): FlowCut[] {
    const { live, desired } = inputs;
    const leftIds = new Set(inputs.leftBehind.filter((l) => !l.replacedBy).map((l) => l.id));
    const left = live.filter((o) => WORKLOAD_KINDS.includes(o.kind) && leftIds.has(objectId(o)));
    if (left.length === 0) return [];
    const planned = new Set(desired.map(objectId));
    const livePolicies = live.filter((o) => o.kind === "NetworkPolicy") as unknown as NetworkPolicy[];
    const plannedPolicies = desired.filter((o) => o.kind === "NetworkPolicy") as unknown as NetworkPolicy[];
    const namespaces: Cluster["namespaces"] = {
        ...(inputs.openshift ? { [ROUTER.namespace]: Object.assign({}, ...OPENSHIFT_INGRESS_GROUPS) } : {}),
    };
    for (const o of [...live, ...desired].filter((x) => x.kind === "Namespace"))
        namespaces[o.metadata.name] = {
            ...(namespaces[o.metadata.name] ?? {}),
            ...((o.metadata.labels ?? {}) as Record<string, string>),
        };
    const today: Cluster = { namespaces, policies: livePolicies };
    const after: Cluster = {
        namespaces,
        policies: [
            ...plannedPolicies,
            ...livePolicies.filter((p) => !planned.has(objectId(p as unknown as KubeObject))),
        ],
    };

    // The pods a live workload runs today, and during and after the up: today's and its program successor's.
    const successor = (w: KubeObject) =>
        desired.find((d) => WORKLOAD_KINDS.includes(d.kind) && namespacedName(d) === namespacedName(w));
    const ends = (w: KubeObject): Ends => {
        const now = { what: nameOf(w), endpoint: podOf(w), workload: w };
        const next = successor(w);
        return {
            today: [now],
            after: next ? [now, { what: `${nameOf(next)} (the program's)`, endpoint: podOf(next) }] : [now],
        };
    };
    const services = [
        ...live.filter((s) => s.kind === "Service" && !planned.has(objectId(s))),
        ...desired.filter((s) => s.kind === "Service"),
    ];
    const liveWorkloads = live.filter((o) => WORKLOAD_KINDS.includes(o.kind));
    const newWorkloads = desired.filter(
        (d) => POD_RUNNING_KINDS.includes(d.kind) && !liveWorkloads.some((w) => successor(w) === d),
    );
    /**
     * The flow to Service `namespace`/`name`:`port` from `from`: to each workload it selects, when that workload or
     * the caller (`callerLeft`, an id) is left running.
     */
    const serviceFlow = (
        namespace: string,
        name: string,
        port: number,
        from: Ends,
        namedIn: string,
        callerLeft?: string,
    ): Flow[] => {
        const service = services.find((s) => namespacedName(s) === `${namespace}/${name}`);
        const sp = servicePorts(service).find((p) => p.port === port);
        if (!service || !sp) return [];
        const selector = (at(service, "spec", "selector") ?? {}) as Record<string, string>;
        const target = sp.targetPort ?? port;
        const selected = (w: KubeObject) =>
            (w.metadata.namespace ?? "") === namespace && serviceSelects(selector, podOf(w).labels);
        type Target = { workload: string; to: KubeObject; ends: Ends };
        const targets: Target[] = [
            ...liveWorkloads.filter(selected).map((w) => ({
                workload: leftIds.has(objectId(w)) ? objectId(w) : callerLeft,
                to: w,
                ends: ends(w),
            })),
            ...newWorkloads.filter(selected).map((d) => ({
                workload: callerLeft,
                to: d,
                ends: { today: [], after: [{ what: `${nameOf(d)} (the program's)`, endpoint: podOf(d) }] },
            })),
        ].filter((t): t is Target => !!t.workload);
        return targets.map((t) => ({
            workload: t.workload,
            from,
            to: `Service ${namespace}/${name}:${port} (pods of ${nameOf(t.to)})`,
            destination: t.ends,
            port: (pod) =>
                typeof target === "number"
                    ? target
                    : "namedPorts" in pod
                      ? pod.namedPorts?.[target]
                      : undefined,
            namedIn,
            service: { namespace, name, port, targetPort: target, selector },
        }));
    };

    const flows: Flow[] = [];
    // Callers named in live configuration.
    const named: NamedCaller[] = [];
    for (const cm of live.filter((o) => o.kind === "ConfigMap"))
        named.push(...externalPluginCallers(cm, live), ...presetCallers(cm));
    for (const w of liveWorkloads)
        for (const text of containerTexts(w))
            for (const u of urlEndpoints(text, w.metadata.namespace ?? ""))
                named.push({
                    callers: { workloads: [w] },
                    namespace: w.metadata.namespace ?? "",
                    url: u.url,
                    namedIn: `${nameOf(w)} names ${u.url}`,
                });
    for (const n of named) {
        const c = n.callers;
        const from =
            "workloads" in c
                ? {
                      today: c.workloads.flatMap((w) => ends(w).today),
                      after: c.workloads.flatMap((w) => ends(w).after),
                  }
                : always({ what: c.what, endpoint: { namespace: c.namespace, labels: c.labels } });
        const callerLeft =
            "workloads" in c ? c.workloads.map(objectId).find((id) => leftIds.has(id)) : undefined;
        for (const u of urlEndpoints(n.url, n.namespace))
            flows.push(...serviceFlow(u.namespace, u.name, u.port, from, n.namedIn, callerLeft));
    }
    // Whoever reaches a left-behind workload through a Service it selects, and the router through a Route.
    const reach = (s: KubeObject, port: number, e: End, namedIn: string) =>
        flows.push(...serviceFlow(s.metadata.namespace ?? "", s.metadata.name, port, always(e), namedIn));
    const router: End = { what: "the router", endpoint: ROUTER };
    for (const s of services) {
        const ns = s.metadata.namespace ?? "";
        const probes: End[] = [
            { what: `a pod of ${ns}`, endpoint: { namespace: ns, labels: {} } },
            { what: "a pod of another namespace", endpoint: { namespace: ANOTHER_NAMESPACE, labels: {} } },
        ];
        for (const p of servicePorts(s))
            for (const e of probes) reach(s, p.port, e, `Service ${ns}/${s.metadata.name} selects its pods`);
    }
    if (inputs.openshift)
        for (const r of live.filter((o) => o.kind === "Route")) {
            const ns = r.metadata.namespace ?? "";
            const service = services.find(
                (s) => s.metadata.name === at(r, "spec", "to", "name") && (s.metadata.namespace ?? "") === ns,
            );
            const target = at(r, "spec", "port", "targetPort");
            if (!service) continue;
            for (const p of servicePorts(service))
                if (target === undefined || target === p.name || target === p.port || target === p.targetPort)
                    reach(service, p.port, router, `Route ${ns}/${r.metadata.name}`);
        }

    const cuts = new Map<string, FlowCut>();
    for (const flow of flows) judge(flow, today, after, inputs, cuts);
    // Its own egress: open today, isolated after by a policy that selects its pods (every flow it opens beyond what
    // that policy admits is cut).
    for (const w of left) {
        const by = isolating(after, "egress", podOf(w), nameOf(w));
        if (isolating(today, "egress", podOf(w), nameOf(w)).length > 0 || by.length === 0) continue;
        record(cuts, inputs, {
            workload: objectId(w),
            from: nameOf(w),
            to: "anything its egress reaches today beyond what these policies admit",
            namedIn: "its own egress, which no NetworkPolicy limits today",
            cutBy: by,
        });
    }
    return [...cuts.values()].sort((a, b) =>
        `${a.workload} ${a.from} ${a.to}`.localeCompare(`${b.workload} ${b.from} ${b.to}`),
    );
}

/** The policies of `c` that isolate `pod` on `side`, each named with the side of `what` it isolates. */
function isolating(c: Cluster, side: "egress" | "ingress", pod: Source, what: string): string[] {
    const isolates = side === "ingress" ? affectsIngress : affectsEgress;
    return c.policies
        .filter(
            (p) =>
                isolates(p) &&
                "namespace" in pod &&
                p.metadata.namespace === pod.namespace &&
                labelSelectorMatches(p.spec.podSelector, pod.labels),
        )
        .map((p) => `${p.metadata.namespace}/${p.metadata.name} (${side} of ${what})`);
}

/** A flow admitted today for some source and destination pod, and denied after the up for one: a cut, named. */
function judge(
    flow: Flow,
    today: Cluster,
    after: Cluster,
    inputs: FlowInputs,
    cuts: Map<string, FlowCut>,
): void {
    const admitted = (c: Cluster, from: End, to: End) => {
        const port = flow.port(to.endpoint);
        if (port === undefined) return true;
        const source = from.endpoint;
        return "namespace" in source
            ? connectionAllowed(c, source, to.endpoint, port)
            : "namespace" in to.endpoint
              ? ingressAllowed(c, source, to.endpoint as PodEndpoint, port)
              : true;
    };
    const openToday = flow.from.today.some((f) => flow.destination.today.some((t) => admitted(today, f, t)));
    if (!openToday) return;
    for (const f of flow.from.after)
        for (const t of flow.destination.after) {
            if (admitted(after, f, t)) continue;
            const port = flow.port(t.endpoint)!;
            const cutBy: string[] = [];
            const src = f.endpoint;
            let fix: string | undefined;
            // A repair is printed only once the policy it adds admits this very flow.
            const proved = (repair: ReturnType<EgressRepair | CallerRepair>) =>
                repair && admitted({ ...after, policies: [...after.policies, repair.policy] }, f, t)
                    ? repair.fix
                    : undefined;
            if ("namespace" in src && !egressAllowed(after, src, t.endpoint, port)) {
                cutBy.push(...isolating(after, "egress", src, f.what));
                fix = proved(flow.service && inputs.egressRepair?.(src.namespace, flow.service));
            }
            if ("namespace" in t.endpoint && !ingressAllowed(after, src, t.endpoint as PodEndpoint, port)) {
                cutBy.push(...isolating(after, "ingress", t.endpoint, t.what));
                fix ??= proved(flow.service && callerRepairOf(f, flow.service, inputs));
            }
            record(cuts, inputs, {
                workload: flow.workload,
                from: f.what,
                to: `${flow.to}, port ${port}`,
                namedIn: flow.namedIn,
                cutBy,
                ...(fix ? { fix } : {}),
            });
        }
}

/**
 * The repair of a call from `from`'s pods when they are a workload left running that its selector names by labels
 * alone (a selector with expressions has no setting that names it).
 */
function callerRepairOf(from: End, service: LiveServiceRef, inputs: FlowInputs) {
    const w = from.workload;
    const left = w && inputs.leftBehind.some((l) => !l.replacedBy && l.id === objectId(w));
    const selector = w && (at(w, "spec", "selector") as V1LabelSelector | undefined);
    if (!w || !left || !selector?.matchLabels || selector.matchExpressions?.length) return undefined;
    return inputs.callerRepair?.(
        { namespace: w.metadata.namespace ?? "", name: w.metadata.name, selector: selector.matchLabels },
        service,
    );
}

function record(
    cuts: Map<string, FlowCut>,
    inputs: FlowInputs,
    cut: Omit<FlowCut, "cluster" | "system">,
): void {
    const ns = cut.workload.split("/").slice(-2)[0];
    const key = `${cut.workload}|${cut.from}|${cut.to}`;
    if (!cuts.has(key))
        cuts.set(key, { cluster: inputs.cluster, system: inputs.systemOfNamespace.get(ns) ?? "", ...cut });
}
