import { strict as assert } from "assert";
import fc from "fast-check";
import { readFileSync } from "fs";
import * as path from "path";
import { repoRoot } from "../../tools/root";
import { importCycles, importGraph } from "../../tools/shape/importCycles";
import { SourceTree, readSources } from "../../tools/shape/sources";

// No import cycles in the production code (issue 53), type-only imports included: every file can be read and moved
// after the files it imports. The check is tested on small trees made here, with and without a loop.

/** The production sources: the program, its components, the tools and the policy pack. */
function productionTree(): SourceTree {
    return {
        ...readSources("components"),
        ...readSources("tools"),
        ...readSources("policy"),
        "index.ts": readFileSync(path.join(repoRoot(), "index.ts"), "utf8"),
    };
}

/** A tree of files `f<i>.ts` in which file `i` imports each file of `imports[i]`. */
function treeOf(imports: readonly (readonly number[])[]): SourceTree {
    return Object.fromEntries(
        imports.map((targets, i) => [
            `f${i}.ts`,
            targets.map((t) => `import { x${t} } from "./f${t}";`).join("\n") +
                `\nexport const x${i} = ${i};\n`,
        ]),
    );
}

describe("import cycles", () => {
    it("the production code has none", () => {
        const tree = productionTree();
        assert.ok(Object.keys(tree).length > 300, "the sources were read");
        const cycles = importCycles(importGraph(tree));
        assert.deepEqual(
            cycles.map((group) => group.join(", ")),
            [],
            "each line is a group of files that import each other: move the piece they share to a file below them",
        );
    });

    it("finds a loop, and the files on it only", () => {
        // f0 -> f1 -> f2 -> f0, and f3 imports into the loop without being on it.
        assert.deepEqual(importCycles(importGraph(treeOf([[1], [2], [0], [0]]))), [
            ["f0.ts", "f1.ts", "f2.ts"],
        ]);
        assert.deepEqual(importCycles(importGraph(treeOf([[1], [2], [], [0]]))), []);
    });

    it("counts type-only imports, re-exports, folder imports and a file importing itself", () => {
        const tree: SourceTree = {
            "a.ts": `import type { B } from "./b";\nexport type A = B;\n`,
            "b/index.ts": `export { a } from "../a";\n`,
            "c.ts": `import { c } from "./c";\nimport * as fs from "fs";\n`,
            "d.ts": `import { z } from "zod";\n`,
        };
        assert.deepEqual(importCycles(importGraph(tree)), [["a.ts", "b/index.ts"], ["c.ts"]]);
    });

    it("a tree importing only downwards has no cycle; one import upwards makes one, holding its two ends", () => {
        const layered = fc
            .integer({ min: 2, max: 12 })
            .chain((n) =>
                fc.tuple(
                    fc.tuple(
                        ...Array.from({ length: n }, (_, i) => fc.uniqueArray(fc.nat(i), { maxLength: i })),
                    ),
                    fc.nat(n - 2),
                ),
            );
        fc.assert(
            fc.property(layered, ([imports, low]) => {
                // Every file imports only files with a lower number: no loop is possible.
                const downwards = imports.map((targets, i) => targets.filter((t) => t < i));
                assert.deepEqual(importCycles(importGraph(treeOf(downwards))), []);
                // The last file imports `low` directly, and `low` imports it back.
                const last = downwards.length - 1;
                const upwards = downwards.map((targets, i) =>
                    i === low ? [...targets, last] : i === last ? [...targets, low] : targets,
                );
                const cycles = importCycles(importGraph(treeOf(upwards)));
                assert.equal(cycles.length, 1);
                assert.ok(cycles[0].includes(`f${low}.ts`) && cycles[0].includes(`f${last}.ts`));
            }),
        );
    });
});
