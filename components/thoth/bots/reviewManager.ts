import * as pulumi from "@pulumi/pulumi";
import { SecretHandle } from "../../shared/handles";
import { tcpProbe } from "../../shared/probes";
import { sized } from "../../shared/resources";
import { BotEndpoint, BotFamily, BotFamilyArgs } from "./botkit";
import { BotsConfig } from "../config";

export interface ReviewManagerArgs extends BotFamilyArgs {
    entry: NonNullable<BotsConfig["review-manager"]>;
    /** Secret sesheta-secret: review-manager acts as the Sesheta account. */
    sesheta: SecretHandle;
}

/**
 * review-manager: receives GitHub review webhooks on `/github` and acts as the Sesheta account, so it reads
 * Sesheta's token and webhook secret. Its image is not public; the runbook is the only source, so it gets
 * Sesheta's webhook sizing and a TCP probe on its port.
 */
export class ReviewManager extends BotFamily {
    public readonly endpoint: BotEndpoint;

    constructor(name: string, args: ReviewManagerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("runbooks:thoth:ReviewManager", name, args, opts);
        this.endpoint = this.webBot({
            bot: "review-manager",
            entry: args.entry,
            resources: sized("125m", "128Mi", "500m", "256Mi"),
            container: {
                env: {
                    GITHUB_ACCESS_TOKEN: args.sesheta.env("github-oauth-token"),
                    GITHUB_WEBHOOK_SECRET: args.sesheta.env("github-webhook-secret"),
                },
                // Source: a TCP check for both; as readiness only (see sameCheck in shared/probes.ts).
                readinessProbe: tcpProbe("http"),
            },
        });
        this.registerOutputs({});
    }
}
