import * as assert from "assert";
import { covers, immutableConflicts } from "../../tools/adopt/immutable";
import { KubeObject } from "../../tools/adopt/model";
import { quantityValue } from "../../components/shared/resources";
import { deployment, live, pvc, statefulSet } from "./fixtures";

function paths(reasons: string[]): string[] {
    return reasons.map((r) => r.split(" ")[0]);
}

describe("adopt: immutable fields that block adoption in place", function () {
    it("a Deployment whose selector differs cannot be adopted; the same selector with another image can", function () {
        const today = live(deployment("web:v1", { app: "web" }));
        assert.deepEqual(
            paths(immutableConflicts(today, deployment("web:v1", { app: "web", tier: "front" }))),
            ["spec.selector"],
        );
        assert.deepEqual(immutableConflicts(today, deployment("web:v2", { app: "web" })), []);
    });

    it("StatefulSet claim templates: server defaults are not a difference, another size is", function () {
        const today = live(statefulSet("10Gi"));
        const templates = (today.spec as { volumeClaimTemplates: Record<string, unknown>[] })
            .volumeClaimTemplates;
        Object.assign(templates[0], {
            apiVersion: "v1",
            kind: "PersistentVolumeClaim",
            status: { phase: "Pending" },
        });
        Object.assign(templates[0].spec as object, { volumeMode: "Filesystem" });
        assert.deepEqual(immutableConflicts(today, statefulSet("10Gi")), []);
        assert.deepEqual(immutableConflicts(today, statefulSet("10240Mi")), [], "equal quantities are equal");
        const reasons = immutableConflicts(today, statefulSet("20Gi"));
        assert.deepEqual(paths(reasons), ["spec.volumeClaimTemplates"]);
        assert.match(reasons[0], /new, empty claims/);
    });

    it("a claim may grow but not shrink, and keeps its storage class", function () {
        const today = live(pvc("data", "10Gi", "standard"));
        assert.deepEqual(immutableConflicts(today, pvc("data", "20Gi", "standard")), []);
        assert.deepEqual(paths(immutableConflicts(today, pvc("data", "5Gi", "standard"))), [
            "spec.resources.requests.storage",
        ]);
        assert.deepEqual(paths(immutableConflicts(today, pvc("data", "10Gi", "fast"))), [
            "spec.storageClassName",
        ]);
        // A program claim without a class takes the live one: no conflict.
        const noClass = pvc("data", "10Gi");
        delete (noClass.spec as Record<string, unknown>).storageClassName;
        assert.deepEqual(immutableConflicts(today, noClass), []);
    });

    it("a headless Service cannot become one with a cluster IP, and back; an unset clusterIP takes the live one", function () {
        const svc = (clusterIP?: string): KubeObject => ({
            apiVersion: "v1",
            kind: "Service",
            metadata: { name: "db", namespace: "shop" },
            spec: { ...(clusterIP !== undefined ? { clusterIP } : {}), ports: [{ port: 5432 }] },
        });
        const today = live(svc("10.96.0.17"));
        assert.deepEqual(paths(immutableConflicts(today, svc("None"))), ["spec.clusterIP"]);
        assert.deepEqual(immutableConflicts(today, svc()), []);
        assert.deepEqual(immutableConflicts(today, svc("")), []);
        assert.deepEqual(paths(immutableConflicts(live(svc("None")), svc("10.96.0.20"))), ["spec.clusterIP"]);
    });

    it("a RoleBinding's roleRef and an immutable ConfigMap's data cannot change", function () {
        const binding = (role: string): KubeObject => ({
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "RoleBinding",
            metadata: { name: "edit", namespace: "shop" },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role },
            subjects: [],
        });
        assert.deepEqual(paths(immutableConflicts(live(binding("view")), binding("edit"))), ["roleRef"]);
        const cm = (v: string): KubeObject => ({
            apiVersion: "v1",
            kind: "ConfigMap",
            metadata: { name: "settings", namespace: "shop" },
            data: { a: v },
        });
        assert.equal(immutableConflicts(live(cm("1"), { immutable: true }), cm("2")).length, 1);
        assert.deepEqual(immutableConflicts(live(cm("1")), cm("2")), [], "a mutable ConfigMap just changes");
    });

    it("covers compares only what the program sets; quantities by value", function () {
        assert.ok(covers({ a: 1, b: 2 }, { a: 1 }));
        assert.ok(!covers({ a: 1 }, { a: 2 }));
        assert.ok(!covers([1, 2], [1]));
        assert.equal(quantityValue("1Gi"), 1024 ** 3);
        assert.equal(quantityValue("500M"), 5e8);
        assert.equal(quantityValue("lots"), undefined);
    });
});
