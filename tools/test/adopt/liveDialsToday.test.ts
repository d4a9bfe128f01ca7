import * as assert from "node:assert/strict";
import { DesiredObject } from "../../adopt/model";
import { blocksUp, imageChanges } from "../../adopt/imageChanges";
import { Report, exitCode, renderReport } from "../../adopt/report";
import { liveReport } from "./fixtures";
import { DIALS_TODAY } from "../../../test/fixtures/live/dialsToday";
import { classification, deniedFlows, externalDeleted, notInPlace } from "../../../test/fixtures/live/checks";
import { systemObjects } from "../../../test/fixtures/live/program";
import { DIALS_LIVE_PASSWORDS, dialsLiveLayout } from "../../../test/fixtures/live/fixes";

// The first deploy of Pulumi.prod.yaml's DIALS over DIALS as cms-DQM/dials@42c2c5f oc/prod runs it today (v1.12.0,
// the ImageStreams' `latest`, the backend's nginx from an ImageStream, Secret keys renamed since 9fd1394).

const CLUSTER = "cern-paas";
const NS = DIALS_TODAY.namespace;

/** What runs today as an operator reads it with the report's look-ups: the ImageStreams' `latest` is v1.12.0. */
const RUNNING = {
    [CLUSTER]: {
        dials: {
            backend: "v1.12.0",
            etl: "v1.12.0",
            frontend: "v1.12.0",
            "nginx-unprivileged": "1.27.4",
            "redis-7-c9s": "7.2.4",
        },
    },
};
/** Fails unless the report's only blocking items are DIALS images older than what RUNNING records. */
function assertOnlyRollbacks(r: Report): void {
    const blocked = imageChanges(r.findings, RUNNING).filter(blocksUp);
    assert.ok(
        blocked.every((c) => c.older),
        blocked.map((c) => `${c.id} ${c.live}`).join("\n"),
    );
    assert.equal(r.blocking, blocked.length, renderReport(r));
}

/** The same with a DIALS release newer than any pin: the takeover would roll it back. */
const NEWER = {
    [CLUSTER]: {
        dials: { ...RUNNING[CLUSTER].dials, etl: "v99.0.0", backend: "v99.0.0", frontend: "v99.0.0" },
    },
};

describe("adopt: DIALS over cms-DQM/dials@42c2c5f oc/prod (production today)", function () {
    this.timeout(120_000);
    let fixed: DesiredObject[];

    before(async () => {
        fixed = await systemObjects("prod", "dials", dialsLiveLayout, DIALS_LIVE_PASSWORDS);
    });

    it("after runbook 003's layout fixes: every live object adopted in place, the new nginx ImageStream among them, every flow admitted", async () => {
        assert.deepEqual(notInPlace(DIALS_TODAY, fixed), []);
        const r = await liveReport(CLUSTER, DIALS_TODAY, fixed, undefined, RUNNING);
        const c = classification(DIALS_TODAY, r);
        assert.deepEqual(c.problems, []);
        assert.deepEqual(r.takeovers[0].problems, []);
        // Nothing blocks but the releases: while the stack pins a release older than today's v1.12.0, each DIALS
        // image blocks as a roll-back (none once the pin is today's release).
        assertOnlyRollbacks(r);
        assert.equal(c.replaced.length + c.leftAlone.length, 0, JSON.stringify(c));
        assert.ok(
            c.adopted.includes(`image.openshift.io/v1/ImageStream/${NS}/nginx-unprivileged`),
            c.adopted.join(),
        );
        assert.deepEqual(externalDeleted(DIALS_TODAY, r), []);
        assert.deepEqual(deniedFlows(DIALS_TODAY, fixed), []);
    });

    it("blocks (exit 2) while today's release of a DIALS container is unknown (`latest`, Redis by digest) and unrecorded, printing the look-up and the record command", async () => {
        const r = await liveReport(CLUSTER, DIALS_TODAY, fixed);
        const changes = imageChanges(r.findings).filter((c) => c.live.includes(`/${NS}/`));
        // The backend and its nginx, the frontend and the 16 ETL processes from DIALS' ImageStreams; the two Redis run
        // OpenShift's by digest, which names no release either (21 in all).
        assert.equal(changes.length, 19, changes.map((c) => c.id).join("\n"));
        assert.ok(changes.every((c) => c.liveUnknown && !c.older));
        assert.equal(exitCode(r), 2);
        const text = renderReport(r);
        assert.match(
            text,
            /BLOCKING: the first up may roll production back: the first up runs other software than today in 21 container\(s\), 21 where today's tag names no release and none is recorded\]/,
        );
        assert.match(
            text,
            /backend backend: \S+\/backend:latest → \S+\/backend:v\S+ \(today's release unknown\)/,
        );
        assert.ok(
            text.includes(
                `! record it: pulumi config set --stack prod --path clusters.${CLUSTER}.running.dials.backend <the release it runs>`,
            ),
            text,
        );
        assert.match(text, new RegExp(`! read it: kubectl -n ${NS} get pods .*skopeo inspect`));
        // Recorded, nothing is unknown: the report reads the record where the live tag names no release.
        const recorded = await liveReport(CLUSTER, DIALS_TODAY, fixed, undefined, RUNNING);
        assert.ok(imageChanges(recorded.findings, RUNNING).every((c) => !c.liveUnknown));
    });

    it("blocks (exit 2) a takeover whose pinned DIALS release is older than the one recorded running today", async () => {
        const r = await liveReport(CLUSTER, DIALS_TODAY, fixed, undefined, NEWER);
        assert.equal(exitCode(r), 2);
        const changes = imageChanges(r.findings, NEWER);
        const release = changes.filter((c) => /\/(etl|backend|frontend):/.test(c.program));
        // The backend, the frontend and the 16 ETL processes; nginx and Redis are not DIALS releases.
        assert.equal(release.length, 18, release.map((c) => c.id).join("\n"));
        assert.deepEqual(
            changes.filter((c) => c.older),
            release,
        );
        assert.match(renderReport(r), /18 of an older release/);
        assert.match(renderReport(r), /an OLDER release than today's/);
    });
});
