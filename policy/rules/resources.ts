import { containersOf, describe, podSpecOf } from "./k8s";
import { Rule, isObj } from "./types";

/**
 * The rule `name`: every container of every workload, init containers included, sets
 * `resources.<section>.<resource>` (it `must`); each one that does not is named, with what it `lacks` and the path.
 */
export function everyContainerSets(
    name: string,
    [section, resource]: ["limits" | "requests", "cpu" | "memory"],
    { must, lacks }: { must: string; lacks: string },
): Rule {
    return {
        name,
        description: `Every container (init containers included) of every workload ${must}.`,
        check({ type, props }) {
            const pod = podSpecOf(type, props);
            if (!pod) return [];
            return containersOf(pod)
                .filter((c) => {
                    const resources = isObj(c.container.resources) ? c.container.resources : {};
                    const values = isObj(resources[section]) ? resources[section] : {};
                    return (
                        values[resource] === undefined || values[resource] === null || values[resource] === ""
                    );
                })
                .map(
                    (c) =>
                        `${describe(type, props)}: ${c.init ? "init " : ""}container "${c.name}" ${lacks} (${c.path}.resources.${section}.${resource})`,
                );
        },
    };
}

/**
 * Every container, init containers included, has a memory limit: without one a leaking pod takes the node's
 * memory from its neighbours instead of being restarted on its own.
 */
export const memoryLimits = everyContainerSets("memory-limits", ["limits", "memory"], {
    must: "has a memory limit",
    lacks: "has no memory limit",
});
