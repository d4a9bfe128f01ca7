import { strict as assert } from "assert";
import { stackPlan } from "../fixtures/plans";

// The plan summary says how much of a stack is protected: what `pulumi up` will refuse to delete or replace.
describe("plan summary: protected objects", function () {
    this.timeout(180000);

    for (const stack of ["stage", "prod"] as const) {
        it(`${stack}: the summary counts the protected resources of resources.json`, async () => {
            const plan = await stackPlan(stack);
            const m = new RegExp(
                `^Plan of stack ${stack}: (\\d+) resources, (\\d+) protected \\(pulumi refuses to delete or replace them\\)$`,
                "m",
            ).exec(plan.summary);
            assert.ok(m, plan.summary);
            assert.equal(Number(m[1]), plan.resources.length);
            assert.equal(Number(m[2]), plan.resources.filter((r) => r.protect).length);
            // Production protects its stateful objects (databases, volumes, namespaces holding them).
            if (stack === "prod") assert.ok(Number(m[2]) > 0, "prod protects nothing");
        });
    }
});
