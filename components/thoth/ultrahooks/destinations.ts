import * as pulumi from "@pulumi/pulumi";
import { refText } from "../../shared/endpoints";
import { BotEndpoint } from "../bots/botkit";
import { WebhookBotName } from "../bots/catalog";
import { UltrahookInstanceConfig } from "../config";

/**
 * Where a tunnel forwards to. A bot destination is taken from the bot's own Workload (its Route/Ingress URL, or
 * its Service when asked or when it has no Route), so renaming a bot or moving its host moves the tunnel too.
 * checks.ts has already rejected unknown or disabled bots; reaching the throw is a programming error.
 */
export function resolveDestination(
    instance: UltrahookInstanceConfig,
    endpoints: Partial<Record<WebhookBotName, BotEndpoint>>,
): pulumi.Input<string> {
    if (instance.destination !== undefined) return instance.destination;
    const endpoint = endpoints[instance.bot as WebhookBotName];
    if (!endpoint) {
        throw new Error(`ultrahook ${instance.subdomain}: bot ${instance.bot} is not deployed by this stack`);
    }
    const path = instance.path ?? "";
    const useRoute = instance.via === "route" || (instance.via === undefined && endpoint.url !== undefined);
    if (useRoute) {
        if (!endpoint.url)
            throw new Error(`ultrahook ${instance.subdomain}: bot ${instance.bot} has no Route`);
        return `${endpoint.url}${path}`;
    }
    return refText`${endpoint.serviceUrl}${path}`;
}
