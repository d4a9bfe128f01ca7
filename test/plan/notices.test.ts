import * as assert from "node:assert/strict";
import fc from "fast-check";
import { loadProgramConfig } from "../../components/config/load";
import { NOTICE_KINDS, isNoticeKind, noticeLine } from "../../components/config/notices";
import { memoryConfigSource } from "../../components/config/source";
import { SYSTEMS } from "../../components/systems";
import { SUMMARY_WIDTH, renderSummary } from "../../tools/plan/render";
import type { Plan } from "../../tools/plan/render";
import { PlanNotice, UNKNOWN_KIND, noticesOfPlanFile, renderNotices } from "../../tools/plan/notices";
import { readStackFile } from "../../tools/plan/stackfile";
import { stackSecrets } from "../harness";
import { stackPlan } from "../fixtures/plans";

const PLAN: Plan = { resources: [], kubernetes: {} };

/** The summary's lines about notices: the head (which may wrap) and what follows it, indented. */
function noticeLines(summary: string): { head: string; kinds: string[] } {
    const lines = summary.split("\n");
    const at = lines.findIndex((l) => l.startsWith("Read before"));
    assert.ok(at !== -1, summary);
    let end = at + 1;
    while (end < lines.length && lines[end] !== "" && !lines[end].startsWith("  ")) end++;
    const kinds: string[] = [];
    for (const line of lines.slice(end)) {
        if (!line.startsWith("  ")) break;
        kinds.push(line);
    }
    return { head: lines.slice(at, end).join(" "), kinds };
}

/** The count a kind's line opens with, and the kind it names (`  36  UNCONFIRMED IMAGE (thoth 14, …)`). */
function kindLine(line: string): { count: number; kind: string } | undefined {
    const m = /^ +(\d+) {2}([A-Z][A-Z -]*?) \(/.exec(line);
    return m ? { count: Number(m[1]), kind: m[2] } : undefined;
}

/** How many lines `npm run plan` prints before the plan's own output: a blank line, its two `>` lines, a blank line. */
const NPM_HEADER_LINES = 4;

/** What a terminal must hold of each committed stack's `npm run plan` (prod lists dozens of operator values). */
const SCREEN_LINES = { stage: 40, prod: 50 } as const;

const migration: PlanNotice = {
    system: "dials",
    kind: "SCHEMA MIGRATION",
    text: "this up migrates the production schema from a to b",
};

describe("plan notices: what an operator must read before pulumi up", () => {
    it("counts each kind of notice in one line of the summary and keeps every notice in full in notices.txt", () => {
        const plan = { ...PLAN, notices: [migration] };
        const summary = renderSummary("prod", plan, "out/plan/prod");
        assert.match(
            summary,
            /Read before `pulumi up --stack prod`: 1 notice, in full by kind in out\/plan\/prod\/notices.txt/,
        );
        assert.deepEqual(noticeLines(summary).kinds, ["  1  SCHEMA MIGRATION (dials 1)"]);
        assert.doesNotMatch(summary, /migrates/, "a notice of a known kind is in the file only");
        assert.deepEqual(noticesOfPlanFile(renderNotices("prod", plan.notices)), [
            { kind: "SCHEMA MIGRATION", line: "dials: this up migrates the production schema from a to b" },
        ]);
    });

    it("prints a notice of no known kind whole in the summary (and the file), never only counted", () => {
        const odd: PlanNotice = {
            system: "dials",
            kind: "SOMETHING NEW",
            text: `${"x".repeat(300)} the end`,
        };
        const plan = { ...PLAN, notices: [migration, odd] };
        const summary = renderSummary("stage", plan);
        // Control: the same notice with a known kind is only counted.
        assert.ok(summary.includes(`dials: ${odd.text}`), summary);
        assert.ok(
            !renderSummary("stage", { ...PLAN, notices: [{ ...odd, kind: "CERTIFICATE" }] }).includes(
                odd.text,
            ),
        );
        assert.deepEqual(noticeLines(summary).kinds, [
            "  1  SCHEMA MIGRATION (dials 1)",
            `  1  of ${UNKNOWN_KIND}, each in full:`,
            `    dials: ${odd.text}`,
        ]);
        assert.deepEqual(
            noticesOfPlanFile(renderNotices("stage", plan.notices)).map((n) => n.kind),
            ["SCHEMA MIGRATION", UNKNOWN_KIND],
        );
    });

    it("says there is nothing to read when no system has a notice", () => {
        assert.doesNotMatch(renderSummary("stage", PLAN), /Read before/);
        assert.equal(renderNotices("stage", []), "# nothing to read before `pulumi up --stack stage`\n");
    });

    it("generated: one line per known kind with its count, no wider than the summary; unknown kinds whole; the file holds each under its kind", () => {
        const system = fc.constantFrom("thoth", "packit", "stream", "prow", "dials", "callysto", "clusters");
        const kind = fc.oneof(
            { weight: 4, arbitrary: fc.constantFrom(...NOTICE_KINDS) },
            { weight: 1, arbitrary: fc.string({ maxLength: 20 }).filter((k) => !isNoticeKind(k)) },
        );
        // Up to ~1,000 characters, as long as the longest notices the program makes (a cut one must fail).
        const text = fc
            .tuple(fc.string({ minLength: 1, maxLength: 100 }), fc.nat(900))
            .map(([t, n]) => `${t.replace(/\n/g, " ")}${"y".repeat(n)}.`);
        const notice = fc.record({ system, kind, text });
        fc.assert(
            fc.property(fc.array(notice, { minLength: 1, maxLength: 60 }), (notices) => {
                const plan = { ...PLAN, notices };
                const { head, kinds } = noticeLines(renderSummary("stage", plan));
                assert.match(
                    head,
                    new RegExp(`: ${notices.length} notices?, in full by kind in notices.txt`),
                );
                const known = notices.filter((n) => isNoticeKind(n.kind));
                const counted = kinds.flatMap((l) => kindLine(l) ?? []);
                assert.deepEqual(
                    new Map(counted.map((c) => [c.kind, c.count])),
                    new Map(
                        [...new Set(known.map((n) => n.kind))].map((k) => [
                            k,
                            known.filter((n) => n.kind === k).length,
                        ]),
                    ),
                    "one line per known kind, with its count",
                );
                for (const line of kinds.slice(0, counted.length))
                    assert.ok(line.length <= SUMMARY_WIDTH, line);
                for (const n of notices.filter((n) => !isNoticeKind(n.kind)))
                    assert.ok(
                        kinds.includes(`    ${noticeLine(n)}`),
                        `printed whole: ${noticeLine(n).slice(0, 40)}`,
                    );
                const file = noticesOfPlanFile(renderNotices("stage", notices));
                assert.equal(file.length, notices.length);
                for (const n of notices)
                    assert.ok(
                        file.some(
                            (f) =>
                                f.line === noticeLine(n) &&
                                f.kind === (isNoticeKind(n.kind) ? n.kind : UNKNOWN_KIND),
                        ),
                        `notices.txt holds ${noticeLine(n).slice(0, 40)}… in full under its kind`,
                    );
            }),
        );
    });

    for (const stack of ["stage", "prod"] as const) {
        it(`${stack}: npm run plan fits a screen, counts every kind of notices.txt, which holds every notice the program logs in full`, async () => {
            const plan = await stackPlan(stack);
            const printed = plan.summary.trimEnd().split("\n");
            assert.ok(
                printed.length + NPM_HEADER_LINES <= SCREEN_LINES[stack],
                `${printed.length} lines:\n${plan.summary}`,
            );
            for (const line of printed) assert.ok(line.length <= SUMMARY_WIDTH, line);
            const file = noticesOfPlanFile(plan.files["notices.txt"]);
            const { head, kinds } = noticeLines(plan.summary);
            assert.match(head, new RegExp(`: ${file.length} notices, in full by kind in .*notices\\.txt`));
            const counted = new Map(kinds.map((l) => kindLine(l)!).map((c) => [c.kind, c.count]));
            const inFile = new Map<string, number>();
            for (const n of file) inFile.set(n.kind, (inFile.get(n.kind) ?? 0) + 1);
            assert.deepEqual(
                counted,
                inFile,
                "every kind of notices.txt, counted as often as the file holds it",
            );
            assert.ok(
                file.every((n) => isNoticeKind(n.kind)),
                "every notice the program makes has a kind",
            );
            // What every preview logs (program.ts): each in the file whole, and none of them in the summary.
            const values = readStackFile(stack).values;
            const config = loadProgramConfig(
                memoryConfigSource(values, stackSecrets(stack, values), { stack }),
                SYSTEMS,
                {
                    placeholderSecret: () => "x",
                },
            );
            assert.deepEqual(
                file.map((n) => `${n.kind}\t${n.line}`).sort(),
                config.notices.map((n) => `${n.kind}\t${noticeLine(n)}`).sort(),
            );
            for (const n of config.notices) assert.ok(!plan.summary.includes(n.text), n.text.slice(0, 60));
        });
    }
});
