import { strict as assert } from "assert";
import fc from "fast-check";
import { violations } from "./invariants";
import { mutants } from "./mutations";

// The generative battery, seeded and bounded for `npm test` (a few seconds); `npm run battery:generative` runs it
// longer and prints the seed of any failure to replay.

export const SEED = 38;

describe("generative stack-file battery (issue 38): mutations of the committed files", function () {
    this.timeout(120000);

    it("no stack trace, no printed command holding another stack's value or a secret, nothing production's written by stage, no credential accepted", () => {
        fc.assert(
            fc.property(mutants, (m) => {
                const faults = violations(m);
                assert.deepEqual(faults, [], `${m.stack}: ${m.steps.join("; ")}`);
            }),
            { seed: SEED, numRuns: 40, endOnFailure: true },
        );
    });
});
