import * as assert from "node:assert/strict";
import { DesiredObject } from "../../adopt/model";
import { exitCode, renderReport } from "../../adopt/report";
import { liveReport } from "./fixtures";
import { PROW_LIVE } from "../../../test/fixtures/live/prow";
import { classification, deniedFlows, externalDeleted, notInPlace } from "../../../test/fixtures/live/checks";
import { inNamespaces, systemObjects, withWorkloadSpec } from "../../../test/fixtures/live/program";

// The first deploy of Pulumi.prod.yaml's Prow over KubeVirt Prow as kubevirt/project-infra@145ec5a's kustomize
// base applies it in kubevirt-prow.

describe("adopt: Prow over kubevirt/project-infra@145ec5a", function () {
    this.timeout(120_000);
    let committed: DesiredObject[];

    before(async () => {
        committed = inNamespaces(await systemObjects("prod", "prow"), [PROW_LIVE.namespace]);
    });

    it("keeps every live selector: every Deployment is adopted in place", () => {
        assert.deepEqual(notInPlace(PROW_LIVE, committed), []);
    });

    it("classifies every live object as the takeover list declares it: adopted, replaced, or named and left alone (bazel-cache, used by the PR jobs)", async () => {
        const r = await liveReport("ibmcloud-prow", PROW_LIVE, committed, {});
        const c = classification(PROW_LIVE, r);
        // The one live object that blocks: greenhouse's claim, made without a class (the cluster default then), which
        // the stack names ibmc-vpc-block-general-purpose: the report asks for the live class.
        assert.deepEqual(
            c.problems.map((p) => p.split(": ")[0]),
            ["v1/PersistentVolumeClaim/kubevirt-prow/greenhouse"],
            renderReport(r),
        );
        assert.match(c.problems[0], /spec\.storageClassName is immutable/);
        // The program's exporter has today's production name (prow-exporter); the runbook era's, of another build, is
        // named and left running (docs/systems/prow-notes.md).
        assert.deepEqual(c.leftAlone, [
            "apps/v1/Deployment/kubevirt-prow/exporter",
            "v1/Service/kubevirt-prow/bazel-cache",
        ]);
        // plank left the Prow release: the program runs its controller in prow-controller-manager instead.
        assert.deepEqual(c.replaced, ["apps/v1/Deployment/kubevirt-prow/plank"]);
        assert.match(
            r.leftBehind.find((l) => l.id === "apps/v1/Deployment/kubevirt-prow/plank")?.replacedBy ?? "",
            /the program's Deployment prow-controller-manager takes its place, as the takeover list declares/,
        );
        assert.deepEqual(externalDeleted(PROW_LIVE, r), []);
        const [takeover] = r.takeovers;
        assert.deepEqual(takeover.problems, []);
        assert.match(
            takeover.record ?? "",
            /^pulumi config set --stack prod --path prow\.takeover\.read [0-9a-f]{16}$/,
        );
        assert.ok(exitCode(r) !== 1);
    });

    it("admits every live flow (the GitHub clients to ghproxy, ghproxy to pushgateway), for today's pods and the program's", () => {
        assert.deepEqual(deniedFlows(PROW_LIVE, committed), []);
    });

    it("control: a program that drops hook's live selector fails, naming it", () => {
        const dropped = withWorkloadSpec(committed, "apps/v1/Deployment/kubevirt-prow/hook", (spec) => {
            spec.selector = { matchLabels: { "app.kubernetes.io/name": "hook" } };
        });
        assert.deepEqual(
            notInPlace(PROW_LIVE, dropped).map((p) => p.split(":")[0]),
            ["Deployment hook"],
        );
    });
});
