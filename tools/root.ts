import * as path from "path";
import { isCompiled, repoRoot } from "../components/shared/repoRoot";

// The checkout's root and whether it runs compiled are the program's own answers: the program reads data of the
// checkout and checks its build too, and its layer may not import the tools.
export { isCompiled, repoRoot };

/**
 * The node arguments that run a script of this checkout (`tools/plan/cli.ts`): its compiled copy when this code runs
 * compiled, so a spawned CLI is the same build as its caller; else the TypeScript through ts-node.
 */
export function scriptArgs(relativeTs: string): string[] {
    if (isCompiled()) return [path.join(repoRoot(), "dist", relativeTs.replace(/\.ts$/, ".js"))];
    return [require.resolve("ts-node/dist/bin.js"), "--transpile-only", path.join(repoRoot(), relativeTs)];
}
