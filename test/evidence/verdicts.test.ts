import { strict as assert } from "assert";
import type { EvidenceSource, ImageEvidence } from "../../components/shared/evidence/schema";
import { evidenceVerdicts } from "../../components/config/evidenceVerdicts";
import { PACKIT_EVIDENCE } from "../../components/packit/evidence";
import { PROW_EVIDENCE } from "../../components/prow/evidence";

/** An entry whose source was not read: known to the table, nothing checked. */
function unreadImage(image: string, version: string, source: EvidenceSource, why: string): ImageEvidence {
    return { image, version, source, facts: { state: "unread", why } };
}

// Bad input: a stack file that sets an image version the evidence has no entry for (issue 51).
describe("an image version without evidence, on each tier", () => {
    const use = { key: "prow.release", image: "gcr.io/k8s-prow/crier:v20210101-deadbeef" };

    it("production: one placeholder problem at the full key, saying how to add the evidence or go back", () => {
        const { problems, notices } = evidenceVerdicts([use], PROW_EVIDENCE, "production");
        assert.equal(notices.length, 0);
        assert.equal(problems.length, 1);
        const [p] = problems;
        assert.equal(p.key, "runbooks:prow.release");
        assert.equal(p.placeholder, true);
        assert.match(
            p.message,
            /components\/prow\/evidence\.ts has no evidence for gcr\.io\/k8s-prow\/crier:v20210101-deadbeef/,
        );
        assert.match(p.fix!, /add its entry to facts\/evidence\/prow\//);
        assert.match(p.fix!, /owner\/repo@commit:path:line/);
        assert.match(p.fix!, /a version it has \(v20201020-a5b49bc903\)/);
    });

    it("stage: a notice and no problem; a local cluster: nothing", () => {
        const stage = evidenceVerdicts([use], PROW_EVIDENCE, "staging");
        assert.deepEqual(stage.problems, []);
        assert.equal(stage.notices.length, 1);
        assert.equal(stage.notices[0].kind, "NO EVIDENCE");
        assert.match(
            stage.notices[0].text,
            /^NO EVIDENCE runbooks:prow\.release = gcr\.io\/k8s-prow\/crier:v20210101-deadbeef: .*a production stack refuses it/,
        );
        assert.deepEqual(evidenceVerdicts([use], PROW_EVIDENCE, "local"), { problems: [], notices: [] });
    });

    it("the pinned release has evidence: no problem, no notice", () => {
        const pinned = { key: "prow.release", image: "gcr.io/k8s-prow/crier:v20201020-a5b49bc903" };
        assert.deepEqual(evidenceVerdicts([pinned], PROW_EVIDENCE, "production"), {
            problems: [],
            notices: [],
        });
    });

    it("an unread source and a moving tag are noticed on both tiers, never a problem", () => {
        const moving = { key: "packit.images.pins.tokman", image: "quay.io/packit/tokman:prod" };
        // Every moving tag of packit's table is read now: the table with tokman's :prod entry as it was before.
        const unread = unreadImage(
            "quay.io/packit/tokman",
            "prod",
            {
                repo: "packit/tokman",
                commit: "1a0d933f557909ce949017000cc3a6ecebda15f5",
                moving: { branch: "stable", resolved: "2026-11-25" },
            },
            "not read",
        );
        const table = {
            ...PACKIT_EVIDENCE,
            images: PACKIT_EVIDENCE.images.map((e) =>
                e.image === unread.image && e.version === unread.version ? unread : e,
            ),
        };
        for (const tier of ["production", "staging"] as const) {
            const { problems, notices } = evidenceVerdicts([moving], table, tier);
            assert.deepEqual(problems, []);
            assert.ok(
                notices.some(
                    (n) =>
                        n.kind === "UNREAD IMAGE" &&
                        n.text.startsWith("UNREAD IMAGE runbooks:packit.images.pins.tokman"),
                ),
            );
            assert.ok(
                notices.some(
                    (n) =>
                        n.kind === "MOVING TAG" &&
                        /^MOVING TAG .* the head of stable on \d{4}-\d{2}-\d{2}/.test(n.text),
                ),
            );
        }
    });

    it("a digest pin of a repository the evidence has passes (a digest names no version); of another repository, refused", () => {
        const digest = `sha256:${"a".repeat(64)}`;
        const pinned = { key: "prow.images.gcsweb", image: `k8s.gcr.io/gcsweb@${digest}` };
        const known = evidenceVerdicts([pinned], PROW_EVIDENCE, "production");
        assert.deepEqual(known, { problems: [], notices: [] });
        const other = { key: "prow.images.gcsweb", image: `example.org/other@${digest}` };
        assert.equal(evidenceVerdicts([other], PROW_EVIDENCE, "production").problems.length, 1);
    });
});
