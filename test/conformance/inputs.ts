import { readFileSync, readdirSync } from "fs";
import * as path from "path";
import { RunbookTable, Stack } from "../../tools/conformance/schema";
import { repoFileReader } from "../../tools/docs/cli";
import { ConformanceInputs, StackPlanView } from "./check";
import { ReadKeys, committedReadKeys, unreadKeyReason } from "./configKeys";

/** Where the vendored runbooks are, from the repository root: only the checker reads their text. */
export const RUNBOOKS_DIR = "test/conformance/runbooks";

/** The runbook files every table is checked against. */
export function runbookFiles(root: string): string[] {
    return readdirSync(path.join(root, RUNBOOKS_DIR)).sort();
}

/** What the checker reads for `table` in the checkout at `root`, given the committed stacks' plans. */
export function conformanceInputs(
    root: string,
    table: RunbookTable,
    plans: Record<Stack, StackPlanView>,
    read: ReadKeys = committedReadKeys(root),
): ConformanceInputs {
    return {
        runbookText: readFileSync(path.join(root, RUNBOOKS_DIR, table.runbook), "utf8"),
        plans,
        readFile: repoFileReader(root),
        unreadKeyReason: (key) => unreadKeyReason(key, read),
    };
}
