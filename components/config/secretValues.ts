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
