import { strict as assert } from "assert";
import fc from "fast-check";
import { noPlainSecrets } from "../../../policy/rules/secrets";
import {
    ALNUM,
    B64,
    HEX,
    LOWER,
    POLICY,
    UPPER_DIGITS,
    VARS,
    assertCredentialRefused,
    assertPlans,
    chars,
    command,
    Placed,
    fullKeyOf,
    judged,
    password,
    placed,
    plainName,
    refused,
    stageWithVar,
} from "./generated";

// Issue 52, item 4: credentials by a maintained ruleset (every rule of secretlint's recommended preset) and by the
// credential forms of the tools this program feeds (Ansible, OpenShift, container registries, kubeconfigs, PuTTY and
// RFC 4716 keys), at any depth of a free-form value, base64-encoded once; the policy pack judges by the same rule.
// Every class is generated (at least 20 cases); a public key and a plain value keep planning.

const RUNS = { seed: 52, numRuns: 20 };
/** A password as a URL carries it unescaped (secretlint's URL rules read these characters). */
const urlPassword = chars(`${ALNUM}-._~`, 8, 20);
const judgedStage = (text: string) => judged(text, "stage");
const b64 = (s: string) => Buffer.from(s).toString("base64");

/** A token of every rule of secretlint's recommended preset, by the formats its rules document. */
export const PRESET_TOKENS: Record<string, fc.Arbitrary<string>> = {
    aws: chars(UPPER_DIGITS, 16).map((b) => `AKIA${b}`),
    gcp: fc.tuple(chars(HEX, 40), chars(B64, 64)).map(([id, body]) =>
        JSON.stringify({
            type: "service_account",
            private_key_id: id,
            private_key: `-----BEGIN PRIVATE KEY-----\n${body}\n-----END PRIVATE KEY-----\n`,
        }),
    ),
    privatekey: fc
        .tuple(fc.constantFrom("RSA ", "EC ", "OPENSSH ", "ENCRYPTED ", ""), chars(B64, 64, 128))
        .map(
            ([kind, body]) => `-----BEGIN ${kind}PRIVATE KEY-----\n${body}\n-----END ${kind}PRIVATE KEY-----`,
        ),
    npm: chars(ALNUM, 36).map((b) => `npm_${b}`),
    basicauth: fc
        .tuple(chars(LOWER, 3, 10), urlPassword, chars(LOWER, 3, 10))
        .map(([u, p, h]) => `https://${u}:${p}@${h}.example.org/repo.git`),
    slack: fc
        .tuple(chars("0123456789", 10, 12), chars("0123456789", 13), chars(ALNUM, 24))
        .map(([a, b, c]) => `xoxb-${a}-${b}-${c}`),
    sendgrid: fc.tuple(chars(ALNUM, 22), chars(ALNUM, 43)).map(([a, b]) => `SG.${a}.${b}`),
    shopify: chars(HEX, 32).map((b) => `shpat_${b}`),
    stripe: chars(ALNUM, 24, 32).map((b) => `sk_live_${b}`),
    github: chars(ALNUM, 36).map((b) => `ghp_${b}`),
    gitlab: chars(ALNUM, 20).map((b) => `glpat-${b}`),
    grafana: fc.tuple(chars(ALNUM, 32), chars(HEX, 8)).map(([a, b]) => `glsa_${a}_${b}`),
    openai: fc.tuple(chars(ALNUM, 20), chars(ALNUM, 20)).map(([a, b]) => `sk-${a}T3BlbkFJ${b}`),
    anthropic: chars(ALNUM, 93).map((b) => `sk-ant-api03-${b}AA`),
    groq: chars(ALNUM, 52).map((b) => `gsk_${b}`),
    huggingface: chars(LOWER, 34).map((b) => `hf_${b}`),
    linear: chars(ALNUM, 40).map((b) => `lin_api_${b}`),
    notion: fc.tuple(chars("0123456789", 11), chars(ALNUM, 35)).map(([a, b]) => `ntn_${a}${b}`),
    "1password": fc.tuple(chars(LOWER, 6, 12), chars(ALNUM, 43)).map(([user, k]) => {
        // The token is the base64 of a JSON object whose closing brace is encoded alone (`fQ`), as 1Password's are.
        const json = JSON.stringify({
            email: `${user}@1passwordserviceaccounts.lcl`,
            muk: { k },
            secretKey: k,
        });
        const padded = `${json.slice(0, -1)}${" ".repeat((1 - (json.length % 3) + 3) % 3)}}`;
        return `ops_${b64(padded).replace(/=+$/, "")}`;
    }),
    "hashicorp-vault": chars(ALNUM, 90).map((b) => `hvs.${b}`),
    vercel: chars(ALNUM, 24, 40).map((b) => `vcp_${b}`),
    databricks: chars(HEX, 32).map((b) => `dapi${b}`),
    docker: chars(ALNUM, 27).map((b) => `dckr_pat_${b}`),
    figma: chars(ALNUM, 40).map((b) => `figd_${b}`),
    cloudflare: fc.tuple(chars(ALNUM, 40), chars(HEX, 8)).map(([a, b]) => `cfut_${a}${b}`),
    tailscale: fc.tuple(chars(ALNUM, 17), chars(ALNUM, 33)).map(([a, b]) => `tskey-auth-${a}-${b}`),
    "database-connection-string": fc
        .tuple(fc.constantFrom("postgres", "postgresql", "mysql", "mongodb"), chars(LOWER, 3, 8), urlPassword)
        .map(([scheme, u, p]) => `${scheme}://${u}:${p}@db.example.org:5432/app`),
};

/** A generated credential, and a place under a plain (not secret-sounding) name that holds `textOf` it. */
function underPlainName<T>(credential: fc.Arbitrary<T>, textOf: (c: T) => string): fc.Arbitrary<[T, Placed]> {
    return credential.chain((c) =>
        fc.tuple(
            fc.constant(c),
            plainName.chain((n) => placed(n, textOf(c))),
        ),
    );
}

describe("generated battery: credentials by the ruleset, at any depth, base64 once (issue 52, item 4)", function () {
    this.timeout(600000);

    it("has a generator for every rule of secretlint's recommended preset", () => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const preset = require("@secretlint/secretlint-rule-preset-recommend") as {
            creator: { rules: { meta: { id: string } }[] };
        };
        const ids = preset.creator.rules
            .map((r) => r.meta.id.replace(/^@secretlint\/secretlint-rule-/, ""))
            .filter((id) => id !== "filter-comments");
        assert.deepEqual(Object.keys(PRESET_TOKENS).sort(), ids.sort());
    });

    it("every preset rule's token, plain or base64-encoded, at any depth, is refused and never echoed", () => {
        const rule = fc.constantFrom(...Object.keys(PRESET_TOKENS));
        const tokenCase = rule.chain((r) =>
            fc.tuple(fc.constant(r), PRESET_TOKENS[r], fc.boolean(), plainName),
        );
        fc.assert(
            fc.property(
                tokenCase.chain(([r, token, encoded, name]) =>
                    fc.tuple(
                        fc.constant({ r, token, value: encoded ? b64(token) : token }),
                        placed(name, encoded ? b64(token) : token),
                    ),
                ),
                ([c, at]) => refused(at, [c.token, c.value]),
            ),
            { ...RUNS, numRuns: 60 },
        );
    });

    it("Ansible's password variables (ansible_*pass*, vault_*), at any depth", () => {
        const name = fc.oneof(
            fc.constantFrom(
                "ansible_password",
                "ansible_become_password",
                "ansible_ssh_pass",
                "ansible_become_pass",
                "ansible_sudo_pass",
                "ansible_httpapi_pass",
            ),
            chars(LOWER, 3, 10).map((w) => `vault_${w}`),
        );
        fc.assert(
            fc.property(
                fc.tuple(name, password).chain(([n, p]) => fc.tuple(fc.constant(p), placed(n, p))),
                ([p, at]) => refused(at, [p]),
            ),
            RUNS,
        );
    });

    it("a password written as a template default() under a secret-named key", () => {
        const template = fc
            .tuple(
                fc.constantFrom("default", "d"),
                fc.constantFrom("'", '"'),
                password.filter((p) => !p.includes("'") && !p.includes('"')),
                fc.constantFrom("db_password", "vault_smtp", "ansible_become_password", "admin_token"),
            )
            .map(([filter, q, p, name]) => ({
                p,
                name,
                value: `{{ ${name}_from_env | ${filter}(${q}${p}${q}) }}`,
            }));
        fc.assert(
            fc.property(
                template.chain((t) => fc.tuple(fc.constant(t), placed(t.name, t.value))),
                ([t, at]) => refused(at, [t.p]),
            ),
            RUNS,
        );
    });

    it("a container registry login (.dockerconfigjson's auths.<registry>.auth), as a map or as its JSON text", () => {
        const login = fc
            .tuple(
                fc.constantFrom(
                    "quay.io",
                    "registry.redhat.io",
                    "docker.io",
                    "ghcr.io",
                    "image-registry.apps.example.org",
                ),
                chars(LOWER, 3, 10),
                password,
                fc.constantFrom("auth", "password", "identitytoken"),
                fc.boolean(),
            )
            .map(([registry, user, p, field, asText]) => {
                const secret = field === "auth" ? b64(`${user}:${p}`) : p;
                const config = { auths: { [registry]: { [field]: secret } } };
                return { secret, value: asText ? JSON.stringify(config) : config, asText, registry, field };
            });
        fc.assert(
            fc.property(plainName, login, (top, l) => {
                const text = stageWithVar(top, l.value);
                const key = l.asText
                    ? fullKeyOf(VARS, [top])
                    : fullKeyOf(VARS, [top, "auths", l.registry, l.field]);
                assertCredentialRefused(text, key, [l.secret]);
                assert.ok(noPlainSecrets.check(command({ [top]: l.value }), POLICY).length > 0);
            }),
            RUNS,
        );
    });

    it("OpenShift sha256~ access tokens, under any name", () => {
        fc.assert(
            fc.property(
                underPlainName(
                    chars(`${ALNUM}_-`, 43).map((b) => `sha256~${b}`),
                    (t) => t,
                ),
                ([t, at]) => refused(at, [t]),
            ),
            RUNS,
        );
    });

    it("base64-encoded kubeconfigs, whatever their user authenticates with", () => {
        const kubeconfig = fc
            .tuple(
                chars(LOWER, 3, 12),
                fc.nat({ max: 65535 }),
                fc.oneof(
                    chars(`${ALNUM}_-`, 43).map((t) => ({ token: `sha256~${t}` })),
                    chars(B64, 64).map((k) => ({ "client-certificate-data": k, "client-key-data": k })),
                    fc.tuple(chars(LOWER, 3, 8), password).map(([u, p]) => ({ username: u, password: p })),
                ),
            )
            .map(([host, port, user]) => {
                const text = [
                    "apiVersion: v1",
                    "kind: Config",
                    "clusters:",
                    `- name: ${host}`,
                    `  cluster: {server: "https://api.${host}.example.org:${port || 6443}"}`,
                    "users:",
                    "- name: deployer",
                    `  user: ${JSON.stringify(user)}`,
                    "contexts:",
                    `- name: ${host}`,
                    `  context: {cluster: ${host}, user: deployer}`,
                    `current-context: ${host}`,
                    "",
                ].join("\n");
                return { encoded: b64(text), secrets: Object.values(user) };
            });
        fc.assert(
            fc.property(
                underPlainName(kubeconfig, (k) => k.encoded),
                ([k, at]) => refused(at, [k.encoded, ...k.secrets.filter((s) => s.length >= 8)]),
            ),
            RUNS,
        );
    });

    it("PuTTY and RFC 4716 (SSH2) private keys", () => {
        const key = fc.oneof(
            fc
                .tuple(fc.constantFrom("2", "3"), fc.constantFrom("ssh-rsa", "ssh-ed25519"), chars(B64, 64))
                .map(([v, alg, body]) => ({
                    body,
                    text: `PuTTY-User-Key-File-${v}: ${alg}\nEncryption: none\nComment: operator\nPublic-Lines: 1\n${body}\nPrivate-Lines: 1\n${body}\nPrivate-MAC: ${body.slice(0, 40)}\n`,
                })),
            fc.tuple(fc.constantFrom("", "ENCRYPTED "), chars(B64, 64)).map(([enc, body]) => ({
                body,
                text: `---- BEGIN SSH2 ${enc}PRIVATE KEY ----\nComment: "operator"\n${body}\n---- END SSH2 ${enc}PRIVATE KEY ----\n`,
            })),
        );
        fc.assert(
            fc.property(
                underPlainName(key, (k) => k.text),
                ([k, at]) => refused(at, [k.body]),
            ),
            RUNS,
        );
    });

    it("a list of passwords under a secret-named key, however deep", () => {
        fc.assert(
            fc.property(
                fc.constantFrom("db_passwords", "api_tokens", "ssh_private_keys", "smtp_secret"),
                fc.array(password, { minLength: 1, maxLength: 3 }),
                fc.array(plainName, { maxLength: 3 }),
                (name, passwords, outer) => {
                    let value: unknown = { [name]: passwords };
                    for (const k of [...outer].reverse()) value = { [k]: value };
                    const top = outer[0] ?? name;
                    const below = [...outer.slice(1), ...(outer.length > 0 ? [name] : [])];
                    const text = stageWithVar(
                        top,
                        outer.length > 0 ? (value as Record<string, unknown>)[top] : passwords,
                    );
                    const keys = passwords.map((_, i) => fullKeyOf(VARS, [top, ...below, i]));
                    const { outcome, faults } = judgedStage(text);
                    assert.deepEqual(
                        outcome.problems.map((p) => p.key).sort(),
                        [...new Set(keys)].sort(),
                        outcome.message,
                    );
                    for (const p of passwords) assert.ok(!outcome.message.includes(p), "echoed");
                    assert.deepEqual(faults, []);
                },
            ),
            RUNS,
        );
    });
});

describe("generated battery: legitimate values keep planning (issue 52, item 4)", function () {
    this.timeout(600000);

    it("a public key under any name (ssh_key, deploy_key, ...): as an OpenSSH line", () => {
        // One line: here a public key is an OpenSSH line (RFC 4716's multi-line block, in a free-form value, is
        // test/config/guards/credentialShapes.test.ts's).
        const publicKey = fc
            .tuple(
                fc.constantFrom("ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256"),
                chars(B64, 68),
                chars(LOWER, 3, 10),
            )
            .map(([alg, body, who]) => `${alg} AAAA${body} ${who}@clavius`);
        fc.assert(
            fc.property(
                fc.constantFrom("ssh_key", "deploy_key", "ssh_public_key", "authorized_key", "operator_key"),
                publicKey,
                (name, key) => assertPlans(stageWithVar(name, key), "stage"),
            ),
            RUNS,
        );
    });

    it("plain values under plain names, at any depth", () => {
        const plain = fc.oneof(
            fc.array(chars(LOWER, 2, 9), { minLength: 1, maxLength: 6 }).map((w) => w.join(" ")),
            fc.integer({ min: 0, max: 100000 }),
            chars(LOWER, 3, 12).map((h) => `${h}.callysto.space`),
        );
        fc.assert(
            fc.property(
                fc.tuple(plainName, plain).chain(([n, v]) => placed(n, v)),
                (at) =>
                    assertPlans(
                        stageWithVar(
                            String(at.path[0]),
                            (at.value as Record<string, unknown>)[String(at.path[0])],
                        ),
                        "stage",
                    ),
            ),
            RUNS,
        );
    });
});
