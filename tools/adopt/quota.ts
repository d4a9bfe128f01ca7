import type { V1Container, V1PodSpec, V1ScopedResourceSelectorRequirement } from "@kubernetes/client-node";
import { quantityValue } from "../../components/shared/resources";
import { type ClusterApi, forbidden } from "./kube";
import { DesiredObject, KubeObject, Placed, at, kindAndName } from "./model";
import { resourcesKeyOf } from "./resourceKeys";
import { POD_RUNNING_KINDS, finished } from "./selectors";
import { podSpecOf } from "./workloads";
import { mountedClaims } from "./claims";
import { neverBeside } from "./handover";

/**
 * Whether the first `pulumi up` fits a namespace's ResourceQuotas. Every amount is an integer count of
 * thousandths (millicores, millibytes, millipods), the unit the API server rounds quantities to, so sums are exact.
 */

/** A quota's pod-level resource names and what of a pod each counts (`cpu` and `memory` are requests). */
const POD_RESOURCES: Record<string, { side: "requests" | "limits"; resource: string } | "pods"> = {
    pods: "pods",
    "count/pods": "pods",
    cpu: { side: "requests", resource: "cpu" },
    memory: { side: "requests", resource: "memory" },
    "ephemeral-storage": { side: "requests", resource: "ephemeral-storage" },
    "requests.cpu": { side: "requests", resource: "cpu" },
    "requests.memory": { side: "requests", resource: "memory" },
    "requests.ephemeral-storage": { side: "requests", resource: "ephemeral-storage" },
    "limits.cpu": { side: "limits", resource: "cpu" },
    "limits.memory": { side: "limits", resource: "memory" },
    "limits.ephemeral-storage": { side: "limits", resource: "ephemeral-storage" },
};

/** Thousandths of a quantity (`500m` → 500, `1Gi` → 1073741824000), undefined when it is not one. */
export function milli(q: unknown): number | undefined {
    const v = quantityValue(q);
    if (v === undefined) return undefined;
    // 0.1 * 1000 is 100.00000000000001 in floating point: 15 digits drop the noise before rounding up.
    return Number.isInteger(v) ? v * 1000 : Math.ceil(Number((v * 1000).toPrecision(15)));
}

/** Thousandths of a quota resource as the quantity an operator writes (`1500m`, `2`, `512Mi`, `7`). */
export function formatAmount(name: string, amount: number): string {
    const spec = POD_RESOURCES[name];
    if (spec === "pods" || spec === undefined) return String(Math.ceil(amount / 1000));
    if (spec.resource === "cpu") return amount % 1000 === 0 ? String(amount / 1000) : `${amount}m`;
    const bytes = Math.ceil(amount / 1000);
    for (const [suffix, size] of [
        ["Gi", 1024 ** 3],
        ["Mi", 1024 ** 2],
        ["Ki", 1024],
    ] as const) {
        if (bytes !== 0 && bytes % size === 0) return `${bytes / size}${suffix}`;
    }
    return String(bytes);
}

/** What the API server fills in for a container that sets no request or limit: a LimitRange's `Container` defaults. */
export interface ContainerDefaults {
    requests: Record<string, unknown>;
    limits: Record<string, unknown>;
}

/**
 * The defaults of a namespace's LimitRanges, as the LimitRanger admission applies them: the first range that names a
 * default wins; a range's `default` falls back to its `max` and its `defaultRequest` to its `default` (the API
 * server's own defaulting of a LimitRange).
 */
export function containerDefaults(limitRanges: readonly KubeObject[]): ContainerDefaults {
    const out: ContainerDefaults = { requests: {}, limits: {} };
    for (const lr of limitRanges) {
        for (const item of (at(lr, "spec", "limits") ?? []) as Record<string, Record<string, unknown>>[]) {
            if ((item.type as unknown) !== "Container") continue;
            const limits = { ...(item.max ?? {}), ...(item.default ?? {}) };
            const requests = { ...limits, ...(item.defaultRequest ?? {}) };
            out.limits = { ...limits, ...out.limits };
            out.requests = { ...requests, ...out.requests };
        }
    }
    return out;
}

/**
 * A container's request or limit of one resource once admitted, in thousandths: its own; for a request, else its
 * limit (the API server's defaulting); else the LimitRange default. Undefined when nothing sets it.
 */
function containerAmount(
    c: V1Container,
    side: "requests" | "limits",
    resource: string,
    defaults: ContainerDefaults,
): number | undefined {
    const own = c.resources?.[side]?.[resource];
    const fromLimit = side === "requests" ? c.resources?.limits?.[resource] : undefined;
    return milli(own ?? fromLimit ?? defaults[side][resource]);
}

/** One pod as a quota counts it, per pod-level quota resource; `unset` names containers the quota would refuse. */
export interface PodAmounts {
    amounts: Record<string, number>;
    /** Per quota resource, the containers that set no value of it (a quota on it refuses such a pod). */
    unset: Record<string, string[]>;
}

/**
 * A pod's usage per quota resource, Kubernetes' effective-request rule: the sum over its containers and sidecars
 * (init containers with `restartPolicy: Always`), or the largest init container plus the sidecars started before it
 * if that is more; plus the pod's overhead.
 */
export function podAmounts(spec: V1PodSpec, defaults: ContainerDefaults): PodAmounts {
    const amounts: Record<string, number> = {};
    const unset: Record<string, string[]> = {};
    for (const [name, what] of Object.entries(POD_RESOURCES)) {
        if (what === "pods") {
            amounts[name] = 1000;
            continue;
        }
        const of = (c: V1Container) => containerAmount(c, what.side, what.resource, defaults);
        const missing = [...(spec.initContainers ?? []), ...(spec.containers ?? [])]
            .filter((c) => of(c) === undefined)
            .map((c) => c.name);
        if (missing.length > 0) unset[name] = missing;
        let sidecars = 0;
        let initMax = 0;
        for (const c of spec.initContainers ?? []) {
            const v = of(c) ?? 0;
            if (c.restartPolicy === "Always") {
                sidecars += v;
                initMax = Math.max(initMax, sidecars);
            } else initMax = Math.max(initMax, sidecars + v);
        }
        const main = (spec.containers ?? []).reduce((n, c) => n + (of(c) ?? 0), 0) + sidecars;
        amounts[name] = Math.max(main, initMax) + (milli(spec.overhead?.[what.resource]) ?? 0);
    }
    return { amounts, unset };
}

/** Whether a quota's scopes select a pod (a scope this check does not know selects it: the safe side). */
export function inScope(quota: KubeObject, spec: V1PodSpec, amounts: PodAmounts): boolean {
    const bestEffort = Object.entries(amounts.amounts).every(
        ([name, v]) => POD_RESOURCES[name] === "pods" || v === 0,
    );
    const terms: V1ScopedResourceSelectorRequirement[] = [
        ...((at(quota, "spec", "scopes") ?? []) as string[]).map((s) => ({
            scopeName: s,
            operator: "Exists",
        })),
        ...((at(quota, "spec", "scopeSelector", "matchExpressions") ??
            []) as V1ScopedResourceSelectorRequirement[]),
    ];
    return terms.every((t) => {
        const terminating = spec.activeDeadlineSeconds !== undefined && spec.activeDeadlineSeconds !== null;
        switch (t.scopeName) {
            case "Terminating":
                return terminating;
            case "NotTerminating":
                return !terminating;
            case "BestEffort":
                return bestEffort;
            case "NotBestEffort":
                return !bestEffort;
            case "PriorityClass": {
                const pc = spec.priorityClassName;
                if (t.operator === "Exists") return pc !== undefined;
                if (t.operator === "DoesNotExist") return pc === undefined;
                const listed = pc !== undefined && (t.values ?? []).includes(pc);
                return t.operator === "NotIn" ? !listed : listed;
            }
            default:
                return true;
        }
    });
}

/** One of the program's workloads in a namespace, as the quota check sees it. */
export interface QuotaWorkload {
    /** `<Kind> <name>` */
    name: string;
    /** The system (config section) it belongs to. */
    system: string;
    spec: V1PodSpec;
    /** Pods it runs once rolled out. */
    pods: number;
    /** Extra pods a RollingUpdate rollout runs at once (maxSurge); 0 for the others. */
    surge: number;
    /** It removes its old pod before starting the new one (Recreate, StatefulSet): not fitting is an outage. */
    recreate: boolean;
}

/** An int-or-percent of `replicas`, rounded up as the Deployment controller rounds maxSurge. */
function surgeOf(value: unknown, replicas: number): number {
    if (typeof value === "number") return value;
    const pct = /^(\d+)%$/.exec(String(value));
    return pct ? Math.ceil((Number(pct[1]) * replicas) / 100) : Number(value) || 0;
}

/**
 * What a desired object runs: a Deployment its replicas (surge: its maxSurge, 25% by default, when it rolls); a
 * StatefulSet its replicas, each replaced by deleting it first; a CronJob one run of its job (none while suspended);
 * a Job its parallelism; a Pod itself. Undefined for anything else.
 */
export function quotaWorkload(o: KubeObject, system = ""): QuotaWorkload | undefined {
    const name = kindAndName(o);
    const replicas = Number(at(o, "spec", "replicas") ?? 1);
    const spec = podSpecOf(o) as V1PodSpec;
    const runs = (pods: number, surge = 0, recreate = false): QuotaWorkload => ({
        name,
        system,
        spec,
        pods,
        surge,
        recreate,
    });
    switch (o.kind) {
        case "Deployment": {
            const recreate = at(o, "spec", "strategy", "type") === "Recreate";
            const maxSurge = at(o, "spec", "strategy", "rollingUpdate", "maxSurge") ?? "25%";
            return runs(replicas, recreate ? 0 : surgeOf(maxSurge, replicas), recreate);
        }
        case "StatefulSet":
            return runs(replicas, 0, true);
        case "CronJob": {
            const parallelism = at(o, "spec", "jobTemplate", "spec", "parallelism");
            return runs(at(o, "spec", "suspend") === true ? 0 : Number(parallelism ?? 1));
        }
        case "Job":
            return runs(Number(at(o, "spec", "parallelism") ?? 1));
        case "Pod":
            return runs(1);
        default:
            return undefined;
    }
}

/** A ResourceQuota of a namespace the stack writes, checked against what the first deploy starts there. */
export interface QuotaCheck extends Placed {
    namespace: string;
    quota: string;
    state: "fits" | "blocking" | "warning" | "not-verified";
    /** What would not fit, each with the fix; empty when it fits. */
    problems: string[];
}

/**
 * Which live pods the deploy replaces: the pods of a live workload with a program workload's name. A workload of
 * another kind (a DeploymentConfig the program runs as a Deployment) keeps its pods running beside the program's
 * until step 5 (tools/adopt/handover.ts), unless the two must never run at once (`neverBeside`): only then do they go
 * before the up.
 */
export function replacedPods(
    pods: readonly KubeObject[],
    controllers: readonly KubeObject[],
    program: readonly KubeObject[],
    shared: ReadonlySet<string> = new Set(),
): KubeObject[] {
    const programNames = new Set(program.map((o) => o.metadata.name));
    // The first workload of a name, as the program lists them (a name is one workload per namespace).
    const workloads = new Map<string, KubeObject>();
    for (const o of program)
        if (POD_RUNNING_KINDS.includes(o.kind) && !workloads.has(o.metadata.name))
            workloads.set(o.metadata.name, o);
    const besideUntilStep5 = (pod: KubeObject, top: { kind?: string; name?: string }) => {
        const mine = workloads.get(String(top.name));
        return mine !== undefined && mine.kind !== top.kind && !neverBeside(mine, mountedClaims(pod), shared);
    };
    const ownerOf = (o: KubeObject) =>
        ((o.metadata.ownerReferences ?? []) as { kind?: string; name?: string; controller?: boolean }[]).find(
            (r) => r.controller !== false,
        );
    return pods.filter((p) => {
        if (finished(p)) return false;
        const owner = ownerOf(p);
        if (!owner) return programNames.has(p.metadata.name);
        const controller = controllers.find((c) => c.kind === owner.kind && c.metadata.name === owner.name);
        const top = (controller && ownerOf(controller)) ?? owner;
        return (
            [...POD_RUNNING_KINDS, "CronJob", "Job"].includes(String(top.kind)) &&
            programNames.has(String(top.name)) &&
            !besideUntilStep5(p, top)
        );
    });
}

/** The stack keys that size the containers of `workloads` (with the workloads), or none. */
function keysOf(workloads: readonly QuotaWorkload[]): string[] {
    const keys = new Map<string, Set<string>>();
    for (const w of workloads)
        for (const c of [...(w.spec.initContainers ?? []), ...(w.spec.containers ?? [])]) {
            const key = resourcesKeyOf(w.system, c);
            if (key) keys.set(key, new Set([...(keys.get(key) ?? []), w.name]));
        }
    return [...keys].map(([k, ws]) => `${k} (${[...ws].join(", ")})`);
}

/**
 * The verdict of one quota from what was read: for every pod-level resource the quota limits, the usage that stays
 * plus the program's pods (plus the largest surge) against `spec.hard`. Over without the surge where a workload
 * deletes its pod before starting the new one: BLOCKING (that workload would be down); otherwise a warning (the
 * rollout stalls while the old pods serve).
 */
export function quotaVerdict(input: {
    namespace: string;
    quota: KubeObject;
    workloads: readonly QuotaWorkload[];
    defaults: ContainerDefaults;
    /** Live pods the deploy replaces (their usage goes away). */
    replaced: readonly KubeObject[];
}): Pick<QuotaCheck, "state" | "problems"> {
    const { quota, namespace, defaults } = input;
    const hard = (at(quota, "spec", "hard") ?? {}) as Record<string, unknown>;
    const used = (at(quota, "status", "used") ?? {}) as Record<string, unknown>;
    const where = `ResourceQuota ${quota.metadata.name} in namespace ${namespace}`;
    const workloads = input.workloads
        .map((w) => ({ w, pod: podAmounts(w.spec, defaults) }))
        .filter(({ w, pod }) => w.pods > 0 && inScope(quota, w.spec, pod));
    const replaced = input.replaced
        .map((p) => ({
            spec: at(p, "spec") as V1PodSpec,
            pod: podAmounts(at(p, "spec") as V1PodSpec, { requests: {}, limits: {} }),
        }))
        .filter(({ spec, pod }) => inScope(quota, spec, pod));
    const problems: string[] = [];
    let blocking = false;
    for (const name of Object.keys(hard).sort()) {
        if (!(name in POD_RESOURCES)) continue;
        const limit = milli(hard[name]);
        if (limit === undefined) continue;
        const fmt = (v: number) => formatAmount(name, v);
        const unset = workloads.filter(({ pod }) => pod.unset[name]);
        for (const { w, pod } of unset) {
            if (w.recreate) blocking = true;
            problems.push(
                `${w.name}: containers ${pod.unset[name].join(", ")} set no ${name} and no LimitRange gives a default: ` +
                    `the quota refuses its pods${w.recreate ? " (it deletes its pod first: an outage)" : ""}. Set it ` +
                    `(${keysOf([w]).join("; ") || "in the system's code: no stack key sizes these containers"}) ` +
                    `or ask the cluster's administrators for a LimitRange default`,
            );
        }
        const release = replaced.reduce((n, { pod }) => n + pod.amounts[name], 0);
        const staying = Math.max(0, (milli(used[name]) ?? 0) - release);
        const desired = workloads.reduce((n, { w, pod }) => n + w.pods * pod.amounts[name], 0);
        const surges = workloads.map(({ w, pod }) => ({ w, v: w.surge * pod.amounts[name] }));
        const largest = surges.reduce((a, b) => (b.v > a.v ? b : a), {
            w: undefined as QuotaWorkload | undefined,
            v: 0,
        });
        if (staying + desired + largest.v <= limit) continue;
        const numbers =
            `${name}: hard ${fmt(limit)}; used today ${fmt(milli(used[name]) ?? 0)}, of which ${fmt(release)} by pods ` +
            `the deploy replaces, so ${fmt(staying)} stays; the program's pods need ${fmt(desired)}`;
        if (staying + desired > limit) {
            const needers = workloads.filter(({ pod }) => pod.amounts[name] > 0).map(({ w }) => w);
            const recreate = needers.filter((w) => w.recreate);
            if (recreate.length > 0) blocking = true;
            const need = staying + desired;
            const who =
                recreate.length > 0
                    ? `${recreate.map((w) => w.name).join(", ")} delete their pod before starting the new one and ` +
                      "may then not start: an outage"
                    : "new pods are refused: rollouts stall with the old pods serving, new workloads get no pods";
            problems.push(
                `${numbers}: ${fmt(need)} in all, ${fmt(need - limit)} over. ${who}. Fix: ask the cluster's ` +
                    `administrators to raise spec.hard["${name}"] of ${where} to at least ${fmt(need)}, or lower it by ` +
                    `${fmt(need - limit)} through ${keysOf(needers).join("; ") || "no stack key (these systems size their containers in code)"}`,
            );
        } else {
            const need = staying + desired + largest.v;
            problems.push(
                `${numbers}, ${fmt(staying + desired)} in all, which fits; the rollout of ${largest.w!.name} adds ` +
                    `${largest.w!.surge} surge pod(s) (${fmt(largest.v)}): ${fmt(need)}, ${fmt(need - limit)} over, so it ` +
                    `stalls with the old pods serving until another finishes. Fix: ask the cluster's administrators to raise ` +
                    `spec.hard["${name}"] of ${where} to at least ${fmt(need)}, or lower it by ${fmt(need - limit)} through ` +
                    `${keysOf([largest.w!]).join("; ") || "no stack key (this system sizes its containers in code)"}`,
            );
        }
    }
    return { state: problems.length === 0 ? "fits" : blocking ? "blocking" : "warning", problems };
}

/**
 * Every ResourceQuota of the namespaces the program writes, checked (see {@link quotaVerdict}). `shared`: the live
 * claims many pods may mount at once (claims.ts sharedClaims of the claims the report already read).
 */
export async function quotaChecks(
    cluster: string,
    desired: readonly DesiredObject[],
    namespaces: readonly string[],
    systemOfNamespace: ReadonlyMap<string, string>,
    api: Pick<ClusterApi, "list">,
    shared: ReadonlySet<string>,
): Promise<QuotaCheck[]> {
    const checks: QuotaCheck[] = [];
    for (const namespace of namespaces) {
        const system = systemOfNamespace.get(namespace) ?? "";
        let quotas: KubeObject[];
        try {
            quotas = await api.list("v1", "ResourceQuota", namespace);
        } catch (err) {
            if (!forbidden(err)) throw err;
            checks.push({
                cluster,
                system,
                namespace,
                quota: "*",
                state: "not-verified",
                problems: [
                    `the report's user may not list ResourceQuotas in ${namespace}: run oc -n ${namespace} describe ` +
                        "resourcequota and compare it with the program's requests by hand",
                ],
            });
            continue;
        }
        if (quotas.length === 0) continue;
        const mine = desired.filter((d) => d.object.metadata.namespace === namespace);
        const objects = mine.map((d) => d.object);
        const workloads = mine
            .map((d) => quotaWorkload(d.object, d.system))
            .filter((w): w is QuotaWorkload => w !== undefined);
        const [limitRanges, pods, ...controllers] = await Promise.all([
            api.list("v1", "LimitRange", namespace),
            api.list("v1", "Pod", namespace),
            api.list("apps/v1", "ReplicaSet", namespace),
            api.list("v1", "ReplicationController", namespace),
            api.list("batch/v1", "Job", namespace),
        ]);
        const replaced = replacedPods(pods, controllers.flat(), objects, shared);
        const defaults = containerDefaults(limitRanges);
        for (const quota of quotas) {
            const { state, problems } = quotaVerdict({ namespace, quota, workloads, defaults, replaced });
            checks.push({ cluster, system, namespace, quota: quota.metadata.name, state, problems });
        }
    }
    return checks;
}

const STATE_LABEL: Record<QuotaCheck["state"], string> = {
    blocking: "BLOCKING: does not fit the quota",
    warning: "WARNING: a rollout would stall",
    "not-verified": "WARNING: not verified",
    fits: "fits",
};

/** The report's lines about the quotas: one per quota, each problem below it. */
export function quotaLines(checks: readonly QuotaCheck[]): string[] {
    if (checks.length === 0) return [];
    const order: QuotaCheck["state"][] = ["blocking", "warning", "not-verified", "fits"];
    const parts = order
        .map((s) => [s, checks.filter((c) => c.state === s).length] as const)
        .filter(([, n]) => n > 0)
        .map(([s, n]) => `${n} ${STATE_LABEL[s]}`);
    const lines = [
        "",
        `== resource quotas of the program's namespaces (first deploy and rollouts): ${parts.join(", ")}`,
    ];
    for (const state of order)
        for (const c of checks.filter((x) => x.state === state)) {
            lines.push(
                `  [${STATE_LABEL[state]}] ResourceQuota ${c.namespace}/${c.quota} (cluster ${c.cluster}, ${c.system})`,
            );
            for (const p of c.problems) lines.push(`      ! ${p}`);
        }
    return lines;
}
