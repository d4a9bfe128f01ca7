import { strict as assert } from "assert";
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { secretsTable, updateReadme, withSecretsTable } from "../tools/docs/secrets";
import { repoRoot } from "../tools/root";

const ROOT = repoRoot();

describe("README", () => {
    it("has the secrets table that the stacks' secret specs generate (run `npm run docs` after adding a secret)", () => {
        const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
        assert.equal(withSecretsTable(readme, secretsTable(ROOT)), readme);
    });

    it("takes over what runs today only by the adoption flow: never an orphaning delete, never import-or-delete", () => {
        const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
        // Every mention of --cascade=orphan says not to (it leaves the old pods running beside the new ones).
        const sentences = readme.replace(/\s+/g, " ").split(/(?<=[.;:])\s/);
        const orphan = sentences.filter((x) => x.includes("--cascade=orphan"));
        assert.ok(orphan.length > 0, "the README warns against --cascade=orphan");
        for (const x of orphan) assert.match(x, /\bNever\b/, x);
        // Prow's notes send the first deploy through the adoption flow, production first (the ProwJob CRD).
        const prow = readme.slice(
            readme.indexOf("<!-- BEGIN runbook prow"),
            readme.indexOf("<!-- END runbook prow"),
        );
        assert.ok(prow.length > 0);
        assert.doesNotMatch(prow, /maintenance window|`pulumi import`/);
        assert.match(prow, /adopted as in "First deploy: taking over what runs today"/);
        assert.match(prow, /production first/);
    });

    it("npm run docs says unchanged (and writes nothing) when the table is current, updated when it was not", () => {
        const dir = mkdtempSync(path.join(tmpdir(), "docs-"));
        try {
            for (const f of ["README.md", "Pulumi.yaml", "Pulumi.stage.yaml", "Pulumi.prod.yaml"]) {
                cpSync(path.join(ROOT, f), path.join(dir, f));
            }
            const file = path.join(dir, "README.md");
            const current = readFileSync(file, "utf8");
            const before = statSync(file).mtimeMs;
            assert.equal(updateReadme(dir), "README.md secrets table unchanged (already up to date)");
            assert.equal(statSync(file).mtimeMs, before, "an unchanged README is not rewritten");

            // A secret row lost (a hand edit, a merge): the table is regenerated and the message says so.
            const block = current.slice(current.indexOf("<!-- BEGIN secrets"));
            const row = block.split("\n").find((l) => l.startsWith("| `"))!;
            writeFileSync(file, current.replace(`${row}\n`, ""));
            assert.equal(updateReadme(dir), "README.md secrets table updated");
            assert.equal(readFileSync(file, "utf8"), current);
            assert.equal(updateReadme(dir), "README.md secrets table unchanged (already up to date)");
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });

    it("names each stack's own source of a secret that lives per environment (prod never from staging's files)", () => {
        const row = secretsTable(ROOT)
            .split("\n")
            .find((l) => l.startsWith("| `prow-hmac-token` |"));
        assert.ok(row, "prow-hmac-token row");
        assert.match(row, /stage: [^;]*environments\/ibmcloud-staging\/secrets\/hmac-token/);
        assert.match(row, /prod: [^|]*environments\/ibmcloud-production\/secrets\/hmac-token/);
    });

    it("names the two commands of a new user and the test command CI runs", () => {
        const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
        assert.match(readme, /npm ci && npm run plan -- --stack stage/);
        assert.match(readme, /^npm test\b/m);
        const ci = readFileSync(path.join(ROOT, ".ci", "run"), "utf8");
        assert.match(ci, /^npm test$/m);
    });
});
