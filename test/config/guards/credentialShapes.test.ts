import { strict as assert } from "assert";
import fc from "fast-check";
import { CREDENTIAL_MESSAGE } from "../../../components/config/issues";
import { credentialKinds, multiLineDocument } from "../../../components/config/secretValues";
import { TEST_CAS } from "../../fixtures/testCas";
import { C, STAGE, stage, validate } from "../battery";
import {
    ALNUM,
    B64,
    HEX,
    LOWER,
    Placed,
    VARS,
    assertPlans,
    chars,
    fullKeyOf,
    placed,
    plainName,
    refused,
    stageWithVar,
} from "./generated";

// Issue 70, part 2: credentials wherever they sit in a plain value: in a URL's user information, query or fragment,
// in a JDBC or ODBC connection string, in the lines of the files that carry them (.npmrc, .pypirc, .netrc, a Docker
// login, a script or an environment file), in an Ansible Vault envelope; on one line or many, at any depth of a
// free-form value. Each is refused at its full key, the value never echoed, its fix safe and converging; the policy
// pack refuses it in a command's input by the same rule. Each class is generated (24 cases) with its control: the same
// value with a stand-in for the credential (a reference, a placeholder) is no credential. Multi-line content that is
// no credential (PEM certificates, SSH public keys, a script) plans in a free-form value; a typed setting stays one
// line.

const RUNS = { seed: 70, numRuns: 24 };
const secret = chars(`${ALNUM}-._~`, 10, 24);
const host = chars(LOWER, 3, 10).map((h) => `${h}.example.org`);
const standIn = fc.constantFrom("${TOKEN}", "{{ vault_api_token }}", "<token>", "$(cat /run/secrets/token)");

/** A credential case and its control, at one place of the Ansible variables (any depth, plain names). */
interface Shaped {
    /** The value holding the credential. */
    value: string;
    /** The same value with a stand-in where the credential was. */
    control: string;
    /** What must never be echoed. */
    secrets: string[];
}

function top(at: Placed): string {
    return String(at.path[0]);
}

/** Refused at its key with one clean credential problem; the policy pack refuses it too; its control holds none. */
function judge(shaped: Shaped, at: Placed, control: Placed): void {
    refused(at, shaped.secrets);
    // Control: the stand-in is no credential, wherever it stands.
    const outcome = validate(
        stageWithVar(top(control), (control.value as Record<string, unknown>)[top(control)]),
    );
    assert.ok(
        !outcome.problems.some((p) => p.message.startsWith(CREDENTIAL_MESSAGE)),
        `a stand-in is called a credential: ${outcome.message}`,
    );
    assert.deepEqual(credentialKinds(shaped.control), []);
}

/** Each shaped case at a random place of the Ansible variables (any depth, plain names), its control at another. */
function check(cases: fc.Arbitrary<Shaped>, seed = RUNS.seed): void {
    const anywhere = (v: string) => plainName.chain((n) => placed(n, v));
    fc.assert(
        fc.property(
            cases.chain((s) => fc.tuple(fc.constant(s), anywhere(s.value), anywhere(s.control))),
            ([s, at, control]) => judge(s, at, control),
        ),
        { ...RUNS, seed },
    );
}

describe("issue 70, part 2: credentials wherever they sit in a plain value", function () {
    this.timeout(600000);

    it("a URL's user information, query or fragment (access_token=, api_key=, key=, sig=, password=, #token=)", () => {
        const url = fc
            .tuple(
                fc.constantFrom("https", "http", "git+https", "redis", "amqps", "s3"),
                host,
                fc.constantFrom("userinfo", "query", "fragment"),
                fc.constantFrom(
                    "access_token",
                    "api_key",
                    "apikey",
                    "key",
                    "sig",
                    "password",
                    "token",
                    "client_secret",
                    "X-Amz-Signature",
                ),
                chars(LOWER, 3, 8),
                secret,
                standIn,
            )
            .map(([scheme, h, place, param, user, s, stand]): Shaped => {
                const at = (v: string) =>
                    place === "userinfo"
                        ? `${scheme}://${user}:${v}@${h}/repo`
                        : place === "query"
                          ? `${scheme}://${h}/api/v1?page=2&${param}=${v}&lang=en`
                          : `${scheme}://${h}/callback#${param}=${v}&state=${user}`;
                return {
                    value: at(s),
                    control: place === "userinfo" ? `${scheme}://${user}@${h}/repo` : at(stand),
                    secrets: [s],
                };
            });
        check(url);
    });

    it("a JDBC or ODBC connection string with password= or Pwd=", () => {
        const conn = fc
            .tuple(
                fc.constantFrom("jdbc-query", "jdbc-semicolon", "odbc"),
                host,
                chars(LOWER, 3, 8),
                secret.filter((s) => !s.includes(";")),
                fc.constantFrom("password", "Password", "PWD", "Pwd"),
                standIn,
            )
            .map(([kind, h, user, s, name, stand]): Shaped => {
                const at = (v: string) =>
                    kind === "jdbc-query"
                        ? `jdbc:postgresql://${h}:5432/app?user=${user}&${name}=${v}&ssl=true`
                        : kind === "jdbc-semicolon"
                          ? `jdbc:sqlserver://${h}:1433;databaseName=app;user=${user};${name}=${v};encrypt=true`
                          : `Driver={ODBC Driver 18 for SQL Server};Server=${h};Database=app;Uid=${user};${name}=${v};`;
                return { value: at(s), control: at(stand), secrets: [s] };
            });
        check(conn, 71);
    });

    it("the lines of .npmrc, .pypirc, .netrc, a Docker login, a script or an environment file, one line or many", () => {
        const lines = fc
            .tuple(
                fc.constantFrom(
                    "npmrc-token",
                    "npmrc-auth",
                    "pypirc",
                    "netrc-lines",
                    "netrc-one",
                    "dockercfg",
                    "script",
                    "env",
                ),
                host,
                chars(LOWER, 3, 8),
                secret,
                standIn,
            )
            .map(([kind, h, user, s, stand]): Shaped => {
                const b64 = Buffer.from(`${user}:${s}`).toString("base64");
                const at = (v: string, encoded = v) => {
                    switch (kind) {
                        case "npmrc-token":
                            return `registry=https://${h}/\n//${h}/:_authToken=${v}\nalways-auth=true`;
                        case "npmrc-auth":
                            return `//${h}/:_auth=${encoded}\nemail=${user}@${h}`;
                        case "pypirc":
                            return `[distutils]\nindex-servers = private\n\n[private]\nrepository = https://${h}/simple\nusername = ${user}\npassword = ${v}`;
                        case "netrc-lines":
                            return `machine ${h}\n  login ${user}\n  password ${v}\n`;
                        case "netrc-one":
                            return `machine ${h} login ${user} password ${v}`;
                        case "dockercfg":
                            return JSON.stringify({
                                [`https://${h}/v1/`]: { auth: encoded, email: `${user}@${h}` },
                            });
                        case "script":
                            return `#!/bin/sh\nset -eu\nexport DEPLOY_TOKEN=${v}\ncurl -fsS https://${h}/deploy\n`;
                        case "env":
                            return `HOST=${h}\nAPI_SECRET=${v}\nDEBUG=false`;
                    }
                };
                // A registry login's stand-in: no login at all (its `auth` is the credential whatever it holds).
                const control =
                    kind === "dockercfg"
                        ? JSON.stringify({ [`https://${h}/v1/`]: { email: `${user}@${h}` } })
                        : at(stand, stand);
                return {
                    value: at(s, b64),
                    control,
                    secrets: kind === "npmrc-auth" || kind === "dockercfg" ? [b64] : [s],
                };
            });
        check(lines, 72);
    });

    it("an Ansible Vault envelope, on one line or many", () => {
        const vault = fc
            .tuple(
                fc.constantFrom("1.1;AES256", "1.2;AES256;prod"),
                fc.array(chars(HEX, 80), { minLength: 1, maxLength: 4 }),
                fc.boolean(),
            )
            .map(([header, rows, oneLine]): Shaped => ({
                value: `$ANSIBLE_VAULT;${header}${oneLine ? " " : "\n"}${rows.join("\n")}\n`,
                control: "{{ vault_db_password }}",
                secrets: rows.filter((r) => r.length >= 8),
            }));
        check(vault, 73);
    });

    it("the rule, not the line break, refuses a multi-line case (control: its stand-in is no credential)", () => {
        // Without the credential rule, a multi-line value would be refused for its line break alone, naming the
        // character, never as a credential: the credential message is what the rule adds.
        const text = stageWithVar(
            "npmrc",
            "registry=https://npm.example.org/\n//npm.example.org/:_authToken=s3cretvalue42",
        );
        const outcome = validate(text);
        assert.deepEqual(
            outcome.problems.map((p) => p.key),
            [fullKeyOf(VARS, ["npmrc"])],
        );
        assert.ok(outcome.problems[0].message.startsWith(CREDENTIAL_MESSAGE), outcome.message);
        const standIn = validate(
            stageWithVar(
                "npmrc",
                "registry=https://npm.example.org/\n//npm.example.org/:_authToken=${NPM_TOKEN}",
            ),
        );
        assert.match(standIn.message, /U\+000A/);
        assert.ok(!standIn.message.includes(CREDENTIAL_MESSAGE));
    });
});

const certs = fc
    .uniqueArray(fc.nat({ max: TEST_CAS.length - 1 }), { minLength: 1, maxLength: 3 })
    .map((ix) => ix.map((i) => TEST_CAS[i]).join(""));
const sshKeys = fc
    .array(
        fc
            .tuple(
                fc.constantFrom("ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256"),
                chars(B64, 68),
                chars(LOWER, 3, 10),
            )
            .map(([alg, body, who]) => `${alg} AAAA${body} ${who}@clavius`),
        { minLength: 2, maxLength: 4 },
    )
    .map((keys) => `${keys.join("\n")}\n`);
const script = fc
    .tuple(
        fc.constantFrom("#!/bin/sh", "#!/usr/bin/env bash"),
        host,
        fc.constantFrom("${TOKEN}", "$(cat /run/secrets/token)"),
    )
    .map(
        ([bang, h, ref]) =>
            `${bang}\nset -eu\n\tAPI_TOKEN=${ref}\ncurl -fsS -H "Authorization: Bearer $API_TOKEN" https://${h}/ping\n`,
    );

describe("issue 70, part 2: multi-line content that is no credential plans; a setting stays one line", function () {
    this.timeout(600000);

    it("PEM certificates, SSH public keys and a script without credentials plan, at any depth of a free-form value", () => {
        fc.assert(
            fc.property(
                fc
                    .tuple(plainName, fc.oneof(certs, sshKeys, script))
                    .chain(([n, v]) => fc.tuple(fc.constant(v), placed(n, v))),
                ([v, at]) => {
                    assert.ok(multiLineDocument(v) !== undefined, v);
                    assertPlans(
                        stageWithVar(top(at), (at.value as Record<string, unknown>)[top(at)]),
                        "stage",
                    );
                },
            ),
            RUNS,
        );
    });

    it("control: the same content in a typed setting is refused for its line break, naming what may span lines", () => {
        fc.assert(
            fc.property(fc.oneof(certs, sshKeys, script), (v) => {
                const outcome = validate(
                    stage((d) => d.setIn(C("callysto", "provisioning", "announcement"), v)),
                );
                assert.deepEqual(
                    outcome.problems.map((p) => p.key),
                    ["runbooks:callysto.provisioning.announcement"],
                    outcome.message,
                );
                assert.match(
                    outcome.problems[0].message,
                    /U\+000A.*free-form value may hold PEM certificates/,
                );
            }),
            { ...RUNS, numRuns: 20 },
        );
    });

    it("control: multi-line text that is no such content (two words, a YAML snippet) stays refused in a free-form value", () => {
        fc.assert(
            fc.property(plainName, chars(LOWER, 3, 8), chars(LOWER, 3, 8), (n, a, b) => {
                const outcome = validate(stageWithVar(n, `${a}\n${b}`));
                assert.deepEqual(
                    outcome.problems.map((p) => p.key),
                    [fullKeyOf(VARS, [n])],
                    outcome.message,
                );
                assert.match(outcome.problems[0].message, /U\+000A/);
            }),
            { ...RUNS, numRuns: 20 },
        );
    });

    it("a committed stack with a CA bundle in its Ansible variables plans, as written in the file", () => {
        const bundle = TEST_CAS.join("").trimEnd();
        const block = bundle
            .split("\n")
            .map((l) => `          ${l}`)
            .join("\n");
        // callysto.provisioning.vars, the one mapping at this depth named vars.
        const committed = "      vars:\n";
        assert.equal(STAGE.split(committed).length, 2, "stage's callysto.provisioning.vars, once");
        // The stack file as an operator writes it: a YAML block scalar, line breaks and all.
        const text = STAGE.replace(committed, `      vars:\n        private_ca_bundle: |\n${block}\n`);
        assert.ok(text.includes("private_ca_bundle: |"), "the edit did not apply");
        assertPlans(text, "stage");
    });
});
