import { strict as assert } from "assert";
import Ajv from "ajv";
import addFormats from "ajv-formats";
import { readFileSync, readdirSync } from "fs";
import * as path from "path";
import { parse } from "yaml";
import { STACK_SCHEMA_FILE } from "../../docs/stackSchema";
import { repoRoot } from "../../root";

// The published JSON Schema of a stack file, read as an editor reads it: by a standard validator (ajv 8, draft-07),
// from the committed file the stack files name. That the file is what `npm run docs` makes is configuration.test.ts's.

const ROOT = repoRoot();
const STACK_FILES = readdirSync(ROOT)
    .filter((f) => /^Pulumi\..+\.yaml$/.test(f))
    .sort();

const schema = JSON.parse(readFileSync(path.join(ROOT, STACK_SCHEMA_FILE), "utf8")) as object;
// The formats (uri, ...) are checked as an editor checks them: ajv's own format package.
const validate = addFormats(new Ajv({ allErrors: true })).compile(schema);

/** Where and why the schema refuses a stack file: `<JSON pointer>: <message>`. */
function refusals(stackFile: unknown): string[] {
    if (validate(stackFile)) return [];
    return (validate.errors ?? []).map((e) => {
        const key = (e.params as { additionalProperty?: string }).additionalProperty;
        return `${e.instancePath}: ${e.message}${key ? ` (${key})` : ""}`;
    });
}

const committed = (file: string) =>
    parse(readFileSync(path.join(ROOT, file), "utf8")) as Record<string, unknown>;

describe(`the stack file's JSON Schema (${STACK_SCHEMA_FILE})`, () => {
    it("is named on the first line of every committed stack file, for the YAML language server", () => {
        assert.deepEqual(STACK_FILES, [
            "Pulumi.local-callysto.yaml",
            "Pulumi.local.yaml",
            "Pulumi.prod.yaml",
            "Pulumi.stage.yaml",
        ]);
        for (const file of STACK_FILES)
            assert.equal(
                readFileSync(path.join(ROOT, file), "utf8").split("\n")[0],
                `# yaml-language-server: $schema=${STACK_SCHEMA_FILE}`,
                file,
            );
    });

    for (const file of STACK_FILES)
        it(`accepts ${file}`, () => {
            assert.deepEqual(refusals(committed(file)), []);
        });

    it("refuses a wrong type and an unknown key at their path, a plain secret and a section left out", () => {
        const stack = committed("Pulumi.prod.yaml");
        const config = stack.config as Record<
            string,
            { bots: Record<string, Record<string, unknown> | boolean> }
        >;
        const bots = config["runbooks:thoth"].bots;
        bots.createNamespace = "yes" as unknown as boolean;
        (bots.kebechet as Record<string, unknown>).imagee = "quay.io/thoth-station/kebechet-job:v1.2.4";
        assert.deepEqual(
            refusals(stack).filter((r) => !r.endsWith('must match "else" schema')),
            [
                "/config/runbooks:thoth/bots/createNamespace: must be boolean",
                "/config/runbooks:thoth/bots/kebechet: must NOT have additional properties (imagee)",
            ],
        );

        const other = committed("Pulumi.stage.yaml");
        const keys = other.config as Record<string, unknown>;
        keys["runbooks:thot"] = { enabled: true };
        keys["runbooks:dials-django-secret-key"] = "pasted in plain";
        keys["runbooks:thoth-sesheta-ssh-privatekey"] = { secure: "v1:abc" };
        delete keys["runbooks:prow"];
        assert.deepEqual(refusals(other).sort(), [
            "/config/runbooks:dials-django-secret-key: must be object",
            "/config: must NOT have additional properties (runbooks:thot)",
            "/config: must have required property 'runbooks:prow'",
        ]);
    });

    it("needs nothing but enabled: false in a switched-off system's section", () => {
        const stack = committed("Pulumi.stage.yaml");
        (stack.config as Record<string, unknown>)["runbooks:thoth"] = { enabled: false, bots: "anything" };
        assert.deepEqual(refusals(stack), []);
    });
});
