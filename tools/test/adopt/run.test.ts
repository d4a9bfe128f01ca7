import * as assert from "assert";
import { KubeError } from "../../adopt/kube";
import { KubeObject } from "../../adopt/model";
import { inspectCluster } from "../../adopt/run";
import { FakeCluster, deployment, desired, live, pvc, statefulSet } from "./fixtures";

describe("adopt: one cluster inspected through the client (in-memory API server)", function () {
    it("classifies each object, adds StatefulSet claims at risk, lists leftovers, and only reads", async function () {
        const clusterRole: KubeObject = {
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "ClusterRole",
            metadata: { name: "shop-reader" },
            rules: [],
        };
        const route: KubeObject = {
            apiVersion: "route.openshift.io/v1",
            kind: "Route",
            metadata: { name: "web", namespace: "shop" },
            spec: {},
        };
        const program = [
            deployment("web:v2"),
            statefulSet("1Gi"),
            pvc("uploads", "1Gi"),
            clusterRole,
            route,
        ].map((o) => desired(o));
        const cluster = new FakeCluster([
            live(deployment("web:v1")),
            live(pvc("uploads-2019", "5Gi")),
            live({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "legacy", namespace: "shop" } }),
        ]);
        const result = await inspectCluster("main", program, cluster);
        const verdicts = Object.fromEntries(result.findings.map((f) => [f.id, f.verdict]));
        assert.deepEqual(verdicts, {
            "apps/v1/Deployment/shop/web": "update",
            "apps/v1/StatefulSet/shop/db": "create",
            "v1/PersistentVolumeClaim/shop/uploads": "data-at-risk",
            "rbac.authorization.k8s.io/v1/ClusterRole//shop-reader": "create",
            "route.openshift.io/v1/Route/shop/web": "blocking",
            "v1/PersistentVolumeClaim/shop/data-db-0": "data-at-risk",
        });
        assert.match(
            result.findings.find((f) => f.id.endsWith("Route/shop/web"))!.reasons[0],
            /does not serve route\.openshift\.io\/v1 Route/,
        );
        assert.deepEqual(
            result.leftBehind.map((l) => l.id),
            ["v1/ConfigMap/shop/legacy", "v1/PersistentVolumeClaim/shop/uploads-2019"],
        );
        assert.ok(
            !cluster.calls.some((c) => c.startsWith("list ClusterRole")),
            "cluster-scoped kinds are not listed per namespace",
        );
        assert.deepEqual(
            cluster.calls.filter((c) => c.startsWith("dry-run")),
            ["dry-run apps/v1/Deployment/shop/web"],
        );
    });

    it("a 422 answer of the dry run blocks; another API error is an error of the report", async function () {
        const refused = new FakeCluster([live(deployment("web:v1"))], {
            refuse: { "apps/v1/Deployment/shop/web": "spec.selector: field is immutable" },
        });
        const r = await inspectCluster("main", [desired(deployment("web:v1"))], refused);
        assert.equal(r.findings[0].verdict, "blocking");
        const broken = new FakeCluster([live(deployment("web:v1"))]);
        broken.applyDryRun = async () => {
            throw new KubeError(403, "forbidden");
        };
        await assert.rejects(inspectCluster("main", [desired(deployment("web:v1"))], broken), /forbidden/);
    });
});
