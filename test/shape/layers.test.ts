import { strict as assert } from "assert";
import * as path from "path";
import { importGraph } from "../../tools/shape/importCycles";
import { layerBreaches } from "../../tools/shape/layers";
import { SourceTree, readSources } from "../../tools/shape/sources";

// Issue 53: components/shared imports nothing from components/config or a system folder, and components/config
// imports from components/shared only, so the two import each other in one direction. The check is tested on a
// made-up tree with each kind of breach.

/** A small tree whose imports only go down: system -> config -> shared. */
const DOWNWARD: Record<string, readonly string[]> = {
    "components/shared/block.ts": ["components/shared/labels.ts"],
    "components/shared/labels.ts": [],
    "components/config/problems.ts": ["components/shared/labels.ts"],
    "components/thoth/catalog.ts": ["components/shared/block.ts", "components/config/problems.ts"],
    "components/thoth/index.ts": ["components/thoth/catalog.ts"],
};

/** A tree in which each file imports the files it lists (paths relative to the checkout). */
function treeOf(imports: Record<string, readonly string[]>): SourceTree {
    return Object.fromEntries(
        Object.entries(imports).map(([file, targets]) => [
            file,
            targets
                .map((t, i) => {
                    const rel = path.posix.relative(path.posix.dirname(file), t).replace(/\.ts$/, "");
                    return `import type { T${i} } from "${rel.startsWith(".") ? rel : `./${rel}`}";`;
                })
                .join("\n") + "\nexport type T = string;\n",
        ]),
    );
}

describe("the layers of components/", () => {
    it("shared imports no config and no system; config imports shared and nothing above it", () => {
        const tree = { ...readSources("components"), ...readSources("tools") };
        assert.ok(
            Object.keys(tree).some((f) => f.startsWith("components/shared/")),
            "the sources were read",
        );
        const graph = importGraph(tree);
        const configToShared = [...graph].filter(
            ([from, to]) =>
                from.startsWith("components/config/") && to.some((t) => t.startsWith("components/shared/")),
        );
        assert.ok(configToShared.length > 0, "config builds on shared: the direction the layers keep");
        assert.deepEqual(
            layerBreaches(graph),
            [],
            "each line is an import into a layer above: move the piece both need to components/shared, or hand it in from the system through its definition",
        );
    });

    it("finds an import from shared into config or into a system folder, from config into a system, and from a tool into a system", () => {
        // The clean tree with three imports that go up a layer, and one between systems that is no breach.
        const tree = treeOf({
            ...DOWNWARD,
            "components/shared/images.ts": ["components/thoth/catalog.ts"],
            "components/shared/verdicts.ts": ["components/config/problems.ts"],
            "components/config/systems.ts": ["components/prow/index.ts"],
            "components/prow/index.ts": ["components/thoth/catalog.ts"],
            "components/systems.ts": ["components/thoth/index.ts"],
            // A tool reads the registry and the shared layers; a system's own file is a breach.
            "tools/adopt/run.ts": [
                "components/systems.ts",
                "components/config/problems.ts",
                "tools/cli/args.ts",
            ],
            "tools/adopt/keys.ts": ["components/thoth/catalog.ts"],
            "tools/cli/args.ts": [],
        });
        assert.deepEqual(layerBreaches(importGraph(tree)), [
            "components/config/systems.ts -> components/prow/index.ts",
            "components/shared/images.ts -> components/thoth/catalog.ts",
            "components/shared/verdicts.ts -> components/config/problems.ts",
            "tools/adopt/keys.ts -> components/thoth/catalog.ts",
        ]);
    });

    it("a tree whose imports only go down has no breach", () => {
        assert.deepEqual(layerBreaches(importGraph(treeOf(DOWNWARD))), []);
    });
});
