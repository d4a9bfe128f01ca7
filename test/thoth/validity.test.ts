import { strict as assert } from "assert";
import { loadAll } from "js-yaml";
import { duplicateObjects, validateObject } from "../../tools/validate/k8s";
import { stackPlan } from "../fixtures/plans";
import { plannedThoth } from "./parts";

const LAYOUTS: [string, "stage" | "prod"][] = [
    ["stage (per-tier namespaces, Dgraph HA)", "stage"],
    ["prod (bots, ultrahooks, test environment with single-pod Dgraph, nodepool)", "prod"],
];

/** `<kind> <namespace>/<name>` of a Kubernetes object. */
function idOf(o: Record<string, unknown>): string {
    const meta = (o.metadata ?? {}) as { name?: string; namespace?: string };
    return `${String(o.kind)} ${meta.namespace ?? ""}/${meta.name ?? ""}`;
}

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
                .map((r) => idOf(r.masked));
            const ids = new Set(thoth);
            const rendered = loadAll((await stackPlan(stack)).files["kubernetes/psi.yaml"]) as Record<
                string,
                unknown
            >[];
            const objects = rendered.filter((o) => ids.has(idOf(o)));
            assert.ok(objects.length > 40, `only ${objects.length} objects`);
            assert.equal(objects.length, thoth.length, "every object of Thoth is rendered, once");
            const problems = objects.flatMap((o) => validateObject(o));
            assert.deepEqual(problems, []);
            assert.deepEqual(duplicateObjects(objects), []);
        });
    }
});
