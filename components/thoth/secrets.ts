import { z } from "zod";
import { loadFacts } from "../shared/facts";
import { RetiredSecret, SecretSpec, SecretStore } from "../config/system";
import { BotName, SESHETA_SECRET_READERS } from "./bots/catalog";
import { isBotEnabled } from "./bots/enabled";
import { ThothConfig } from "./config";
import { stationSecretSpecs } from "./station/stationSecrets";

/**
 * Config keys of Thoth's secrets: `thoth-<Kubernetes Secret>-<key in it>`, so the key says where the value ends
 * up. Kebechet and Nepthys have no GitHub identity of their own: runbook 000 ("Bot Secret Keys Generation") says
 * Sesheta's ssh key and GitHub OAuth token are used by sesheta, kebechet and nepthys, so all three read Sesheta's keys.
 */
export const SECRET_KEYS = {
    kebechetGitlabToken: "thoth-kebechet-gitlab-oauth-token",
    kebechetPagureToken: "thoth-kebechet-pagure-oauth-token",
    kebechetSentryDsn: "thoth-kebechet-sentry-dsn",
    seshetaSshKey: "thoth-sesheta-ssh-privatekey",
    seshetaGithubToken: "thoth-sesheta-github-oauth-token",
    seshetaWebhookSecret: "thoth-sesheta-github-webhook-secret",
    seshetaChatSpace: "thoth-sesheta-google-chat-space",
    seshetaChatEndpoint: "thoth-sesheta-google-chat-endpoint-url",
    seshetaPubsubConsumer: "thoth-sesheta-pubsub-consumer",
    regidoresRootCa: "thoth-cyborg-regidores-root-ca-cert",
    regidoresDatahubCa: "thoth-cyborg-regidores-datahub-ca-cert",
    dgraphCaCrt: "thoth-dgraph-tls-ca-crt",
    dgraphNodeCrt: "thoth-dgraph-tls-node-crt",
    dgraphNodeKey: "thoth-dgraph-tls-node-key",
    dgraphClientCrt: "thoth-dgraph-tls-client-user-crt",
    dgraphClientKey: "thoth-dgraph-tls-client-user-key",
} as const;

/** Whose credentials a stack uses (`thoth.identity`). */
export type ThothIdentity = ThothConfig["identity"];

/**
 * The config key a secret is read from under an identity: production keeps `thoth-...`, stage reads
 * `thoth-stage-...`. One rule for every secret, so no stage receiver or tunnel can share a production key.
 */
export function scopedKey(identity: ThothIdentity, key: string): string {
    return identity === "stage" ? key.replace(/^thoth-/, "thoth-stage-") : key;
}

/** A secret store that reads every key through {@link scopedKey}. */
export function scopedStore(store: SecretStore, identity: ThothIdentity): SecretStore {
    return {
        require: (key) => store.require(scopedKey(identity, key)),
        get: (key) => store.get(scopedKey(identity, key)),
    };
}

/** Secret config key of an ultrahook API-key Secret. */
export function ultrahookApiKeySecret(secretName: string): string {
    return `thoth-${secretName}-api-key`;
}

/** Keys Kebechet and Nepthys read before one identity had one key set: each now holds a copy of Sesheta's. */
const RETIRED_IDENTITY_KEYS = [
    ["thoth-kebechet-ssh-privatekey", SECRET_KEYS.seshetaSshKey],
    ["thoth-kebechet-github-oauth-token", SECRET_KEYS.seshetaGithubToken],
    ["thoth-nepthys-github-oauth-token", SECRET_KEYS.seshetaGithubToken],
] as const;

/** The retired copies of Sesheta's identity, under the stack's identity (stage reads `thoth-stage-...`). */
export function thothRetiredSecrets(config: ThothConfig): RetiredSecret[] {
    return RETIRED_IDENTITY_KEYS.map(([key, replacedBy]) => ({
        key: scopedKey(config.identity, key),
        replacedBy: scopedKey(config.identity, replacedBy),
        why: "runbook 000: Sesheta's ssh key and GitHub OAuth token are used by sesheta, kebechet and nepthys, one identity",
    }));
}

/** A secret of {@link SECRET_KEYS} as facts/thoth/secrets.yaml describes it. */
const secretSchema = z.strictObject({
    secret: z.enum(Object.keys(SECRET_KEYS) as [keyof typeof SECRET_KEYS]),
    description: z.string(),
    today: z.string(),
    example: z.string(),
    fromFile: z.boolean().optional(),
    optional: z.boolean().optional(),
});

/**
 * The secrets of each part, by the part that reads them. Sesheta's identity is Kebechet's and Nepthys' too (runbook
 * 000): its SSH key for all three, its token for Sesheta and Kebechet only (Nepthys v0.2.6 pushes over SSH and calls
 * no GitHub API: create_docs.sh reads no token).
 */
const SECRETS = loadFacts(
    "facts/thoth/secrets.yaml",
    z.record(
        z.enum(["seshetaIdentity", "seshetaToken", "kebechet", "sesheta", "pubsub", "regidores", "dgraph"]),
        z.array(secretSchema),
    ),
    "Thoth's secrets by part",
);

/** The specs of one part's secrets. */
function specsOf(part: keyof typeof SECRETS): SecretSpec[] {
    return SECRETS[part].map(({ secret, ...spec }) => ({ key: SECRET_KEYS[secret], ...spec }));
}

/** The secrets a thoth configuration needs, following which parts and bots are enabled. */
export function thothSecrets(config: ThothConfig): SecretSpec[] {
    const specs: SecretSpec[] = [];
    const bot = (name: BotName) => isBotEnabled(config.bots, name);
    const seshetaReader = SESHETA_SECRET_READERS.some(bot);
    if (seshetaReader || bot("kebechet") || bot("nepthys")) {
        specs.push(...specsOf("seshetaIdentity"));
        if (seshetaReader || bot("kebechet")) specs.push(...specsOf("seshetaToken"));
    }
    if (bot("kebechet")) specs.push(...specsOf("kebechet"));
    if (seshetaReader) specs.push(...specsOf("sesheta"));
    if (bot("sesheta-webhooks") || bot("sesheta-scrum")) specs.push(...specsOf("pubsub"));
    if (bot("webhook2kafka") || bot("normalizers")) specs.push(...specsOf("regidores"));
    if (config.station?.enabled && config.station.dgraph?.enabled) specs.push(...specsOf("dgraph"));
    specs.push(...stationSecretSpecs(config));
    const hooks = config.ultrahooks;
    if (hooks?.enabled) {
        for (const secretName of [...new Set(hooks.instances.map((i) => i.apiKeySecret))].sort()) {
            specs.push({
                key: ultrahookApiKeySecret(secretName),
                description: `ultrahook.com API key of the account behind Secret ${secretName} (key api.key)`,
                today: `gopass aicoe/thoth/ultrahook, the ULTRAHOOK_API_KEY of ${secretName} (runbook 000); ultrahook-openshift template parameter ULTRAHOOK_API_KEY`,
                example: "0123456789abcdef0123456789abcdef",
            });
        }
    }
    if (config.identity === "production") return specs;
    return specs.map((spec) => ({
        ...spec,
        key: scopedKey(config.identity, spec.key),
        description: `${spec.description}; stage's own credential, never production's`,
        today: `a stage-only value (production's: ${spec.today})`,
    }));
}
