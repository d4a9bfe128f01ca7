import { strict as assert } from "assert";
import { ConfigError } from "../../components/config/problems";
import { loadProgramConfig } from "../../components/config/load";
import { memoryConfigSource } from "../../components/config/source";
import { SYSTEMS } from "../../components/systems";
import { configErrorOf } from "../harness";
import { runSystem } from "../fixtures/system";
import { readTakeover } from "../fixtures/runningReleases";
import { DIALS, DIALS_SECRETS, dialsSection, dialsValues } from "./fixtures";

// `pulumi up` never rolls production back (issue 82): while the cluster's adoptExisting is on, the up refuses an image
// whose running release the stack does not record, and a pin older than the one it records, each with one message
// under its full key and the command that reads or fixes it, before anything is registered (under mocks).

const CLUSTER = "cern-paas";
const NS = "cms-dials-prod";

/**
 * Production taken over, its workers drained and its takeover list read (test/config/takeover.test.ts), with `running`
 * recorded under clusters.cern-paas.running.dials.
 */
const takeover = (running?: (tag: string) => Record<string, string>) => (values: Record<string, unknown>) => {
    const dials = dialsSection(values);
    const clusters = values.clusters as Record<string, Record<string, unknown>>;
    const tag = dials.images.tag;
    clusters[CLUSTER] = {
        ...clusters[CLUSTER],
        adoptExisting: true,
        ...(running ? { running: { dials: running(tag) } } : {}),
    };
    dials.workersDrained = true;
    readTakeover(dials);
};

/** What an operator reads today: the release of each image DIALS runs (Redis and nginx by their version labels). */
const today = (release: string) => ({
    etl: release,
    backend: release,
    frontend: release,
    "nginx-unprivileged": "1.27.4",
    "redis-7-c9s": "7.2.4",
});

const gateProblems = (err: ConfigError) =>
    err.problems.filter(
        (p) => p.key.startsWith(`runbooks:clusters.${CLUSTER}.running`) || /older than/.test(p.message),
    );

describe("dials: pulumi up's release gate over a takeover (components/config/releaseGate.ts)", () => {
    it("refuses while the running release is not recorded (a floating `latest` tells none): one problem per image, its full key, the look-up and the record command", async () => {
        const err = await configErrorOf(() => runSystem(DIALS, "prod", takeover()));
        const keys = gateProblems(err)
            .map((p) => p.key)
            .sort();
        assert.deepEqual(
            keys,
            ["backend", "etl", "frontend", "nginx-unprivileged", "redis-7-c9s"]
                .map((n) => `runbooks:clusters.${CLUSTER}.running.dials.${n}`)
                .sort(),
            err.message,
        );
        const [etl] = err.problems.filter((p) => p.key.endsWith("running.dials.etl"));
        assert.match(etl.message, /adoptExisting is on: .*which release runs today is not recorded/);
        const fix = etl.fix ?? "";
        assert.ok(fix.startsWith(`kubectl -n ${NS} get pods -o jsonpath=`), fix);
        assert.ok(
            fix.endsWith(
                `pulumi config set --path clusters.${CLUSTER}.running.dials.etl <the release it runs>`,
            ),
            fix,
        );
        assert.doesNotMatch(err.message, /\n\s+at /, "no stack trace");
    });

    it("refuses a pin older than the release recorded running (a live release newer than the pin), naming the pin's key", async () => {
        // Pinned by tag, as the committed prod stack is (a digest alone names no release: it is what an operator read
        // running, so the gate cannot order it).
        const byTag = (values: Record<string, unknown>) => {
            takeover(() => today("v99.0.0"))(values);
            delete dialsSection(values).images.confirmed;
        };
        const err = await configErrorOf(() => runSystem(DIALS, "prod", byTag));
        const problems = gateProblems(err);
        assert.deepEqual(
            problems.map((p) => p.key).sort(),
            ["backend", "etl", "frontend"].map((n) => `runbooks:dials.images.confirmed.${n}`),
            err.message,
        );
        for (const p of problems) assert.match(p.message, /older than the v99\.0\.0 .* roll production back/);
    });

    it("refuses a floating tag recorded as the running release: the record must name a release", async () => {
        const err = await configErrorOf(() =>
            runSystem(
                DIALS,
                "prod",
                takeover(() => ({ ...today("v1.0.0"), backend: "latest" })),
            ),
        );
        const [p] = err.problems.filter(
            (x) => x.key === `runbooks:clusters.${CLUSTER}.running.dials.backend`,
        );
        assert.ok(p, err.message);
        assert.match(p.message, /must be a release/);
    });

    it("goes on once every running release is recorded and none is newer than the pin; every later up (adoptExisting off) never asks", () => {
        const values = dialsValues("prod");
        takeover((tag) => today(tag))(values);
        loadProgramConfig(memoryConfigSource(values, DIALS_SECRETS), SYSTEMS);
        const later = dialsValues("prod");
        loadProgramConfig(memoryConfigSource(later, DIALS_SECRETS), SYSTEMS);
    });
});
