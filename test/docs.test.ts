import { strict as assert } from "assert";
import { readFileSync } from "fs";
import * as path from "path";
import { secretsTable, withSecretsTable } from "../tools/docs/secrets";
import { repoRoot } from "../tools/root";

const ROOT = repoRoot();

describe("README", () => {
    it("has the secrets table that the stacks' secret specs generate (run `npm run docs` after adding a secret)", () => {
        const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
        assert.equal(withSecretsTable(readme, secretsTable(ROOT)), readme);
    });

    it("names the two commands of a new user and the test command CI runs", () => {
        const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
        assert.match(readme, /npm ci && npm run plan -- --stack stage/);
        assert.match(readme, /^npm test\b/m);
        const ci = readFileSync(path.join(ROOT, ".ci", "run"), "utf8");
        assert.match(ci, /^npm test$/m);
    });
});
