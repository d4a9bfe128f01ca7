import { strict as assert } from "assert";
import { readFileSync } from "fs";
import * as path from "path";
import { documentationPages } from "../../../test/oracles/docs/links";
import { CONFIG_KEYS_PAGE, configKeysPage } from "../../docs/configuration";
import { STACK_SCHEMA_FILE, stackFileSchema, stackSchemaText } from "../../docs/stackSchema";
import { SECRETS_PAGE, committedSecrets, renderSecretsTable, withSecretsTable } from "../../docs/secrets";
import { repoRoot } from "../../root";

/**
 * The secrets table, generated from every system's SecretSpecs for the committed stack files; only the keys `keep`
 * accepts (a system's page shows its own).
 */
function secretsTable(root: string, keep: (key: string) => boolean = () => true): string {
    return renderSecretsTable(committedSecrets(root), keep);
}

const ROOT = repoRoot();

const read = (page: string) => readFileSync(path.join(ROOT, page), "utf8");

describe("README and docs/", () => {
    it("has the secrets table that the stacks' secret specs generate (run `npm run docs` after adding a secret)", () => {
        const page = read(SECRETS_PAGE);
        assert.equal(withSecretsTable(page, secretsTable(ROOT)), page);
    });

    it("takes over what runs today only by the adoption flow: never an orphaning delete, never import-or-delete", () => {
        // Every mention of --cascade=orphan, on any page, says not to (it leaves the old pods running beside the new
        // ones), except the StatefulSet handover, which the report prints only while the live selector is kept (the
        // new StatefulSet adopts the pods: e2e/firstDeployOrphan.e2e.ts); the first-deploy page has a warning.
        const orphans = documentationPages(ROOT).flatMap((page) =>
            read(page)
                .replace(/\s+/g, " ")
                .split(/(?<=[.;:])\s/)
                .filter((x) => x.includes("--cascade=orphan"))
                .map((sentence) => ({ page, sentence })),
        );
        assert.ok(
            orphans.some((o) => o.page === "docs/operate/first-deploy.md"),
            "the first-deploy page warns against --cascade=orphan",
        );
        const handover = (sentence: string) =>
            /delete statefulset <name> --cascade=orphan/.test(sentence) &&
            /while its live selector is kept/.test(sentence);
        for (const o of orphans)
            assert.ok(/\bNever\b/.test(o.sentence) || handover(o.sentence), `${o.page}: ${o.sentence}`);
        assert.ok(
            orphans.some((o) => /\bNever\b/.test(o.sentence) && o.page === "docs/operate/first-deploy.md"),
            "the first-deploy page says never to orphan a workload whose selector changes",
        );
        // Prow's first deploy goes through the adoption flow, production first (it owns the ProwJob CRD).
        const firstDeploy = read("docs/operate/first-deploy.md");
        const prow = firstDeploy.split("\n").find((l) => /^\|\s*KubeVirt Prow\s*\|/.test(l));
        assert.ok(prow, "the first-deploy table has a KubeVirt Prow row");
        assert.doesNotMatch(prow, /maintenance window|`pulumi import`/);
        assert.match(prow, /adopted in place/);
        assert.match(prow, /prod first \(it creates the ProwJob CRD\)/);
    });

    it("names each stack's own source of a secret that lives per environment (prod never from staging's files)", () => {
        const row = secretsTable(ROOT)
            .split("\n")
            .find((l) => l.startsWith("| `prow-hmac-token` |"));
        assert.ok(row, "prow-hmac-token row");
        assert.match(row, /stage: [^;]*environments\/ibmcloud-staging\/secrets\/hmac-token/);
        assert.match(row, /prod: [^|]*environments\/ibmcloud-production\/secrets\/hmac-token/);
    });

    it("keeps a key that is another's for other stacks on the other's row (Thoth's stage credentials)", () => {
        const row = secretsTable(ROOT)
            .split("\n")
            .find((l) => l.startsWith("| `thoth-station-ceph-key-id`;"));
        assert.ok(row, "thoth-station-ceph-key-id row");
        assert.match(
            row,
            /^\| `thoth-station-ceph-key-id`; stage: `thoth-stage-station-ceph-key-id` \| prod; stage \|/,
        );
        assert.doesNotMatch(secretsTable(ROOT), /^\| `thoth-stage-station-ceph-key-id`/m);
        assert.match(
            secretsTable(ROOT),
            /A second key on a row is its stack's: stage's own credential, never production's\./,
        );
    });

    it("has the stack file's JSON Schema and the configuration keys the schemas generate (run `npm run docs` after changing a schema)", () => {
        const schema = stackFileSchema();
        assert.equal(stackSchemaText(schema), read(STACK_SCHEMA_FILE));
        const page = read(CONFIG_KEYS_PAGE);
        assert.equal(configKeysPage(schema), page);
        // A field's description through a spread helper, its type and default, and sibling bots merged into one row.
        assert.match(
            page,
            /\| `bots\.createNamespace` \| boolean \| = `true` \| Create the namespace \(false when it exists and is owned by someone else\)\. \|/,
        );
        assert.match(
            page,
            /\| `bots\.\{kebechet,nepthys,sesheta-label-checker,sesheta-scrum,sesheta-approver\}\.suspend` \| boolean \| = `false` \| Keep the CronJob/,
        );
        // A key that may be left out, with its example; a map's values under `<name>`; the values of an enum.
        assert.match(
            page,
            /\| `<name>\.context` \| string \| optional, e\.g\. `default\/api-cluster:6443\/admin` \| kubeconfig context;/,
        );
        assert.match(
            page,
            /\| `<name>\.namespaces\.<name>` \| string \| e\.g\. `thoth` \| What this stack may write/,
        );
        assert.match(page, /^`production` or `staging` or `local`$/m);
        for (const section of [
            "tier",
            "clusters",
            "openstack",
            "thoth",
            "packit",
            "stream",
            "prow",
            "dials",
            "callysto",
        ])
            assert.ok(page.includes(`## \`runbooks:${section}\``), section);
    });

    it("names the two commands of a new user and the test command CI runs", () => {
        const readme = read("README.md");
        assert.match(readme, /npm ci && npm run plan -- --stack stage/);
        assert.match(readme, /^npm test\b/m);
        const ci = readFileSync(path.join(ROOT, ".ci", "run"), "utf8");
        assert.match(ci, /^npm test$/m);
    });
});
