import { containersOf, describe, kindOf, podSpecOf } from "./k8s";
import { everyContainerSets } from "./resources";
import { labelSelectorMatches, serviceSelects } from "../../components/shared/labelSelector";
import { templateLabels } from "./podTemplate";
import { Obj, PolicyInput, Rule, StackRule, isObj, objectsOf } from "./types";

// What keeps the pods of a workload serving through rollouts and node drains: a readiness probe on every container a
// Service sends traffic to, a PodDisruptionBudget on every workload of more than one replica, a start deadline on
// every CronJob and a CPU request on every container.

/** Kinds whose pods run behind Services and are drained from nodes. */
const SERVING_KINDS = new Set(["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "DeploymentConfig"]);
/** Kinds a PodDisruptionBudget is asked of: the ones with a `replicas` count. */
const REPLICATED_KINDS = new Set(["Deployment", "StatefulSet", "ReplicaSet", "DeploymentConfig"]);

function metaOf(props: Obj): Obj {
    return isObj(props.metadata) ? props.metadata : {};
}

/** Namespace and cluster of an object: the same namespace name on two clusters is two namespaces. */
function scopeOf(r: PolicyInput): string {
    return `${r.provider ?? ""}\0${String(metaOf(r.props).namespace ?? "")}`;
}

function specOf(props: Obj): Obj {
    return isObj(props.spec) ? props.spec : {};
}

/**
 * The containers of a pod that a Service's port sends traffic to: the container declaring the target port (by
 * number or by name); a numeric target no container declares reaches the pod's only container, if it has one.
 */
function targetedContainers(pod: ReturnType<typeof containersOf>, targetPort: unknown): string[] {
    const declared = pod.filter(
        (c) =>
            !c.init &&
            objectsOf(c.container.ports).some((p) =>
                typeof targetPort === "string" ? p.name === targetPort : p.containerPort === targetPort,
            ),
    );
    if (declared.length > 0) return declared.map((c) => c.name);
    const main = pod.filter((c) => !c.init);
    return typeof targetPort === "number" && main.length === 1 ? [main[0].name] : [];
}

/** `container name → the Services (and ports) that send it traffic` of one workload, from the stack's Services. */
export function servingContainers(
    workload: PolicyInput,
    resources: readonly PolicyInput[],
): Map<string, string[]> {
    const served = new Map<string, string[]>();
    const kind = kindOf(workload.type) ?? "";
    const pod = podSpecOf(workload.type, workload.props);
    if (!SERVING_KINDS.has(kind) || !pod) return served;
    const labels = templateLabels(workload.props);
    const containers = containersOf(pod);
    for (const svc of resources) {
        if (kindOf(svc.type) !== "Service" || scopeOf(svc) !== scopeOf(workload)) continue;
        const spec = specOf(svc.props);
        if (!serviceSelects(spec.selector, labels)) continue;
        for (const port of objectsOf(spec.ports)) {
            const target = port.targetPort ?? port.port;
            for (const name of targetedContainers(containers, target)) {
                const via = `Service ${String(metaOf(svc.props).name)} port ${String(port.port)}`;
                served.set(name, [...(served.get(name) ?? []), via]);
            }
        }
    }
    return served;
}

/**
 * Every container a Service sends traffic to has a readiness probe: without one a pod receives requests as soon as
 * its process starts (before it listens or has its config), and a rollout or a drain replaces ready pods with ones
 * that are not.
 */
export const readinessOnServing: StackRule = {
    name: "readiness-on-serving",
    description: "Every container that a Service's port targets has a readiness probe.",
    checkStack(resources) {
        return resources.flatMap((workload) => {
            const pod = podSpecOf(workload.type, workload.props);
            if (!pod) return [];
            const byName = new Map(containersOf(pod).map((c) => [c.name, c]));
            return [...servingContainers(workload, resources)]
                .filter(([name]) => !isObj(byName.get(name)?.container.readinessProbe))
                .map(([name, via]) => ({
                    urn: workload.urn,
                    message: `${describe(workload.type, workload.props)}: container "${name}" serves ${via.join(", ")} but has no readinessProbe (${byName.get(name)?.path}.readinessProbe)`,
                }));
        });
    },
};

/**
 * Every Service with a selector selects the pods of a workload of the stack in its namespace. The deploy leaves a
 * Service's readiness to the workload it selects (components/shared/service.ts skips the provider's Service await),
 * so a Service that selects nothing would otherwise deploy green and serve nobody.
 */
export const serviceSelectsPods: StackRule = {
    name: "service-selects-pods",
    description:
        "Every Service with a selector selects the pods of a workload of the stack in its namespace.",
    checkStack(resources) {
        const workloads = resources.filter((r) => SERVING_KINDS.has(kindOf(r.type) ?? ""));
        return resources
            .filter((svc) => kindOf(svc.type) === "Service")
            .filter((svc) => {
                const selector = specOf(svc.props).selector;
                return isObj(selector) && Object.keys(selector).length > 0;
            })
            .filter(
                (svc) =>
                    !workloads.some(
                        (w) =>
                            scopeOf(w) === scopeOf(svc) &&
                            serviceSelects(specOf(svc.props).selector, templateLabels(w.props)),
                    ),
            )
            .map((svc) => ({
                urn: svc.urn,
                message: `${describe(svc.type, svc.props)}: its selector ${JSON.stringify(specOf(svc.props).selector)} selects the pods of no workload in its namespace (spec.selector must be the pod labels of the workload it serves)`,
            }));
    },
};

/** Replicas of a workload (1 when unset, as the API defaults it). */
function replicasOf(props: Obj): number {
    const replicas = specOf(props).replicas;
    return typeof replicas === "number" ? replicas : 1;
}

/** Whether a budget lets a drain evict one of `replicas` pods: maxUnavailable ≥ 1, or minAvailable below replicas. */
export function budgetAllowsEviction(spec: Obj, replicas: number): boolean {
    const quantity = (v: unknown): number | undefined => {
        if (typeof v === "number") return v;
        const percent = typeof v === "string" ? /^([0-9]+)%$/.exec(v) : null;
        // Percentages of the replicas round up, as the disruption controller rounds both fields.
        return percent ? Math.ceil((Number(percent[1]) / 100) * replicas) : undefined;
    };
    const max = quantity(spec.maxUnavailable);
    if (max !== undefined) return max >= 1;
    const min = quantity(spec.minAvailable);
    return min !== undefined && min < replicas;
}

/**
 * Every workload of more than one replica has exactly one PodDisruptionBudget selecting its pods (two budgets over
 * one pod make the eviction API refuse every eviction of it), and no budget blocks a drain for good.
 */
export const disruptionBudgets: StackRule = {
    name: "disruption-budgets",
    description:
        "Every workload of more than one replica has exactly one PodDisruptionBudget, which lets a drain evict a pod.",
    checkStack(resources) {
        const budgets = resources.filter((r) => kindOf(r.type) === "PodDisruptionBudget");
        return resources.flatMap((workload) => {
            const kind = kindOf(workload.type) ?? "";
            if (!REPLICATED_KINDS.has(kind)) return [];
            const replicas = replicasOf(workload.props);
            const labels = templateLabels(workload.props);
            const where = describe(workload.type, workload.props);
            const matching = budgets.filter(
                (b) =>
                    scopeOf(b) === scopeOf(workload) &&
                    labelSelectorMatches(specOf(b.props).selector, labels),
            );
            const problems: string[] = [];
            if (replicas > 1 && matching.length !== 1) {
                problems.push(
                    `${where}: ${replicas} replicas and ${matching.length} PodDisruptionBudgets selecting its pods (needs exactly one, e.g. maxUnavailable: 1 with the workload's selector)`,
                );
            }
            for (const b of matching) {
                if (!budgetAllowsEviction(specOf(b.props), replicas)) {
                    problems.push(
                        `${where}: ${describe(b.type, b.props)} never lets a drain evict one of its ${replicas} pods (use maxUnavailable: 1)`,
                    );
                }
            }
            return problems.map((message) => ({ urn: workload.urn, message }));
        });
    },
};

/**
 * Every CronJob says how late a run may start (`startingDeadlineSeconds`): without it the controller starts a missed
 * run at any delay, and stops scheduling a CronJob that missed more than 100 runs.
 */
export const cronJobDeadline: Rule = {
    name: "cronjob-starting-deadline",
    description: "Every CronJob sets spec.startingDeadlineSeconds.",
    check({ type, props }) {
        if (kindOf(type) !== "CronJob") return [];
        const deadline = specOf(props).startingDeadlineSeconds;
        return typeof deadline === "number" && deadline > 0
            ? []
            : [
                  `${describe(type, props)}: no spec.startingDeadlineSeconds (startingDeadlineFor in components/shared/scheduledJob.ts)`,
              ];
    },
};

/**
 * Every container, init containers included, requests CPU: the scheduler counts a container without a request as
 * needing none and places it on a node whose CPU is taken.
 */
export const cpuRequests = everyContainerSets("cpu-requests", ["requests", "cpu"], {
    must: "requests CPU",
    lacks: "requests no CPU",
});
