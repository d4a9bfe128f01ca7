import * as assert from "node:assert/strict";
import { DesiredObject, objectId } from "../../adopt/model";
import { exitCode, renderReport } from "../../adopt/report";
import { dialsRecordedAtPin, listKey, liveReport } from "./fixtures";
import { DIALS_LIVE } from "../../../test/fixtures/live/dials";
import { classification, deniedFlows, externalDeleted, notInPlace } from "../../../test/fixtures/live/checks";
import { systemObjects, withWorkloadSpec } from "../../../test/fixtures/live/program";
import { DIALS_LIVE_PASSWORDS, dialsLiveLayout } from "../../../test/fixtures/live/fixes";
import { LiveSystem, datastoreRenamed } from "../../../test/fixtures/live/types";
import { declaredTakeover } from "../../../test/fixtures/live/takeovers";

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

    it("the committed stack: the takeover list blocks on the live workers it lacks, and on nothing else of the list", async () => {
        const r = await liveReport(CLUSTER, DIALS_LIVE, committed, undefined, dialsRecordedAtPin());
        assert.equal(exitCode(r), 2);
        const [takeover] = r.takeovers;
        // The reviewed list adopts every live worker; the committed stack writes no Deployment for three of them.
        const named = takeover.problems.map((p) => p.split(" adopts ")[0]).sort();
        assert.deepEqual(
            named,
            ["egamma-bulk", "egamma-priority", "private-bulk"].map((n) =>
                listKey("dials", `cms-dials-prod/Deployment/${n}`),
            ),
        );
        for (const p of takeover.problems)
            assert.match(p, /but the program writes no Deployment of that name in cms-dials-prod/);
        assert.equal(takeover.record, undefined);
        // No selector, no Route and no claim stands in the way: only the Secrets whose values the stack would generate.
        const blocking = r.findings.filter((f) => f.verdict === "blocking").map((f) => f.id);
        assert.deepEqual(blocking.sort(), [
            "v1/Secret/cms-dials-prod/dials-backend-secrets",
            "v1/Secret/cms-dials-prod/dials-etl-secrets",
            "v1/Secret/cms-dials-prod/redis-etl-broker",
            "v1/Secret/cms-dials-prod/redis-web-cache",
        ]);
        assert.match(
            renderReport(r),
            /\[BLOCKING: the takeover list does not match the cluster\] dials\.takeover\.objects\["cms-dials-prod\/Deployment\/egamma-bulk"\] adopts/,
        );
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
        assert.deepEqual(r.takeovers[0].problems, []);
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

        it("a live datastore under another name blocks the report until declared; declared replaced, its claim is data at risk", async () => {
            const renamed = datastoreRenamed(DIALS_LIVE, "redis-etl-broker", "redis");
            const r = await liveReport(CLUSTER, renamed, fixed, undefined, dialsRecordedAtPin());
            assert.equal(exitCode(r), 2);
            // The base fixture's list: the renamed broker, its Service and claim are unlisted; its old name runs no more.
            const problems = r.takeovers[0].problems;
            for (const id of [
                "cms-dials-prod/Deployment/redis",
                "cms-dials-prod/Service/redis",
                "cms-dials-prod/PersistentVolumeClaim/redis",
            ])
                assert.ok(
                    problems.some((p) =>
                        p.startsWith(`${id} runs on cluster ${CLUSTER} and dials.takeover does not name it`),
                    ),
                    `${id}:\n${problems.join("\n")}`,
                );
            assert.ok(
                problems.some((p) =>
                    p.startsWith(
                        `${listKey("dials", "cms-dials-prod/Deployment/redis-etl-broker")} is listed, but nothing`,
                    ),
                ),
                problems.join("\n"),
            );
            // Declared: the program's broker takes the renamed one's place; the claim it would create is empty while
            // the renamed one's holds the queued tasks.
            const list = declaredTakeover(DIALS_LIVE);
            delete list.objects["cms-dials-prod/Deployment/redis-etl-broker"];
            list.objects["cms-dials-prod/Deployment/redis"] = "replace with Deployment/redis-etl-broker";
            list.objects["cms-dials-prod/Service/redis"] = "replace with Service/redis-etl-broker";
            list.objects["cms-dials-prod/PersistentVolumeClaim/redis"] =
                "replace with PersistentVolumeClaim/redis-etl-broker";
            const declared = await liveReport(CLUSTER, renamed, fixed, undefined, dialsRecordedAtPin(), list);
            assert.deepEqual(declared.takeovers[0].problems, []);
            const claim = declared.findings.find(
                (f) => f.id === "v1/PersistentVolumeClaim/cms-dials-prod/redis-etl-broker",
            );
            assert.equal(claim?.verdict, "data-at-risk", renderReport(declared));
            assert.match(claim!.reasons[0], /redis \(Bound/);
            assert.equal(exitCode(declared), 2);
        });

        it("a production namespace with nothing running blocks: the list names workloads that do not run, and the deploy would start a second, empty DIALS", async () => {
            const empty: LiveSystem = { ...DIALS_LIVE, workloads: [], services: [], routes: [], flows: [] };
            const r = await liveReport(CLUSTER, empty, fixed, undefined, dialsRecordedAtPin());
            assert.equal(exitCode(r), 2);
            const absent = r.takeovers[0].problems
                .filter((p) =>
                    / is listed, but nothing of that kind and name runs on cluster cern-paas/.test(p),
                )
                .map((p) => p.split(" is listed")[0]);
            assert.deepEqual(
                absent.sort(),
                DIALS_LIVE.workloads
                    .map((w) => listKey("dials", `cms-dials-prod/Deployment/${w.name}`))
                    .sort(),
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
