import * as assert from "node:assert/strict";
import { DesiredObject } from "../../tools/adopt/model";
import { exitCode, renderReport } from "../../tools/adopt/report";
import { liveReport } from "./fixtures";
import { THOTH_LIVE } from "../fixtures/live/thoth";
import { classification, notInPlace } from "../fixtures/live/checks";
import { systemObjects } from "../fixtures/live/program";

// The first deploy of Pulumi.prod.yaml's Thoth test station over thoth-test-core as thoth-application@f2cf35f runs
// it: DeploymentConfigs the program runs as Deployments are another kind, which no apply takes over.

describe("adopt: Thoth's test station over thoth-station/thoth-application@f2cf35f", function () {
    this.timeout(120_000);
    let desired: DesiredObject[];

    before(async () => {
        desired = (await systemObjects("prod", "thoth")).filter(
            (d) => d.object.metadata.namespace === THOTH_LIVE.namespace,
        );
    });

    it("adopts the Argo Deployments in place: their live selector app: <name> is the program's", () => {
        assert.deepEqual(notInPlace(THOTH_LIVE, desired), []);
    });

    it("names the DeploymentConfig layout and blocks every DeploymentConfig the program runs as a Deployment, with its pods", async () => {
        const r = await liveReport("psi", THOTH_LIVE, desired);
        const text = renderReport(r);
        assert.equal(exitCode(r), 2);
        assert.match(r.layouts[0].layout ?? "", /DeploymentConfigs/);
        assert.match(
            r.layouts[0].found,
            /^2 Deployment \(argo-server, workflow-controller\), 7 DeploymentConfig/,
        );
        const replaced = r.findings
            .filter((f) => (f.leftRunning ?? []).some((id) => id.includes("/DeploymentConfig/")))
            .map((f) => f.id)
            .sort();
        const programDeployments = desired
            .filter((d) => d.object.kind === "Deployment")
            .map((d) => d.object.metadata.name);
        const dcs = THOTH_LIVE.workloads
            .filter((w) => w.kind === "DeploymentConfig" && programDeployments.includes(w.name))
            .map((w) => `apps/v1/Deployment/thoth-test-core/${w.name}`)
            .sort();
        assert.ok(dcs.length >= 5, dcs.join());
        assert.deepEqual(replaced, dcs, text);
        for (const id of dcs)
            assert.match(
                r.findings.find((f) => f.id === id)!.reasons.join("\n"),
                /DeploymentConfig .* runs today where the program deploys a Deployment of the same name/,
            );
        // Nothing live is left unnamed; the Argo Deployments are not among the blocking.
        const c = classification(THOTH_LIVE, r);
        assert.ok(
            !c.problems.some((p) => /Deployment\/thoth-test-core\/(argo-server|workflow-controller)/.test(p)),
            c.problems.join("\n"),
        );
        assert.ok(!c.problems.some((p) => p.endsWith("not in the report")), c.problems.join("\n"));
    });
});
