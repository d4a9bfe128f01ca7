import { isDeepStrictEqual } from "node:util";
import { LabelSelector, labelSelectorMatches } from "../../components/shared/labelSelector";
import { KubeObject, at } from "./model";

/** Kinds that run pods through a selector, which the API server never lets change in place. */
export const SELECTING_WORKLOADS: readonly string[] = [
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
];

export type { LabelSelector } from "../../components/shared/labelSelector";

/** Plain JSON data: what the API server stores, whatever object prototype a caller built the value with. */
const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value ?? {}));

/** Selectors must match exactly: a narrower or wider selector is a different selector. */
export function selectorChanges(live: unknown, desired: unknown): boolean {
    return desired !== undefined && !isDeepStrictEqual(plain(live), plain(desired));
}

/**
 * Whether a program workload takes a live one of its kind and name over in place: its selector is the live one
 * (immutable: another is a new workload, whose pods would start beside the old ones), and its pod template's labels
 * carry every label of it (the API server refuses a template its selector does not select).
 */
export function adoptableInPlace(
    live: LabelSelector | undefined,
    program: LabelSelector | undefined,
    templateLabels: Record<string, string>,
): boolean {
    return (
        live !== undefined &&
        program !== undefined &&
        !selectorChanges(live, program) &&
        selects(program, templateLabels)
    );
}

/**
 * Whether `selector` selects an object with `labels`, as the API server decides it. An empty or absent selector
 * selects nothing here: an apps/v1 workload always has one, and "everything" is never what a workload runs.
 */
export function selects(selector: LabelSelector | undefined, labels: Record<string, string>): boolean {
    const terms = Object.keys(selector?.matchLabels ?? {}).length + (selector?.matchExpressions ?? []).length;
    return terms > 0 && labelSelectorMatches(selector, labels);
}

/** Each label as `k=v`, the way kubectl takes labels. */
export const labelPairs = (labels: Record<string, string>): string[] =>
    Object.entries(labels).map(([k, v]) => `${k}=${v}`);

/** The selector as `kubectl -l` takes it, e.g. `app=hook,tier in (a,b),!legacy`. */
export function selectorArgument(selector: LabelSelector): string {
    return [
        ...labelPairs(selector.matchLabels ?? {}),
        ...(selector.matchExpressions ?? []).map(({ key, operator, values = [] }) => {
            if (operator === "Exists") return key;
            if (operator === "DoesNotExist") return `!${key}`;
            return `${key} ${operator === "NotIn" ? "notin" : "in"} (${values.join(",")})`;
        }),
    ].join(",");
}

/**
 * The controllers a workload runs its pods through: a Deployment's ReplicaSets, a DeploymentConfig's
 * ReplicationControllers; the others own their pods directly.
 */
export function controllerKind(kind: string): { apiVersion: string; kind: string } | undefined {
    if (kind === "Deployment") return { apiVersion: "apps/v1", kind: "ReplicaSet" };
    if (kind === "DeploymentConfig") return { apiVersion: "v1", kind: "ReplicationController" };
    return undefined;
}

/** A workload's selector as a LabelSelector: a DeploymentConfig's (like a ReplicationController's) is a plain map. */
export function workloadSelector(o: KubeObject): LabelSelector | undefined {
    const selector = at(o, "spec", "selector") as Record<string, unknown> | undefined;
    if (selector === undefined) return undefined;
    if (o.kind === "DeploymentConfig") return { matchLabels: selector as Record<string, string> };
    return selector as LabelSelector;
}

/**
 * Replacing a live workload in the one order that never runs two copies: delete it with its pods, check that none
 * is left, deploy at once. `kubectl delete --cascade=orphan` is the one thing not to do: the old pods would keep
 * running, unselected by the new workload, next to its pods.
 */
function replacementSteps(live: KubeObject): string {
    const ns = live.metadata.namespace ?? "";
    const kind = live.kind.toLowerCase();
    const controller = controllerKind(live.kind);
    const owned = controller ? `${controller.kind.toLowerCase()}s,pods` : "pods";
    return (
        `1) kubectl -n ${ns} delete ${kind} ${live.metadata.name} --cascade=foreground --wait=true ` +
        `(deletes its ${owned.replace(",", " and ")} first); 2) check that kubectl -n ${ns} get ${owned} ` +
        `-l '${selectorArgument(workloadSelector(live) ?? {})}' finds nothing; 3) pulumi up at once (the workload is ` +
        "down from 1 to the end of 3). Never kubectl delete --cascade=orphan: the old pods would keep running next " +
        "to the new ones"
    );
}

/** What to do when a workload's selector differs from the live one: keep the live selector, or replace it in order. */
export function selectorFix(live: KubeObject): string {
    return (
        "keep the live selector: declare it for this workload (the Workload's liveSelector, from the system's source " +
        "manifests) and run the report again. Only if the selector must change, replace the workload right before the " +
        `deploy, in this order: ${replacementSteps(live)}`
    );
}

/** Kinds that run pods under a workload's name, whichever API group defines them. */
export const POD_RUNNING_KINDS: readonly string[] = [...SELECTING_WORKLOADS, "DeploymentConfig"];

function ownerUids(o: KubeObject): string[] {
    return ((o.metadata.ownerReferences ?? []) as { uid?: string }[])
        .map((r) => String(r.uid ?? ""))
        .filter((u) => u !== "");
}

/** An object's own labels. */
export function labelsOf(o: KubeObject): Record<string, string> {
    return (o.metadata.labels ?? {}) as Record<string, string>;
}

/** The labels a workload puts on its pods (`spec.template.metadata.labels`). */
export function templateLabels(o: KubeObject): Record<string, string> {
    return (at(o, "spec", "template", "metadata", "labels") ?? {}) as Record<string, string>;
}

/** Pods that are done (a Job's, an evicted one) run nothing. */
export function finished(pod: KubeObject): boolean {
    const phase = at(pod, "status", "phase");
    return phase === "Succeeded" || phase === "Failed";
}

/**
 * What a live workload runs now: its controllers (a Deployment's ReplicaSets, a DeploymentConfig's
 * ReplicationControllers, found by owner or by its selector) and the unfinished pods they or it own or its selector
 * selects; `taken` ones (and what only they own) left out. `controllers` and `pods` are the live ones of its namespace.
 */
export function runningUnder(
    live: KubeObject,
    controllers: readonly KubeObject[],
    pods: readonly KubeObject[],
    taken: (o: KubeObject) => boolean = () => false,
): { controllers: KubeObject[]; pods: KubeObject[] } {
    const ns = live.metadata.namespace ?? "";
    const selector = workloadSelector(live);
    const ofLive = (o: KubeObject, owners: ReadonlySet<string>) =>
        (o.metadata.namespace ?? "") === ns &&
        (ownerUids(o).some((u) => owners.has(u)) || selects(selector, labelsOf(o))) &&
        !taken(o);
    const uid = String(live.metadata.uid ?? "");
    const controller = controllerKind(live.kind)?.kind;
    const sets = controller
        ? controllers.filter((r) => r.kind === controller && ofLive(r, new Set(uid ? [uid] : [])))
        : [];
    const owners = new Set([uid, ...sets.map((r) => String(r.metadata.uid ?? ""))].filter((u) => u !== ""));
    return { controllers: sets, pods: pods.filter((p) => ofLive(p, owners) && !finished(p)) };
}

/**
 * The controllers and pods the live workload runs (see {@link runningUnder}) that the program's workload would not
 * select: they would keep running beside the program's pods if the live workload went away without them. A
 * controller the program's selector selects is taken over with its pods.
 */
export function leftRunning(
    live: KubeObject,
    desired: KubeObject,
    controllers: readonly KubeObject[],
    pods: readonly KubeObject[],
): KubeObject[] {
    const programSelector = workloadSelector(desired);
    const running = runningUnder(live, controllers, pods, (o) => selects(programSelector, labelsOf(o)));
    // A controller scaled to 0 (an old revision) still holds the old template: deleting it with the workload is part
    // of the same step, so it is listed too.
    return [...running.controllers, ...running.pods];
}
