import { strict as assert } from "assert";
import { stringPlaced } from "../oracles/shape/placement";
import { COMMITTED_STACKS, recordedResources, stackPlan } from "../fixtures/plans";

// Objects refer to objects (issue 40): an object in a namespace its stack creates is placed with the Namespace's
// reference, so the engine orders it after the Namespace from the reference itself (its `metadata` depends on the
// Namespace), never by a name string and a hand-written `dependsOn`.

describe("placement by the Namespace's reference", function () {
    this.timeout(120_000);

    for (const stack of COMMITTED_STACKS) {
        it(`${stack}: no object is placed in a created namespace by a name string`, async () => {
            const found = stringPlaced(recordedResources(await stackPlan(stack)));
            assert.deepEqual(
                found.slice(0, 20),
                [],
                `${found.length} objects, e.g.:\n${JSON.stringify(found.slice(0, 20), null, 1)}`,
            );
        });

        it(`${stack}: an object whose metadata does not come from its Namespace is found (the control)`, async () => {
            const resources = recordedResources(await stackPlan(stack));
            const placed = resources.find(
                (r) =>
                    r.custom &&
                    r.type.startsWith("kubernetes:") &&
                    typeof (r.inputs.metadata as { namespace?: unknown } | undefined)?.namespace ===
                        "string" &&
                    (r.propertyDependencies.metadata ?? []).length > 0,
            );
            assert.ok(placed, "the plan has an object placed by reference");
            const byString = {
                ...placed,
                propertyDependencies: { ...placed.propertyDependencies, metadata: [] },
            };
            const before = stringPlaced(resources).map((f) => f.urn);
            const after = stringPlaced(resources.map((r) => (r.urn === placed.urn ? byString : r))).map(
                (f) => f.urn,
            );
            assert.deepEqual(after.sort(), [...before, placed.urn].sort());
        });
    }
});
