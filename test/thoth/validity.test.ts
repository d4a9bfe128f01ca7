import { strict as assert } from "assert";
import { duplicateObjects, validateObject } from "../oracles/validate/k8s";
import { objectId, renderedObjects } from "../fixtures/plans";
import { plannedThoth } from "./parts";

const LAYOUTS: [string, "stage" | "prod"][] = [
    ["stage (per-tier namespaces, Dgraph HA)", "stage"],
    ["prod (bots, ultrahooks, test environment with single-pod Dgraph, nodepool)", "prod"],
];

describe("thoth: every Kubernetes object is valid for the API", function () {
    this.timeout(60_000);
    for (const [title, stack] of LAYOUTS) {
        // The committed stacks unchanged: the objects as the run's plan renders them for `kubectl apply` (secret
        // values masked, which the validation reads as empty), Thoth's only (all on PSI).
        it(title, async () => {
            const thoth = (await plannedThoth(stack))
                .filter(
                    (r) =>
                        r.custom &&
                        r.type.startsWith("kubernetes:") &&
                        !r.type.startsWith("pulumi:providers"),
                )
                .map((r) => objectId(r.masked));
            const objects = await renderedObjects(stack, "psi", thoth);
            assert.ok(objects.length > 40, `only ${objects.length} objects`);
            const problems = objects.flatMap((o) => validateObject(o));
            assert.deepEqual(problems, []);
            assert.deepEqual(duplicateObjects(objects), []);
        });
    }
});
