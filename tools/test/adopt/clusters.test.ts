import * as assert from "assert";
import { ClusterApi, KubeError, describeError } from "../../adopt/kube";
import { KubeconfigError } from "../../adopt/kubeconfig";
import { DesiredObject } from "../../adopt/model";
import { buildReport, exitCode, renderReport } from "../../adopt/report";
import { inspectClusters } from "../../adopt/run";
import { FakeCluster, deployment, live } from "./fixtures";

// A stack spans four clusters; without access to them the report must name every one it could not inspect, with
// its own reason, instead of stopping at the first.

const CLUSTERS = ["cern-paas", "ibmcloud-prow", "packit-auto", "psi"];

function refused(message: string): Error {
    return Object.assign(new Error(message), { cause: { code: "ECONNREFUSED" } });
}

/** A cluster whose every request fails as a connection that cannot be made does. */
function unreachable(err: Error): ClusterApi {
    const fail = async (): Promise<never> => {
        throw err;
    };
    return { scope: fail, get: fail, applyDryRun: fail, list: fail };
}

describe("adopt: every cluster of the stack", function () {
    const program: DesiredObject[] = CLUSTERS.map((cluster) => ({
        cluster,
        system: cluster,
        object: deployment("web:v1"),
    }));

    it("names every cluster it cannot reach with its reason, keeps the others, and exits 1", async function () {
        const connect = (cluster: string): ClusterApi => {
            if (cluster === "psi")
                throw new KubeconfigError("the kubeconfig (stack secret kubeconfig-psi) has no cluster");
            if (cluster === "cern-paas")
                return unreachable(refused("request to https://api.paas.cern.ch:6443/apis/apps/v1 failed"));
            if (cluster === "ibmcloud-prow") return unreachable(new KubeError(401, "Unauthorized"));
            return new FakeCluster([live(deployment("web:v1"))]);
        };
        const r = await inspectClusters(program, connect);
        assert.deepEqual(
            r.unreachable.map((u) => u.cluster),
            ["cern-paas", "ibmcloud-prow", "psi"],
        );
        const reason = Object.fromEntries(r.unreachable.map((u) => [u.cluster, u.reason]));
        assert.match(reason.psi, /stack secret kubeconfig-psi\) has no cluster/);
        assert.match(reason["cern-paas"], /api\.paas\.cern\.ch:6443.* failed \(ECONNREFUSED\)$/);
        assert.match(reason["ibmcloud-prow"], /does not accept the kubeconfig's credentials .*HTTP 401/);
        assert.deepEqual(
            r.findings.map((f) => `${f.cluster} ${f.verdict}`),
            ["packit-auto unchanged"],
        );

        const report = buildReport("prod", r.findings, r.leftBehind, [], r);
        assert.equal(exitCode(report), 1);
        const text = renderReport(report);
        assert.match(text, /== clusters not inspected: cern-paas, ibmcloud-prow, psi/);
        for (const c of ["cern-paas", "ibmcloud-prow", "psi"])
            assert.match(text, new RegExp(`\\n  cluster ${c}: `));
        assert.match(text, /3 cluster\(s\) not inspected .*\(exit 1\)\.$/);
        assert.doesNotMatch(text, /Nothing blocks/);
    });

    it("an incomplete report exits 1 even when the clusters it reached block (2 would read as complete)", async function () {
        const connect = (cluster: string): ClusterApi =>
            cluster === "psi"
                ? unreachable(refused("connect ECONNREFUSED"))
                : new FakeCluster([live(deployment("web:v0"))], {
                      refuse: { "apps/v1/Deployment/shop/web": "spec.selector: field is immutable" },
                  });
        // Each cluster's system declares its live web adopted: only the refused selector blocks where reached.
        const lists = Object.fromEntries(
            CLUSTERS.map((c) => [c, { objects: { "shop/Deployment/web": "adopt" } }]),
        );
        const r = await inspectClusters(program, connect, 8, new Map(), { stack: "prod", lists });
        const report = buildReport("prod", r.findings, r.leftBehind, [], r);
        assert.deepEqual(
            r.takeovers.flatMap((t) => t.problems),
            [],
        );
        assert.equal(report.blocking, 3);
        assert.equal(exitCode(report), 1);
        const text = renderReport(report);
        assert.match(
            text,
            /3 blocking item\(s\): fix them before the first pulumi up\.\n1 cluster\(s\) not inspected \(psi\)/,
        );
        assert.doesNotMatch(text, /exit 2/);
    });

    it("an error is one line: no stack trace, no response headers", function () {
        const multi = new Error('HTTP-Code: 500\nMessage: Unsuccessful\nHeaders: {"x":1}');
        assert.equal(describeError(multi), "HTTP-Code: 500");
        assert.doesNotMatch(describeError(new KubeError(403, "forbidden")), /\n/);
    });
});
