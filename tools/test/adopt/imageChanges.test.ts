import * as assert from "node:assert/strict";
import fc from "fast-check";
import { blocksUp, imageChangeLines, imageChanges } from "../../adopt/imageChanges";
import { Finding } from "../../adopt/model";
import { buildReport, exitCode, renderReport } from "../../adopt/report";
import { liveReport } from "./fixtures";
import { PROW_TODAY } from "../../../test/fixtures/live/prowToday";
import { inNamespaces, systemObjects } from "../../../test/fixtures/live/program";

// A takeover that changes the software a live workload runs is named, and an older release said so: today's Prow
// (kubevirt/project-infra@2c863fd, v20260819) under the runbook's pinned release (v20201020).

const finding = (changes: Finding["changes"]): Finding => ({
    cluster: "c",
    system: "s",
    id: "apps/v1/Deployment/ns/web",
    verdict: "update",
    changes,
    reasons: [],
});
const day = fc
    .date({ min: new Date("2015-01-01"), max: new Date("2030-12-31"), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10).replace(/-/g, ""));

describe("adopt: the first up's image changes (tools/adopt/imageChanges.ts)", () => {
    it("generated: an older release exactly when both tags name a release of one kind (a date or a semantic version) and the program's is earlier; unknown exactly when today's tag names none", () => {
        const version = fc.tuple(fc.nat(20), fc.nat(20), fc.nat(20));
        type Tag =
            | { kind: "date"; d: string }
            | { kind: "semver"; v: [number, number, number] }
            | { kind: "none"; t: string };
        const tag: fc.Arbitrary<Tag> = fc.oneof(
            day.map((d) => ({ kind: "date" as const, d })),
            version.map((v) => ({ kind: "semver" as const, v })),
            fc
                .constantFrom("latest", "prod", "stg", "sha-20240101")
                .map((t) => ({ kind: "none" as const, t })),
        );
        const spell = (t: Tag, suffix: string, digest: boolean) =>
            (t.kind === "date"
                ? `:v${t.d}-abc1234`
                : t.kind === "semver"
                  ? `:v${t.v.join(".")}${suffix}`
                  : `:${t.t}`) + (digest ? "@sha256:" + "0".repeat(64) : "");
        const order = (a: Tag, b: Tag): number | undefined =>
            a.kind === "date" && b.kind === "date"
                ? a.d.localeCompare(b.d)
                : a.kind === "semver" && b.kind === "semver"
                  ? a.v[0] - b.v[0] || a.v[1] - b.v[1] || a.v[2] - b.v[2]
                  : undefined;
        const cases = fc.record({
            live: tag,
            program: tag,
            digest: fc.boolean(),
            registryPort: fc.boolean(),
            list: fc.constantFrom("containers", "initContainers"),
        });
        fc.assert(
            fc.property(cases, ({ live, program, digest, registryPort, list }) => {
                const repo = registryPort ? "registry.svc:5000/ns/web" : "r.io/web";
                const [change] = imageChanges([
                    finding([
                        {
                            path: `spec.template.spec.${list}[web].image`,
                            old: `${repo}${spell(live, "", digest)}`,
                            new: `${repo}${spell(program, "", false)}`,
                        },
                        { path: "spec.template.spec.containers[web].args", old: "a", new: "b" },
                    ]),
                ]);
                assert.equal(change.container, "web");
                assert.equal(change.older, (order(program, live) ?? 0) < 0);
                assert.equal(change.liveUnknown, live.kind === "none");
            }),
            { seed: 6802, numRuns: 300 },
        );
        // A digest alone names no release; neither does a registry's port.
        const [bare] = imageChanges([
            finding([
                {
                    path: "spec.template.spec.containers[web].image",
                    old: "registry.svc:5000/ns/web@sha256:" + "1".repeat(64),
                    new: "registry.svc:5000/ns/web:v1.8.0",
                },
            ]),
        ]);
        assert.deepEqual([bare.older, bare.liveUnknown], [false, true]);
        assert.deepEqual(imageChangeLines([finding([])]), []);
    });

    it("never rolls back: an older pin or an unknown, unrecorded live release blocks the report (exit 2); a record tells the release of a floating tag", () => {
        const change = (old: string, now: string) =>
            finding([{ path: "spec.template.spec.containers[web].image", old, new: now }]);
        const report = (f: Finding, running = {}) => buildReport("prod", [f], [], [], { running });
        // A live release newer than the pin: blocked, named OLDER.
        const newer = report(change("r.io/web:v1.12.0", "r.io/web:v1.8.0"));
        assert.equal(exitCode(newer), 2);
        assert.match(
            renderReport(newer),
            /BLOCKING: the first up may roll production back.*1 of an older release/,
        );
        // The same or a newer pin: nothing blocks.
        assert.equal(exitCode(report(change("r.io/web:v1.12.0", "r.io/web:v1.12.1"))), 0);
        // A floating tag blocks until the release it runs is recorded, under the program image's name.
        const floating = change("r.io/web:latest", "r.io/web:v1.12.0");
        assert.equal(exitCode(report(floating)), 2);
        assert.match(
            renderReport(report(floating)),
            /--path clusters\.c\.running\.s\.web <the release it runs>/,
        );
        assert.equal(exitCode(report(floating, { c: { s: { web: "v1.12.0" } } })), 0);
        // A record newer than the pin: blocked as older.
        const rolledBack = report(floating, { c: { s: { web: "v1.13.0" } } });
        assert.equal(exitCode(rolledBack), 2);
        assert.ok(imageChanges(rolledBack.findings, rolledBack.running).every((c) => c.older && blocksUp(c)));
        // A digest alone names no release either; a build variant is no pre-release (1.27.4-alpine is 1.27.4).
        assert.equal(exitCode(report(change("r.io/web@sha256:" + "1".repeat(64), "r.io/web:v1"))), 2);
        assert.equal(exitCode(report(change("r.io/nginx:1.27.4", "r.io/nginx:1.27.4-alpine"))), 0);
        assert.equal(exitCode(report(change("r.io/web:v1.12.0", "r.io/web:v1.12.0-rc1"))), 2);
        // Prow's dated builds by date.
        assert.equal(
            exitCode(report(change("r.io/hook:v20260819-7593870dc", "r.io/hook:v20201020-a5b49bc903"))),
            2,
        );
    });

    it("today's Prow under the runbook's release: every Prow binary named as an older release, in the report", async function () {
        this.timeout(120_000);
        const committed = inNamespaces(await systemObjects("prod", "prow"), [PROW_TODAY.namespace]);
        const r = await liveReport("ibmcloud-prow", PROW_TODAY, committed, {});
        const older = imageChanges(r.findings).filter((c) => c.older);
        assert.ok(
            older.some(
                (c) =>
                    c.id === "apps/v1/Deployment/kubevirt-prow/horologium" &&
                    c.live.endsWith(":v20260819-7593870dc") &&
                    c.program.endsWith(":v20201020-a5b49bc903"),
            ),
        );
        assert.match(
            renderReport(r),
            new RegExp(
                `the first up runs other software than today in \\d+ container\\(s\\), ${older.length} of an older release`,
            ),
        );
    });
});
