import { SecretHandle } from "../../shared/handles";
import { tcpProbe } from "../../shared/probes";
import { sized } from "../../shared/resources";
import { BotContext, BotEndpoint, webBot } from "./botkit";
import { isBotEnabled } from "./catalog";

/**
 * review-manager: receives GitHub review webhooks on `/github` and acts as the Sesheta account, so it reads
 * Sesheta's token and webhook secret. Its image is not public; the runbook is the only source, so it gets
 * Sesheta's webhook sizing and a TCP probe on its port.
 */
export function deployReviewManager(
    ctx: BotContext,
    seshetaSecret: () => SecretHandle,
): BotEndpoint | undefined {
    if (!isBotEnabled(ctx.bots, "review-manager")) return undefined;
    const sesheta = seshetaSecret();
    const { endpoint } = webBot(ctx, {
        bot: "review-manager",
        entry: ctx.bots["review-manager"]!,
        resources: sized("125m", "128Mi", "500m", "256Mi"),
        container: {
            env: {
                GITHUB_ACCESS_TOKEN: sesheta.env("github-oauth-token"),
                GITHUB_WEBHOOK_SECRET: sesheta.env("github-webhook-secret"),
            },
            readinessProbe: tcpProbe("http"),
            livenessProbe: tcpProbe("http", { initialDelaySeconds: 30 }),
        },
    });
    return endpoint;
}
