import { strict as assert } from "assert";
import { readFileSync, readdirSync } from "fs";
import * as path from "path";
import { FACTS_DIR, FactsError, parseRunbookFacts, runbookTables } from "../../tools/conformance/load";
import { repoRoot } from "../../tools/root";
import { runbookFiles } from "./inputs";

const ROOT = repoRoot();
const FILE = "facts/runbooks/999-demo.yaml";

/** A facts file with one step per kind of replacement, which the schema accepts. */
const GOOD = `system: demo
steps:
  - lines: "5"
    says: oc new-project
    step: create the namespace
    by: objects
    objects:
      - kind: Namespace
        name: { stage: demo-stg, prod: demo-prod }
    config: [demo.namespace]
    tests:
      - file: test/demo.test.ts
        title: deploys the demo
  - lines: "8-9"
    says: gopass show
    step: read the token
    stacks: [prod]
    by: dropped
    reason: the token is a stack secret
  - lines: "10"
    says: Restore the backup
    step: restore the backup
    by: manual
    reason: a restore needs the operator's backup
    procedure: { notice: RESTORE demo }
context:
  heading: ["1", "3-4"]
`;

/** The messages a facts text is refused with, or [] when it is accepted. */
function refusals(text: string): string[] {
    try {
        parseRunbookFacts(text, FILE);
        return [];
    } catch (err) {
        assert.ok(err instanceof FactsError, String(err));
        return err.problems;
    }
}

describe("conformance facts: every runbook's rows are data one schema accepts", () => {
    it("parses each file of facts/runbooks/ against the schema, one per vendored runbook", () => {
        const files = readdirSync(path.join(ROOT, FACTS_DIR)).sort();
        assert.deepEqual(
            files,
            runbookFiles(ROOT).map((r) => r.replace(/\.txt$/, ".yaml")),
        );
        for (const f of files) {
            const table = parseRunbookFacts(readFileSync(path.join(ROOT, FACTS_DIR, f), "utf8"), f);
            assert.ok(table.steps.length > 0, `${f} has steps`);
            assert.ok(table.context.length > 0, `${f} has context`);
        }
        assert.deepEqual(
            runbookTables().map((t) => t.runbook),
            runbookFiles(ROOT),
        );
    });

    it("reads a row into its step and its replacement, and the context by reason into runbook order", () => {
        const table = parseRunbookFacts(GOOD, FILE);
        assert.equal(table.runbook, "999-demo.txt");
        assert.deepEqual(table.steps[1], {
            lines: "8-9",
            says: "gopass show",
            step: "read the token",
            stacks: ["prod"],
            replaced: { by: "dropped", reason: "the token is a stack secret" },
        });
        assert.deepEqual(table.steps[2].replaced, {
            by: "manual",
            reason: "a restore needs the operator's backup",
            procedure: { notice: "RESTORE demo" },
        });
        assert.deepEqual(table.context, [
            { lines: "1", why: "heading" },
            { lines: "3-4", why: "heading" },
        ]);
    });

    it("refuses a malformed row, naming the file, the line and the key", () => {
        const cases: [string, string, string][] = [
            ["a bare number of lines", 'lines: "5"', "lines: 5"],
            ["a replacement of no kind", "by: dropped", "by: skipped"],
            ["a misspelt key", "    tests:\n", "    test:\n"],
            [
                "an object with a name that is not text",
                "name: { stage: demo-stg, prod: demo-prod }",
                "name: 7",
            ],
            ["a step without its quote", "    says: Restore the backup\n", ""],
            ["a stack that is not committed", "stacks: [prod]", "stacks: [dev]"],
            ["a procedure of no kind", "procedure: { notice: RESTORE demo }", "procedure: { page: x }"],
        ];
        const expected = [
            `${FILE}:3: steps[0].lines (the step at runbook line 5): Invalid input: expected string, received number`,
            `${FILE}:18: steps[1].by (the step at runbook line 8-9): Invalid discriminator value. Expected 'objects' | 'manual' | 'dropped'`,
            `${FILE}:11: steps[0].test (the step at runbook line 5): Unrecognized key: "test"`,
            `${FILE}:9: steps[0].objects[0].name (the step at runbook line 5): Invalid input: expected string, received number`,
            `${FILE}:20: steps[2].says (the step at runbook line 10): Invalid input: expected string, received undefined`,
            `${FILE}:17: steps[1].stacks[0] (the step at runbook line 8-9): Invalid option: expected one of "stage"|"prod"`,
            `${FILE}:25: steps[2].procedure.page (the step at runbook line 10): Unrecognized key: "page"`,
        ];
        assert.deepEqual(refusals(GOOD), []);
        cases.forEach(([what, from, to], i) => {
            const text = GOOD.replace(from, to);
            assert.notEqual(text, GOOD, what);
            const found = refusals(text);
            assert.ok(found.length > 0, `${what} is refused`);
            assert.ok(found.includes(expected[i]), `${what}:\n${found.join("\n")}`);
        });
    });

    it("refuses text that is not YAML, and a file that is not a table, by file and line", () => {
        const broken = refusals(
            GOOD.replace("    says: gopass show", "    says: gopass show\n  says: twice"),
        );
        assert.equal(broken.length > 0, true);
        assert.ok(
            broken.every((p) => p.startsWith(`${FILE}:`)),
            broken.join("\n"),
        );
        assert.deepEqual(refusals("- one\n- two\n"), [
            `${FILE}:1: (the file): Invalid input: expected object, received array`,
        ]);
        assert.deepEqual(refusals(GOOD.replace("system: demo\n", "")), [
            `${FILE}:1: system: Invalid input: expected string, received undefined`,
        ]);
    });
});
