import * as assert from "node:assert/strict";
import { DesiredObject, objectId } from "../../tools/adopt/model";
import { exitCode, renderReport } from "../../tools/adopt/report";
import { liveReport } from "./fixtures";
import { PACKIT_LIVE } from "../fixtures/live/packit";
import { classification, deniedFlows, externalDeleted, notInPlace } from "../fixtures/live/checks";
import { systemObjects } from "../fixtures/live/program";
import { packitWhereItRuns } from "../fixtures/live/fixes";

// The first deploy of Pulumi.prod.yaml's Packit over Packit as packit/deployment@1f79bca runs it (Deployments,
// tokman, the redict broker, MP+ project packit--prod).

const CLUSTER = "packit-auto";

describe("adopt: Packit over packit/deployment@1f79bca", function () {
    this.timeout(120_000);
    let committed: DesiredObject[];
    let fixed: DesiredObject[];

    before(async () => {
        committed = await systemObjects("prod", "packit");
        fixed = await systemObjects("prod", "packit", packitWhereItRuns);
    });

    it("the committed stack: packit-prod is empty where production runs in packit--prod: blocks, no second Packit", async () => {
        const r = await liveReport(CLUSTER, PACKIT_LIVE, committed);
        assert.equal(exitCode(r), 2);
        assert.equal(r.layouts[0].found, "no workload");
        assert.match(
            r.layouts[0].problems.join("\n"),
            /no workload runs in packit-prod, packit-prod-sandbox today/,
        );
    });

    it("keeps every live selector: each workload the program runs under its live name is adopted in place", () => {
        assert.deepEqual(notInPlace(PACKIT_LIVE, fixed), []);
    });

    it("in packit--prod: names the layout, blocks on the broker under another name, and on nothing else of the workloads", async () => {
        const r = await liveReport(CLUSTER, PACKIT_LIVE, fixed);
        const text = renderReport(r);
        assert.equal(exitCode(r), 2);
        assert.match(r.layouts[0].layout ?? "", /81ede2c\.\.1f79bca .* tokman/);
        assert.deepEqual(
            r.layouts[0].problems.map((p) => p.split(" runs today")[0]),
            ["Deployment redict"],
            text,
        );
        assert.match(r.layouts[0].problems[0], /port 6379.*would add Deployment redis/);
        const c = classification(PACKIT_LIVE, r);
        // Blocking among the live objects: only what the broker's other name and the database takeover gate hold.
        // Among the live objects only the workers block: their claim templates are the 2024 layout's (no sandcastle
        // volume), which the program does not run; every other live workload is adopted in place.
        assert.deepEqual(c.problems.map((p) => p.split(": ")[0]).sort(), [
            "apps/v1/StatefulSet/packit--prod/packit-worker-long-running",
            "apps/v1/StatefulSet/packit--prod/packit-worker-short-running",
        ]);
        for (const p of c.problems) assert.match(p, /spec\.volumeClaimTemplates is immutable/);
        assert.ok(r.databases[0].problems.length > 0, "the takeover gate holds until the dump exists");
        assert.deepEqual(externalDeleted(PACKIT_LIVE, r), []);
        const risk = r.findings.find((f) => f.id === "v1/PersistentVolumeClaim/packit--prod/redis-pvc");
        assert.equal(risk?.verdict, "data-at-risk");
        assert.match(risk!.reasons[0], /redict-pvc/);
    });

    it("admits every live flow, for today's pods and the program's", () => {
        assert.deepEqual(deniedFlows(PACKIT_LIVE, fixed), []);
    });

    it("control: a program that drops tokman's live selector fails, naming it", () => {
        const dropped = structuredClone(fixed);
        const tokman = dropped.find((d) => objectId(d.object) === "apps/v1/Deployment/packit--prod/tokman")!;
        (tokman.object.spec as { selector: unknown }).selector = {
            matchLabels: { "app.kubernetes.io/name": "tokman", "app.kubernetes.io/instance": "tokman" },
        };
        assert.deepEqual(
            notInPlace(PACKIT_LIVE, dropped).map((p) => p.split(":")[0]),
            ["Deployment tokman"],
        );
    });
});
