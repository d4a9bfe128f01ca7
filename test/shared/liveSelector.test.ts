import { testCluster } from "../fixtures/cluster";
import { strict as assert } from "assert";
import fc from "fast-check";
import {
    AppIdentity,
    podLabels,
    selectorLabels,
    workloadLabels,
    workloadSelector,
} from "../../components/shared/labels";
import { fixedSize } from "../../components/shared/resources";
import { Workload } from "../../components/shared/workload";
import { field, k8sObject, resetRecorder, settled } from "../harness";

// A system that takes over running workloads declares the selector they run with today: a Deployment's selector
// cannot change in place, and a replaced one would leave its old pods running beside the new ones.

const cluster = testCluster("live-selector-test");
const app: AppIdentity = { name: "hook", partOf: "prow", component: "webhook", version: "v1" };

function workload(name: string, liveSelector?: Record<string, string>): Workload {
    return new Workload(`live-selector-${name}`, {
        cluster,
        namespace: "ns",
        app: { ...app, name },
        liveSelector,
        containers: [{ name, image: "example.org/hook:v1", resources: fixedSize("100m", "64Mi") }],
        service: { ports: [{ name: "http", port: 80 }] },
    });
}

describe("shared Workload: the live selector", () => {
    beforeEach(resetRecorder);

    it("selects with the declared selector on the Deployment, its pods and its Service; pods keep the program's labels", async () => {
        workload("hook", { app: "hook" });
        await settled();
        const d = k8sObject("kubernetes:apps/v1:Deployment", "hook", "ns");
        assert.deepEqual(field(d.inputs, "spec.selector"), { matchLabels: { app: "hook" } });
        assert.deepEqual(field(d.inputs, "spec.template.metadata.labels"), {
            ...workloadLabels({ ...app, name: "hook" }),
            app: "hook",
        });
        const s = k8sObject("kubernetes:core/v1:Service", "hook", "ns");
        assert.deepEqual(field(s.inputs, "spec.selector"), { app: "hook" });
    });

    it("without one, exactly the program's selector and labels (other systems' objects unchanged)", async () => {
        workload("tide");
        await settled();
        const d = k8sObject("kubernetes:apps/v1:Deployment", "tide", "ns");
        const id = { ...app, name: "tide" };
        assert.deepEqual(field(d.inputs, "spec.selector"), { matchLabels: selectorLabels(id) });
        assert.deepEqual(field(d.inputs, "spec.template.metadata.labels"), workloadLabels(id));
        assert.deepEqual(workloadSelector(id), selectorLabels(id));
    });

    it("refuses an empty or invalid selector, and one that contradicts the program's labels, naming the workload", () => {
        const cases: [Record<string, string>, RegExp][] = [
            [{}, /hook: liveSelector is empty/],
            [{ "bad key": "x" }, /hook: liveSelector label key "bad key" is not a label name/],
            [{ "a/b/c": "x" }, /more than one '\/'/],
            [{ "Example.org/app": "x" }, /prefix that is not a DNS subdomain/],
            [{ app: "-hook" }, /hook: liveSelector label app="-hook" is not a label value/],
            [{ app: "h".repeat(64) }, /is not a label value/],
        ];
        for (const [sel, message] of cases) assert.throws(() => workloadSelector(app, sel), message);
        assert.throws(
            () => podLabels(app, { "app.kubernetes.io/name": "other" }),
            /hook: selector label app.kubernetes.io\/name="other" contradicts the standard label/,
        );
        assert.throws(() => workload("deck", {}), /deck: liveSelector is empty/);
    });

    it("generated: any valid selector is kept as given and carried by the pods", () => {
        const name = fc.stringMatching(/^[a-z0-9]([a-z0-9_.-]{0,20}[a-z0-9])?$/);
        const key = fc
            .tuple(fc.option(fc.constantFrom("example.org", "app.example.com")), name)
            .map(([p, n]) => (p ? `${p}/${n}` : n));
        fc.assert(
            fc.property(
                fc
                    .dictionary(key, name, { minKeys: 1, maxKeys: 4 })
                    .filter((d) => Object.keys(d).every((k) => !k.startsWith("app.kubernetes.io/"))),
                (sel) => {
                    const kept = workloadSelector(app, sel);
                    assert.deepEqual(kept, { ...sel });
                    const labels = podLabels(app, kept);
                    for (const [k, v] of Object.entries(sel)) assert.equal(labels[k], v);
                    for (const [k, v] of Object.entries(workloadLabels(app))) assert.equal(labels[k], v);
                },
            ),
        );
    });
});
