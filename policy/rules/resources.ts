import { ContainerAt, PodSpecAt, containersOf, describe, podSpecOf } from "./k8s";
import { Rule, isObj } from "./types";

/** The containers of a pod spec, init containers included, that set no `resources.<section>.<resource>`. */
export function containersWithout(
    pod: PodSpecAt,
    section: "limits" | "requests",
    resource: "cpu" | "memory",
): ContainerAt[] {
    return containersOf(pod).filter((c) => {
        const resources = isObj(c.container.resources) ? c.container.resources : {};
        const values = isObj(resources[section]) ? resources[section] : {};
        return values[resource] === undefined || values[resource] === null || values[resource] === "";
    });
}

/**
 * Every container, init containers included, has a memory limit: without one a leaking pod takes the node's
 * memory from its neighbours instead of being restarted on its own.
 */
export const memoryLimits: Rule = {
    name: "memory-limits",
    description: "Every container (init containers included) of every workload has a memory limit.",
    check({ type, props }) {
        const pod = podSpecOf(type, props);
        if (!pod) return [];
        return containersWithout(pod, "limits", "memory").map(
            (c) =>
                `${describe(type, props)}: ${c.init ? "init " : ""}container "${c.name}" has no memory limit (${c.path}.resources.limits.memory)`,
        );
    },
};
