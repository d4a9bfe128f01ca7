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

const KEB_VAULT = "thoth-station/kebechet playbooks: --extra-vars";
const SES_VAULT = "AICoE/sesheta playbooks/group_vars/all/vault";
const REG_VAULT = "goern/cyborg-regidores ansible/group_vars/all/datahub_vault";
const DG_VAULT =
    "thoth-station/dgraph-thoth-config ansible/group_vars/all/vault (made by `dgraph cert -n <hosts> -c user`)";

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

function kebechetSecrets(): SecretSpec[] {
    return [
        {
            key: SECRET_KEYS.kebechetGitlabToken,
            description:
                "GitLab token for repositories Kebechet manages on GitLab (kebechet-secret gitlab-oauth-token); unset: the key and its env are left out",
            today: `${KEB_VAULT} GITLAB_KEBECHET_TOKEN (argo kebechet secret)`,
            example: "glpat-0123456789abcdef0123",
            optional: true,
        },
        {
            key: SECRET_KEYS.kebechetPagureToken,
            description:
                "Pagure token for repositories Kebechet manages on Pagure (kebechet-secret pagure-oauth-token); unset: the key and its env are left out",
            today: `${KEB_VAULT} PAGURE_KEBECHET_TOKEN (argo kebechet secret)`,
            example: "0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF",
            optional: true,
        },
        {
            key: SECRET_KEYS.kebechetSentryDsn,
            description:
                "Sentry DSN Kebechet reports errors to (kebechet-secret sentry-dsn); unset: no error reporting",
            today: `${KEB_VAULT} SENTRY_DSN`,
            example: "https://0123456789abcdef@sentry.io/1234567",
            optional: true,
        },
    ];
}

/**
 * Sesheta's GitHub identity, which Kebechet and Nepthys use too (runbook 000): its SSH key for all three, its token for
 * Sesheta and Kebechet only (Nepthys v0.2.6 pushes over SSH and calls no GitHub API: create_docs.sh reads no token).
 */
function seshetaIdentity(token: boolean): SecretSpec[] {
    const specs: SecretSpec[] = [
        {
            key: SECRET_KEYS.seshetaSshKey,
            description:
                "SSH private key of the Sesheta GitHub account, Sesheta's, Kebechet's and Nepthys' identity (sesheta-secret, kebechet-secret and nepthys-secret ssh-privatekey)",
            today: `gopass aicoe/thoth/sesheta-ssh/sesheta (runbook 000); ${SES_VAULT}: SESHETA_SSH_PRIVATE_KEY_PATH`,
            example: "id_rsa",
            fromFile: true,
        },
    ];
    if (token) {
        specs.push({
            key: SECRET_KEYS.seshetaGithubToken,
            description:
                "GitHub OAuth token of the Sesheta account, which Kebechet uses too (sesheta-secret and kebechet-secret github-oauth-token)",
            today: `${SES_VAULT}: SESHETA_GITHUB_OAUTH_TOKEN; kebechet's and nepthys' playbooks took copies (KEBECHET_TOKEN, GITHUB_TOKEN)`,
            example: "ghp_0123456789abcdef0123456789abcdef0123",
        });
    }
    return specs;
}

function seshetaSecrets(): SecretSpec[] {
    return [
        {
            key: SECRET_KEYS.seshetaWebhookSecret,
            description:
                "GitHub webhook secret checked by sesheta-webhooks, webhook2kafka and review-manager (sesheta-secret github-webhook-secret)",
            today: `${SES_VAULT}: SESHETA_GITHUB_WEBHOOK_SECRET`,
            example: "0123456789abcdef0123456789abcdef",
        },
        {
            key: SECRET_KEYS.seshetaChatSpace,
            description: "Google Chat space Sesheta posts to (sesheta-secret google-chat-space)",
            today: `${SES_VAULT}: SESHETA_GOOGLE_CHAT_SPACE`,
            example: "spaces/AAAAmQJAdY0",
        },
        {
            key: SECRET_KEYS.seshetaChatEndpoint,
            description:
                "Google Chat incoming-webhook URL with its key (sesheta-secret google-chat-endpoint-url)",
            today: `${SES_VAULT}: SESHETA_GOOGLE_CHAT_ENDPOINT_URL`,
            example: "https://chat.googleapis.com/v1/spaces/AAAA/messages?key=abc&token=def",
        },
    ];
}

function pubsubSecret(): SecretSpec {
    return {
        key: SECRET_KEYS.seshetaPubsubConsumer,
        description:
            "Google service-account JSON of the Sesheta chat bot (sesheta-secret, under the file name thoth.bots.seshetaChatKeyFile)",
        today: "gopass aicoe/thoth/sesheta-chatbot-968e13a86991 (runbook 000), as sesheta-chatbot-968e13a86991.json next to the AICoE/sesheta checkout",
        example: "sesheta-chatbot-968e13a86991.json",
        fromFile: true,
    };
}

function regidoresSecrets(): SecretSpec[] {
    return [
        {
            key: SECRET_KEYS.regidoresRootCa,
            description:
                "CA certificate of the DataHub Kafka (cyborg-regidores root-ca-cert, mounted as conf/ca.pem)",
            today: `${REG_VAULT}: root_ca_cert`,
            example: "ca.pem",
            fromFile: true,
        },
        {
            key: SECRET_KEYS.regidoresDatahubCa,
            description:
                "DataHub Kafka cluster CA (cyborg-regidores datahub-ca-cert, mounted as secrets/data-hub-kafka-ca.crt)",
            today: `${REG_VAULT}: datahub_ca_cert`,
            example: "data-hub-kafka-ca.crt",
            fromFile: true,
        },
    ];
}

function dgraphSecrets(): SecretSpec[] {
    const file = (key: string, name: string, what: string): SecretSpec => ({
        key,
        description: `Dgraph TLS ${what} (Secret dgraph-tls ${name})`,
        today: `${DG_VAULT}: ${name}`,
        example: name,
        fromFile: true,
    });
    return [
        file(SECRET_KEYS.dgraphCaCrt, "ca.crt", "CA certificate"),
        file(SECRET_KEYS.dgraphNodeCrt, "node.crt", "node certificate of the alpha hosts"),
        file(SECRET_KEYS.dgraphNodeKey, "node.key", "node private key"),
        file(SECRET_KEYS.dgraphClientCrt, "client.user.crt", "client certificate of user `user`"),
        file(SECRET_KEYS.dgraphClientKey, "client.user.key", "client private key of user `user`"),
    ];
}

/** The secrets a thoth configuration needs, following which parts and bots are enabled. */
export function thothSecrets(config: ThothConfig): SecretSpec[] {
    const specs: SecretSpec[] = [];
    const bot = (name: BotName) => isBotEnabled(config.bots, name);
    const seshetaReader = SESHETA_SECRET_READERS.some(bot);
    if (seshetaReader || bot("kebechet") || bot("nepthys")) {
        specs.push(...seshetaIdentity(seshetaReader || bot("kebechet")));
    }
    if (bot("kebechet")) specs.push(...kebechetSecrets());
    if (seshetaReader) specs.push(...seshetaSecrets());
    if (bot("sesheta-webhooks") || bot("sesheta-scrum")) specs.push(pubsubSecret());
    if (bot("webhook2kafka") || bot("normalizers")) specs.push(...regidoresSecrets());
    if (config.station?.enabled && config.station.dgraph?.enabled) specs.push(...dgraphSecrets());
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
