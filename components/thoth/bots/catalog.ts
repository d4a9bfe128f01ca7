import { BotsConfig } from "../config";

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

/** Bots that read Secret sesheta-secret (Sesheta's GitHub identity and webhook secret). */
export const SESHETA_SECRET_READERS: readonly BotName[] = [
    "sesheta-webhooks",
    "sesheta-label-checker",
    "sesheta-scrum",
    "sesheta-approver",
    "review-manager",
    "webhook2kafka",
    "normalizers",
];

export function isBotName(name: string): name is BotName {
    return (BOT_NAMES as readonly string[]).includes(name);
}

export function isWebhookBot(name: string): name is WebhookBotName {
    return name in WEBHOOK_BOTS;
}

/** Why a bot is not deployed, or undefined when it is. */
export function botDisabledReason(bots: BotsConfig | undefined, name: BotName): string | undefined {
    if (!bots) return "thoth.bots is not configured";
    if (!bots.enabled) return "thoth.bots.enabled is false";
    const entry = bots[name];
    if (!entry) return `thoth.bots.${name} is not configured`;
    if (!entry.enabled) return `thoth.bots.${name}.enabled is false`;
    return undefined;
}

export function isBotEnabled(bots: BotsConfig | undefined, name: BotName): boolean {
    return botDisabledReason(bots, name) === undefined;
}

/** A bot's config entry when it is deployed, else undefined: the entry narrowed, so its reader needs no `!`. */
export function enabledBot<N extends BotName>(
    bots: BotsConfig | undefined,
    name: N,
): NonNullable<BotsConfig[N]> | undefined {
    const entry = bots?.[name];
    if (entry === undefined || !isBotEnabled(bots, name)) return undefined;
    return entry;
}

/** The bots a configuration deploys, in catalogue order. */
export function enabledBots(bots: BotsConfig | undefined): BotName[] {
    return BOT_NAMES.filter((name) => isBotEnabled(bots, name));
}
