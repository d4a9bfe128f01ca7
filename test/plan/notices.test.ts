import * as assert from "node:assert/strict";
import fc from "fast-check";
import { NOTICE_LINE_WIDTH, noticeKind, renderNotices, renderSummary } from "../../tools/plan/render";
import type { Plan } from "../../tools/plan/render";
import { stackPlan } from "../fixtures/plans";

const PLAN: Plan = { resources: [], kubernetes: {} };

/** The summary's lines about notices: the head and one line per kind. */
function noticeLines(summary: string): { head: string; kinds: string[] } {
    const lines = summary.split("\n");
    const at = lines.findIndex((l) => l.startsWith("Read before"));
    assert.ok(at !== -1, summary);
    const kinds: string[] = [];
    for (const line of lines.slice(at + 1)) {
        if (!line.startsWith("  ")) break;
        kinds.push(line);
    }
    return { head: lines[at], kinds };
}

/** The count a kind's line opens with. */
const countOf = (line: string): number => Number(/^ +(\d+) {2}/.exec(line)?.[1]);

describe("plan notices: what an operator must read before pulumi up", () => {
    it("counts each kind of notice in one line of the summary and keeps every notice in full in notices.txt", () => {
        const migration = "dials: this up migrates the production schema from a to b";
        const plan = { ...PLAN, notices: [migration] };
        const summary = renderSummary("prod", plan, "out/plan/prod");
        assert.match(
            summary,
            /Read before `pulumi up --stack prod`: 1 notice, in full in out\/plan\/prod\/notices.txt/,
        );
        assert.deepEqual(noticeLines(summary).kinds, [`  1  ${migration}`]);
        assert.match(
            renderNotices("prod", plan),
            /^dials: this up migrates the production schema from a to b$/m,
        );
    });

    it("says there is nothing to read when no system has a notice", () => {
        assert.doesNotMatch(renderSummary("stage", PLAN), /Read before/);
        assert.equal(renderNotices("stage", PLAN), "# nothing to read before `pulumi up --stack stage`\n");
    });

    it("generated: one line per kind, no wider than a terminal, the counts adding up to every notice; the file holds each in full", () => {
        const tag = fc.constantFrom("UNCONFIRMED IMAGE", "DATABASE TAKEOVER", "HELD ROUTE", "CERTIFICATE");
        const system = fc.constantFrom("thoth", "packit", "stream", "prow", "dials", "callysto", "clusters");
        const text = fc.string({ minLength: 1, maxLength: 700 }).map((t) => t.replace(/\n/g, " "));
        const notice = fc.oneof(
            fc.tuple(system, tag, text).map(([s, t, rest]) => `${s}: ${t} runbooks:${s}.image = x: ${rest}`),
            fc.tuple(system, text).map(([s, rest]) => `${s}: the ${rest}`),
        );
        fc.assert(
            fc.property(fc.array(notice, { minLength: 1, maxLength: 60 }), (notices) => {
                const plan = { ...PLAN, notices };
                const { head, kinds } = noticeLines(renderSummary("stage", plan));
                assert.match(head, new RegExp(`: ${notices.length} notices?, in full in notices.txt`));
                const expected = new Set(notices.map((n) => noticeKind(n).kind));
                assert.equal(kinds.length, expected.size, "one line per kind");
                assert.equal(
                    kinds.reduce((sum, l) => sum + countOf(l), 0),
                    notices.length,
                    "the counts add up to every notice",
                );
                for (const line of kinds) assert.ok(line.length <= NOTICE_LINE_WIDTH, line);
                const file = renderNotices("stage", plan).split("\n");
                for (const n of notices)
                    assert.ok(file.includes(n), `notices.txt holds ${n.slice(0, 40)}… in full`);
            }),
        );
    });

    it("stage's plan fits a screen with one line per kind of notice, and its notices.txt holds every notice in full", async () => {
        const plan = await stackPlan("stage");
        const full = plan.files["notices.txt"].split("\n").filter((l) => l !== "" && !l.startsWith("#"));
        const unconfirmed = full.filter((n) => noticeKind(n).kind === "UNCONFIRMED IMAGE");
        assert.ok(unconfirmed.length > 10, `${unconfirmed.length} unconfirmed images`);
        const { head, kinds } = noticeLines(plan.summary);
        assert.match(head, new RegExp(`: ${full.length} notices, in full in .*notices\\.txt`));
        assert.equal(kinds.length, new Set(full.map((n) => noticeKind(n).kind)).size);
        assert.ok(
            kinds.some((l) => countOf(l) === unconfirmed.length && l.includes("UNCONFIRMED IMAGE (")),
            kinds.join("\n"),
        );
        for (const n of unconfirmed)
            assert.ok(!plan.summary.includes(n), "a notice's full text is in the file only");
        // A fresh clone's first command: its whole output fits a screen (50 rows of 100 columns, wrapped lines counted).
        const rows = plan.summary
            .trimEnd()
            .split("\n")
            .reduce((sum, line) => sum + Math.max(1, Math.ceil(line.length / NOTICE_LINE_WIDTH)), 0);
        assert.ok(rows <= 50, `${rows} rows:\n${plan.summary}`);
    });
});
