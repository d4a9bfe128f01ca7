import * as assert from "assert";
import { KubeError, Scope } from "../../tools/adopt/kube";
import { KubeObject, objectId } from "../../tools/adopt/model";
import { ClusterApi, inspectCluster } from "../../tools/adopt/run";
import { deployment, desired, live, pvc, statefulSet } from "./fixtures";

/** An in-memory cluster: objects by id; the dry run merges like a forced apply of a fresh manager (top-level replace). */
class FakeCluster implements ClusterApi {
    readonly calls: string[] = [];
    constructor(
        private readonly objects: KubeObject[],
        private readonly refuse: Record<string, string> = {},
    ) {}
    async scope(apiVersion: string, kind: string): Promise<Scope> {
        if (kind === "ClusterRole") return "cluster";
        return apiVersion.includes("openshift") ? "absent" : "namespaced";
    }
    async get(obj: KubeObject): Promise<KubeObject | undefined> {
        this.calls.push(`get ${objectId(obj)}`);
        return structuredClone(this.objects.find((o) => objectId(o) === objectId(obj)));
    }
    async applyDryRun(obj: KubeObject): Promise<KubeObject> {
        this.calls.push(`dry-run ${objectId(obj)}`);
        if (this.refuse[objectId(obj)]) throw new KubeError(422, this.refuse[objectId(obj)]);
        const current = this.objects.find((o) => objectId(o) === objectId(obj))!;
        return {
            ...structuredClone(current),
            ...structuredClone(obj),
            metadata: { ...current.metadata, ...obj.metadata },
        };
    }
    async list(apiVersion: string, kind: string, namespace: string): Promise<KubeObject[]> {
        this.calls.push(`list ${kind} ${namespace}`);
        return structuredClone(
            this.objects.filter(
                (o) => o.apiVersion === apiVersion && o.kind === kind && o.metadata.namespace === namespace,
            ),
        );
    }
}

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
            "apps/v1/Deployment/shop/web": "spec.selector: field is immutable",
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
