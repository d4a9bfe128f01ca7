import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { loadFacts } from "../shared/facts";
import { memoByString } from "../shared/memo";

// Values that are credentials by their shape, whatever their key: the one detector of the config layer and the policy
// pack. secretlint's recommended rules are maintained upstream as token formats change; they run synchronously here.

const words = z.array(z.string().min(1)).transform((w) => new Set(w));
const credentialFacts = z.strictObject({
    kinds: z.record(z.string(), z.string().min(1)),
    secretWords: words,
    keyQualifiers: words,
    referenceWords: words,
    vaultLocationWords: words,
    sshKeyFiles: words,
    paramNames: words,
    registryAuthFields: words,
    shapes: z.record(
        z.string(),
        z.string().transform((pattern) => new RegExp(pattern)),
    ),
});

function facts(): z.output<typeof credentialFacts> {
    return loadFacts("facts/credentials.yaml", credentialFacts, "the credential detector's names");
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

// eslint-disable-next-line @typescript-eslint/no-require-imports
const preset = require("@secretlint/secretlint-rule-preset-recommend") as {
    creator: { rules: SecretlintRule[] };
};
const SECRETLINT_RULES = preset.creator.rules.filter((r) => !r.meta.id.endsWith("filter-comments"));

/** Environment references (`$(VAR)`, `${VAR}`) in a URL's password place are how secrets are meant to get there. */
const ENV_REFERENCE = /\$\([A-Za-z_][A-Za-z0-9_]*\)|\$\{[A-Za-z_][A-Za-z0-9_]*\}/g;

/** Findings per text: several checks scan the same few hundred values, and secretlint is the costly part. Bounded. */
const scanOnce = memoByString((text) => scan(text, true), 10_000);

/**
 * The rules (secretlint's short names, e.g. `github`, and this file's own) that find a credential in a text: by shape,
 * by the keys of the JSON or YAML document it is, and in what it decodes to when it is base64 (`base64:<rule>`).
 */
export function secretlintFindings(text: string): string[] {
    return [...scanOnce(text)];
}

function runRule(
    rule: SecretlintRule,
    content: string,
    filePath: string,
    ext: string,
    report: () => void,
): void {
    const context = {
        report,
        createTranslator: () => (id: string, data?: unknown) => ({ id, data }),
        sharedOptions: {},
        options: {},
    };
    rule.create(context, {}).file?.({ content, filePath, ext, contentType: "text" });
}

function scan(text: string, decode: boolean): string[] {
    const content = text.replace(ENV_REFERENCE, "");
    const found = new Set<string>();
    // A JSON document is read as a .json file is: secretlint's GCP rule looks for a service account key only there.
    const ext = /^\s*\{/.test(content) ? ".json" : "";
    for (const rule of SECRETLINT_RULES) {
        runRule(rule, content, "value", ext, () =>
            found.add(rule.meta.id.replace(/^@secretlint\/secretlint-rule-/, "")),
        );
    }
    for (const [name, shape] of Object.entries(facts().shapes)) if (shape.test(content)) found.add(name);
    // secretlint's npm rule reads `_authToken=` only in a file named .npmrc: a value holding such a line is one.
    if (content.includes("_authToken")) {
        for (const rule of SECRETLINT_RULES.filter((r) => r.meta.id.endsWith("-npm"))) {
            runRule(rule, content, ".npmrc", ".npmrc", () => found.add("npmrc"));
        }
    }
    for (const f of lineFindings(content)) found.add(f);
    for (const f of documentFindings(content)) found.add(f);
    // Decoded once: what a base64 value decodes to is scanned, never decoded again.
    if (decode && found.size === 0) for (const f of base64Findings(content)) found.add(`base64:${f}`);
    return [...found].sort();
}

/** Whether a credential's place holds only a stand-in (a reference, a placeholder); `Bearer $TOKEN` holds a literal. */
function isStandIn(written: string): boolean {
    let v = written.trim();
    if (/^(["'])[\s\S]*\1$/.test(v) && v.length >= 2) v = v.slice(1, -1).trim();
    // URL-encoded templates and references (`%7B%7B vault %7D%7D`, `%24%7BTOKEN%7D`).
    if (/%(?:7B|24|3C)/i.test(v)) {
        try {
            v = decodeURIComponent(v);
        } catch {
            // Not URL-encoded after all: judged as written.
        }
    }
    const left = v
        .replace(/\{\{[^}]*\}\}|\{%[^%]*%\}/g, "")
        .replace(/\$\{[^}]*\}|\$\([^)]*\)|`[^`]*`|\$[A-Za-z_][A-Za-z0-9_]*|\$[0-9@*#?!-]/g, "")
        .replace(/<[^<>]*>|%\([A-Za-z_][A-Za-z0-9_]*\)s|%s|\{[A-Za-z_][A-Za-z0-9_]*\}/g, "")
        .replace(/["':@\s]/g, "");
    return (
        left === "" ||
        /^(?:\*+|x+|X+|\.+|-+|_+|changeme|redacted|secret|password|null|none|nil|undefined)$/i.test(left)
    );
}

/** A value as the files below write one: quoted, a template or reference kept whole, else characters up to `ends`. */
const valueOf = (ends: string) =>
    String.raw`"[^"\n]*"|'[^'\n]*'|\{\{[^}\n]*\}\}|\$\([^)\n]*\)|\$\{[^}\n]*\}|` +
    "`[^`\\n]*`" +
    String.raw`|\{[^}\n]*\}|[^${ends}]*`;

/** A `name=value` parameter of a URL's query or fragment or of a connection string (`;password=`). */
const PARAMETER = new RegExp(
    String.raw`(^|[?&#;])[ \t]*([A-Za-z_][A-Za-z0-9_.-]*)[ \t]*=[ \t]*(` + valueOf(String.raw`&#;\s"'`) + ")",
    "g",
);
/** A connection string: JDBC or ODBC by its scheme, or `name=value` pairs separated by `;`. */
const CONNECTION_STRING = /^\s*(?:jdbc|odbc):|;\s*[A-Za-z ]+=/i;
/** An npm registry credential line (.npmrc): `_auth` is base64 `user:password`, `_password` the password itself. */
const NPMRC_LINE = new RegExp(
    String.raw`(?:^|[\s:])_(?:auth|password)[ \t]*=[ \t]*(` + valueOf(String.raw`\s`) + ")",
    "gm",
);
/** A password line of a configuration file (.pypirc, INI, properties, YAML): `password: ...`, `password = ...`. */
const PASSWORD_LINE = /^[ \t]*(?:password|passwd)[ \t]*[:=][ \t]*(.*?)[ \t]*$/gim;
/** A .netrc entry (`machine <host>` or `default`) with its `password <value>`, on one line or many. */
const NETRC = new RegExp(
    String.raw`(?:^|\s)(?:machine[ \t]+\S+|default)(?=\s)[\s\S]*?(?:^|\s)password[ \t]+(` +
        valueOf(String.raw`\s`) +
        ")",
    "gm",
);
/** A variable set in a script or an environment file: `NAME=value`, `export NAME=value`. */
const ASSIGNMENT = new RegExp(
    String.raw`^[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_]*)=(` + valueOf(String.raw`\s#;`) + ")",
    "gm",
);
/** An Ansible Vault envelope: ciphertext of a vaulted value, decrypted by whoever holds the vault's password. */
const ANSIBLE_VAULT = /(?:^|\n)[ \t]*\$ANSIBLE_VAULT;[0-9.]+;/;

/** Credentials in the lines of a text, in the file shapes secretlint does not read; a stand-in is none. */
function lineFindings(content: string): string[] {
    const found = new Set<string>();
    for (const m of content.matchAll(PARAMETER)) {
        const credentialParam = facts().paramNames.has(m[2].toLowerCase()) || isSecretName(m[2]);
        if (!credentialParam || isStandIn(m[3])) continue;
        found.add(m[1] === ";" || CONNECTION_STRING.test(content) ? "connection-string" : "url-credential");
    }
    for (const m of content.matchAll(NPMRC_LINE)) if (!isStandIn(m[1])) found.add("npmrc");
    for (const m of content.matchAll(PASSWORD_LINE)) if (!isStandIn(m[1])) found.add("password-line");
    for (const m of content.matchAll(NETRC)) if (!isStandIn(m[1])) found.add("netrc");
    for (const m of content.matchAll(ASSIGNMENT)) {
        if (isSecretName(m[1]) && !isStandIn(m[2])) found.add("assignment");
    }
    if (ANSIBLE_VAULT.test(content)) found.add("ansible-vault");
    return [...found];
}

/** A whole value in base64 (standard or URL alphabet, padded or not) long enough to hold a credential. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4}){3,}(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2,3})?$/;
const BASE64URL = /^[A-Za-z0-9_-]{16,}$/;

/** What a base64 value decodes to, when it decodes to text (a kubeconfig, a registry login, a key), scanned once. */
function base64Findings(text: string): string[] {
    const value = text.trim();
    if (!BASE64.test(value) && !BASE64URL.test(value)) return [];
    const bytes = Buffer.from(value, BASE64.test(value) ? "base64" : "base64url");
    const decoded = bytes.toString("utf8");
    // Text, not random bytes: no replacement character, no control character but line breaks and tabs.
    if (
        decoded.length < 8 ||
        decoded.includes("\ufffd") ||
        /[\u0000-\u0008\u000e-\u001f\u007f]/.test(decoded)
    )
        return [];
    return scan(decoded, false);
}

/** The document a text is, when it is a JSON object or array, or a YAML mapping of more than one line. */
function documentOf(text: string): { doc: unknown; json: boolean } | undefined {
    const t = text.trim();
    try {
        if (/^[[{]/.test(t)) return { doc: JSON.parse(t) as unknown, json: true };
        if (t.includes("\n") && /^[A-Za-z0-9_."'-]+:( |$)/m.test(t))
            return { doc: parseYaml(t, { maxAliasCount: 100 }) as unknown, json: false };
    } catch {
        return undefined;
    }
    return undefined;
}

/** A document's credentials: a kubeconfig with users, a registry login, a JSON value under a secret-named key. */
function documentFindings(text: string): string[] {
    const read = documentOf(text);
    if (read === undefined || read.doc === null || typeof read.doc !== "object") return [];
    if (isKubeconfig(read.doc)) return ["kubeconfig"];
    const named = namedCredentials(read.doc);
    const found = named.includes(REGISTRY_LOGIN) ? ["registry-auth"] : [];
    if (read.json && named.some((n) => n !== REGISTRY_LOGIN)) found.push("named");
    return found;
}

/** A kubeconfig with a user: `users` a list of `{name, user}` next to `clusters` or `contexts`. */
function isKubeconfig(doc: object): boolean {
    const d = doc as { users?: unknown; clusters?: unknown; contexts?: unknown };
    return (
        Array.isArray(d.users) &&
        d.users.some((u) => u !== null && typeof u === "object" && "user" in u) &&
        (Array.isArray(d.clusters) || Array.isArray(d.contexts))
    );
}

/** The kinds of credential `value` holds (`GitHub token`, `private key`, ...); empty when it holds none. */
export function credentialKinds(value: string): string[] {
    if (value.length < 8) return [];
    return [...new Set(secretlintFindings(value).map(kindOf))];
}

/** One finding in an operator's words; a base64 one says so. */
export function kindOf(finding: string): string {
    if (finding.startsWith("base64:")) return `base64-encoded ${kindOf(finding.slice("base64:".length))}`;
    return facts().kinds[finding] ?? `${finding} credential`;
}

/** `a, b and c`. */
export function listOf(words: readonly string[]): string {
    return words.length <= 1
        ? (words[0] ?? "")
        : `${words.slice(0, -1).join(", ")} and ${words[words.length - 1]}`;
}

/** Upper-case words of a key: `githubOauthToken` / `github-oauth-token` / `GITHUB_OAUTH_TOKEN` → GITHUB OAUTH TOKEN. */
export function nameWords(name: string): string[] {
    return name
        .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
        .split(/[^A-Za-z0-9]+/)
        .filter((w) => w !== "")
        .map((w) => w.toUpperCase());
}

/** Names of a secret (`DJANGO_SECRET_KEY`, `id_rsa`), Ansible's included (`ansible_become_pass`, `vault_<name>`). */
export function isSecretName(name: string): boolean {
    const words = nameWords(name);
    const { secretWords, keyQualifiers, referenceWords, vaultLocationWords, sshKeyFiles } = facts();
    const last = words[words.length - 1];
    // A lone PWD is the shell's working directory, not a password.
    if (words.length === 0 || referenceWords.has(last) || words.join() === "PWD") return false;
    if (sshKeyFiles.has(words.join("_"))) return true;
    if (words.join("_").endsWith("BASIC_AUTH")) return true;
    if (words.length > 1 && last === "PASS") return true;
    if (words.length > 1 && words[0] === "VAULT" && !vaultLocationWords.has(last)) return true;
    // A list of them is named in the plural (`db_passwords`, `api_tokens`, `ssh_private_keys`).
    const singular = words.map((w) => (w.length > 3 && w.endsWith("S") ? w.slice(0, -1) : w));
    return words.some(
        (w, i) =>
            secretWords.has(w) ||
            secretWords.has(singular[i]) ||
            (singular[i] === "KEY" && i > 0 && keyQualifiers.has(words[i - 1])),
    );
}

/** A value that only refers to a secret kept elsewhere: an Ansible/Jinja expression or an environment reference. */
const REFERENCE_ONLY = /^\s*(\{\{[^}]*\}\}|\$\{[A-Za-z_][A-Za-z0-9_]*\}|\$\([A-Za-z_][A-Za-z0-9_]*\))\s*$/;
/** The literals a Jinja expression yields itself (a `default()`/`d()` fallback, `{{ 'hunter2' }}`): no reference. */
const JINJA_LITERALS = [
    /\|\s*(?:default|d)\(\s*(?:'([^']*)'|"([^"]*)")/g,
    /\{\{\s*(?:'([^']*)'|"([^"]*)")\s*(?:\|[^}]*)?\}\}/g,
];

function jinjaLiterals(value: string): string[] {
    return JINJA_LITERALS.flatMap((re) => [...value.matchAll(re)].map((m) => m[1] ?? m[2] ?? ""));
}

/** The key types of an OpenSSH public key line. */
const SSH_KEY_TYPE = String.raw`(?:ssh-(?:rsa|dss|ed25519|ed448)|ecdsa-sha2-nistp(?:256|384|521)|sk-(?:ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com)`;

/** A public key or certificate: never a credential, whatever its key is called (`ssh_key`, `deploy_key`). */
const PUBLIC_KEY = new RegExp(
    String.raw`^\s*(?:${SSH_KEY_TYPE} [A-Za-z0-9+/=]+(?: .*)?|---- BEGIN SSH2 PUBLIC KEY ----[\s\S]*---- END SSH2 PUBLIC KEY ----|-----BEGIN (?:RSA |EC )?PUBLIC KEY-----[\s\S]*|-----BEGIN CERTIFICATE-----[\s\S]*)\s*$`,
);

/** PEM blocks that are public by design: certificates, a CRL, public keys. */
const PUBLIC_PEM =
    /-----BEGIN (CERTIFICATE|TRUSTED CERTIFICATE|X509 CRL|PUBLIC KEY|RSA PUBLIC KEY)-----\r?\n(?:[A-Za-z0-9+/=]+\r?\n)+-----END \1-----/g;
/** One OpenSSH public key line (authorized_keys: options are not allowed here, a comment is). */
const SSH_PUBLIC_LINE = new RegExp(String.raw`^${SSH_KEY_TYPE} [A-Za-z0-9+/]+={0,2}(?: [^\r\n]*)?$`);
const SSH2_PUBLIC_BLOCK = /^---- BEGIN SSH2 PUBLIC KEY ----\r?\n[\s\S]*?\r?\n---- END SSH2 PUBLIC KEY ----$/;

/**
 * What a multi-line value is when its lines belong together (PEM certificates or public keys, SSH public keys, a `#!`
 * script); undefined for any other text with a line break and for any value holding a credential.
 */
export function multiLineDocument(value: string): string | undefined {
    if (!value.includes("\n") || credentialKinds(value).length > 0) return undefined;
    const text = value.trim();
    if (/^#![^\r\n]+\r?\n/.test(text)) return "script";
    if (text.replace(PUBLIC_PEM, "").trim() === "" && /^-----BEGIN /.test(text))
        return "PEM certificates or public keys";
    if (SSH2_PUBLIC_BLOCK.test(text)) return "SSH2 public key";
    const lines = text.split(/\r?\n/).filter((l) => l.trim() !== "" && !l.trim().startsWith("#"));
    if (lines.length > 0 && lines.every((l) => SSH_PUBLIC_LINE.test(l.trim()))) return "SSH public keys";
    return undefined;
}

const REGISTRY_LOGIN = "container registry login";

/** A registry as a login file keys it: a host with a dot or a port, with or without a scheme and a path. */
const REGISTRY_HOST =
    /^(?:https?:\/\/)?(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+|localhost)(?::[0-9]+)?(?:\/\S*)?$/;

/** `auths.<registry>.<field>` of a registry login, or `<registry>.auth` of the older `.dockercfg`. */
function isRegistryLogin(keys: readonly string[]): boolean {
    const n = keys.length;
    if (
        n >= 3 &&
        keys[n - 3].toLowerCase() === "auths" &&
        facts().registryAuthFields.has(keys[n - 1].toLowerCase())
    )
        return true;
    return n >= 2 && keys[n - 1].toLowerCase() === "auth" && REGISTRY_HOST.test(keys[n - 2]);
}

/**
 * The credentials a free-form value holds, by shape and by name: in a map of the user's keys, a non-empty value under
 * a secret-like key is one whatever it looks like, as are a template's literal `default()` and a registry login's
 * `auth`; at any depth, a list's entries under its key. `keys`: the user's keys from the root to the value.
 */
export function namedCredentials(
    value: unknown,
    name?: string,
    depth = 0,
    keys: readonly string[] = name === undefined ? [] : [name],
): string[] {
    if (depth > 32) return [];
    if (typeof value === "string") return namedStringCredentials(value, name, keys);
    if (typeof value === "number" && name !== undefined && (isSecretName(name) || isRegistryLogin(keys))) {
        return [`value under the secret-named key ${name}`];
    }
    if (Array.isArray(value))
        return [...new Set(value.flatMap((v) => namedCredentials(v, name, depth + 1, keys)))];
    if (value !== null && typeof value === "object") {
        return [
            ...new Set(
                Object.entries(value).flatMap(([k, v]) => namedCredentials(v, k, depth + 1, [...keys, k])),
            ),
        ];
    }
    return [];
}

function namedStringCredentials(value: string, name: string | undefined, keys: readonly string[]): string[] {
    const kinds = credentialKinds(value);
    if (kinds.length > 0) return kinds;
    const literals = jinjaLiterals(value);
    const inTemplate = [...new Set(literals.flatMap((l) => credentialKinds(l)))];
    if (inTemplate.length > 0) return inTemplate;
    // `kinds` is empty here: a public key holding no credential.
    if (name === undefined || value.trim() === "" || PUBLIC_KEY.test(value)) return [];
    if (isRegistryLogin(keys)) return [REGISTRY_LOGIN];
    if (!isSecretName(name)) return [];
    if (REFERENCE_ONLY.test(value)) {
        return literals.some((l) => l.trim() !== "")
            ? [`password written as a template default(), under the secret-named key ${name}`]
            : [];
    }
    return [`value under the secret-named key ${name}`];
}
