import * as path from "path";
import { repoRoot } from "../components/shared/repoRoot";

// The checkout's root is found by the program's own finder: the program reads data of the checkout too, and its
// layer may not import the tools.
export { repoRoot };

/** Whether this code runs from the compiled output (`dist/`) rather than through ts-node. */
export function isCompiled(): boolean {
    return path.extname(__filename) === ".js";
}

/**
 * The node arguments that run a script of this checkout (`tools/plan/cli.ts`): its compiled copy when this code runs
 * compiled, so a spawned CLI is the same build as its caller; else the TypeScript through ts-node.
 */
export function scriptArgs(relativeTs: string): string[] {
    if (isCompiled()) return [path.join(repoRoot(), "dist", relativeTs.replace(/\.ts$/, ".js"))];
    return [require.resolve("ts-node/dist/bin.js"), "--transpile-only", path.join(repoRoot(), relativeTs)];
}
