import * as assert from "node:assert/strict";
import { DesiredObject, objectId } from "../../adopt/model";
import { exitCode, renderReport } from "../../adopt/report";
import { dialsRecordedAtPin, liveReport } from "./fixtures";
import { DIALS_LIVE } from "../../../test/fixtures/live/dials";
import { classification, deniedFlows, externalDeleted, notInPlace } from "../../../test/fixtures/live/checks";
import { systemObjects, withWorkloadSpec } from "../../../test/fixtures/live/program";
import { DIALS_LIVE_PASSWORDS, dialsLiveLayout } from "../../../test/fixtures/live/fixes";
import { LiveSystem, datastoreRenamed } from "../../../test/fixtures/live/types";

// The first deploy of Pulumi.prod.yaml's DIALS over DIALS as cms-DQM/dials@9fd1394 oc/prod runs it (the commit whose
// docs/DEPLOYMENT.md is runbook 003): what the report says, and the deploy after the fixes it prints.

const CLUSTER = "cern-paas";

describe("adopt: DIALS over cms-DQM/dials@9fd1394 oc/prod", function () {
    this.timeout(120_000);
    let committed: DesiredObject[];
    let fixed: DesiredObject[];

    before(async () => {
        committed = await systemObjects("prod", "dials");
        fixed = await systemObjects("prod", "dials", dialsLiveLayout, DIALS_LIVE_PASSWORDS);
    });

    it("keeps every live selector and the pod labels live Services select: no workload is replaced", () => {
        assert.deepEqual(notInPlace(DIALS_LIVE, committed), []);
        assert.deepEqual(notInPlace(DIALS_LIVE, fixed), []);
    });

    it("the committed stack: names the layout found and blocks on the live workers it lacks, and on nothing else of the layout", async () => {
        const r = await liveReport(CLUSTER, DIALS_LIVE, committed, undefined, dialsRecordedAtPin());
        assert.equal(exitCode(r), 2);
        const [layout] = r.layouts;
        assert.match(layout.layout ?? "", /cms-DQM\/dials@9fd1394 oc\/prod .* one common-indexer/);
        assert.match(layout.found, /^20 Deployment \(backend, common-indexer, /);
        const named = layout.problems.map((p) => p.split(" runs today")[0]).sort();
        assert.deepEqual(named, [
            "Deployment egamma-bulk",
            "Deployment egamma-priority",
            "Deployment private-bulk",
        ]);
        assert.match(
            layout.problems[0],
            /set dials\.workspaces to the live workspaces csc, ecal, egamma, hcal, jetmet, tracker .*commonIndexer: true, dials\.etl\.extraQueues: \[private-bulk\]/,
        );
        // No selector, no Route and no claim stands in the way: only the Secrets whose values the stack would generate.
        const blocking = r.findings.filter((f) => f.verdict === "blocking").map((f) => f.id);
        assert.deepEqual(blocking.sort(), [
            "v1/Secret/cms-dials-prod/dials-backend-secrets",
            "v1/Secret/cms-dials-prod/dials-etl-secrets",
            "v1/Secret/cms-dials-prod/redis-etl-broker",
            "v1/Secret/cms-dials-prod/redis-web-cache",
        ]);
        assert.match(renderReport(r), /live today \(cluster cern-paas\): 20 Deployment/);
    });

    it("after the fixes: every live object adopted, replaced with a reason or named and left alone; nothing blocks", async () => {
        const r = await liveReport(CLUSTER, DIALS_LIVE, fixed, undefined, dialsRecordedAtPin());
        const c = classification(DIALS_LIVE, r);
        assert.deepEqual(c.problems, []);
        assert.equal(exitCode(r), 0, renderReport(r));
        // Every live object is the program's now, none replaced: in place.
        assert.equal(c.replaced.length + c.leftAlone.length, 0, JSON.stringify(c));
        assert.equal(c.adopted.length, 39);
        assert.deepEqual(externalDeleted(DIALS_LIVE, r), []);
        assert.deepEqual(r.layouts[0].problems, []);
    });

    it("admits every live flow, for today's pods and the program's, while both run", () => {
        assert.deepEqual(deniedFlows(DIALS_LIVE, fixed), []);
        // The committed stack cuts exactly the live workers it lacks, the ones its report blocks on.
        const cut = new Set(deniedFlows(DIALS_LIVE, committed).map((d) => d.split(" ")[0]));
        assert.deepEqual([...cut].sort(), ["egamma-bulk", "egamma-priority", "private-bulk"]);
    });

    describe("controls", () => {
        it("a program that drops one live selector fails, naming the workload", () => {
            const dropped = withWorkloadSpec(fixed, "apps/v1/Deployment/cms-dials-prod/flower", (spec) => {
                spec.selector = {
                    matchLabels: {
                        "app.kubernetes.io/name": "flower",
                        "app.kubernetes.io/instance": "flower",
                    },
                };
            });
            const problems = notInPlace(DIALS_LIVE, dropped);
            assert.equal(problems.length, 1);
            assert.match(
                problems[0],
                /^Deployment flower: its live selector \{"app":"flower"\} \(cms-DQM\/dials@9fd1394:oc\/prod\/deployments\/etl\/common\/flower\.yaml\)/,
            );
        });

        it("a program whose pods lose the live `deployment` label fails, naming the workload", () => {
            const lost = withWorkloadSpec(fixed, "apps/v1/Deployment/cms-dials-prod/frontend", (spec) => {
                delete spec.template.metadata.labels.deployment;
            });
            assert.deepEqual(
                notInPlace(DIALS_LIVE, lost).map((p) => p.split(":")[0]),
                ["Deployment frontend"],
            );
        });

        it("a live datastore under another name blocks the report", async () => {
            const renamed = datastoreRenamed(DIALS_LIVE, "redis-etl-broker", "redis");
            const r = await liveReport(CLUSTER, renamed, fixed, undefined, dialsRecordedAtPin());
            assert.equal(exitCode(r), 2);
            const problems = r.layouts[0].problems.join("\n");
            assert.match(
                problems,
                /^Deployment redis runs today \(.*port 6379.*\) .* would add Deployment redis-etl-broker/m,
            );
            const claim = r.findings.find(
                (f) => f.id === "v1/PersistentVolumeClaim/cms-dials-prod/redis-etl-broker",
            );
            assert.equal(claim?.verdict, "data-at-risk");
        });

        it("a production namespace with nothing running blocks: the deploy would start a second, empty DIALS", async () => {
            const empty: LiveSystem = { ...DIALS_LIVE, workloads: [], services: [], routes: [], flows: [] };
            const r = await liveReport(CLUSTER, empty, fixed, undefined, dialsRecordedAtPin());
            assert.equal(exitCode(r), 2);
            assert.match(
                r.layouts[0].problems.join("\n"),
                /no workload runs in cms-dials-prod today.*--first-install dials/,
            );
        });

        it("a flow the policies do not admit is named", () => {
            const noPolicy = fixed.filter(
                (d) =>
                    objectId(d.object) !==
                    "networking.k8s.io/v1/NetworkPolicy/cms-dials-prod/allow-to-redis-etl-broker",
            );
            const denied = deniedFlows(DIALS_LIVE, noPolicy);
            assert.ok(
                denied.some((d) => d.startsWith("csc-bulk ") && d.includes("→ redis-etl-broker:6379")),
                denied.join("\n"),
            );
        });
    });
});
