import { strict as assert } from "assert";
import { COMMITTED_STACKS, recordedResources, stackPlan } from "../fixtures/plans";

// Issue 69: a named object replaced create-first ends absent (the replacement's apply lands on the same object, the
// original's delete then removes it). Every Kubernetes object the program names is replaced delete-first, whatever
// replaces it: a forced field, a hand edit, a dependency's replacement.
describe("replacement order of the committed plans", () => {
    for (const stack of COMMITTED_STACKS) {
        it(`${stack}: every named Kubernetes object is replaced by deleting it first`, async () => {
            const named = recordedResources(await stackPlan(stack)).filter(
                (r) =>
                    r.custom &&
                    r.type.startsWith("kubernetes:") &&
                    (r.inputs.metadata as { name?: unknown } | undefined)?.name !== undefined,
            );
            assert.ok(named.length > 100, `only ${named.length} named objects in ${stack}`);
            assert.deepEqual(
                named.filter((r) => !r.deleteBeforeReplace).map((r) => r.urn),
                [],
            );
        });
    }
});
