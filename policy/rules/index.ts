import { memoryLimits } from "./resources";
import { noPlainSecrets } from "./secrets";
import { nonRoot } from "./security";
import { pinnedImages } from "./images";
import { statefulProtected } from "./stateful";
import { noWildcardRbac } from "./rbac";
import { publicEndpointsTls } from "./tls";
import {
    cpuRequests,
    cronJobDeadline,
    disruptionBudgets,
    readinessOnServing,
    serviceSelectsPods,
} from "./workloads";
import { defaultDenyIngress } from "./network";
import { PolicyInput, Rule, RuleContext, StackRule, isStackRule } from "./types";

export type { PolicyInput, Rule, RuleContext, StackRule } from "./types";

/** Every rule of the pack, in the order `pulumi preview` lists them. */
export const RULES: readonly (Rule | StackRule)[] = [
    noPlainSecrets,
    memoryLimits,
    nonRoot,
    pinnedImages,
    statefulProtected,
    noWildcardRbac,
    publicEndpointsTls,
    cpuRequests,
    cronJobDeadline,
    readinessOnServing,
    serviceSelectsPods,
    disruptionBudgets,
    defaultDenyIngress,
];

export interface Violation {
    rule: string;
    urn: string;
    message: string;
}

/** Runs every rule over a set of resources (an offline plan): the pack's verdict without the Pulumi CLI. */
export function checkResources(
    resources: readonly PolicyInput[],
    context: RuleContext,
    rules: readonly (Rule | StackRule)[] = RULES,
): Violation[] {
    const perResource = rules.filter((r): r is Rule => !isStackRule(r));
    const perStack = rules.filter(isStackRule);
    return [
        ...resources.flatMap((resource) =>
            perResource.flatMap((rule) =>
                rule
                    .check(resource, context)
                    .map((message) => ({ rule: rule.name, urn: resource.urn, message })),
            ),
        ),
        ...perStack.flatMap((rule) =>
            rule.checkStack(resources, context).map((v) => ({ rule: rule.name, ...v })),
        ),
    ];
}
