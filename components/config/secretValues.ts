// Values that are credentials by their shape, whatever the key holding them is called: the one detector the config
// layer (plain stack config values) and the policy pack (plain resource inputs) share. secretlint's recommended
// rule set (GitHub, GitLab, Slack, AWS, npm, private keys, basic-auth URLs, database connection strings, ...) is
// maintained upstream as token formats change. Its rules scan a text synchronously, so they run without secretlint's
// async runner; its comment filter has nothing to filter here.

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

// eslint-disable-next-line @typescript-eslint/no-require-imports
const preset = require("@secretlint/secretlint-rule-preset-recommend") as {
    creator: { rules: SecretlintRule[] };
};
const SECRETLINT_RULES = preset.creator.rules.filter((r) => !r.meta.id.endsWith("filter-comments"));

/**
 * A JSON Web Token (header.payload.signature, the first two base64url JSON objects): an OpenID Connect or service
 * account token has no vendor prefix for secretlint's rules to find.
 */
const JWT = /\beyJ[A-Za-z0-9_-]{6,}\.eyJ[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{8,}/;
/** The armour line of any PEM private key (RSA, EC, OPENSSH, ENCRYPTED, PKCS#8). */
const PEM_PRIVATE_KEY = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/;
/** An AWS access key id on its own: secretlint's AWS rule only reports one next to its secret key. */
const AWS_ACCESS_KEY_ID = /\b(AKIA|ASIA)[0-9A-Z]{16}\b/;
/** Environment references (`$(VAR)`, `${VAR}`) in a URL's password place are how secrets are meant to get there. */
const ENV_REFERENCE = /\$\([A-Za-z_][A-Za-z0-9_]*\)|\$\{[A-Za-z_][A-Za-z0-9_]*\}/g;

/**
 * Findings per text: every value is scanned by several checks (the configuration's, and the policy pack's on every
 * plain input of a preview, most of them the same few hundred strings), a test run loads hundreds of stacks, and
 * running all of secretlint's rules on one text is the costly part of both. Bounded, as a long-running policy server
 * sees ever new values.
 */
const scanned = new Map<string, readonly string[]>();
const SCANNED_MAX = 10_000;

/** The secretlint rules (short names, e.g. `github`; `aws` also for a lone access key id) that find a secret. */
export function secretlintFindings(text: string): string[] {
    let found = scanned.get(text);
    if (found === undefined) {
        found = scan(text);
        if (scanned.size >= SCANNED_MAX) scanned.clear();
        scanned.set(text, found);
    }
    return [...found];
}

function scan(text: string): string[] {
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
    if (AWS_ACCESS_KEY_ID.test(content)) found.add("aws");
    if (JWT.test(content)) found.add("jwt");
    // secretlint's rule wants a whole key; a truncated or reflowed one pasted into a setting is still a key.
    if (PEM_PRIVATE_KEY.test(content)) found.add("privatekey");
    return [...found].sort();
}

/** What each rule finds, in an operator's words. */
const KINDS: Record<string, string> = {
    privatekey: "private key",
    basicauth: "URL with a password",
    "database-connection-string": "URL with a password",
    github: "GitHub token",
    gitlab: "GitLab token",
    slack: "Slack token",
    aws: "AWS access key",
    jwt: "JSON Web Token",
    gcp: "Google Cloud service account key",
    azure: "Azure key",
    npm: "npm token",
    openai: "OpenAI key",
    anthropic: "Anthropic key",
    sendgrid: "SendGrid key",
    shopify: "Shopify token",
    linear: "Linear key",
    "1password": "1Password token",
    "hashicorp-vault": "Vault token",
};

/** The kinds of credential `value` holds (`GitHub token`, `private key`, ...); empty when it holds none. */
export function credentialKinds(value: string): string[] {
    if (value.length < 8) return [];
    return [...new Set(secretlintFindings(value).map((f) => KINDS[f] ?? `${f} credential`))];
}

/** `a, b and c`. */
export function listOf(words: readonly string[]): string {
    return words.length <= 1
        ? (words[0] ?? "")
        : `${words.slice(0, -1).join(", ")} and ${words[words.length - 1]}`;
}

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

/** A value that only refers to a secret kept elsewhere: an Ansible/Jinja expression or an environment reference. */
const REFERENCE_ONLY = /^\s*(\{\{[^}]*\}\}|\$\{[A-Za-z_][A-Za-z0-9_]*\}|\$\([A-Za-z_][A-Za-z0-9_]*\))\s*$/;

/**
 * The credentials a free-form value holds, by shape (credentialKinds) and by name: in a map whose keys are the
 * user's (Ansible variables, a bot's config.json), a non-empty value under a key named like a secret
 * (`db_password`, `aws_secret_access_key`, `api_token`, `ssh_private_key`) is one whatever it looks like. The one
 * rule of the configuration check, of what reaches a command's inputs (components/callysto/ansible.ts) and of the
 * policy pack. `name` is the key the value is under, when it is one of the user's.
 */
export function namedCredentials(value: unknown, name?: string, depth = 0): string[] {
    if (depth > 32) return [];
    if (typeof value === "string") {
        const kinds = credentialKinds(value);
        if (kinds.length > 0) return kinds;
        const named =
            name !== undefined && isSecretName(name) && value.trim() !== "" && !REFERENCE_ONLY.test(value);
        return named ? [`value under the secret-named key ${name}`] : [];
    }
    if (typeof value === "number" && name !== undefined && isSecretName(name)) {
        return [`value under the secret-named key ${name}`];
    }
    if (Array.isArray(value)) return [...new Set(value.flatMap((v) => namedCredentials(v, name, depth + 1)))];
    if (value !== null && typeof value === "object") {
        return [...new Set(Object.entries(value).flatMap(([k, v]) => namedCredentials(v, k, depth + 1)))];
    }
    return [];
}

/**
 * {@link namedCredentials} of a text as an object receives it: a JSON document (Ansible's extra variables, a bot's
 * config.json) is read for its keys too, so a credential under a secret-named key is found in the rendered text.
 */
export function textCredentials(text: string): string[] {
    const kinds = credentialKinds(text);
    if (kinds.length > 0 || !/^\s*[[{]/.test(text)) return kinds;
    try {
        return namedCredentials(JSON.parse(text));
    } catch {
        return [];
    }
}
