import { strict as assert } from "assert";
import fc from "fast-check";
import { functionShapes } from "../oracles/shape/functions";
import { SourceTree, readSources } from "../oracles/shape/sources";
import { systemFolders, templateProblems } from "../oracles/shape/template";

// One system template (issue 40): a reader who has learned one system predicts every other's files, root component,
// definition and parts. The check is tested on a small conforming system made here, on every single deviation from
// it, on random sets of deviations, and on the real tree with one deviation made in memory.

/** A system folder that follows the template, for the deviations to break. */
function conforming(system: string): Record<string, string> {
    const dir = `components/${system}`;
    const Cls = system[0].toUpperCase() + system.slice(1);
    return {
        [`${dir}/index.ts`]: [
            `import { defineSystem } from "../config/systemDefinition";`,
            `import { ${system}Check } from "./checks";`,
            `import { ${system}Notices } from "./notices";`,
            `import { ${system}Secrets } from "./secrets";`,
            `import { ${Cls} } from "./${system}";`,
            `export const ${system} = defineSystem({`,
            `    section: "${system}",`,
            `    secrets: ${system}Secrets,`,
            `    check: ${system}Check,`,
            `    notices: ${system}Notices,`,
            `    deploy: (config, context) => new ${Cls}("${system}", { config, context }).outputs,`,
            `});`,
        ].join("\n"),
        [`${dir}/config.ts`]: `export const schema = {};`,
        [`${dir}/checks.ts`]: `export function ${system}Check() { return { section: {} }; }`,
        [`${dir}/notices.ts`]: `export function ${system}Notices() { return []; }`,
        [`${dir}/secrets.ts`]: `export function ${system}Secrets() { return []; }`,
        [`${dir}/${system}.ts`]: [
            `export class ${Cls} extends SystemComponent<S, C, O> {`,
            `    constructor(name: string, args: SystemArgs<S, C>) {`,
            `        super("runbooks:${system}:${Cls}", name, args, undefined);`,
            `        const part = new Part(this.childName("part"), args, this.child());`,
            `        this.setOutputs({ part: part.urn });`,
            `    }`,
            `}`,
        ].join("\n"),
        [`${dir}/part.ts`]: `export class Part extends SystemPart<S, C> {}`,
    };
}

/** The ways a folder can leave the template, each applied to a conforming one. */
const DEVIATIONS: Record<string, (tree: Record<string, string>, dir: string, system: string) => void> = {
    "checks.ts missing": (t, dir) => delete t[`${dir}/checks.ts`],
    "notices.ts missing": (t, dir) => delete t[`${dir}/notices.ts`],
    "root is a plain component": (t, dir, s) =>
        (t[`${dir}/${s}.ts`] = t[`${dir}/${s}.ts`].replace("SystemComponent<S, C, O>", "RunbookComponent")),
    "deploy returns a record": (t, dir) =>
        (t[`${dir}/index.ts`] = t[`${dir}/index.ts`]
            .replace(/\.outputs,$/m, ",")
            .replace(/=> (new [^,]+, \{ config, context \}\))/, "=> ({ made: $1 })")),
    "deploy passes other arguments": (t, dir) =>
        (t[`${dir}/index.ts`] = t[`${dir}/index.ts`].replace(
            "{ config, context }",
            "{ environment: config, context }",
        )),
    "check written inline": (t, dir, s) =>
        (t[`${dir}/index.ts`] = t[`${dir}/index.ts`]
            .replace(`import { ${s}Check } from "./checks";\n`, "")
            .replace(`check: ${s}Check,`, "check: () => [],")),
    "no notices in the definition": (t, dir, s) =>
        (t[`${dir}/index.ts`] = t[`${dir}/index.ts`].replace(`    notices: ${s}Notices,\n`, "")),
    "a part of its own kind": (t, dir) =>
        (t[`${dir}/part.ts`] = `export class Part extends RunbookComponent {}`),
    "a throw for what the check should prove": (t, dir) =>
        (t[`${dir}/part.ts`] +=
            `\nfunction f() { throw new Error("validation should have prevented this"); }`),
    "a long constructor": (t, dir, s) =>
        (t[`${dir}/${s}.ts`] = t[`${dir}/${s}.ts`].replace(
            "this.setOutputs",
            `${"        this.step();\n".repeat(60)}        this.setOutputs`,
        )),
    "a branching constructor": (t, dir, s) =>
        (t[`${dir}/${s}.ts`] = t[`${dir}/${s}.ts`].replace(
            "this.setOutputs",
            `${"        if (args.config.x) this.step();\n".repeat(10)}        this.setOutputs`,
        )),
};

async function problemsOf(tree: SourceTree): Promise<string[]> {
    // The template reads the constructors of the system folders only (their size): the shared code is not linted.
    const folders = systemFolders(tree).map((s) => `components/${s}/`);
    const systemFiles = Object.fromEntries(
        Object.entries(tree).filter(([file]) => folders.some((f) => file.startsWith(f))),
    );
    return templateProblems(tree, await functionShapes(systemFiles));
}

describe("the system template (issue 40)", function () {
    this.timeout(120_000);

    it("every system folder of the program follows it", async () => {
        const problems = await problemsOf(readSources());
        assert.deepEqual(problems, [], `\n${problems.join("\n")}`);
    });

    it("knows the five systems", () => {
        assert.deepEqual(systemFolders(readSources()), ["callysto", "dials", "packit", "prow", "thoth"]);
    });

    it("passes a system made to the template", async () => {
        assert.deepEqual(await problemsOf(conforming("demo")), []);
    });

    for (const [what, deviate] of Object.entries(DEVIATIONS)) {
        it(`fails a system with ${what}, naming its folder`, async () => {
            const tree = conforming("demo");
            deviate(tree, "components/demo", "demo");
            const problems = await problemsOf(tree);
            assert.ok(problems.length > 0, `no problem for: ${what}`);
            assert.ok(
                problems.every((p) => p.startsWith("components/demo/")),
                problems.join("\n"),
            );
        });
    }

    it("fails every system of a tree that takes any set of deviations, and only those systems", async () => {
        const names = fc.constantFrom("alpha", "beta", "gamma");
        const kinds = Object.keys(DEVIATIONS);
        await fc.assert(
            fc.asyncProperty(
                fc.uniqueArray(names, { minLength: 1, maxLength: 3 }),
                fc.array(fc.constantFrom(...kinds), { minLength: 0, maxLength: 3 }),
                async (systems, deviations) => {
                    const tree = Object.assign({}, ...systems.map(conforming)) as Record<string, string>;
                    const broken = systems[0];
                    for (const d of deviations) DEVIATIONS[d](tree, `components/${broken}`, broken);
                    const folders = new Set((await problemsOf(tree)).map((p) => p.split("/")[1]));
                    assert.deepEqual([...folders], deviations.length > 0 ? [broken] : []);
                },
            ),
            { numRuns: 25 },
        );
    });

    it("fails the real tree when a system loses its checks.ts (the control)", async () => {
        const tree = { ...readSources() };
        delete tree["components/dials/checks.ts"];
        const problems = await problemsOf(tree);
        assert.ok(problems.includes("components/dials/checks.ts is missing"), problems.join("\n"));
    });
});
