import { strict as assert } from "assert";
import { mkdirSync, readFileSync, writeFileSync } from "fs";
import * as path from "path";
import { Document, parseDocument } from "yaml";
import {
    StackPlanView,
    conformanceProblems,
    describeRef,
    noticesOfFile,
    tableCoverageProblems,
} from "./check";
import { committedReadKeys } from "./configKeys";
import { conformanceInputs, runbookFiles } from "./inputs";
import { parseRange, refMatches, stepLocation, stepStacks } from "../../tools/conformance/match";
import { ReplacedByObjects, RunbookTable, Stack, Step } from "../../tools/conformance/schema";
import { FACTS_DIR, factsFile, runbookTables } from "../../tools/conformance/load";
import { repoRoot } from "../../tools/root";
import { stackPlan } from "../fixtures/plans";
import { scratchDir } from "../fixtures/scratch";

const ROOT = repoRoot();

/** Both committed stacks' plans as the checker sees them: resources and printed notices. */
async function committedPlans(): Promise<Record<Stack, StackPlanView>> {
    const view = async (stack: Stack): Promise<StackPlanView> => {
        const plan = await stackPlan(stack);
        return { resources: plan.resources, notices: noticesOfFile(plan.files["notices.txt"]) };
    };
    return { stage: await view("stage"), prod: await view("prod") };
}

/** The control's step of a table: its first step replaced by objects. */
function controlStep(table: RunbookTable): (Step & { replaced: ReplacedByObjects }) | undefined {
    return table.steps.find((s): s is Step & { replaced: ReplacedByObjects } => s.replaced.by === "objects");
}

describe("conformance: every runbook line is a step the plans prove, or context", function () {
    // Run alone (`npx mocha <this file>`), the first case plans both stacks in this process.
    this.timeout(120_000);
    const read = committedReadKeys(ROOT);

    it("has exactly one table per runbook under test/conformance/runbooks/", () => {
        assert.deepEqual(tableCoverageProblems(runbookFiles(ROOT), runbookTables()), []);
    });

    for (const table of runbookTables()) {
        it(`${table.runbook} (${table.system})`, async () => {
            const inputs = conformanceInputs(ROOT, table, await committedPlans(), read);
            assert.deepEqual(conformanceProblems(table, inputs), []);
        });

        // The control: the test above can fail. One object a step needs, taken out of each plan the step applies
        // to (in memory), fails the check with that step's runbook line.
        const step = controlStep(table);
        if (step)
            it(`${table.runbook}: fails, naming ${stepLocation(table, step)}, when a plan loses the step's object`, async () => {
                const plans = await committedPlans();
                const ref = step.replaced.objects[0];
                for (const stack of stepStacks(step)) {
                    const without = {
                        ...plans,
                        [stack]: {
                            ...plans[stack],
                            resources: plans[stack].resources.filter((r) => !refMatches(r, ref, stack)),
                        },
                    };
                    const problems = conformanceProblems(
                        table,
                        conformanceInputs(ROOT, table, without, read),
                    );
                    assert.ok(
                        problems.includes(
                            `${stepLocation(table, step)}: the ${stack} plan has no ${describeRef(ref, stack)}`,
                        ),
                        problems.join("\n"),
                    );
                }
            });
    }

    // The control of the data: each committed facts file passes above, so a copy of it with one row deleted, or with
    // that row's objects emptied, must fail the check at the row's runbook line.
    for (const table of runbookTables()) {
        const i = table.steps.findIndex((s) => s.replaced.by === "objects");
        const step = table.steps[i];
        const from = parseRange(step.lines).from;
        const edits: [string, (doc: Document) => void, (problem: string) => boolean][] = [
            [
                "without the row",
                (doc) => doc.deleteIn(["steps", i]),
                (p) =>
                    p.startsWith(`${table.runbook}:${from} `) &&
                    p.includes(": is neither a step nor context"),
            ],
            [
                "with the row's objects emptied",
                (doc) => doc.setIn(["steps", i, "objects"], doc.createNode([])),
                (p) => p === `${stepLocation(table, step)}: replaced by objects, but names none`,
            ],
        ];
        for (const [what, edit, expected] of edits)
            it(`${factsFile(table.runbook)} ${what} (lines ${step.lines}) fails the check`, async () => {
                const file = factsFile(table.runbook);
                const doc = parseDocument(readFileSync(path.join(ROOT, file), "utf8"));
                edit(doc);
                const copy = scratchDir("facts-control-");
                mkdirSync(path.join(copy, FACTS_DIR), { recursive: true });
                writeFileSync(path.join(copy, file), doc.toString());
                const [changed] = runbookTables(copy);
                assert.equal(changed.steps.length, table.steps.length - (what === "without the row" ? 1 : 0));
                const problems = conformanceProblems(
                    changed,
                    conformanceInputs(ROOT, changed, await committedPlans(), read),
                );
                assert.ok(problems.some(expected), problems.join("\n"));
            });
    }

    it("the control on the committed plans: DIALS' etl ImageStream gone from prod fails its runbook step", async () => {
        // A one-step table of runbook 003, so the control holds on the real plans whatever facts/runbooks/ holds.
        const table: RunbookTable = {
            system: "dials",
            runbook: "003-cms-dials.txt",
            context: [],
            steps: [
                {
                    lines: "113",
                    says: "oc import-image etl",
                    step: "import the etl image",
                    replaced: {
                        by: "objects",
                        objects: [
                            {
                                kind: "ImageStream",
                                namespace: { stage: "cms-dials-stage", prod: "cms-dials-prod" },
                                name: "etl",
                            },
                        ],
                        config: ["dials.images"],
                        tests: [{ file: "test/dials/stack.test.ts", title: "imports the four images" }],
                    },
                },
            ],
        };
        const where = stepLocation(table, table.steps[0]);
        const ofStep = (problems: string[]): string[] => problems.filter((p) => p.startsWith(where));
        const plans = await committedPlans();
        assert.deepEqual(ofStep(conformanceProblems(table, conformanceInputs(ROOT, table, plans, read))), []);
        const ref = (table.steps[0].replaced as ReplacedByObjects).objects[0];
        const prod = plans.prod.resources.filter((r) => !refMatches(r, ref, "prod"));
        assert.equal(
            prod.length,
            plans.prod.resources.length - 1,
            "the prod plan had the etl ImageStream once",
        );
        const without = { ...plans, prod: { ...plans.prod, resources: prod } };
        assert.deepEqual(ofStep(conformanceProblems(table, conformanceInputs(ROOT, table, without, read))), [
            '003-cms-dials.txt:113 "oc import-image etl": the prod plan has no ImageStream cms-dials-prod/etl',
        ]);
    });
});
