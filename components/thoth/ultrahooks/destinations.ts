import * as pulumi from "@pulumi/pulumi";
import { refText } from "../../shared/endpoints";
import { BotEndpoint } from "../bots/botkit";
import { WebhookBotName } from "../bots/catalog";
import { UltrahookTarget } from "../config";
import { DefinitionError } from "../../shared/errors";

/**
 * Where a tunnel forwards to, from the target the check decided (ultrahookTarget): a URL as it is, or a bot's
 * in-cluster address taken from the bot's own Workload, so renaming the bot moves the tunnel too.
 */
export function resolveDestination(
    subdomain: string,
    to: UltrahookTarget,
    endpoints: Partial<Record<WebhookBotName, BotEndpoint>>,
): pulumi.Input<string> {
    if ("url" in to) return to.url;
    const endpoint = endpoints[to.service];
    if (!endpoint) {
        // checks.ts rejects a tunnel to a bot this stack does not deploy; Bots deploys every other one.
        throw new DefinitionError(`ultrahook ${subdomain}: bot ${to.service} is not deployed by this stack`);
    }
    return refText`${endpoint.serviceUrl}${to.path}`;
}
