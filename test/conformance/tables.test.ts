import { strict as assert } from "assert";
import { existsSync, readFileSync } from "fs";
import * as path from "path";
import { conformanceProblems } from "../../tools/conformance/check";
import { TABLES } from "../../tools/conformance/tables";
import { repoRoot } from "../../tools/root";
import { stackPlan } from "../fixtures/plans";

const ROOT = repoRoot();

function readRepoFile(relative: string): string | undefined {
    const file = path.join(ROOT, relative);
    return existsSync(file) ? readFileSync(file, "utf8") : undefined;
}

describe("conformance: every runbook line is a step the plans prove, or context", () => {
    for (const table of TABLES) {
        it(`${table.runbook} (${table.system})`, async () => {
            const plans = {
                stage: (await stackPlan("stage")).resources,
                prod: (await stackPlan("prod")).resources,
            };
            const runbookText = readFileSync(
                path.join(ROOT, "tools/conformance/runbooks", table.runbook),
                "utf8",
            );
            assert.deepEqual(conformanceProblems(table, { runbookText, plans, readFile: readRepoFile }), []);
        });
    }
});
