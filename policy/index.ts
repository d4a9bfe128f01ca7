// The policy pack as `pulumi preview --policy-pack policy` loads it. Importing this file starts the policy server,
// so tests import the rules (./rules) instead. Only wiring here: each rule is a pure function in ./rules.
import { PolicyPack, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { RULES, STACK_RULES } from "./rules";
import { ProductionConfig, isProduction } from "./rules/stateful";
import { stackIsProduction } from "./tier";
import { Obj, withoutUnknowns } from "./rules/types";

const policies = RULES.map((rule): ResourceValidationPolicy => ({
    name: rule.name,
    description: rule.description,
    enforcementLevel: "mandatory",
    ...(rule.configSchema ? { configSchema: rule.configSchema } : {}),
    validateResource: (args, reportViolation) => {
        const config = rule.configSchema ? args.getConfig<ProductionConfig>() : {};
        const props = withoutUnknowns(args.props) as Obj;
        const resource = { type: args.type, props, urn: args.urn, protect: args.opts.protect };
        for (const message of rule.check(resource, {
            production: isProduction(args.urn, config, stackIsProduction),
        })) {
            reportViolation(message);
        }
    },
}));

const stackPolicies = STACK_RULES.map((rule): StackValidationPolicy => ({
    name: rule.name,
    description: rule.description,
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        const resources = args.resources.map((r) => ({
            type: r.type,
            props: withoutUnknowns(r.props) as Obj,
            urn: r.urn,
            protect: r.opts.protect,
        }));
        const production = resources.some((r) => isProduction(r.urn, {}, stackIsProduction));
        for (const v of rule.check(resources, { production })) reportViolation(v.message, v.urn);
    },
}));

new PolicyPack("runbooks", { policies: [...policies, ...stackPolicies], enforcementLevel: "mandatory" });
