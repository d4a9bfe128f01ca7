import { strict as assert } from "assert";
import { runDials } from "./fixtures";
import { unwaitedReads } from "../packit/podReads";

// Issue #28: DIALS pods (and the reviewed migration Job) read their ConfigMaps, Secrets and the EOS claim through
// handles, so each is ordered after what it reads by the reference itself.
describe("dials pods read what the program makes, and wait for it (issue 28)", function () {
    this.timeout(120000);

    for (const stack of ["stage", "prod"] as const) {
        it(`${stack}, with a reviewed migration: each object a pod names exists and comes first`, async () => {
            const recorded = await runDials(stack, (dials) => {
                dials.images.tagUnverified = false;
                dials.migration = { from: "v1.7.0", to: dials.images.tag };
            });
            assert.ok(
                recorded.some((r) => r.type === "kubernetes:batch/v1:Job"),
                "the migration Job is recorded",
            );
            assert.deepEqual(unwaitedReads(recorded), { dangling: [], unwaited: [] });
        });
    }
});
