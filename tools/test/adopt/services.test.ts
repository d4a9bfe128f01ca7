import { strict as assert } from "assert";
import fc from "fast-check";
import { KubeObject, objectId } from "../../adopt/model";
import { strandedServices } from "../../adopt/services";

// The rule of tools/adopt/services.ts against what the endpoints controller does: a Service's endpoints are the
// pods whose labels hold every pair of its selector (an empty selector keeps no pods: its endpoints are written by
// hand). A Service the program does not manage is stranded when it has today's pods and would have none of the
// program's once today's are gone.

const NS = "ns";
type Labels = Record<string, string>;

function workload(kind: string, name: string, labels: Labels): KubeObject {
    return {
        apiVersion: kind === "DeploymentConfig" ? "apps.openshift.io/v1" : "apps/v1",
        kind,
        metadata: { name, namespace: NS },
        spec: { template: { metadata: { labels } } },
    } as KubeObject;
}
const pod = (name: string, labels: Labels): KubeObject =>
    ({ apiVersion: "v1", kind: "Pod", metadata: { name, namespace: NS, labels } }) as KubeObject;
const service = (name: string, selector: Labels, namespace = NS): KubeObject =>
    ({ apiVersion: "v1", kind: "Service", metadata: { name, namespace }, spec: { selector } }) as KubeObject;

/** The endpoints controller's choice: pods holding every pair of a non-empty selector. */
const endpoints = (selector: Labels, pods: readonly Labels[]): Labels[] =>
    Object.keys(selector).length === 0
        ? []
        : pods.filter((p) => Object.entries(selector).every(([k, v]) => p[k] === v));

const KEYS = ["app", "service", "deploymentconfig", "tier"];
const VALUES = ["a", "b"];
const labels = fc.dictionary(fc.constantFrom(...KEYS), fc.constantFrom(...VALUES), { maxKeys: 3 });

describe("adopt: Services the program does not manage, left without pods (tools/adopt/services.ts)", () => {
    it("generated: stranded exactly when a Service would go from some of today's pods to none of the program's", () => {
        fc.assert(
            fc.property(
                labels,
                fc.array(labels, { maxLength: 3 }),
                labels,
                fc.array(fc.tuple(labels, fc.boolean(), fc.boolean()), { maxLength: 4 }),
                (liveTemplate, livePods, programTemplate, services) => {
                    const live = workload("DeploymentConfig", "w", liveTemplate);
                    const desired = workload("Deployment", "w", programTemplate);
                    const today = [live, ...livePods.map((l, i) => pod(`w-1-${i}`, l))];
                    const objects = services.map(([selector, , elsewhere], i) =>
                        service(`s${i}`, selector, elsewhere ? "other" : NS),
                    );
                    const managed = new Set(objects.filter((_, i) => services[i][1]).map((o) => objectId(o)));
                    const found = strandedServices(desired, today, objects, managed).map(
                        (s) => s.metadata.name,
                    );
                    const expected = services.flatMap(([selector, isManaged, elsewhere], i) =>
                        !isManaged &&
                        !elsewhere &&
                        endpoints(selector, [liveTemplate, ...livePods]).length > 0 &&
                        endpoints(selector, [programTemplate]).length === 0
                            ? [`s${i}`]
                            : [],
                    );
                    assert.deepEqual(found, expected);
                },
            ),
            { numRuns: 500 },
        );
    });

    it("a label only today's running pods carry (a DeploymentConfig's controller adds deploymentconfig=<name>) strands a Service that selects by it", () => {
        const live = workload("DeploymentConfig", "db", { name: "db" });
        const desired = workload("Deployment", "db", { name: "db" });
        const running = pod("db-1-abcde", { name: "db", deploymentconfig: "db", deployment: "db-1" });
        const byController = service("db-direct", { deploymentconfig: "db" });
        const byName = service("db", { name: "db" });
        assert.deepEqual(strandedServices(desired, [live, running], [byController, byName], new Set()), [
            byController,
        ]);
        // Read without its pods, the template alone does not show it.
        assert.deepEqual(strandedServices(desired, [live], [byController, byName], new Set()), []);
    });
});
