import { existsSync } from "fs";
import * as path from "path";

let root: string | undefined;

/**
 * The checkout this code belongs to: the nearest directory above this file with `Pulumi.yaml`. The same answer from
 * the TypeScript sources and from their compiled copy in `dist/`, so nothing counts `..` from its own location.
 */
export function repoRoot(): string {
    if (root !== undefined) return root;
    for (let dir = __dirname; ; dir = path.dirname(dir)) {
        if (existsSync(path.join(dir, "Pulumi.yaml"))) return (root = dir);
        if (path.dirname(dir) === dir) throw new Error(`no Pulumi.yaml above ${__dirname}`);
    }
}

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
