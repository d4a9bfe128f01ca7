import type {
    V1NodeSelectorRequirement,
    V1NodeSelectorTerm,
    V1PodSpec,
    V1Taint,
    V1Toleration,
} from "@kubernetes/client-node";
import { labelSelectorMatches } from "../../components/shared/labelSelector";
import { type ClusterApi, forbidden } from "./kube";
import { DesiredObject, KubeObject, Placed, at } from "./model";
import { QuotaWorkload, quotaWorkload } from "./quota";
import { labelPairs } from "./selectors";

/**
 * Whether the nodes of a cluster can run the pods of the program's workloads, as the scheduler's filters decide it
 * from the node objects alone (kubernetes/kubernetes@v1.36.3, the API server the e2e runs):
 * - NodeAffinity: every `nodeSelector` label, and one term of the required node affinity
 *   (k8s.io/component-helpers@v0.36.3:scheduling/corev1/nodeaffinity/nodeaffinity.go `GetRequiredNodeAffinity`);
 * - TaintToleration: every `NoSchedule`/`NoExecute` taint tolerated (pkg/scheduler/framework/plugins/tainttoleration,
 *   k8s.io/api@v0.36.3:core/v1/toleration.go `ToleratesTaint`);
 * - NodeUnschedulable: a cordoned node only for a pod that tolerates `node.kubernetes.io/unschedulable:NoSchedule`
 *   (pkg/scheduler/framework/plugins/nodeunschedulable).
 * Free capacity, pod (anti-)affinity and volume topology are not judged: a pod that passes may still wait for room.
 */

/** A decimal int64 as the API parses a label value for Gt/Lt (strconv.ParseInt base 10); undefined otherwise. */
function int64(v: unknown): bigint | undefined {
    if (typeof v !== "string" || !/^[+-]?\d+$/.test(v)) return undefined;
    const n = BigInt(v);
    return n >= -(2n ** 63n) && n < 2n ** 63n ? n : undefined;
}

/**
 * One label requirement against a node's labels (k8s.io/apimachinery labels.Requirement.Matches): In, NotIn, Exists
 * and DoesNotExist as every label selector reads them (the shared ./labelSelector); Gt and Lt, which only node
 * selectors have, compare the label and the one value as int64.
 */
function requirementHolds(r: V1NodeSelectorRequirement, labels: Record<string, string>): boolean {
    if (r.operator !== "Gt" && r.operator !== "Lt")
        return labelSelectorMatches({ matchExpressions: [r] }, labels);
    if (typeof r.key !== "string" || !Object.prototype.hasOwnProperty.call(labels, r.key)) return false;
    const values = Array.isArray(r.values) ? r.values : [];
    const [bound, actual] = [int64(values.length === 1 ? values[0] : undefined), int64(labels[r.key])];
    if (bound === undefined || actual === undefined) return false;
    return r.operator === "Gt" ? actual > bound : actual < bound;
}

/** A matchFields requirement: only `metadata.name`, only In/NotIn with one value. */
function fieldHolds(r: V1NodeSelectorRequirement, name: string): boolean {
    const values = Array.isArray(r.values) ? r.values : [];
    if (r.key !== "metadata.name" || values.length !== 1) return false;
    if (r.operator === "In") return name === values[0];
    if (r.operator === "NotIn") return name !== values[0];
    return false;
}

/** Whether a node satisfies a term: all of its requirements; an empty term matches no node. */
function termMatches(term: V1NodeSelectorTerm, labels: Record<string, string>, name: string): boolean {
    const expressions = term.matchExpressions ?? [];
    const fields = term.matchFields ?? [];
    if (expressions.length === 0 && fields.length === 0) return false;
    return expressions.every((r) => requirementHolds(r, labels)) && fields.every((r) => fieldHolds(r, name));
}

/** Whether a toleration tolerates a taint; the alpha comparison operators (off by default) tolerate nothing. */
export function tolerates(t: V1Toleration, taint: V1Taint): boolean {
    if (t.effect && t.effect !== taint.effect) return false;
    if (t.key && t.key !== taint.key) return false;
    if (t.operator === "Exists") return true;
    if (t.operator === undefined || t.operator === "" || t.operator === "Equal")
        return (t.value ?? "") === (taint.value ?? "");
    return false;
}

const UNSCHEDULABLE: V1Taint = { key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" };

/** The pod's required node affinity, undefined when it has none (absent or null). */
function requiredNodeAffinity(spec: object): unknown {
    return (
        at(spec, "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution") ?? undefined
    );
}

const nodeSelectorOf = (spec: object) => (at(spec, "nodeSelector") ?? {}) as Record<string, string>;

/** Why `node` cannot run a pod of `spec`, or undefined when it can. */
export function nodeRefusal(spec: V1PodSpec | Record<string, unknown>, node: KubeObject): string | undefined {
    const labels = (node.metadata.labels ?? {}) as Record<string, string>;
    const missing = Object.entries(nodeSelectorOf(spec)).filter(
        ([k, v]) => !Object.prototype.hasOwnProperty.call(labels, k) || labels[k] !== v,
    );
    if (missing.length > 0)
        return `lacks ${labelPairs(Object.fromEntries(missing)).join(", ")} (nodeSelector)`;
    const required = requiredNodeAffinity(spec);
    if (required !== undefined) {
        const terms = (at(required, "nodeSelectorTerms") ?? []) as V1NodeSelectorTerm[];
        if (!terms.some((t) => termMatches(t, labels, node.metadata.name)))
            return "matches no term of the required node affinity";
    }
    const tolerations = (at(spec, "tolerations") ?? []) as V1Toleration[];
    const taints = ((at(node, "spec", "taints") ?? []) as V1Taint[]).filter(
        (t) => t.effect === "NoSchedule" || t.effect === "NoExecute",
    );
    const untolerated = taints.find((taint) => !tolerations.some((t) => tolerates(t, taint)));
    if (untolerated)
        return `has taint ${untolerated.key}${untolerated.value ? `=${untolerated.value}` : ""}:${untolerated.effect}, not tolerated`;
    if (at(node, "spec", "unschedulable") === true && !tolerations.some((t) => tolerates(t, UNSCHEDULABLE)))
        return "is cordoned (unschedulable)";
    return undefined;
}

/** One workload the program runs on a cluster, and whether any node can run its pods. */
export interface PlacementCheck extends Placed {
    namespace: string;
    /** `<Kind> <name>`, or `*` for a check of the whole cluster (nodes not readable). */
    workload: string;
    state: "blocking" | "not-verified";
    problems: string[];
}

/** Whether a workload asks for particular nodes (a selector or a required node affinity). */
function asksForNodes(spec: V1PodSpec): boolean {
    return Object.keys(nodeSelectorOf(spec)).length > 0 || requiredNodeAffinity(spec) !== undefined;
}

/** The fix for a workload no node can run: label a node only where plain labels are asked for, else ask. */
function placementFix(w: QuotaWorkload, nodes: readonly KubeObject[]): string {
    const selector = labelPairs(nodeSelectorOf(w.spec));
    const names = nodes.map((n) => n.metadata.name).sort();
    const listed =
        names.length > 8 ? `${names.slice(0, 8).join(", ")}, … (${names.length} nodes)` : names.join(", ");
    const labelCommand =
        selector.length > 0 && at(w.spec, "affinity", "nodeAffinity") === undefined
            ? ` label the node meant to run it: kubectl label node <NODE> ${selector.join(" ")}, ` +
              `<NODE> being the one its runbook names (nodes today: ${listed});`
            : "";
    return (
        `Fix before the deploy:${labelCommand} a taint or a cordon is the cluster administrators' to lift. The first ` +
        "up would otherwise replace its running pods by pods that stay Pending until the rollout's 10-minute await fails"
    );
}

/**
 * Every program workload whose pods no node of the cluster can run (blocking), or one not-verified row when nodes
 * cannot be listed and some workload asks for particular nodes. A cluster that lists no node at all (a control
 * plane without workers, a virtual cluster) is judged the same way as an unreadable one.
 */
export async function placementChecks(
    cluster: string,
    desired: readonly DesiredObject[],
    api: Pick<ClusterApi, "list">,
): Promise<PlacementCheck[]> {
    const workloads = desired
        .map((d) => ({ d, w: quotaWorkload(d.object, d.system) }))
        .filter((x): x is { d: DesiredObject; w: QuotaWorkload } => x.w !== undefined && x.w.pods > 0);
    let nodes: KubeObject[] = [];
    let unreadable: string | undefined;
    try {
        nodes = await api.list("v1", "Node", "");
    } catch (err) {
        if (!forbidden(err)) throw err;
        unreadable = "the report's user may not list the cluster's nodes";
    }
    if (!unreadable && nodes.length === 0) unreadable = "the cluster lists no node";
    if (unreadable) {
        const asking = workloads.filter(({ w }) => asksForNodes(w.spec));
        if (asking.length === 0) return [];
        return [
            {
                cluster,
                system: [...new Set(asking.map(({ w }) => w.system))].sort().join(", "),
                namespace: "*",
                workload: "*",
                state: "not-verified",
                problems: [
                    `${unreadable}: ${asking.map(({ d, w }) => `${w.name} (${d.object.metadata.namespace})`).join(", ")} ` +
                        "ask for particular nodes; check with oc get nodes --show-labels that one matches each",
                ],
            },
        ];
    }
    const checks: PlacementCheck[] = [];
    for (const { d, w } of workloads) {
        const refusals = nodes.map((n) => ({ node: n.metadata.name, why: nodeRefusal(w.spec, n) }));
        if (refusals.some((r) => r.why === undefined)) continue;
        const byReason = new Map<string, string[]>();
        for (const r of refusals) byReason.set(r.why!, [...(byReason.get(r.why!) ?? []), r.node]);
        // Each reason with the nodes it keeps out: "lacks ci.kubevirt.io/cachenode=true (nodeSelector): a, b".
        const reasons = [...byReason].map(
            ([why, ns]) =>
                `${why}: ${ns.slice(0, 3).join(", ")}${ns.length > 3 ? ` and ${ns.length - 3} more` : ""}`,
        );
        checks.push({
            cluster,
            system: w.system,
            namespace: d.object.metadata.namespace ?? "",
            workload: w.name,
            state: "blocking",
            problems: [
                `no node of ${nodes.length} can run its pods: ${reasons.join("; ")}. ${placementFix(w, nodes)}`,
            ],
        });
    }
    return checks;
}

const STATE_LABEL: Record<PlacementCheck["state"], string> = {
    blocking: "BLOCKING: no node can run its pods",
    "not-verified": "WARNING: not verified",
};

/** The report's lines about pod placement: nothing when every workload has a node. */
export function placementLines(checks: readonly PlacementCheck[]): string[] {
    if (checks.length === 0) return [];
    const lines = ["", "== pod placement (node selectors, required node affinity, taints, cordons)"];
    for (const state of ["blocking", "not-verified"] as const)
        for (const c of checks.filter((x) => x.state === state)) {
            const what = c.workload === "*" ? "the cluster's nodes" : `${c.workload} in ${c.namespace}`;
            lines.push(`  [${STATE_LABEL[state]}] ${what} (cluster ${c.cluster}, ${c.system})`);
            for (const p of c.problems) lines.push(`      ! ${p}`);
        }
    return lines;
}
