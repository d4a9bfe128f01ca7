import { strict as assert } from "assert";
import fc from "fast-check";
import { splitExtraVars } from "../../../components/callysto/ansible";
import { worldAdmittedBy } from "../../../components/config/checks";
import { namedCredentials } from "../../../components/config/secretValues";
import { noPlainSecrets } from "../../../policy/rules/secrets";
import { C, PROD, edit, stage, validate } from "../battery";
import { onlyProblem } from "../../harness";

// Issue 38, finding 7: credentials found by their shape and by the name of the key they are under (one rule for the
// configuration, the commands' inputs and the policy pack), and production ssh refused by the union of its ranges.

const b64url = fc.stringMatching(/^[A-Za-z0-9_-]{10,40}$/);
const b64json = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
/** A JWT of any claims and signature: no vendor prefix, found by its shape. */
const jwt = fc
    .tuple(fc.string({ minLength: 1, maxLength: 12 }), b64url)
    .map(([sub, sig]) => `${b64json({ alg: "HS256", typ: "JWT" })}.${b64json({ sub })}.${sig}`);
/** Key names a user writes for a secret, in every case and separator style. */
const secretName = fc
    .tuple(
        fc.constantFrom("db", "aws", "api", "smtp", "admin", "jupyterhub"),
        fc.constantFrom("password", "secret_access_key", "token", "private_key", "secret", "passwd"),
        fc.constantFrom("_", "-"),
        fc.boolean(),
    )
    .map(([a, b, sep, upper]) => {
        const n = `${a}${sep}${b.replace(/_/g, sep)}`;
        return upper ? n.toUpperCase() : n;
    });
const plainValue = fc.stringMatching(/^[A-Za-z0-9/+]{8,40}$/);

const POLICY_CONTEXT = { stack: "prod", production: true } as never;
const configMap = (data: Record<string, string>) =>
    ({
        type: "kubernetes:core/v1:ConfigMap",
        name: "cm",
        urn: "urn:pulumi:prod::runbooks::kubernetes:core/v1:ConfigMap::cm",
        props: { metadata: { name: "cm", namespace: "ns" }, data },
    }) as never;
const command = (environment: Record<string, string>) =>
    ({
        type: "command:local:Command",
        name: "ansible",
        urn: "urn:pulumi:prod::runbooks::command:local:Command::ansible",
        props: { create: "ansible-playbook site.yml", environment },
    }) as never;

describe("guards: credentials by shape and by name; ssh by the union of its ranges (issue 38, finding 7)", function () {
    this.timeout(60000);

    it("a JWT in a free-form value stops the run and is a policy violation in a ConfigMap", () => {
        fc.assert(
            fc.property(jwt, (token) => {
                const out = validate(
                    stage((d) => d.setIn(C("thoth", "bots", "seshetaConfig", "auth"), token)),
                );
                onlyProblem(out, "runbooks:thoth.bots.seshetaConfig.auth");
                assert.ok(!out.message.includes(token), "the message quotes the token");
                assert.ok(
                    noPlainSecrets.check(configMap({ "config.json": `{"auth":"${token}"}` }), POLICY_CONTEXT)
                        .length > 0,
                );
            }),
            { seed: 38, numRuns: 5 },
        );
    });

    it("a secret-named Ansible variable stops the run, and never reaches a command's plain input", () => {
        fc.assert(
            fc.property(secretName, plainValue, (name, value) => {
                const key = name.toLowerCase().replace(/-/g, "_");
                const out = validate(
                    stage((d) => d.setIn(C("callysto", "provisioning", "vars", key), value)),
                );
                onlyProblem(out, `runbooks:callysto.provisioning.vars.${key}`);
                const split = splitExtraVars({ [name]: value, jhub_docker_cull_cull_s: 3600 });
                assert.deepEqual(Object.keys(split.secret), [name]);
                assert.deepEqual(Object.keys(split.plain), ["jhub_docker_cull_cull_s"]);
                const violations = noPlainSecrets.check(
                    command({ ANSIBLE_EXTRA_VARS: JSON.stringify({ [name]: value }) }),
                    POLICY_CONTEXT,
                );
                assert.ok(violations.length > 0, name);
            }),
            { seed: 38, numRuns: 8 },
        );
    });

    it("references to a secret kept elsewhere are not credentials", () => {
        for (const v of ["{{ vault_db_password }}", "${DB_PASSWORD}", "$(DB_PASSWORD)", ""])
            assert.deepEqual(namedCredentials(v, "db_password"), [], v);
        assert.deepEqual(namedCredentials("/etc/secrets/db", "db_password_file"), []);
    });

    it("ranges whose union is the world are the world, however they are split", () => {
        /** The IPv4 space split at random into blocks: their union is every address. */
        const split = (depth: number): fc.Arbitrary<string[]> =>
            fc.array(fc.boolean(), { minLength: 1, maxLength: 6 }).map((cuts) => {
                let blocks: [number, number][] = [[0, 0]];
                for (const cut of cuts.slice(0, depth)) {
                    blocks = blocks.flatMap(([start, prefix]) =>
                        cut || prefix === 0
                            ? [
                                  [start, prefix + 1],
                                  [start + 2 ** (31 - prefix), prefix + 1],
                              ]
                            : [[start, prefix]],
                    );
                }
                return blocks.map(
                    ([s, p]) => `${[24, 16, 8, 0].map((b) => Math.floor(s / 2 ** b) % 256).join(".")}/${p}`,
                );
            });
        fc.assert(
            fc.property(split(6), (blocks) => {
                assert.deepEqual(worldAdmittedBy(blocks), ["IPv4"], blocks.join(" "));
            }),
            { seed: 38, numRuns: 100 },
        );
        assert.deepEqual(worldAdmittedBy(["::/1", "8000::/1"]), ["IPv6"]);
        assert.deepEqual(worldAdmittedBy(["::ffff:0.0.0.0/97", "::ffff:128.0.0.0/97"]), ["IPv4"]);
    });

    it("production ssh from 0.0.0.0/1 and 128.0.0.0/1 is refused like 0.0.0.0/0", () => {
        const out = validate(
            edit(PROD, (d) =>
                d.setIn(C("callysto", "sshSources"), d.createNode(["0.0.0.0/1", "128.0.0.0/1"])),
            ),
            "prod",
        );
        assert.ok(
            out.problems.some(
                (p) =>
                    p.key === "runbooks:callysto.sshSources" && /every unicast IPv4 address/.test(p.message),
            ),
            out.message,
        );
    });
});
