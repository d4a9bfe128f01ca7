import * as assert from "assert";
import { classify } from "../../adopt/classify";
import { otherManagers } from "../../adopt/managers";
import { KubeObject } from "../../adopt/model";
import { buildReport, exitCode, renderReport } from "../../adopt/report";
import { inspectCluster } from "../../adopt/run";
import { FakeCluster, deployment, desired, live, managedBy } from "./fixtures";

// A shared cluster: objects that exist today may belong to another team, Argo CD or Helm. Taking over a
// cluster-wide one takes it from everybody; a namespaced one made by hand is what adoption is for.

const clusterRole = (): KubeObject => ({
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRole",
    metadata: { name: "shop-reader" },
    rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }],
});

/** The program's ClusterRole against `today`'s, where a dry run would leave it as it is. */
const classifyClusterRole = (today: KubeObject) =>
    classify(desired(clusterRole()), today, { result: structuredClone(today) }, undefined, "cluster");

const namespace = (): KubeObject => ({ apiVersion: "v1", kind: "Namespace", metadata: { name: "shop" } });

describe("adopt: objects managed by another field manager", function () {
    it("a cluster-wide object another manager has blocks, naming the managers and how to hand it over", function () {
        const today = managedBy(clusterRole(), "helm", "kubectl-client-side-apply");
        const f = classifyClusterRole(today);
        assert.equal(f.verdict, "managed-elsewhere");
        assert.match(f.reasons[0], /managed today by helm, kubectl-client-side-apply/);
        assert.match(f.reasons[0], /delete it for every tenant/);
        assert.match(
            f.reasons[0],
            /kubectl patch clusterrole\.rbac\.authorization\.k8s\.io shop-reader --type=merge -p '\{"metadata":\{"managedFields":\[\{\}\]\}\}'/,
        );
        const report = buildReport("prod", [f], [], []);
        assert.equal(report.blocking, 1);
        assert.equal(exitCode(report), 2);
        assert.match(
            renderReport(report),
            /\[BLOCKING: cluster-wide, managed by someone else\] .*ClusterRole\/\/shop-reader/,
        );
    });

    it("the same on a namespaced object is adopted, with a warning naming the managers; nothing blocks", function () {
        const today = managedBy(deployment("web:v1"), "argocd-controller", "oc");
        const f = classify(desired(deployment("web:v1")), today, { result: structuredClone(today) });
        assert.equal(f.verdict, "unchanged");
        assert.deepEqual(f.otherManagers, ["argocd-controller", "oc"]);
        const report = buildReport("prod", [f], [], []);
        assert.equal(exitCode(report), 0);
        assert.equal(report.counts.managedAlsoElsewhere, 1);
        const text = renderReport(report);
        assert.match(
            text,
            /\[WARNING: also managed today by argocd-controller, oc .*must stop after the deploy/,
        );
        assert.match(text, /\n {6}apps\/v1\/Deployment\/shop\/web \(cluster main\)\n/);
        assert.match(text, /Nothing blocks the first pulumi up/);
    });

    it("the program's own managers, the cluster's controllers and status writers are not someone else", function () {
        const today = live(clusterRole());
        today.metadata.managedFields = [
            { manager: "pulumi-kubernetes-5f3a9c1e", operation: "Apply" },
            { manager: "pulumi-kubernetes", operation: "Update" },
            { manager: "kube-controller-manager", operation: "Update" },
            { manager: "openshift-controller-manager", operation: "Update" },
            { manager: "cluster-policy-controller", operation: "Update" },
            { manager: "argocd-controller", operation: "Update", subresource: "status" },
        ];
        assert.deepEqual(otherManagers(today), []);
        const f = classifyClusterRole(today);
        assert.equal(f.verdict, "unchanged");
        assert.equal(f.otherManagers, undefined);
    });

    it("an immutable conflict stays blocking and also names the managers of a cluster-wide object", function () {
        const today = managedBy(clusterRole(), "kubectl-create");
        const f = classify(
            desired(clusterRole()),
            today,
            { refused: "roleRef: field is immutable" },
            undefined,
            "cluster",
        );
        assert.equal(f.verdict, "blocking");
        assert.ok(f.reasons.some((r) => /managed today by kubectl-create/.test(r)));
    });

    it("through the client: the scope the cluster serves decides block or warning", async function () {
        const program = [namespace(), deployment("web:v2")].map((o) => desired(o));
        const cluster = new FakeCluster([
            managedBy(namespace(), "kubectl-create"),
            managedBy(deployment("web:v1"), "kubectl-client-side-apply"),
        ]);
        const r = await inspectCluster("main", program, cluster);
        const byId = Object.fromEntries(r.findings.map((f) => [f.id, f]));
        assert.equal(byId["v1/Namespace//shop"].verdict, "managed-elsewhere");
        assert.match(byId["v1/Namespace//shop"].reasons[0], /kubectl patch namespace shop /);
        assert.equal(byId["apps/v1/Deployment/shop/web"].verdict, "update");
        assert.deepEqual(byId["apps/v1/Deployment/shop/web"].otherManagers, ["kubectl-client-side-apply"]);
    });
});
