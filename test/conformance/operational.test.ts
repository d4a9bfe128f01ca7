import { strict as assert } from "assert";
import fc from "fast-check";
import { COMMAND_WORDS, commandWord, operationalLines } from "./operational";

/** The form of line `n` (1-based) of `lines`, or undefined when it is not operational. */
const formOf = (lines: string[], n: number): string | undefined => operationalLines(lines.join("\n")).get(n);

const word = fc.stringMatching(/^[a-z][a-z0-9]{0,8}$/);
/** A word of prose: never a command word (those are what the detector looks for). */
const proseWord = word.filter((w) => !(COMMAND_WORDS as readonly string[]).includes(w));
const prose = fc.array(proseWord, { minLength: 1, maxLength: 8 }).map((ws) => ws.join(" "));
const command = fc.constantFrom(...COMMAND_WORDS);
const argument = fc.stringMatching(/^[a-z0-9./=-]{1,12}$/).filter((a) => !/^[-=]/.test(a));
/** What may stand before a program: env assignments, an optional `[...]` group, sudo. */
const prefix = fc.constantFrom(
    "",
    "DEPLOYMENT=prod ",
    "[SERVICE={service}] DEPLOYMENT={deployment} ",
    "sudo ",
    "A=1 B='x y' ",
);
const lead = fc.constantFrom("", "- ", "* ", "1. ", "  - ", "> ");

describe("conformance: which runbook lines are operational by their form", () => {
    it("reads the runbooks' own lines as a reader of their Markdown does (listed cases)", () => {
        const cases: [string[], number, string | undefined][] = [
            [["4. `[SERVICE={service}] DEPLOYMENT={deployment} make deploy` (see x)"], 1, "runs make"],
            [["- Kebechet Secrets: in GOPASS. (cmd: `gopass show aicoe/thoth/kebechet`)"], 1, "runs gopass"],
            [["- Nepthys uses kebechet ssh secrets."], 1, undefined],
            [["Please make sure to create a file before running ansible provision playbook"], 1, undefined],
            [["- kustomize"], 1, undefined],
            [["In addition you need to use `docker` and `oc`"], 1, undefined],
            [["- oc login to OpenShift cluster where deployment is done."], 1, "runs oc"],
            [["    ~/go/bin/kustomize build kustom > prow-deploy.yaml"], 1, "indented code"],
            [["text", "", "    kubectl apply -f prow-deploy.yaml"], 3, "indented code"],
            // A paragraph's indented continuation is not code: code cannot interrupt a paragraph.
            [["  - For small projects,", "    for the bigger ones use `scp`"], 2, undefined],
            // Four columns inside a list item is a nested list, not code.
            [["  - The vault vars:", "", "    - backend_namespace"], 3, undefined],
            [["- item", "", "      DEPLOYMENT=stg make zuul-secrets"], 3, "indented code"],
            [["```", "---", "  labels:", "```", "after"], 3, "fenced code"],
            [["```", "x", "```", "after"], 4, undefined],
            [["~~~~", "```", "inside", "~~~~"], 3, "fenced code"],
            [["$ ssh-keygen -t rsa -f ./keys/id_rsa"], 1, "shell prompt"],
            [["make sure"], 1, "runs make"],
        ];
        for (const [lines, n, form] of cases) assert.equal(formOf(lines, n), form, lines.join("⏎"));
    });

    it("every non-blank line of a fenced block is operational, the fences are not", () => {
        const inner = fc.array(
            fc.oneof(prose, fc.stringMatching(/^ {0,6}[a-z:{}\- ]{1,20}$/)).filter((l) => l.trim() !== ""),
            { minLength: 1, maxLength: 6 },
        );
        fc.assert(
            fc.property(prose, inner, fc.constantFrom("```", "```bash", "~~~"), (before, body, open) => {
                const close = open.startsWith("~") ? "~~~" : "```";
                const lines = [before, open, ...body, close, before];
                const found = operationalLines(lines.join("\n"));
                body.forEach((_, i) => assert.equal(found.get(i + 3), "fenced code"));
                assert.deepEqual(
                    [1, 2, lines.length - 1, lines.length].map((n) => found.get(n)),
                    [undefined, undefined, undefined, undefined],
                );
            }),
        );
    });

    it("a command word run at the start of a line, a list item, a quote or a code span is operational", () => {
        fc.assert(
            fc.property(lead, prefix, command, argument, prose, fc.boolean(), (l, p, w, a, text, inSpan) => {
                const line = inSpan ? `${l}${text} \`${p}${w} ${a}\` ${text}` : `${l}${p}${w} ${a}`;
                assert.equal(formOf([line], 1), `runs ${w}`, line);
            }),
        );
    });

    it("a command word in prose, or without an argument, is not; nor is prose", () => {
        fc.assert(
            fc.property(lead, prose, command, prose, (l, before, w, after) => {
                for (const line of [
                    `${l}${before} ${w} ${after}`,
                    `${l}${w}`,
                    `${l}${before} \`${w}\` ${after}`,
                    `${l}${before}`,
                ])
                    assert.equal(formOf([line], 1), undefined, line);
            }),
        );
    });

    it("a shell prompt line is operational whatever it runs", () => {
        fc.assert(
            fc.property(fc.constantFrom("", "> "), proseWord, prose, (q, program, args) => {
                assert.equal(formOf([`${q}$ ${program} ${args}`], 1), "shell prompt");
            }),
        );
    });

    it("an indented block after a blank line is code four columns past its list item, else part of the list", () => {
        fc.assert(
            fc.property(
                fc.integer({ min: 0, max: 2 }),
                fc.integer({ min: 0, max: 8 }),
                prose,
                prose,
                (itemIndent, extra, item, body) => {
                    const marker = `${" ".repeat(itemIndent)}- `;
                    const content = marker.length;
                    const lines = [`${marker}${item}`, "", `${" ".repeat(content + extra)}${body}`];
                    assert.equal(formOf(lines, 3), extra >= 4 ? "indented code" : undefined, lines.join("⏎"));
                    // Outside any list, four columns after a blank line make code, and fewer do not.
                    const top = ["# Heading", "", `${" ".repeat(extra)}${body}`];
                    assert.equal(formOf(top, 3), extra >= 4 ? "indented code" : undefined, top.join("⏎"));
                },
            ),
        );
    });

    it("names the program after assignments and a path", () => {
        assert.equal(commandWord("GOBIN=$(pwd)/ GO111MODULE=on ~/go/bin/kustomize build x"), "kustomize");
        assert.equal(commandWord("./cluster-up/kubectl.sh -n x"), undefined);
        assert.equal(commandWord("oc"), undefined);
    });
});
