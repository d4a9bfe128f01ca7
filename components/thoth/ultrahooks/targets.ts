import { exposureUrl } from "../../shared/exposure";
import { WebhookBotName, isWebhookBot } from "../bots/catalog";
import { CheckedUltrahookInstance, UltrahookInstanceConfig, UltrahookTarget } from "../config";

/**
 * The one rule of a tunnel's target: its configured destination; else its bot's Route (the host the check decided,
 * {@link botRouteHosts}) unless `via: service` or the bot has no Route; else the bot's in-cluster Service. Undefined
 * for a tunnel the check rejects (no destination, or a bot that is not a webhook bot).
 */
export function ultrahookTarget(
    instance: UltrahookInstanceConfig,
    routeHosts: Partial<Record<WebhookBotName, string>>,
): UltrahookTarget | undefined {
    if (instance.destination !== undefined) return { url: instance.destination };
    const bot = instance.bot;
    if (bot === undefined || !isWebhookBot(bot)) return undefined;
    const path = instance.path ?? "";
    const host = routeHosts[bot];
    if (instance.via !== "service" && host !== undefined) return { url: exposureUrl({ host, path }) };
    return { service: bot, path };
}

/** The tunnels with their targets: every tunnel of a section ultrahookProblems passed has one. */
export function targetedInstances(
    instances: readonly UltrahookInstanceConfig[],
    routeHosts: Partial<Record<WebhookBotName, string>>,
): CheckedUltrahookInstance[] {
    return instances.flatMap((instance) => {
        const to = ultrahookTarget(instance, routeHosts);
        return to === undefined ? [] : [{ ...instance, to }];
    });
}
