import * as assert from "node:assert/strict";
import { DesiredObject } from "../../adopt/model";
import { imageChanges } from "../../adopt/imageChanges";
import { exitCode, renderReport } from "../../adopt/report";
import { liveReport } from "./fixtures";
import { DIALS_TODAY } from "../../../test/fixtures/live/dialsToday";
import { withLiveContainers } from "../../../test/fixtures/live/types";
import { classification, deniedFlows, externalDeleted, notInPlace } from "../../../test/fixtures/live/checks";
import { systemObjects } from "../../../test/fixtures/live/program";
import { DIALS_LIVE_PASSWORDS, dialsLiveLayout } from "../../../test/fixtures/live/fixes";

// The first deploy of Pulumi.prod.yaml's DIALS over DIALS as cms-DQM/dials@42c2c5f oc/prod runs it today (v1.12.0,
// the ImageStreams' `latest`, the backend's nginx from an ImageStream, Secret keys renamed since 9fd1394).

const CLUSTER = "cern-paas";
const NS = DIALS_TODAY.namespace;

describe("adopt: DIALS over cms-DQM/dials@42c2c5f oc/prod (production today)", function () {
    this.timeout(120_000);
    let fixed: DesiredObject[];

    before(async () => {
        fixed = await systemObjects("prod", "dials", dialsLiveLayout, DIALS_LIVE_PASSWORDS);
    });

    it("after runbook 003's layout fixes: every live object adopted in place, the new nginx ImageStream among them, every flow admitted", async () => {
        assert.deepEqual(notInPlace(DIALS_TODAY, fixed), []);
        const r = await liveReport(CLUSTER, DIALS_TODAY, fixed);
        const c = classification(DIALS_TODAY, r);
        assert.deepEqual(c.problems, []);
        assert.equal(exitCode(r), 0, renderReport(r));
        assert.equal(c.replaced.length + c.leftAlone.length, 0, JSON.stringify(c));
        assert.ok(
            c.adopted.includes(`image.openshift.io/v1/ImageStream/${NS}/nginx-unprivileged`),
            c.adopted.join(),
        );
        assert.deepEqual(externalDeleted(DIALS_TODAY, r), []);
        assert.deepEqual(deniedFlows(DIALS_TODAY, fixed), []);
    });

    it("says that today's release of every DIALS container is unknown (`latest`), so the pinned v1.8.0 may roll production back", async () => {
        const r = await liveReport(CLUSTER, DIALS_TODAY, fixed);
        const changes = imageChanges(r.findings).filter((c) => c.live.includes(`/${NS}/`));
        // The backend and its nginx, the frontend and the 16 ETL processes from DIALS' ImageStreams; the two Redis run
        // OpenShift's by digest, which names no release either (21 in all).
        assert.equal(changes.length, 19, changes.map((c) => c.id).join("\n"));
        assert.ok(changes.every((c) => c.liveUnknown && !c.older));
        assert.ok(changes.some((c) => c.program.endsWith("/etl:v1.8.0")));
        const text = renderReport(r);
        assert.match(
            text,
            /runs other software than today in 21 container\(s\), 21 where today's tag names no release\]/,
        );
        assert.match(
            text,
            /backend backend: \S+\/backend:latest → \S+\/backend:v1\.8\.0 \(today's release unknown\)/,
        );
        assert.match(text, /read the version the running image reports/);
    });

    it("a live worker that also consumes a queue no program worker would blocks, naming the stack key that gives it a worker; adding it there clears the block", async () => {
        const extra = withLiveContainers(DIALS_TODAY, "csc-bulk", (c) => ({
            ...c,
            command: c.command?.map((word) =>
                word.replace("--queues=csc-bulk", "--queues=csc-bulk,csc-reprocess"),
            ),
        }));
        const r = await liveReport(CLUSTER, extra, fixed);
        assert.equal(exitCode(r), 2);
        const [problem, ...rest] = r.layouts[0].problems;
        assert.deepEqual(rest, [], renderReport(r));
        assert.match(
            problem,
            /^Deployment csc-bulk consumes Celery queue csc-reprocess today \(evidence: celery worker, --queues csc-bulk,csc-reprocess\)/,
        );
        assert.match(problem, /add the queue to dials\.etl\.extraQueues in the stack file/);
        const followed = await systemObjects(
            "prod",
            "dials",
            (values) => {
                dialsLiveLayout(values);
                (values.dials as { etl: { extraQueues: string[] } }).etl.extraQueues.push("csc-reprocess");
            },
            DIALS_LIVE_PASSWORDS,
        );
        const after = await liveReport(CLUSTER, extra, followed);
        assert.deepEqual(after.layouts[0].problems, []);
        assert.equal(exitCode(after), 0, renderReport(after));
    });
});
