import { strict as assert } from "assert";
import { conformanceProblems, tableCoverageProblems } from "./check";
import { ConformanceInputs } from "./check";
import { ManualStep, ReplacedByObjects, RunbookTable } from "../../tools/conformance/schema";
import { fixtureInputs, fixturePlan, fixtureTable } from "./fixture";

function problems(edit: (t: RunbookTable) => void, inputs: Partial<ConformanceInputs> = {}): string[] {
    const table = fixtureTable();
    edit(table);
    const found = conformanceProblems(table, fixtureInputs(inputs));
    // Every problem opens with the runbook line an operator looks up.
    for (const p of found) assert.match(p, /^999-demo\.txt:\d+ "[^"]*"/, p);
    return found;
}

const objects = (t: RunbookTable, i: number): ReplacedByObjects => t.steps[i].replaced as ReplacedByObjects;
const manual = (t: RunbookTable, i: number): ManualStep => t.steps[i].replaced as ManualStep;

describe("conformance checker, on a fixture table: one test per kind of problem", () => {
    it("passes the fixture table as it is", () => {
        assert.deepEqual(
            problems(() => {}),
            [],
        );
    });

    it("names a runbook line that is neither a step nor context", () => {
        assert.deepEqual(
            problems((t) => (t.context = t.context.filter((c) => c.lines !== "1"))),
            ['999-demo.txt:1 "# Deploying the demo": is neither a step nor context'],
        );
    });

    it("says an unclassified command line is a step", () => {
        assert.deepEqual(
            problems((t) => (t.steps = t.steps.filter((s) => s.lines !== "6"))),
            [
                '999-demo.txt:6 "oc apply -f app.yaml": is neither a step nor context (it is fenced code: a step)',
            ],
        );
    });

    it("refuses an operational line filed as context (fenced code, prompt, inline command)", () => {
        for (const [line, form] of [
            ["5", "fenced code"],
            ["8", "shell prompt"],
            ["10", "runs make"],
        ] as const) {
            const found = problems((t) => {
                t.steps = t.steps.filter((s) => s.lines !== line);
                t.context.push({ lines: line, why: "prose" });
            });
            assert.equal(found.length, 1, found.join("\n"));
            assert.match(
                found[0],
                new RegExp(
                    `^999-demo\\.txt:${line} ".*": is ${form}, so it is a step, not context ${line} \\(prose\\)$`,
                ),
            );
        }
    });

    it("names a line claimed twice and a range outside the runbook", () => {
        assert.deepEqual(
            problems((t) => t.context.push({ lines: "9", why: "prose" }, { lines: "10-12", why: "prose" })),
            [
                '999-demo.txt:9 "Restore the backup by hand.": is in both step 9 and context 9',
                '999-demo.txt:10 "Run `make clean` when you are done." (context 10-12, prose): lines 10-12 are not within 1-10',
            ],
        );
    });

    it("names a step whose first line no longer says what the table quotes", () => {
        assert.deepEqual(
            problems((t) => (t.steps[1].says = "kubectl apply")),
            ['999-demo.txt:6 "kubectl apply": line 6 does not say that (it says "oc apply -f app.yaml")'],
        );
    });

    it("names the step and the stack when a plan lacks one of its objects (the control, on the fixture)", () => {
        const prod = fixturePlan("prod").filter((r) => r.type !== "kubernetes:apps/v1:Deployment");
        const inputs = fixtureInputs();
        assert.deepEqual(
            problems(() => {}, {
                plans: { ...inputs.plans, prod: { ...inputs.plans.prod, resources: prod } },
            }),
            ['999-demo.txt:6 "oc apply": the prod plan has no Deployment demo-prod/app'],
        );
    });

    it("checks only the stacks a step applies to, and refuses an empty or unknown stack list", () => {
        const stageOnly = problems((t) => {
            t.steps[1].stacks = ["stage"];
            objects(t, 1).objects[0] = { kind: "Deployment", namespace: { stage: "demo-stg" }, name: "app" };
        });
        assert.deepEqual(stageOnly, []);
        assert.deepEqual(
            problems((t) => (t.steps[1].stacks = [])),
            ['999-demo.txt:6 "oc apply": stacks must be some of stage, prod (it is [])'],
        );
    });

    it("names a step replaced by no objects, or guarded by no test, a missing test file or title", () => {
        assert.deepEqual(
            problems((t) => {
                objects(t, 0).objects = [];
                objects(t, 1).tests = [];
            }),
            [
                '999-demo.txt:5 "oc new-project": replaced by objects, but names none',
                '999-demo.txt:6 "oc apply": no test guards it',
            ],
        );
        assert.deepEqual(
            problems((t) => {
                objects(t, 0).tests = [{ file: "test/gone.test.ts", title: "x" }];
                objects(t, 1).tests = [{ file: "test/demo.test.ts", title: "deletes the demo" }];
            }),
            [
                '999-demo.txt:5 "oc new-project": the test file test/gone.test.ts does not exist',
                '999-demo.txt:6 "oc apply": test/demo.test.ts has no test titled "deletes the demo"',
            ],
        );
    });

    it("names a configuration key the program does not read", () => {
        assert.deepEqual(
            problems((t) => (objects(t, 0).config = ["demo.namespce"])),
            [
                '999-demo.txt:5 "oc new-project": the program reads no configuration key demo.namespce (not a key of the demo)',
            ],
        );
    });

    it("names a manual procedure's missing page, heading, or a page outside docs/", () => {
        const doc = (d: string): string[] => problems((t) => (manual(t, 3).procedure = { doc: d }));
        assert.deepEqual(doc("docs/operate/gone.md#restore"), [
            '999-demo.txt:9 "Restore the backup": the procedure\'s page docs/operate/gone.md does not exist',
        ]);
        assert.deepEqual(doc("docs/operate/recovery.md#restore-a-backup"), [
            '999-demo.txt:9 "Restore the backup": docs/operate/recovery.md has no heading #restore-a-backup (it has: #recovery, #restore-a-pg_dump-backup)',
        ]);
        assert.deepEqual(doc("docs/operate/recovery.md"), [
            '999-demo.txt:9 "Restore the backup": the procedure docs/operate/recovery.md names no heading (docs/operate/recovery.md#<heading>)',
        ]);
        assert.deepEqual(doc("README.md#recovery"), [
            '999-demo.txt:9 "Restore the backup": the procedure README.md#recovery is not a page under docs/',
        ]);
    });

    it("names each stack whose plan prints no notice the procedure starts, with or without its system", () => {
        assert.deepEqual(
            problems((t) => (manual(t, 4).procedure = { notice: "demo: CLEAN UP demo-prod" })),
            [
                '999-demo.txt:10 "make clean": the stage plan prints no notice starting "demo: CLEAN UP demo-prod"',
            ],
        );
        assert.deepEqual(
            problems((t) => {
                manual(t, 4).procedure = { notice: "demo: CLEAN UP demo-prod" };
                t.steps[4].stacks = ["prod"];
            }),
            [],
        );
        assert.deepEqual(problems((t) => (manual(t, 4).procedure = { notice: " " })).length, 2);
    });

    it("names a manual or dropped step without a reason", () => {
        assert.deepEqual(
            problems((t) => {
                manual(t, 3).reason = " ";
                t.steps[2].replaced = { by: "dropped", reason: "" };
            }),
            [
                '999-demo.txt:8 "gopass show": dropped without a reason',
                '999-demo.txt:9 "Restore the backup": manual without a reason',
            ],
        );
    });

    it("names a runbook without exactly one table, and a table of no runbook", () => {
        const table = fixtureTable();
        assert.deepEqual(tableCoverageProblems(["999-demo.txt"], [table]), []);
        assert.deepEqual(tableCoverageProblems(["999-demo.txt", "998-other.txt"], [table, table]), [
            "999-demo.txt: has 2 tables in facts/runbooks/ (each runbook has exactly one)",
            "998-other.txt: has 0 tables in facts/runbooks/ (each runbook has exactly one)",
        ]);
        assert.deepEqual(tableCoverageProblems([], [table]), [
            "999-demo.txt: the demo table's runbook is not in test/conformance/runbooks/",
        ]);
    });
});
