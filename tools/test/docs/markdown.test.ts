import { strict as assert } from "assert";
import { githubSlug } from "../../docs/markdown";
import { pageParts } from "../../../test/oracles/docs/pageParts";
import { headingAnchors } from "../../../test/oracles/docs/links";

describe("docs: a page read as GitHub renders it", () => {
    it("slugs headings as GitHub does (listed from the README's own headings)", () => {
        const cases: [string, string][] = [
            ["Recovering an interrupted `pulumi up`", "recovering-an-interrupted-pulumi-up"],
            [
                "Delivery: pull requests, deploys, drift, policy",
                "delivery-pull-requests-deploys-drift-policy",
            ],
            [
                "Production data: what is protected, and what is not",
                "production-data-what-is-protected-and-what-is-not",
            ],
            ["Runbook step → command", "runbook-step--command"],
            ["Deploying again after `pulumi destroy`", "deploying-again-after-pulumi-destroy"],
            [
                "What a [shared cluster](x.md) must provide for *Thoth*",
                "what-a-shared-cluster-must-provide-for-thoth",
            ],
            ["`snake_case` keys", "snake_case-keys"],
            // Rendered text only: an entity is its character, a tag and an image add nothing.
            ["Stage &amp; prod <sub>v2</sub> ![logo](l.png) notes", "stage--prod-v2--notes"],
        ];
        for (const [heading, slug] of cases) assert.equal(githubSlug(heading), slug, heading);
    });

    it("finds ATX and setext headings outside code, numbering repeated slugs", () => {
        const page = [
            "# Secrets",
            "",
            "```",
            "# not a heading",
            "```",
            "## Secrets",
            "Setext",
            "------",
            "- item",
            "---",
        ].join("\n");
        assert.deepEqual(
            pageParts(page).headings.map((h) => h.text),
            ["Secrets", "Secrets", "Setext"],
        );
        assert.deepEqual([...headingAnchors(page)], ["secrets", "secrets-1", "setext"]);
    });

    it("numbers a repeated heading -1, -2 as GitHub does, skipping a number another heading already holds", () => {
        const page = ["# Deploy", "## Deploy", "## Deploy", "## Deploy 1", "## Deploy-1", ""].join("\n\n");
        assert.deepEqual(
            [...headingAnchors(page)],
            ["deploy", "deploy-1", "deploy-2", "deploy-1-1", "deploy-1-2"],
        );
    });

    it("counts inline, reference-style and autolinks, each on its own line; none inside code", () => {
        const page = [
            "# Links", // 1
            "",
            "An [inline](a.md#x) link and a [reference][ref], then a", // 3
            "`code span that runs on`, then [after](b.md) <https://example.com/c>.", // 4
            "",
            "Not links: `[span](missing.md)` and ``[two ticks](missing.md)``.", // 6
            "",
            "```sh", // 8
            "[fenced](missing.md)",
            "```",
            "",
            "    [indented](missing.md)", // 12
            "",
            "| Page | Where |", // 14
            "| --- | --- |",
            "| [cell](c.md) | `[span](missing.md)` |", // 16
            "",
            "- an item",
            "  [in a list](d.md)", // 19
            "",
            "[ref]: docs/ref.md#anchor",
        ].join("\n");
        assert.deepEqual(pageParts(page).links, [
            { target: "a.md#x", line: 3 },
            { target: "docs/ref.md#anchor", line: 3 },
            { target: "b.md", line: 4 },
            { target: "https://example.com/c", line: 4 },
            { target: "c.md", line: 16 },
            { target: "d.md", line: 19 },
        ]);
        const code = pageParts(page).code;
        assert.deepEqual(code[0], { text: "code span that runs on", line: 4 });
        assert.deepEqual(
            code.find((c) => c.block === "sh"),
            { text: "[fenced](missing.md)", line: 9, block: "sh" },
        );
        assert.deepEqual(
            code.find((c) => c.block === ""),
            { text: "[indented](missing.md)", line: 12, block: "" },
        );
    });
});
