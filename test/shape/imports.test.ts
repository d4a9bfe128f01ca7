import { strict as assert } from "assert";
import { ESLint } from "eslint";
import { mkdirSync, writeFileSync } from "fs";
import * as path from "path";
import { repoRoot } from "../../tools/root";
import { scratchDir } from "../fixtures/scratch";

// Issue 53's import rules are ESLint's, in eslint.config.mjs, which `npm run lint` runs on the whole checkout: the
// layers (`no-restricted-imports`, and `no-restricted-syntax` for `import()`) and no import cycles
// (`import-x/no-cycle`). Here the checkout's own config is run on made-up files: a file placed in a layer with
// imports that go up a layer and imports that stay, and a small tree of files on disk with loops and without.

/**
 * ESLint with the checkout's config, run in `cwd`, with only `rules` and no type checker: the import rules read the
 * import lines and the files on disk, and the type-aware rules would need each made-up file in the tsconfig.
 */
function eslintWith(rules: readonly string[], cwd = repoRoot()): ESLint {
    return new ESLint({
        cwd,
        overrideConfigFile: path.join(repoRoot(), "eslint.config.mjs"),
        overrideConfig: { languageOptions: { parserOptions: { projectService: false } } },
        ruleFilter: ({ ruleId }) => rules.includes(ruleId),
    });
}

/** `line rule` of each problem ESLint finds in `lines`, linted as the file `file` of the checkout. */
async function problems(eslint: ESLint, file: string, lines: readonly string[]): Promise<string[]> {
    const [result] = await eslint.lintText(`${lines.join("\n")}\n`, {
        filePath: path.join(repoRoot(), file),
    });
    return result.messages.map((m) => `${m.line} ${m.ruleId ?? m.message}`);
}

describe("the layers of the program (eslint.config.mjs)", function () {
    this.timeout(120_000);
    let eslint: ESLint;
    before(() => {
        eslint = eslintWith(["no-restricted-imports", "no-restricted-syntax"]);
    });

    it("components/shared imports nothing of the program outside it, type-only imports and re-exports included", async () => {
        const found = await problems(eslint, "components/shared/probe.ts", [
            `import { ConfigError } from "../config/problems";`,
            `import type { Catalog } from "../thoth/catalog";`,
            `export { SYSTEMS } from "../systems";`,
            `import { repoRoot } from "../../tools/root";`,
            `import { labels } from "./labels";`,
            `import { z } from "zod";`,
            `export type T = [Catalog, typeof ConfigError, typeof repoRoot, typeof labels, typeof z];`,
        ]);
        assert.deepEqual(found, [
            "1 no-restricted-imports",
            "2 no-restricted-imports",
            "3 no-restricted-imports",
            "4 no-restricted-imports",
        ]);
        const [result] = await eslint.lintText(`import { x } from "../config/problems";\n`, {
            filePath: path.join(repoRoot(), "components/shared/probe.ts"),
        });
        assert.match(result.messages[0].message, /components\/shared may import nothing of the program/);
    });

    it("components/config imports components/shared and nothing above it, from a file in a subfolder too", async () => {
        assert.deepEqual(
            await problems(eslint, "components/config/passes/probe.ts", [
                `import { labels } from "../../shared/labels";`,
                `import { ConfigError } from "../problems";`,
                `import { strayKeys } from "./strayKeys";`,
                `import { catalog } from "../../thoth/catalog";`,
                `import { repoRoot } from "../../../tools/root";`,
                `import { deploymentContexts } from "../../program";`,
                `export const all = [labels, ConfigError, strayKeys, catalog, repoRoot, deploymentContexts];`,
            ]),
            ["4 no-restricted-imports", "5 no-restricted-imports", "6 no-restricted-imports"],
        );
    });

    it("a tool imports the shared layers and the registry of systems, never a system's own file, import() included", async () => {
        assert.deepEqual(
            await problems(eslint, "tools/adopt/probe.ts", [
                `import { SYSTEMS } from "../../components/systems";`,
                `import { deploymentContexts } from "../../components/program";`,
                `import { ConfigError } from "../../components/config/problems";`,
                `import { labels } from "../../components/shared/labels";`,
                `import { planStack } from "../plan/run";`,
                `import { catalog } from "../../components/thoth/catalog";`,
                `import { other } from "../../components/systemsOfOld";`,
                `export const all = [SYSTEMS, deploymentContexts, ConfigError, labels, planStack, catalog, other];`,
                `export const later = () => import("../../components/prow/index");`,
                `export const registry = () => import("../../components/systems");`,
            ]),
            ["6 no-restricted-imports", "7 no-restricted-imports", "9 no-restricted-syntax"],
        );
    });

    it("a system's file imports any layer and another system; components/ still refuses a plain Error", async () => {
        assert.deepEqual(
            await problems(eslint, "components/thoth/probe.ts", [
                `import { prow } from "../prow/index";`,
                `import { ConfigError } from "../config/problems";`,
                `import { labels } from "../shared/labels";`,
                `import { SYSTEMS } from "../systems";`,
                `export const all = [prow, ConfigError, labels, SYSTEMS];`,
            ]),
            [],
        );
        // The layer rules replace the options of no-restricted-syntax for their files: the plain-Error rule stays.
        assert.deepEqual(await problems(eslint, "components/shared/probe.ts", [`throw new Error("x");`]), [
            "1 no-restricted-syntax",
        ]);
        assert.deepEqual(await problems(eslint, "tools/adopt/probe.ts", [`throw new Error("x");`]), []);
    });
});

describe("import cycles (eslint.config.mjs: import-x/no-cycle)", function () {
    this.timeout(120_000);

    it("finds each file on a loop, direct, round three folders, through a folder's index and a re-export; none elsewhere", async () => {
        // A checkout of its own: the rule follows the imports through the files on disk.
        const sandbox = scratchDir("lint-cycles-");
        const files: Record<string, string> = {
            "tools/probe/a.ts": `import { b } from "./b";\nexport const a = () => b;\n`,
            "tools/probe/b.ts": `import { a } from "./a";\nexport const b = () => a;\n`,
            "components/thoth/c.ts": `import { d } from "../../policy/d";\nexport const c = () => d;\n`,
            "policy/d.ts": `import { e } from "./rules/e";\nexport const d = () => e;\n`,
            "policy/rules/e.ts": `import { c } from "../../components/thoth/c";\nexport const e = () => c;\n`,
            "tools/h/index.ts": `export { i } from "../i";\n`,
            "tools/i.ts": `import { h } from "./h";\nexport const i = () => h;\n`,
            // Importing into a loop puts no file on it.
            "index.ts": `import { c } from "./components/thoth/c";\nexport const main = c;\n`,
            // Imports that only go down.
            "components/shared/f.ts": `import { g } from "./g";\nimport * as path from "path";\nexport const f = [g, path];\n`,
            "components/shared/g.ts": `import { z } from "zod";\nexport const g = z;\n`,
            // A loop closed by a type-only import is erased by the compiler: import-x follows value imports only.
            "components/prow/j.ts": `import type { K } from "./k";\nexport type J = K | string;\nexport const j = 1;\n`,
            "components/prow/k.ts": `import { j } from "./j";\nexport type K = number;\nexport const k = j;\n`,
        };
        for (const [file, text] of Object.entries(files)) {
            mkdirSync(path.join(sandbox, path.dirname(file)), { recursive: true });
            writeFileSync(path.join(sandbox, file), text);
        }
        const results = await eslintWith(["import-x/no-cycle"], sandbox).lintFiles(["."]);
        const found = Object.fromEntries(
            results.map((r) => [
                path.relative(sandbox, r.filePath),
                r.messages.map((m) => `${m.line} ${m.ruleId ?? m.message}`),
            ]),
        );
        const onLoop = ["1 import-x/no-cycle"];
        assert.deepEqual(found, {
            "tools/probe/a.ts": onLoop,
            "tools/probe/b.ts": onLoop,
            "components/thoth/c.ts": onLoop,
            "policy/d.ts": onLoop,
            "policy/rules/e.ts": onLoop,
            "tools/h/index.ts": onLoop,
            "tools/i.ts": onLoop,
            "index.ts": [],
            "components/shared/f.ts": [],
            "components/shared/g.ts": [],
            "components/prow/j.ts": [],
            "components/prow/k.ts": [],
        });
    });
});
