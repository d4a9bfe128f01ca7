import { strict as assert } from "assert";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { Stack } from "../../conformance/schema";
import { docsCommand, generatedDocs, outOfDate } from "../../docs/cli";
import { SECRETS_PAGE } from "../../docs/secrets";
import {
    PlanFacts,
    PrintedPlan,
    SYSTEM_PAGE_MARKER,
    shortKeys,
    shortObjects,
    systemPage,
} from "../../docs/systems";
import { operatorValuesOfSummary, renderSummary } from "../../plan/render";
import { repoRoot } from "../../root";
import { stackPlan } from "../../../test/fixtures/plans";
import { fixturePlan, fixtureTable } from "../../../test/conformance/fixture";

const ROOT = repoRoot();

async function printedPlans(): Promise<Record<Stack, PrintedPlan>> {
    const [stage, prod] = [await stackPlan("stage"), await stackPlan("prod")];
    return { stage, prod };
}

function facts(stack: Stack): PlanFacts {
    return {
        resources: fixturePlan(stack),
        notices: [
            { kind: "ADOPTED HOST", line: `demo: CLEAN UP demo-${stack} when done` },
            { kind: "ADOPTED HOST", line: "other: not about the demo" },
            ...(stack === "stage"
                ? [
                      {
                          kind: "UNCONFIRMED IMAGE",
                          line: "demo: UNCONFIRMED IMAGE runbooks:demo.image = demo:v1: nobody pinned it",
                      },
                  ]
                : []),
        ],
        operatorValues: ["runbooks:demo.hosts[0].portId", "runbooks:demos.x", "runbooks:other.y"],
    };
}

describe("generated docs: docs/systems/<system>.md from the runbook tables", function () {
    // Run alone (`npx mocha <file>`), the first test plans both committed stacks in this process.
    this.timeout(300_000);

    it("every committed generated page is what `npm run docs` makes (run it after changing a table or the plans)", async () => {
        assert.deepEqual(
            outOfDate(await generatedDocs(ROOT, printedPlans)).map((d) => d.file),
            [],
        );
    });

    it("lays out a table's steps one line each, first-deploy notices, secrets and unverified values per stack", () => {
        const plans = { stage: facts("stage"), prod: facts("prod") };
        const keys: string[] = [];
        const page = systemPage(fixtureTable(), plans, (keep) => {
            keys.push(...["demo-token", "demos-token", "other-token"].filter(keep));
            return "SECRETS TABLE";
        });
        assert.equal(
            systemPage(fixtureTable(), plans, () => "SECRETS TABLE"),
            page,
            "deterministic",
        );
        assert.deepEqual(keys, ["demo-token"]);
        const expected = [
            "# demo: runbook `999-demo.txt`",
            "5 steps: 2 replaced by objects, 2 by hand, 1 dropped.",
            // One line per step: its runbook line, the step, what replaces it (per-stack names tagged).
            "\n- **5** create the namespace → Namespace `demo-stg` (stage), `demo-prod` (prod); config `demo.namespace`\n",
            "\n- **6** apply the app → Deployment `app`\n",
            "\n- **8** read the token → **dropped**: the token is a stack secret\n",
            "\n- **9** restore the backup → **by hand**: a restore needs the operator's backup ([procedure][p1])\n",
            "\n[p1]: ../operate/recovery.md#restore-a-pg_dump-backup\n",
            "\n- **10** clean up → **by hand**: only the operator knows when (procedure: the plan's notice starting `CLEAN UP demo`)\n",
            // One notice about each stack's own objects: once, with what differs per stack in `{stage|prod}`.
            "- stage, prod: demo: CLEAN UP {demo-stage|demo-prod} when done\n",
            "## Secrets\n\nSECRETS TABLE\n",
            "- `demo.hosts[0].portId`: placeholder (stage, prod)\n- `demo.image`: `demo:v1` UNCONFIRMED IMAGE (stage)\n",
        ];
        // Every line of the steps' section is a step, a reference or blank: a step never spills onto a second line.
        const steps = page.slice(page.indexOf("## Runbook steps"), page.indexOf("## Before the first"));
        assert.equal(
            steps.split("\n").filter((l) => l.startsWith("- **")).length,
            fixtureTable().steps.length,
        );
        for (const text of expected) assert.ok(page.includes(text), `${text}\n--- not in ---\n${page}`);
        assert.ok(page.startsWith(SYSTEM_PAGE_MARKER));
        assert.doesNotMatch(page, /other|demos/);
    });

    it("names a step's objects and keys in short form, each once", () => {
        const prefixed = [
            {
                kind: "Deployment",
                namespace: { stage: "ns-stg", prod: "ns" },
                name: { stage: "staging-crier", prod: "crier" },
            },
            { kind: "Deployment", name: { stage: "staging-deck", prod: "deck" } },
            { kind: "CronJob", name: { stage: "staging-label-sync", prod: "label-sync" } },
        ];
        assert.equal(
            shortObjects(prefixed, ["stage", "prod"]),
            "Deployment `crier`, `deck`; CronJob `label-sync` (stage: each prefixed `staging-`)",
        );
        // One name that does not follow the others: every name with its stack.
        assert.equal(
            shortObjects(
                [...prefixed, { kind: "Secret", name: { stage: "a", prod: "b" } }],
                ["stage", "prod"],
            ).split("(stage)").length - 1,
            4,
        );
        assert.equal(
            shortObjects([{ type: "pulumi:providers:kubernetes", name: "psi" }], ["prod"]),
            "provider `psi`",
        );
        assert.equal(
            shortKeys([
                "thoth.bots.namespace",
                "thoth.bots.createNamespace",
                "packit-aws-key",
                "stream-aws-key",
                "x-y",
            ]),
            "`thoth.bots.{namespace,createNamespace}`, `{packit,stream}-aws-key`, `x-y`",
        );
    });

    it("reads the operator values back from the summary the plan prints", async () => {
        for (const stack of ["stage", "prod"] as const) {
            const plan = await stackPlan(stack);
            const values = operatorValuesOfSummary(plan.summary);
            assert.deepEqual(
                operatorValuesOfSummary(
                    renderSummary(stack, { resources: [], kubernetes: {}, operatorValues: values }),
                ),
                values,
            );
        }
        assert.ok(
            operatorValuesOfSummary((await stackPlan("prod")).summary).includes(
                "runbooks:callysto.hosts[0].adopt.portId",
            ),
        );
    });

    it("npm run docs -- --check names each stale file and writes nothing; npm run docs repairs them", async () => {
        const dir = mkdtempSync(path.join(tmpdir(), "docs-systems-"));
        try {
            for (const f of [SECRETS_PAGE, "Pulumi.yaml", "Pulumi.stage.yaml", "Pulumi.prod.yaml"]) {
                mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
                cpSync(path.join(ROOT, f), path.join(dir, f));
            }
            for (const f of (await generatedDocs(ROOT, printedPlans)).map((d) => d.file))
                if (existsSync(path.join(ROOT, f))) cpSync(path.join(ROOT, f), path.join(dir, f));
            const pages = path.join(dir, "docs/systems");
            mkdirSync(pages, { recursive: true });
            // A page of a table that is gone, and a hand-written page the generator does not own.
            writeFileSync(
                path.join(pages, "gone.md"),
                `${SYSTEM_PAGE_MARKER} from a table that is gone -->\n`,
            );
            writeFileSync(path.join(pages, "notes.md"), "# Notes\n");
            const secrets = path.join(dir, SECRETS_PAGE);
            const current = readFileSync(secrets, "utf8");
            const block = current.slice(current.indexOf("<!-- BEGIN secrets"));
            const row = block.split("\n").find((l) => l.startsWith("| `"))!;
            writeFileSync(secrets, current.replace(`${row}\n`, ""));

            const check = await docsCommand(["--check"], dir, printedPlans);
            assert.equal(check.code, 1);
            assert.equal(
                check.stderr,
                `${SECRETS_PAGE} is out of date\ndocs/systems/gone.md is out of date\nrun \`npm run docs\` and commit the result\n`,
            );
            assert.ok(existsSync(path.join(pages, "gone.md")), "--check writes nothing");

            const write = await docsCommand([], dir, printedPlans);
            assert.equal(write.code, 0);
            assert.match(write.stdout, /docs\/systems\/gone\.md removed/);
            assert.equal(readFileSync(secrets, "utf8"), current);
            assert.ok(!existsSync(path.join(pages, "gone.md")));
            assert.equal(readFileSync(path.join(pages, "notes.md"), "utf8"), "# Notes\n");
            assert.equal((await docsCommand(["--check"], dir, printedPlans)).code, 0);
            assert.equal((await docsCommand(["--bogus"], dir, printedPlans)).code, 2);
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });
});
