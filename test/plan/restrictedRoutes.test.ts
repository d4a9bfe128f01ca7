import { strict as assert } from "assert";
import { stackPlan } from "../fixtures/plans";
import { unrestrictedAdminRoutes } from "./restrictedRoutes";

// Issue 50: no public Route to an admin or metrics port unless the stack file (or the runbook) names who may reach
// it. The ports are found from the images' own sources (restrictedRoutes.ts), not from the program's declarations.
describe("plan: public Routes to admin or metrics ports", function () {
    this.timeout(600_000);

    it("prod: every one names its audience (an allow-list or the runbook that makes it public)", async () => {
        assert.deepEqual(unrestrictedAdminRoutes((await stackPlan("prod")).resources), []);
    });

    it("stage: every one without an audience is named in the plan's notices", async () => {
        const plan = await stackPlan("stage");
        const notices = plan.files["notices.txt"] ?? "";
        const unnamed = unrestrictedAdminRoutes(plan.resources).filter((route) => {
            const name = route.split(" ")[1].split("/")[1];
            return !notices.includes(name);
        });
        assert.deepEqual(unnamed, []);
    });

    it("no Route reaches Dgraph zero's admin port, in either plan", async () => {
        for (const stack of ["prod", "stage"] as const) {
            const routes = unrestrictedAdminRoutes((await stackPlan(stack)).resources);
            assert.deepEqual(
                routes.filter((r) => r.includes("port 6080")),
                [],
                stack,
            );
        }
    });
});
