import { STACKS, Stack, RunbookTable, KubernetesObjectRef, PerStack } from "../conformance/schema";
import { isKubernetesRef, stepLocation, stepStacks, stepsTouching } from "../conformance/match";
import { PlanResource, nameOfUrn } from "../plan/render";
import { ManagedObject } from "./state";

// The runbook step an object replaces (facts/runbooks/): what an operator reads to know why the object exists.

function asPlanResource(o: ManagedObject): PlanResource {
    return {
        urn: o.urn,
        type: `kubernetes:${o.apiVersion.includes("/") ? o.apiVersion : `core/${o.apiVersion}`}:${o.kind}`,
        name: nameOfUrn(o.urn),
        parent: "",
        provider: "",
        system: o.system,
        protect: false,
        retainOnDelete: false,
        ignoreChanges: [],
        inputs: { metadata: { name: o.name, ...(o.namespace ? { namespace: o.namespace } : {}) } },
    };
}

function names(value: PerStack<string>): string[] {
    return typeof value === "string" ? [value] : Object.values(value).filter((v): v is string => !!v);
}

/**
 * The runbook steps (`<runbook>:<line> "<says>"`) whose objects include `o`. On a committed stack (stage, prod) the
 * conformance tables name each object exactly; on any other stack (local, a copy) namespaces differ, so an object
 * matches a step of its own system's table by kind and name.
 */
export function runbookSteps(tables: readonly RunbookTable[], o: ManagedObject, stack: string): string[] {
    if (STACKS.includes(stack as Stack)) return stepsTouching(tables, asPlanResource(o), stack);
    const found: string[] = [];
    for (const table of tables) {
        if (table.system !== o.system && !(o.system === "stream" && table.system === "packit")) continue;
        for (const step of table.steps) {
            if (step.replaced.by !== "objects" || stepStacks(step).length === 0) continue;
            const hit = step.replaced.objects.some(
                (ref) =>
                    isKubernetesRef(ref) &&
                    (ref as KubernetesObjectRef).kind === o.kind &&
                    names((ref as KubernetesObjectRef).name).includes(o.name),
            );
            if (hit) found.push(stepLocation(table, step));
        }
    }
    return found;
}
