import { strict as assert } from "assert";
import { duplicateObjects, validateObject } from "../../tools/validate/k8s";
import { recorder } from "../harness";
import { runThoth, Json } from "./fixtures";

const LAYOUTS: [string, "stage" | "prod", ((t: Record<string, Json>) => void) | undefined][] = [
    ["stage (per-tier namespaces, Dgraph HA)", "stage", undefined],
    ["prod (bots, ultrahooks, test environment with single-pod Dgraph, nodepool)", "prod", undefined],
];

describe("thoth: every Kubernetes object is valid for the API", function () {
    // Each run plans the whole station (~400 objects); on a loaded machine that takes longer than the default.
    this.timeout(60_000);
    for (const [title, stack, change] of LAYOUTS) {
        it(title, async () => {
            await runThoth(stack, change);
            const objects = recorder.resources
                .filter(
                    (r) =>
                        r.custom &&
                        r.type.startsWith("kubernetes:") &&
                        !r.type.startsWith("pulumi:providers"),
                )
                .map((r) => r.inputs);
            assert.ok(objects.length > 40, `only ${objects.length} objects`);
            const problems = objects.flatMap((o) => validateObject(o));
            assert.deepEqual(problems, []);
            assert.deepEqual(duplicateObjects(objects), []);
        });
    }
});
