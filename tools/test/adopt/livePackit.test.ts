import * as assert from "node:assert/strict";
import { DesiredObject, objectId } from "../../adopt/model";
import { exitCode, renderReport } from "../../adopt/report";
import { FakeCluster, listKey, liveReport } from "./fixtures";
import { inspectCluster } from "../../adopt/run";
import { buildReport } from "../../adopt/report";
import { datastoreRenamed, liveObjects } from "../../../test/fixtures/live/types";
import { declaredTakeover } from "../../../test/fixtures/live/takeovers";
import { PACKIT_LIVE } from "../../../test/fixtures/live/packit";
import { classification, deniedFlows, externalDeleted, notInPlace } from "../../../test/fixtures/live/checks";
import { systemObjects, withWorkloadSpec } from "../../../test/fixtures/live/program";
import { packitWhereItRuns } from "../../../test/fixtures/live/fixes";

// The first deploy of Pulumi.prod.yaml's Packit over Packit as packit/deployment@1f79bca runs it (Deployments,
// tokman, the redict broker, MP+ project packit--prod).

const CLUSTER = "packit-auto";

describe("adopt: Packit over packit/deployment@1f79bca", function () {
    this.timeout(120_000);
    let committed: DesiredObject[];
    let fixed: DesiredObject[];
    /** The fixes without the live broker described: the program would add its own Redis beside redict. */
    let ownBroker: DesiredObject[];

    before(async () => {
        committed = await systemObjects("prod", "packit");
        fixed = await systemObjects("prod", "packit", packitWhereItRuns);
        ownBroker = await systemObjects("prod", "packit", (values) => {
            packitWhereItRuns(values);
            delete (values.packit as { redis: { liveService?: string } }).redis.liveService;
        });
    });

    it("the committed stack: packit-prod is empty where production runs in packit--prod: the list's objects run nowhere the stack writes, so it blocks, no second Packit", async () => {
        const r = await liveReport(CLUSTER, PACKIT_LIVE, committed);
        assert.equal(exitCode(r), 2);
        const [takeover] = r.takeovers;
        const listed = Object.keys(declaredTakeover(PACKIT_LIVE).objects).sort();
        const absent = takeover.problems
            .filter((p) =>
                p.includes(" is listed, but nothing of that kind and name runs on cluster packit-auto"),
            )
            .map((p) => p.split(" is listed")[0]);
        assert.deepEqual(absent.sort(), listed.map((id) => listKey("packit", id)).sort());
    });

    it("keeps every live selector: each workload the program runs under its live name is adopted in place", () => {
        assert.deepEqual(notInPlace(PACKIT_LIVE, fixed), []);
    });

    it("in packit--prod, the program's own broker declared to replace redict: the claim redis-pvc is data at risk (redict-pvc holds the queued tasks); among the live objects only the workers block", async () => {
        // The reviewed list leaves redict running, which this program (its own Redis, no liveService) does not use.
        const list = declaredTakeover(PACKIT_LIVE);
        list.objects["packit--prod/Deployment/redict"] = "replace with Deployment/redis";
        list.objects["packit--prod/Service/redict"] = "replace with Service/redis";
        list.objects["packit--prod/PersistentVolumeClaim/redict-pvc"] =
            "replace with PersistentVolumeClaim/redis-pvc";
        const r = await liveReport(CLUSTER, PACKIT_LIVE, ownBroker, undefined, {}, list);
        const text = renderReport(r);
        assert.equal(exitCode(r), 2);
        assert.deepEqual(r.takeovers[0].problems, [], text);
        const c = classification(PACKIT_LIVE, r);
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
        assert.match(
            r.leftBehind.find((l) => l.id === "apps/v1/Deployment/packit--prod/redict")?.replacedBy ?? "",
            /the program's Deployment redis takes its place/,
        );
    });

    it("control: the broker under a name the reviewed list does not know blocks, named, with its old name listed and absent", async () => {
        const renamed = datastoreRenamed(PACKIT_LIVE, "redict", "redict-2");
        const other = await liveReport(CLUSTER, renamed, ownBroker);
        assert.ok(
            other.takeovers[0].problems.some((p) =>
                p.startsWith(
                    "packit--prod/Deployment/redict-2 runs on cluster packit-auto and packit.takeover does not name it",
                ),
            ),
            other.takeovers[0].problems.join("\n"),
        );
        assert.ok(
            other.takeovers[0].problems.some((p) =>
                p.startsWith(`${listKey("packit", "packit--prod/Deployment/redict")} is listed, but nothing`),
            ),
        );
        assert.equal(exitCode(other), 2);
    });

    it("with the broker left as it runs (redis.liveService): the Celery processes use redict, no second broker, no claim at risk; only the workers' StatefulSets block, each with its orphan delete", async () => {
        const r = await liveReport(CLUSTER, PACKIT_LIVE, fixed);
        const text = renderReport(r);
        assert.equal(exitCode(r), 2);
        assert.deepEqual(r.takeovers[0].problems, [], text);
        assert.ok(!fixed.some((d) => d.object.metadata.name === "redis"), "the program makes no Redis");
        const env = (name: string) =>
            (
                fixed.find((d) => objectId(d.object) === `apps/v1/StatefulSet/packit--prod/${name}`)!.object
                    .spec as {
                    template: { spec: { containers: { env: { name: string; value?: string }[] }[] } };
                }
            ).template.spec.containers[0].env.find((e) => e.name === "REDIS_SERVICE_HOST")?.value;
        assert.equal(env("packit-worker-long-running"), "redict");
        assert.deepEqual(
            r.findings.filter((f) => f.verdict === "data-at-risk").map((f) => f.id),
            [],
            text,
        );
        // redict, its Service and its claim stay, named as never to be deleted.
        const kept = r.leftBehind.filter((l) => !l.replacedBy).map((l) => l.id);
        for (const id of [
            "apps/v1/Deployment/packit--prod/redict",
            "v1/Service/packit--prod/redict",
            "v1/PersistentVolumeClaim/packit--prod/redict-pvc",
        ])
            assert.ok(kept.includes(id), `${id} not left alone:\n${text}`);
        const blocking = r.findings.filter((f) => f.verdict === "blocking");
        assert.deepEqual(
            blocking.map((f) => f.id).sort(),
            [
                "apps/v1/StatefulSet/packit--prod/packit-worker-long-running",
                "apps/v1/StatefulSet/packit--prod/packit-worker-short-running",
            ],
            text,
        );
        for (const f of blocking) {
            const name = f.id.split("/").pop()!;
            assert.ok(
                f.reasons[0].includes(`kubectl -n packit--prod delete statefulset ${name} --cascade=orphan`),
                f.reasons[0],
            );
            assert.ok(
                f.reasons[0].includes(
                    `the claims packit-worker-vol-${name}-<ordinal> are made new and empty`,
                ),
            );
            // A new claim template: the old pods go one at a time from ordinal 0 (e2e/firstDeployOrphan.e2e.ts).
            assert.ok(
                f.reasons[0].includes(
                    `kubectl -n packit--prod delete pod ${name}-0, then kubectl -n packit--prod delete pod ${name}-1;`,
                ),
                f.reasons[0],
            );
            // Two replicas each, as production runs them: a Ready pod while the other is replaced.
            assert.ok(!f.reasons[0].includes("no Ready pod"), f.reasons[0]);
        }
        assert.match(
            blocking.find((f) => f.id.endsWith("long-running"))!.reasons[0],
            /the claims packit-worker-repository-cache-packit-worker-long-running-<ordinal> keep their data/,
        );
        assert.ok(r.databases[0].problems.length > 0, "the takeover gate holds until the dump exists");
    });

    it("after the printed orphan deletes: the workers' StatefulSets are created over their running pods, their repository caches reused", async () => {
        const today = liveObjects(PACKIT_LIVE).filter((o) => o.kind !== "StatefulSet");
        assert.ok(today.some((o) => o.kind === "Pod" && o.metadata.name === "packit-worker-long-running-1"));
        const result = await inspectCluster(
            CLUSTER,
            fixed,
            new FakeCluster(today, { openshift: true }),
            8,
            new Map(),
            {
                stack: "prod",
                lists: { packit: declaredTakeover(PACKIT_LIVE) },
            },
        );
        const r = buildReport("prod", result.findings, result.leftBehind, [], result);
        const text = renderReport(r);
        assert.deepEqual(
            r.findings
                .filter((f) => f.verdict === "blocking" || f.verdict === "data-at-risk")
                .map((f) => f.id),
            [],
            text,
        );
        for (const q of ["short-running", "long-running"])
            assert.equal(
                r.findings.find((f) => f.id === `apps/v1/StatefulSet/packit--prod/packit-worker-${q}`)
                    ?.verdict,
                "create",
            );
        // Only the database takeover gate is left: the dump and the data's version (pods/exec) are the operator's.
        assert.equal(exitCode(r), 2);
        assert.ok(r.databases[0].problems.length > 0);
    });

    it("admits every live flow, for today's pods and the program's", () => {
        assert.deepEqual(deniedFlows(PACKIT_LIVE, fixed), []);
    });

    it("control: a program that drops tokman's live selector fails, naming it", () => {
        const dropped = withWorkloadSpec(fixed, "apps/v1/Deployment/packit--prod/tokman", (spec) => {
            spec.selector = {
                matchLabels: { "app.kubernetes.io/name": "tokman", "app.kubernetes.io/instance": "tokman" },
            };
        });
        assert.deepEqual(
            notInPlace(PACKIT_LIVE, dropped).map((p) => p.split(":")[0]),
            ["Deployment tokman"],
        );
    });
});
