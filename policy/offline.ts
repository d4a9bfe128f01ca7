import type { PlanResource } from "../tools/plan/render";
import { RULES, STACK_RULES, Violation, checkResources } from "./rules";
import type { PolicyInput, Rule, StackRule } from "./rules/types";
import { stackIsProduction } from "./tier";

/** A resource of an offline plan (`resources.json`) as the rules see it in a preview. */
export function planInput(resource: PlanResource): PolicyInput {
    return { type: resource.type, props: resource.inputs, urn: resource.urn, protect: resource.protect };
}

/** The policy pack's verdict on an offline plan of `stack`; production is its tier, as in previews. */
export function checkPlan(
    stack: string,
    resources: readonly PlanResource[],
    rules: readonly Rule[] = RULES,
    production: boolean = stackIsProduction(stack),
    stackRules: readonly StackRule[] = rules === RULES ? STACK_RULES : [],
): Violation[] {
    return checkResources(resources.map(planInput), { production }, rules, stackRules);
}
