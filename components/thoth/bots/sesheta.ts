import * as pulumi from "@pulumi/pulumi";
import { SecretStore } from "../../config/system";
import { EnvMap } from "../../shared/env";
import { SecretHandle } from "../../shared/handles";
import { httpProbe, httpServerProbes } from "../../shared/probes";
import { sized } from "../../shared/resources";
import { ScheduledJob } from "../../shared/scheduledJob";
import { BotEndpoint, BotFamily, BotFamilyArgs } from "./botkit";
import { BotName, isBotEnabled } from "./catalog";
import { BotsConfig } from "../config";
import { SECRET_KEYS } from "../secrets";

/** Sesheta's scripts run from the s2i source directory and read `etc/...` relative to it. */
const APP_ROOT = "/opt/app-root/src";
/** Where sesheta-webhooks reads the chat bot's service-account JSON (sesheta/utils.py). */
const GCLOUD_DIR = "/opt/app-root/etc/gcloud";
/** The bots of {@link SeshetaFamily}. */
export const SESHETA_BOTS: readonly BotName[] = [
    "sesheta-webhooks",
    "sesheta-label-checker",
    "sesheta-scrum",
    "sesheta-approver",
];

/** The bots that read the chat bot's service-account JSON (sesheta-chatbot-<id>.json in gopass). */
const CHAT_BOTS: BotName[] = ["sesheta-webhooks", "sesheta-scrum"];

/**
 * The data of Secret sesheta-secret: the whole Sesheta identity, one Secret for one identity, so a rotation of any of
 * its keys is one config change that every reader sees: the GitHub account (SSH key, OAuth token), the webhook
 * secret, the Google Chat space and endpoint and, when a chat bot runs, the chat bot's service-account JSON.
 */
export function seshetaSecretData(
    bots: BotsConfig,
    secrets: SecretStore,
): Record<string, pulumi.Input<string>> {
    const chat = CHAT_BOTS.some((bot) => isBotEnabled(bots, bot));
    return {
        "ssh-privatekey": secrets.require(SECRET_KEYS.seshetaSshKey),
        "github-oauth-token": secrets.require(SECRET_KEYS.seshetaGithubToken),
        "google-chat-space": secrets.require(SECRET_KEYS.seshetaChatSpace),
        "github-webhook-secret": secrets.require(SECRET_KEYS.seshetaWebhookSecret),
        "google-chat-endpoint-url": secrets.require(SECRET_KEYS.seshetaChatEndpoint),
        ...(chat ? { [bots.seshetaChatKeyFile]: secrets.require(SECRET_KEYS.seshetaPubsubConsumer) } : {}),
    };
}

type WebEntry = NonNullable<BotsConfig["sesheta-webhooks"]>;
type CronEntry = NonNullable<BotsConfig["sesheta-label-checker"]>;
type ScrumEntry = NonNullable<BotsConfig["sesheta-scrum"]>;

/** Arguments of {@link SeshetaFamily}: each bot's entry only when it is deployed, and Sesheta's identity. */
export interface SeshetaFamilyArgs extends BotFamilyArgs {
    webhooks?: WebEntry;
    labelChecker?: CronEntry;
    scrum?: ScrumEntry;
    approver?: CronEntry;
    /** Secret sesheta-secret, which the Bots component makes for all its readers. */
    sesheta: SecretHandle;
}

/** The Sesheta bots: the webhook receiver and the label-checker, scrum and approver CronJobs. */
export class SeshetaFamily extends BotFamily {
    public readonly jobs: ScheduledJob[] = [];
    public readonly endpoint?: BotEndpoint;

    constructor(name: string, args: SeshetaFamilyArgs, opts?: pulumi.ComponentResourceOptions) {
        super("runbooks:thoth:SeshetaFamily", name, args, opts);
        const bots = this.bots;
        const secret = args.sesheta;
        const keyFile = bots.seshetaChatKeyFile;
        const { scrum } = args;

        // Only the chat bot's JSON of the identity's Secret, as the file name sesheta opens.
        const chatVolume = secret.volume("chat-credentials", { items: [{ key: keyFile, path: keyFile }] });

        const configData: Record<string, string> = {
            "sesheta-verbose": bots.seshetaVerbose ? "1" : "0",
            ...(scrum
                ? {
                      "scrum-space": scrum.space,
                      "scrum-message": scrum.message,
                      "scrum-url": scrum.url,
                      "scrum-threadkey": scrum.threadKey,
                      // scrum_standup.py tests `displayName in USERS_INVITED`: one string with every name works.
                      "users-invited": scrum.usersInvited.join(","),
                  }
                : {}),
        };
        const configMap = this.configMap("sesheta-configmap", "bot", configData).handle;
        const botConfig =
            args.labelChecker || args.approver
                ? this.configMap("sesheta-bot", "bot", {
                      "config.json": `${JSON.stringify(bots.seshetaConfig, null, 2)}\n`,
                  })
                : undefined;

        const common: EnvMap = {
            SESHETA_GITHUB_ACCESS_TOKEN: secret.env("github-oauth-token"),
            SESHETA_VERBOSE: configMap.env("sesheta-verbose"),
        };

        if (args.webhooks) {
            this.endpoint = this.webBot({
                bot: "sesheta-webhooks",
                entry: args.webhooks,
                resources: sized("125m", "128Mi", "500m", "256Mi"),
                container: {
                    env: {
                        ...common,
                        SESHETA_GITHUB_WEBHOOK_SECRET: secret.env("github-webhook-secret"),
                        // sesheta/__init__.py reads the webhook secret under Kebechet's name.
                        KEBECHET_GITHUB_WEBHOOK_SECRET: secret.env("github-webhook-secret"),
                        SESHETA_GOOGLE_CHAT_SPACE: secret.env("google-chat-space"),
                        SESHETA_GOOGLE_CHAT_ENDPOINT_URL: secret.env("google-chat-endpoint-url"),
                    },
                    // Source: /_healthz/ for both.
                    ...httpServerProbes(httpProbe("/_healthz/", "http"), { initialDelaySeconds: 30 }),
                    volumeMounts: [{ name: "chat-credentials", mountPath: GCLOUD_DIR, readOnly: true }],
                },
                volumes: [chatVolume],
            });
        }

        const configMount = {
            name: "bot-config",
            mountPath: `${APP_ROOT}/etc/config.json`,
            subPath: "config.json",
            readOnly: true,
        };
        // Only the label-checker and the approver mount it, and it exists exactly when one of them runs.
        const configVolume = botConfig?.handle.volume("bot-config");
        const configVolumes = configVolume ? [configVolume] : [];

        if (args.labelChecker) {
            this.jobs.push(
                this.cronBot({
                    bot: "sesheta-label-checker",
                    entry: args.labelChecker,
                    resources: sized("100m", "32Mi", "250m", "128Mi"),
                    container: {
                        env: { ...common, APP_FILE: "check_if_labels_present.py" },
                        volumeMounts: [configMount],
                    },
                    volumes: configVolumes,
                    successfulJobsHistoryLimit: 2,
                    failedJobsHistoryLimit: 4,
                }),
            );
        }
        if (scrum) {
            this.jobs.push(
                this.cronBot({
                    bot: "sesheta-scrum",
                    entry: scrum,
                    resources: sized("100m", "64Mi", "250m", "128Mi"),
                    container: {
                        env: {
                            ...common,
                            APP_FILE: "scrum_standup.py",
                            SESHETA_SCRUM_SPACE: configMap.env("scrum-space"),
                            SESHETA_SCRUM_MESSAGE: configMap.env("scrum-message"),
                            SESHETA_SCRUM_URL: configMap.env("scrum-url"),
                            SCRUM_THREAD_KEY: configMap.env("scrum-threadkey"),
                            USERS_INVITED: configMap.env("users-invited"),
                        },
                        // scrum_standup.py reads the chat credentials from etc/credentials.json.
                        volumeMounts: [
                            {
                                name: "chat-credentials",
                                mountPath: `${APP_ROOT}/etc/credentials.json`,
                                subPath: keyFile,
                                readOnly: true,
                            },
                        ],
                    },
                    volumes: [chatVolume],
                    successfulJobsHistoryLimit: 2,
                    failedJobsHistoryLimit: 4,
                }),
            );
        }
        if (args.approver) {
            this.jobs.push(
                this.cronBot({
                    bot: "sesheta-approver",
                    entry: args.approver,
                    resources: sized("100m", "32Mi", "250m", "128Mi"),
                    container: { env: { ...common, APP_FILE: "approver.py" }, volumeMounts: [configMount] },
                    volumes: configVolumes,
                    successfulJobsHistoryLimit: 2,
                    failedJobsHistoryLimit: 4,
                }),
            );
        }
        this.registerOutputs({});
    }
}
