import { strict as assert } from "assert";
import fc from "fast-check";
import { readFileSync } from "fs";
import * as path from "path";
import {
    DocsRepo,
    declaredFlags,
    docProblems,
    documentationPages,
    headingAnchors,
    repoFacts,
} from "../../../test/oracles/docs/links";
import { githubSlug } from "../../docs/markdown";
import { repoRoot } from "../../root";

const ROOT = repoRoot();

/** A checkout of a few files: `pages` are the texts links are read from; `flags` per script, undefined = none. */
function fakeRepo(
    files: Record<string, string>,
    scripts: Record<string, string> = {},
    flags: Record<string, string[]> = {},
): DocsRepo {
    return {
        files: new Set(Object.keys(files)),
        scripts,
        read: (f) => files[f],
        flagsOf: (s) => (flags[s] ? new Set(flags[s]) : undefined),
    };
}

describe("docs: every link, anchor and command of the README and docs/ exists", () => {
    const repo = repoFacts(ROOT);
    const pages = documentationPages(ROOT, repo.files);

    it("reads the README and every page of docs/ by purpose", () => {
        for (const page of [
            "README.md",
            "docs/operate/deploy.md",
            "docs/operate/first-deploy.md",
            "docs/operate/recovery.md",
            "docs/operate/production-data.md",
            "docs/develop/tests.md",
            "docs/develop/e2e.md",
            "docs/develop/measuring.md",
            "docs/develop/layout.md",
            "docs/reference/configuration.md",
            "docs/reference/ownership.md",
            "docs/reference/secrets.md",
        ]) {
            assert.ok(pages.includes(page), page);
        }
    });

    it("has no broken link, anchor, script, flag, file or pulumi command on any page", () => {
        const problems = pages.flatMap((page) => docProblems(page, repo.read(page)!, repo));
        assert.deepEqual(problems, []);
    });

    it("keeps the README a front door: at most 150 lines, none over 120 characters", () => {
        const lines = readFileSync(path.join(ROOT, "README.md"), "utf8").trimEnd().split("\n");
        assert.ok(lines.length <= 150, `README.md has ${lines.length} lines`);
        assert.deepEqual(
            lines.map((l, i) => ({ line: i + 1, length: l.length })).filter((l) => l.length > 120),
            [],
        );
    });

    /** The paths a page's table names (its rows' first cells), `<name>` standing for any one part. */
    function tableNames(page: string, under = ""): RegExp[] {
        const named = readFileSync(path.join(ROOT, page), "utf8")
            .split("\n")
            .filter((l) => l.startsWith("| `"))
            .map((l) => l.split(" | ")[0])
            .flatMap((cell) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]));
        return named.map(
            (n) =>
                new RegExp(`^${under}${n.replace(/[.+?^${}()|\\]/g, "\\$&").replace(/<[^>]+>/g, "[^/]+")}`),
        );
    }

    it("names every top-level part of the checkout in the layout table, and each folder of tools/ and components/ in its README's", () => {
        const files = [...repo.files].filter(
            (f) => !f.startsWith(".") && !/^[^/]+\.(json|md|mjs)$/.test(f) && f !== "package-lock.json",
        );
        const top = new Set(files.map((f) => (f.includes("/") ? `${f.split("/")[0]}/` : f)));
        const layout = tableNames("docs/develop/layout.md");
        assert.deepEqual(
            [...top].filter((part) => !layout.some((re) => re.test(part))),
            [],
            "a top-level part of the checkout the layout table does not name",
        );
        for (const folder of ["tools", "components"]) {
            // A folder's own README describes it; every other file or folder in it is named in that README's table.
            const parts = new Set(
                files
                    .filter((f) => f.startsWith(`${folder}/`) && f !== `${folder}/README.md`)
                    .map((f) => {
                        const p = f.split("/");
                        return p.length > 2 ? `${p[0]}/${p[1]}/` : f;
                    }),
            );
            const table = tableNames(`${folder}/README.md`, `${folder}/`);
            assert.deepEqual(
                [...parts].filter((part) => !table.some((re) => re.test(part))),
                [],
                `a part of ${folder}/ the table of ${folder}/README.md does not name`,
            );
        }
        // The layout table sends the reader to each folder's README.
        for (const folder of ["components", "tools", "test", "e2e", "facts", "policy"])
            assert.ok(
                repo.read("docs/develop/layout.md")!.includes(`](../../${folder}/README.md)`),
                `docs/develop/layout.md links ${folder}/README.md`,
            );
    });
});

describe("docs checker", () => {
    const files = {
        "README.md":
            "# Title\n\n## Two `commands`\n\nSee [deploy](docs/operate/deploy.md#deploying-for-real).\n",
        "docs/operate/deploy.md": "# Deploy\n\n## Deploying for real\n\n## Deploying for real\n",
        "tools/plan/cli.ts": "",
        "e2e/run.sh": "",
        "Pulumi.stage.yaml": "",
    };
    const repo = fakeRepo(
        files,
        { plan: "node dist/tools/plan/cli.js", test: "mocha" },
        { plan: ["--stack", "--out"] },
    );
    const check = (text: string) => docProblems("README.md", text, repo);

    it("passes links, anchors and commands that exist", () => {
        assert.deepEqual(check(files["README.md"]), []);
        // A schedule or a glob is not a path of the checkout, though it has slashes.
        assert.deepEqual(check("runs at `*/20 * * * *` and `<ns>/*`"), []);
        assert.deepEqual(
            check(
                [
                    "## Two `commands`",
                    "",
                    "[same page](#two-commands), [repeat](docs/operate/deploy.md#deploying-for-real-1)",
                    "",
                    "```sh",
                    "npm ci && npm run plan -- --stack stage --out /tmp/x   # plan",
                    "npm test",
                    "bash e2e/run.sh",
                    "pulumi config set --stack prod --path a.b true",
                    "```",
                    "",
                    "`npm run plan -- --stack <stack> [--out <dir>]`, `Pulumi.<stack>.yaml`, `tools/<tool>/cli.ts`,",
                    "any `npm run <script>`, another repository's `openshift/*.yml.j2` and `./scripts/move_stable.py`, `pulumi preview`/`up`",
                ].join("\n"),
            ),
            [],
        );
    });

    it("fails a link to a missing file or heading, naming the page and line", () => {
        // Each page, and the one problem it has.
        const broken: [string, string][] = [
            [
                "# T\n\n[a](docs/missing.md)",
                "README.md:3: link docs/missing.md: docs/missing.md does not exist",
            ],
            [
                "# T\n\ntext\n[a](docs/operate/deploy.md#deploying)",
                "README.md:4: link docs/operate/deploy.md#deploying: docs/operate/deploy.md has no heading #deploying",
            ],
            [
                "# T\n\n[a](#two-commands)",
                "README.md:3: link #two-commands: README.md has no heading #two-commands",
            ],
        ];
        for (const [page, problem] of broken) assert.deepEqual(check(page), [problem], page);
    });

    it("follows reference-style links and repeated headings' anchors, skips code, and fails only a broken anchor", () => {
        const page = (anchor: string) =>
            [
                "# Deploying", // 1
                "",
                "## Deploying",
                "",
                "Read [the steps][steps] and [again](#deploying-1), or <https://example.com/x>.", // 5
                "Quoted, not followed: `[old](docs/missing.md)`.",
                "",
                "```markdown",
                "[old](docs/missing.md#gone)",
                "```",
                "",
                `[steps]: docs/operate/deploy.md#${anchor}`,
            ].join("\n");
        assert.deepEqual(check(page("deploying-for-real-1")), []);
        // The control: the same page with the reference's anchor misspelt fails, on the line the link is used.
        assert.deepEqual(check(page("deploying-for-real-2")), [
            "README.md:5: link docs/operate/deploy.md#deploying-for-real-2: docs/operate/deploy.md has no heading #deploying-for-real-2",
        ]);
    });

    it("reports a link to a missing page, or to a heading its page lacks, the generated pages included", () => {
        assert.deepEqual(check("[thoth](docs/systems/thoth.md#steps)"), [
            "README.md:1: link docs/systems/thoth.md#steps: docs/systems/thoth.md does not exist",
        ]);
        const present = fakeRepo({ ...files, "docs/systems/thoth.md": "# Thoth\n" });
        assert.deepEqual(docProblems("README.md", "[thoth](docs/systems/thoth.md#steps)", present), [
            "README.md:1: link docs/systems/thoth.md#steps: docs/systems/thoth.md has no heading #steps",
        ]);
        assert.equal(check("[x](docs/other/x.md)").length, 1);
    });

    it("fails an unknown script, a flag the script's CLI does not declare, a missing file, a pulumi typo", () => {
        // Each page, and the one problem it has.
        const broken: [string, string][] = [
            [
                "`npm run plans -- --stack prod`",
                'README.md:1: `npm run plans -- --stack prod`: package.json has no script "plans"',
            ],
            [
                "```sh\nnpm run plan -- --stak prod   # typo\n```",
                'README.md:2: `npm run plan -- --stak prod`: "npm run plan" has no flag --stak (it reads --stack, --out)',
            ],
            ["`bash e2e/runs.sh`", "README.md:1: `bash e2e/runs.sh`: e2e/runs.sh does not exist"],
            [
                "see `tools/plan/cly.ts`",
                "README.md:1: `tools/plan/cly.ts`: tools/plan/cly.ts does not exist in this repository",
            ],
            [
                "`pulumi upp --stack prod`",
                'README.md:1: `pulumi upp --stack prod`: pulumi has no subcommand "upp"',
            ],
            [
                "`pulumi stack selekt prod`",
                'README.md:1: `pulumi stack selekt prod`: "pulumi stack" has no subcommand "selekt"',
            ],
        ];
        for (const [page, problem] of broken) assert.deepEqual(check(page), [problem], page);
        assert.match(check("`npm test -- --grep x`")[0], /declares no flags, so it takes none of --grep/);
    });

    it("reads a CLI's flags from its parseFlags or parseArgs declaration, not from a list", () => {
        const parseFlagsCli = `const O = { stack: { type: "string" }, "kill-plugins": { type: "boolean", short: "k" } } as const;
            parseFlags(process.argv.slice(2), O, USAGE);`;
        assert.deepEqual([...declaredFlags("a.ts", parseFlagsCli)!], ["--stack", "--kill-plugins", "-k"]);
        const parseArgsCli = `parseArgs({ options: { only: { type: "string", multiple: true } } });`;
        assert.deepEqual([...declaredFlags("b.ts", parseArgsCli)!], ["--only"]);
        assert.equal(declaredFlags("c.ts", "const i = process.argv.indexOf('--runs');"), undefined);
        // Every script of package.json that declares flags is found by the same reading.
        const real = repoFacts(ROOT);
        assert.ok(real.flagsOf("plan")!.has("--stack"));
        assert.ok(real.flagsOf("recover")!.has("--kill-plugins"));
        assert.ok(real.flagsOf("battery:generative")!.has("--seed"));
    });

    it("anchors headings as GitHub does", () => {
        assert.equal(
            githubSlug("Recovering an interrupted `pulumi up`"),
            "recovering-an-interrupted-pulumi-up",
        );
        assert.equal(githubSlug("Runbook step → command"), "runbook-step--command");
        assert.equal(githubSlug("Production is the stack's identity"), "production-is-the-stacks-identity");
        assert.equal(
            githubSlug("Unverified images and stage assumptions (Packit/Stream, Prow, DIALS, Callysto)"),
            "unverified-images-and-stage-assumptions-packitstream-prow-dials-callysto",
        );
        assert.deepEqual([...headingAnchors("# A\n\n```sh\n# not a heading\n```\n\n## A\n")], ["a", "a-1"]);
        // Any heading's own slug is an anchor of a page holding it; any other word is not.
        fc.assert(
            fc.property(fc.string({ minLength: 1, maxLength: 40 }), (words) => {
                const heading = words.replace(/[\n\r#`]/g, " ").trim() || "x";
                const page = `# ${heading}\n`;
                const slug = githubSlug(heading);
                assert.ok(headingAnchors(page).has(slug));
                assert.ok(!headingAnchors(page).has(`${slug}-missing`));
            }),
        );
    });
});
