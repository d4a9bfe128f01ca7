import { memoryLimits } from "./resources";
import { noPlainSecrets } from "./secrets";
import { nonRoot } from "./security";
import { pinnedImages } from "./images";
import { statefulProtected } from "./stateful";
import { noWildcardRbac } from "./rbac";
import { publicEndpointsTls } from "./tls";
import { defaultDenyIngress } from "./network";
import { PolicyInput, Rule, RuleContext, StackRule } from "./types";

export type { PolicyInput, Rule, RuleContext, StackRule } from "./types";

/** Every stack-wide rule of the pack. */
export const STACK_RULES: readonly StackRule[] = [defaultDenyIngress];

/** Every rule of the pack, in the order `pulumi preview` lists them. */
export const RULES: readonly Rule[] = [
    noPlainSecrets,
    memoryLimits,
    nonRoot,
    pinnedImages,
    statefulProtected,
    noWildcardRbac,
    publicEndpointsTls,
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
    rules: readonly Rule[] = RULES,
    stackRules: readonly StackRule[] = STACK_RULES,
): Violation[] {
    return [
        ...resources.flatMap((resource) =>
            rules.flatMap((rule) =>
                rule
                    .check(resource, context)
                    .map((message) => ({ rule: rule.name, urn: resource.urn, message })),
            ),
        ),
        ...stackRules.flatMap((rule) =>
            rule.check(resources, context).map((v) => ({ rule: rule.name, ...v })),
        ),
    ];
}
