import { containersOf, describe, kindOf, podSpecOf } from "./k8s";
import { Rule, isObj, objectsOf } from "./types";

/** Words that make a key a secret on their own (matched as whole words of the name). */
const SECRET_WORDS = new Set([
    "PASSWORD",
    "PASSWD",
    "PASSPHRASE",
    "PWD",
    "SECRET",
    "TOKEN",
    "CREDENTIAL",
    "CREDENTIALS",
    "APIKEY",
    "PRIVATEKEY",
    "KEYTAB",
    "HMAC",
    "DSN",
]);
/** `<word> KEY` pairs that name a key (API key, private key, ...), unlike a bare KEY ("KEYCLOAK", "KEY_FPATH"). */
const KEY_QUALIFIERS = new Set([
    "API",
    "PRIVATE",
    "SECRET",
    "ACCESS",
    "SIGNING",
    "ENCRYPTION",
    "TLS",
    "SSH",
    "CLIENT",
]);
/** A last word that makes the name a reference to a secret, not the secret (`GITHUB_TOKEN_PATH`, `SECRET_NAME`). */
const REFERENCE_WORDS = new Set([
    "NAME",
    "NAMES",
    "REF",
    "FILE",
    "PATH",
    "FPATH",
    "DIR",
    "URL",
    "URI",
    "ENDPOINT",
    "ID",
    "TTL",
    "TYPE",
]);
const SSH_KEY_FILES = new Set(["ID_RSA", "ID_DSA", "ID_ECDSA", "ID_ED25519"]);

/** Upper-case words of a key: `githubOauthToken` / `github-oauth-token` / `GITHUB_OAUTH_TOKEN` → GITHUB OAUTH TOKEN. */
export function nameWords(name: string): string[] {
    return name
        .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
        .split(/[^A-Za-z0-9]+/)
        .filter((w) => w !== "")
        .map((w) => w.toUpperCase());
}

/** True for names that hold a secret value (`DJANGO_SECRET_KEY`, `api.key`, `ssh-privatekey`, `id_rsa`). */
export function isSecretName(name: string): boolean {
    const words = nameWords(name);
    // A lone PWD is the shell's working directory, not a password.
    if (words.length === 0 || REFERENCE_WORDS.has(words[words.length - 1]) || words.join() === "PWD")
        return false;
    if (SSH_KEY_FILES.has(words.join("_"))) return true;
    if (words.join("_").endsWith("BASIC_AUTH")) return true;
    return words.some(
        (w, i) => SECRET_WORDS.has(w) || (w === "KEY" && i > 0 && KEY_QUALIFIERS.has(words[i - 1])),
    );
}

/** The part of secretlint's rule API its rules use when scanning one text. */
interface SecretlintRule {
    meta: { id: string };
    create(
        context: {
            report(descriptor: { message: { id: string } }): void;
            createTranslator(
                messages: unknown,
            ): (id: string, data?: unknown) => { id: string; data?: unknown };
            sharedOptions: Record<string, unknown>;
            options: Record<string, unknown>;
        },
        options: Record<string, unknown>,
    ): { file?(source: { content: string; filePath: string; ext: string; contentType: "text" }): unknown };
}

// secretlint's recommended rule set (GitHub, GitLab, Slack, AWS, private keys, basic-auth URLs, database connection
// strings, and more), maintained upstream as token formats change. Its rules scan a text synchronously, so they can
// run inside a policy check without secretlint's async runner; the comment filter has nothing to filter here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const preset = require("@secretlint/secretlint-rule-preset-recommend") as {
    creator: { rules: SecretlintRule[] };
};
const SECRETLINT_RULES = preset.creator.rules.filter((r) => !r.meta.id.endsWith("filter-comments"));

/** An AWS access key id on its own: secretlint's AWS rule only reports one next to its secret key. */
const AWS_ACCESS_KEY_ID = /\b(AKIA|ASIA)[0-9A-Z]{16}\b/;
/** Environment references (`$(VAR)`, `${VAR}`) in a URL's password place are how secrets are meant to get there. */
const ENV_REFERENCE = /\$\([A-Za-z_][A-Za-z0-9_]*\)|\$\{[A-Za-z_][A-Za-z0-9_]*\}/g;

/** The secretlint rules (short names, e.g. `github`) that find a secret in `text`. */
export function secretlintFindings(text: string): string[] {
    const content = text.replace(ENV_REFERENCE, "");
    const found = new Set<string>();
    for (const rule of SECRETLINT_RULES) {
        const name = rule.meta.id.replace(/^@secretlint\/secretlint-rule-/, "");
        const handlers = rule.create(
            {
                report: () => found.add(name),
                createTranslator: () => (id, data) => ({ id, data }),
                sharedOptions: {},
                options: {},
            },
            {},
        );
        handlers.file?.({ content, filePath: "value", ext: "", contentType: "text" });
    }
    return [...found].sort();
}

const REASONS: Record<string, string> = {
    privatekey: "contains a PEM private key",
    basicauth: "contains a URL with a password",
    "database-connection-string": "contains a URL with a password",
};

/** Why a value looks like a secret itself, whatever its key is called; undefined when it does not. */
export function secretValueReason(value: unknown): string | undefined {
    if (typeof value !== "string") return undefined;
    const findings = secretlintFindings(value);
    if (AWS_ACCESS_KEY_ID.test(value)) findings.push("aws");
    if (findings.length === 0) return undefined;
    return REASONS[findings[0]] ?? `contains an access token (${findings.join(", ")})`;
}

/**
 * No secret in a ConfigMap or in a plain env value: keys named like secrets (PASSWORD, TOKEN, SECRET, API KEY,
 * ...) with a value, and values that are secrets by their shape (PEM private keys, tokens, URLs with passwords).
 * Secrets belong in Secrets, referenced with `secretKeyRef`/`envFrom.secretRef`.
 */
export const noPlainSecrets: Rule = {
    name: "no-plain-secrets",
    description: "No secret in a ConfigMap or a plain env value: use a Secret and secretKeyRef.",
    check({ type, props }) {
        const where = describe(type, props);
        const violations: string[] = [];
        if (kindOf(type) === "ConfigMap") {
            for (const field of ["data", "binaryData"]) {
                const data = props[field];
                if (!isObj(data)) continue;
                for (const [key, value] of Object.entries(data)) {
                    if (isSecretName(key) && typeof value === "string" && value !== "") {
                        violations.push(
                            `${where}: ${field}["${key}"] is named like a secret; put it in a Secret`,
                        );
                    } else {
                        const reason = secretValueReason(value);
                        if (reason)
                            violations.push(`${where}: ${field}["${key}"] ${reason}; put it in a Secret`);
                    }
                }
            }
        }
        const pod = podSpecOf(type, props);
        for (const c of pod ? containersOf(pod) : []) {
            for (const env of objectsOf(c.container.env)) {
                const name = typeof env.name === "string" ? env.name : "";
                if (typeof env.value !== "string" || env.value === "") continue;
                const reason = isSecretName(name) ? "is named like a secret" : secretValueReason(env.value);
                if (reason) {
                    violations.push(
                        `${where}: container "${c.name}" env ${name} ${reason} but has a plain value; use valueFrom.secretKeyRef`,
                    );
                }
            }
        }
        return violations;
    },
};
