import { strict as assert } from "assert";
import { anchors, githubSlug, headings } from "../../tools/conformance/anchors";

describe("conformance: the anchors GitHub gives a docs page's headings", () => {
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
        assert.deepEqual(headings(page), ["Secrets", "Secrets", "Setext"]);
        assert.deepEqual([...anchors(page)], ["secrets", "secrets-1", "setext"]);
    });
});
