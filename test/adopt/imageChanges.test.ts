import * as assert from "node:assert/strict";
import fc from "fast-check";
import { imageChangeLines, imageChanges } from "../../tools/adopt/imageChanges";
import { Finding } from "../../tools/adopt/model";
import { renderReport } from "../../tools/adopt/report";
import { liveReport } from "./fixtures";
import { PROW_TODAY } from "../fixtures/live/prowToday";
import { inNamespaces, systemObjects } from "../fixtures/live/program";

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
    it("generated: an older release exactly when both tags carry a date and the program's is earlier; other fields and undated tags never", () => {
        const cases = fc.record({
            live: day,
            program: day,
            dated: fc.boolean(),
            list: fc.constantFrom("containers", "initContainers"),
        });
        fc.assert(
            fc.property(cases, ({ live, program, dated, list }) => {
                const tag = (d: string) => (dated ? `v${d}-abc1234` : `sha-${d}`);
                const [change] = imageChanges([
                    finding([
                        {
                            path: `spec.template.spec.${list}[web].image`,
                            old: `r.io/web:${tag(live)}`,
                            new: `r.io/web:${tag(program)}`,
                        },
                        { path: "spec.template.spec.containers[web].args", old: "a", new: "b" },
                    ]),
                ]);
                assert.equal(change.container, "web");
                assert.equal(change.older, dated && program < live);
            }),
            { seed: 6802, numRuns: 200 },
        );
        assert.deepEqual(imageChangeLines([finding([])]), []);
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
