// The project's own stacks pass the policy pack: every rule over the offline plans of stage and prod.
import { strict as assert } from "assert";
import { checkPlan } from "../../policy/offline";
import { containersOf, podSpecOf } from "../../policy/rules/k8s";
import { statefulProtected } from "../../policy/rules/stateful";
import { isObj, objectsOf } from "../../policy/rules/types";
import type { PlanResource } from "../../tools/plan/render";
import { stackPlan } from "../fixtures/plans";

/** Where the offline plan shows a masked secret outside a Secret: a secret Output that went into plain config. */
function maskedOutsideSecrets(resources: readonly PlanResource[]): string[] {
    const found: string[] = [];
    for (const r of resources) {
        if (r.type === "kubernetes:core/v1:ConfigMap" && isObj(r.inputs.data)) {
            for (const [k, v] of Object.entries(r.inputs.data))
                if (v === "[secret]") found.push(`${r.name} data.${k}`);
        }
        const pod = podSpecOf(r.type, r.inputs);
        for (const c of pod ? containersOf(pod) : []) {
            for (const env of objectsOf(c.container.env))
                if (env.value === "[secret]") found.push(`${r.name} ${c.name} env ${String(env.name)}`);
        }
    }
    return found;
}

describe("policy pack on the project's stacks (offline plans)", function () {
    this.timeout(180_000);
    const plans: Record<string, PlanResource[]> = {};

    before(async () => {
        for (const stack of ["stage", "prod"] as const) plans[stack] = (await stackPlan(stack)).resources;
    });

    for (const stack of ["stage", "prod"]) {
        it(`${stack} has no policy violation`, () => {
            const violations = checkPlan(stack, plans[stack]).map((v) => `[${v.rule}] ${v.message}`);
            assert.deepEqual(violations, []);
        });

        it(`${stack} puts no secret into a ConfigMap or a plain env value`, () => {
            assert.deepEqual(maskedOutsideSecrets(plans[stack]), []);
        });
    }

    it("decides production by stack: prod entries carry protect, and stage's unprotected state would fail in prod", () => {
        const prodProtected = plans.prod.filter((r) => r.protect);
        assert.ok(prodProtected.length > 0, "prod protects its stateful resources");
        // The same plan checked as if it were production would flag whatever stage leaves unprotected. Only the rule
        // asked about runs: production is still decided from the stack's name, and no other rule can give its name.
        assert.ok(
            checkPlan("prod", plans.stage, [statefulProtected]).some(
                (v) => v.rule === "stateful-protected-in-prod",
            ),
        );
    });
});
