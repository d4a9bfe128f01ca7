import { strict as assert } from "assert";
import { readFileSync, writeFileSync } from "fs";
import * as path from "path";
import { loadProgramConfig } from "../../components/config/load";
import { ConfigError, ConfigProblem } from "../../components/config/problems";
import { memoryConfigSource } from "../../components/config/source";
import { PLACEHOLDER } from "../../components/shared/placeholder";
import { SYSTEMS } from "../../components/systems";
import { scratchDir } from "../fixtures/scratch";
import { configProblems, stackSecrets, stackValues, liveStackFile } from "../harness";

// Stage is told it needs its own database server: a stage stack never runs with production's, whatever its URI
// secrets hold, and every stack's URIs name the server its stack file names.

const KEY = "runbooks:dials.databaseServer";
const URIS = ["dials-django-database-uri", "dials-etl-database-uri"];
const PASSWORD = "pr0d-Passw0rd";
const PROD_SERVER = "dbod-dials.cern.ch:6600";
const prodUri = `postgresql://dials:${PASSWORD}@${PROD_SERVER}`;

/** A checkout whose Pulumi.prod.yaml names `server` for DIALS (the committed file with its placeholder replaced). */
function checkout(server: string): string {
    const root = scratchDir("dials-db-");
    const text = readFileSync("Pulumi.prod.yaml", "utf8");
    assert.ok(text.includes(`databaseServer: ${PLACEHOLDER}`));
    writeFileSync(
        path.join(root, "Pulumi.prod.yaml"),
        text.replace(`databaseServer: ${PLACEHOLDER}`, `databaseServer: ${server}`),
    );
    return root;
}

/** The problems a real run of `stack` stops on, with its URI secrets decrypted as the real source hands them out. */
function problems(
    stack: "stage" | "prod",
    server: string,
    uris: Record<string, string>,
    root?: string,
): ConfigProblem[] {
    const values = stackValues(stack);
    (values.dials as Record<string, unknown>).databaseServer = server;
    const secrets = { ...stackSecrets(stack, values), ...uris };
    const base = memoryConfigSource(values, secrets, { stack });
    const source = { ...base, getValue: (key: string) => (key in uris ? uris[key] : base.getValue(key)) };
    return configProblems(source, { root });
}

const both = (uri: string) => Object.fromEntries(URIS.map((k) => [k, uri]));
const databaseProblems = (ps: ConfigProblem[]) =>
    ps.filter((p) => p.key === KEY || URIS.some((k) => p.key === `runbooks:${k}`));

describe("DIALS database server per stack", () => {
    it("stage naming production's server, in any spelling, stops with a fix that asks for its own", () => {
        const root = checkout(PROD_SERVER);
        for (const spelt of [PROD_SERVER, "DBOD-Dials.CERN.ch.:6600", "dbod-dials.cern.ch:06600"]) {
            const found = databaseProblems(problems("stage", spelt, both(prodUri), root));
            assert.deepEqual(
                found.map((p) => p.key),
                [KEY],
                spelt,
            );
            assert.match(found[0].message, /\(production\).*production's data/);
            assert.match(found[0].message, /Request a server of this stack's own and name it here/);
            assert.equal(found[0].fix, undefined, "no command offers production's server");
        }
    });

    it("stage with its own server but production's URIs stops on each URI, never printing them", () => {
        const found = databaseProblems(
            problems("stage", "dbod-dials-stage.cern.ch:6600", both(prodUri), checkout(PROD_SERVER)),
        );
        assert.deepEqual(
            found.map((p) => p.key).sort(),
            URIS.map((k) => `runbooks:${k}`),
        );
        for (const p of found) {
            assert.equal(
                p.fix,
                `pulumi config set --secret ${p.key.slice("runbooks:".length)} --stack stage`,
            );
            assert.ok(
                !`${p.message}${p.fix}`.includes(PASSWORD) && !p.message.includes("dbod-dials.cern.ch:"),
                p.message,
            );
        }
    });

    it("stage on its own server, URIs spelling it differently, runs", () => {
        const uri = "postgres://dials:s3cret@DBOD-DIALS-STAGE.cern.ch:6600/dials?sslmode=require";
        assert.deepEqual(
            databaseProblems(
                problems("stage", "dbod-dials-stage.cern.ch:6600", both(uri), checkout(PROD_SERVER)),
            ),
            [],
        );
    });

    it("stage stops while production's stack file names no server: nothing proves them different", () => {
        const found = databaseProblems(
            problems(
                "stage",
                "dbod-dials-stage.cern.ch:6600",
                both("postgresql://u:p@dbod-dials-stage.cern.ch:6600"),
            ),
        );
        assert.deepEqual(
            found.map((p) => p.key),
            [KEY],
        );
        assert.match(
            found[0].message,
            /cannot be proven to differ from production's: stack "prod" \(production\) names no server/,
        );
        assert.match(found[0].message, /Its operator sets it to production's host:port first/);
        assert.equal(found[0].fix, undefined);
    });

    it("production's URIs must name production's declared server; it is never compared with stage", () => {
        assert.deepEqual(databaseProblems(problems("prod", PROD_SERVER, both(prodUri))), []);
        const found = databaseProblems(
            problems("prod", PROD_SERVER, {
                ...both(prodUri),
                "dials-etl-database-uri": "postgresql://u:p@dbod-other.cern.ch:6600",
            }),
        );
        assert.deepEqual(
            found.map((p) => p.key),
            ["runbooks:dials-etl-database-uri"],
        );
        assert.match(
            found[0].message,
            /another server than runbooks:dials\.databaseServer \(dbod-dials\.cern\.ch:6600\)/,
        );
        const unreadable = databaseProblems(
            problems("prod", PROD_SERVER, {
                ...both(prodUri),
                "dials-django-database-uri": "postgresql:///dials?host=/tmp",
            }),
        );
        assert.match(unreadable[0].message, /names no single PostgreSQL server/);
    });

    it("the committed stacks leave it to the operator: a real run stops on the placeholder, the fix asks", () => {
        for (const stack of ["stage", "prod"] as const) {
            const values = liveStackFile(stack).values;
            let found: ConfigProblem | undefined;
            try {
                loadProgramConfig(
                    memoryConfigSource(values, stackSecrets(stack, values), { stack }),
                    SYSTEMS,
                );
            } catch (err) {
                if (!(err instanceof ConfigError)) throw err;
                found = err.problems.find((p) => p.key === KEY);
            }
            assert.ok(found, `${stack} stops on ${KEY}`);
            assert.match(
                found.message,
                /: set it to the host:port of the DB-on-demand instance .*never production's$/,
            );
            assert.equal(found.fix, undefined);
        }
    });
});
