import type { BotsConfig } from "../config";
import { defaultHost } from "../identity";
import { WebhookBotName, isWebhookBot } from "./catalog";
import { enabledBot, enabledBots } from "./enabled";

/** The hosts of the deployed webhook bots' Routes, and the bots whose host cannot be known. */
export interface BotRouteHosts {
    /** Each deployed webhook bot that gets a Route, with its host; a bot absent here gets no Route. */
    hosts: Partial<Record<WebhookBotName, string>>;
    /** Bots that need a Route but have neither `host` nor a `thoth.domain` to derive it from, in catalogue order. */
    needDomain: WebhookBotName[];
}

/**
 * The one rule of a bot's Route host: a deployed webhook bot with `route` on gets its configured `host`, or
 * OpenShift's default host `<bot>-<namespace>.<domain>`. The check reports `needDomain` and hands `hosts` to deploy.
 */
export function botRouteHosts(bots: BotsConfig | undefined, domain: string | undefined): BotRouteHosts {
    const result: BotRouteHosts = { hosts: {}, needDomain: [] };
    if (!bots?.enabled) return result;
    for (const name of enabledBots(bots)) {
        if (!isWebhookBot(name)) continue;
        const entry = enabledBot(bots, name);
        if (!entry?.route) continue;
        const host = entry.host ?? (domain ? defaultHost(name, bots.namespace, domain) : undefined);
        if (host === undefined) result.needDomain.push(name);
        else result.hosts[name] = host;
    }
    return result;
}
