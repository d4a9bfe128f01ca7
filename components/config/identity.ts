import { existsSync, readFileSync } from "fs";
import * as path from "path";
import { ConfigProblem, fullKey, setCommand } from "./problems";
import type { StackTier } from "./system";

// Which stacks are production is decided by the stack's NAME, in this one committed list, not by a value in the
// stack's own file: a one-line edit of `runbooks:tier` in Pulumi.prod.yaml must not be able to switch off the
// protection of production data (and the policy pack's idea of production with it). A new production stack is
// added here, in review, next to `prod`.

/** The stacks that are production. */
export const PRODUCTION_STACKS: readonly string[] = ["prod"];

/**
 * The stacks whose files take part in the ownership model (components/config/stacks.ts): each one's grants are
 * what it owns on its clusters, and every other stack is checked against them. Only these files count, whatever else
 * lies beside them: a backup copy (`Pulumi.prod-backup.yaml`) or a scratch copy of stage neither blocks a stack nor
 * grants anything. The list is the committed stack files (a test holds it equal to `git ls-files 'Pulumi.*.yaml'`), so
 * a new stack is added here in the same review that commits its file.
 */
export const COMMITTED_STACKS: readonly string[] = ["prod", "stage", "local", "local-callysto"];

/** Whether a stack is production: by its name, never by its configuration. */
export function isProductionStack(stack: string | undefined): boolean {
    return stack !== undefined && PRODUCTION_STACKS.includes(stack);
}

/**
 * Where a top-level key is written in a stack file, as `Pulumi.<stack>.yaml:<line>` (the file alone when the key or
 * the file cannot be found), so an operator reviewing the problem goes straight to the line.
 */
export function stackFileLocation(stack: string, key: string, root = process.cwd()): string {
    const name = `Pulumi.${stack}.yaml`;
    const file = path.join(root, name);
    if (!existsSync(file)) return name;
    const pattern = new RegExp(`^\\s*${key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\s*:`);
    const lines = readFileSync(file, "utf8").split("\n");
    const at = lines.findIndex((line) => pattern.test(line));
    return at < 0 ? name : `${name}:${at + 1}`;
}

/**
 * A production stack whose file names another tier: refused, never followed. The only fix restores `production`:
 * nothing in a stack file lowers the protection of a production stack.
 */
export function tierProblems(
    stack: string | undefined,
    tier: StackTier | undefined,
    root?: string,
): ConfigProblem[] {
    if (stack === undefined || !isProductionStack(stack) || tier === undefined || tier === "production")
        return [];
    return [
        {
            key: fullKey("tier"),
            message: `says "${tier}" (${stackFileLocation(stack, fullKey("tier"), root)}), but stack "${stack}" is production by its name (components/config/identity.ts, PRODUCTION_STACKS): a production stack keeps every stateful object protected whatever its file says`,
            fix: setCommand("tier", "production"),
        },
    ];
}
