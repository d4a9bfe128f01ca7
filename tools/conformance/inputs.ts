import { existsSync, readFileSync, readdirSync } from "fs";
import * as path from "path";
import { ConformanceInputs, StackPlanView } from "./check";
import { ReadKeys, committedReadKeys, unreadKeyReason } from "./configKeys";
import { RunbookTable, Stack } from "./step";

/** Where the vendored runbooks are, from the repository root. */
export const RUNBOOKS_DIR = "tools/conformance/runbooks";

/** The runbook files every table is checked against. */
export function runbookFiles(root: string): string[] {
    return readdirSync(path.join(root, RUNBOOKS_DIR)).sort();
}

/** A repository file's text, or undefined when there is none. */
export function repoFileReader(root: string): (relative: string) => string | undefined {
    return (relative) => {
        const file = path.join(root, relative);
        return existsSync(file) ? readFileSync(file, "utf8") : undefined;
    };
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
