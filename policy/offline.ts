import type { PlanResource } from "../tools/plan/render";
import { RULES, Violation, checkResources } from "./rules";
import { DEFAULT_PRODUCTION_STACKS } from "./rules/stateful";
import type { PolicyInput, Rule } from "./rules/types";

/** A resource of an offline plan (`resources.json`) as the rules see it in a preview. */
export function planInput(resource: PlanResource): PolicyInput {
    return { type: resource.type, props: resource.inputs, urn: resource.urn, protect: resource.protect };
}

/** The policy pack's verdict on an offline plan of `stack`; production is decided from the stack name as in previews. */
export function checkPlan(
    stack: string,
    resources: readonly PlanResource[],
    rules: readonly Rule[] = RULES,
): Violation[] {
    return checkResources(
        resources.map(planInput),
        { production: DEFAULT_PRODUCTION_STACKS.includes(stack) },
        rules,
    );
}
