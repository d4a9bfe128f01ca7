/** Every bot the Thoth runbook deploys; the name is both its config key under `thoth.bots` and its object name. */
export const BOT_NAMES = [
    "kebechet",
    "nepthys",
    "sesheta-webhooks",
    "sesheta-label-checker",
    "sesheta-scrum",
    "sesheta-approver",
    "review-manager",
    "webhook2kafka",
    "normalizers",
] as const;
export type BotName = (typeof BOT_NAMES)[number];

/**
 * Bots that receive webhooks over HTTP, with the port they listen on (and an image for fix commands). Only these
 * can be an ultrahook destination.
 */
export const WEBHOOK_BOTS = {
    "sesheta-webhooks": { port: 8080, exampleImage: "quay.io/aicoe/sesheta:v2.3.3" },
    "review-manager": { port: 8080, exampleImage: "quay.io/aicoe/review-manager:v0.1.0" },
    webhook2kafka: { port: 8080, exampleImage: "quay.io/aicoe/webhook2kafka:v0.1.0" },
} as const;
export type WebhookBotName = keyof typeof WEBHOOK_BOTS;

/**
 * Bots that read Secret sesheta-secret (Sesheta's GitHub identity and webhook secret): every bot but Kebechet and
 * Nepthys, in catalog order, so a bot added to the catalog reads it unless it is named here.
 */
export const SESHETA_SECRET_READERS: readonly BotName[] = BOT_NAMES.filter(
    (bot) => bot !== "kebechet" && bot !== "nepthys",
);

export function isBotName(name: string): name is BotName {
    return (BOT_NAMES as readonly string[]).includes(name);
}

export function isWebhookBot(name: string): name is WebhookBotName {
    return name in WEBHOOK_BOTS;
}
