import { existsSync } from "fs";
import * as path from "path";
import { DefinitionError } from "./errors";

let root: string | undefined;

/**
 * The checkout this code belongs to: the nearest directory above this file with `Pulumi.yaml`. The same answer from
 * the TypeScript sources, from their compiled copy in `dist/` and from a copy of the program elsewhere, so nothing
 * counts `..` from its own location. In components/shared because the program reads data of the checkout
 * (facts/evidence) and this layer imports nothing above it; tools/root.ts gives the tools the same function.
 */
export function repoRoot(): string {
    if (root !== undefined) return root;
    for (let dir = __dirname; ; dir = path.dirname(dir)) {
        if (existsSync(path.join(dir, "Pulumi.yaml"))) return (root = dir);
        if (path.dirname(dir) === dir) throw new DefinitionError(`no Pulumi.yaml above ${__dirname}`);
    }
}

/** Whether this code runs from the compiled output (`dist/`) rather than through ts-node. */
export function isCompiled(): boolean {
    return path.extname(__filename) === ".js";
}
