import { strict as assert } from "assert";
import { unwaitedReads } from "../fixtures/podReads";
import { plannedThoth } from "./parts";

// Issue #28: the station's pods read its Secrets, ConfigMaps, claims and accounts through handles, so each pod is
// ordered after exactly what it reads by the reference itself, and a reader of an object its namespace does not get
// stops the evaluation instead of deploying a pod that cannot start.
describe("thoth pods read what the program makes, and wait for it (issue 28)", function () {
    this.timeout(60_000);

    for (const stack of ["stage", "prod"] as const) {
        it(`${stack}: each object a Thoth pod names exists and comes first`, async () => {
            const recorded = await plannedThoth(stack);
            assert.ok(
                recorded.some((r) => r.type === "kubernetes:batch/v1:CronJob"),
                "the station's CronJobs are planned",
            );
            assert.deepEqual(unwaitedReads(recorded), { dangling: [], unwaited: [] });
        });
    }
});
