import { EnvMap } from "../../shared/env";
import { SecretHandle } from "../../shared/handles";
import { httpProbe } from "../../shared/probes";
import { sized } from "../../shared/resources";
import { configSecret } from "../../shared/secret";
import { ScheduledJob } from "../../shared/scheduledJob";
import { BotContext, BotEndpoint, botConfigMap, botOptions, cronBot, webBot } from "./botkit";
import { BotName, isBotEnabled } from "./catalog";
import { thothApp } from "../identity";
import { SECRET_KEYS } from "../secrets";

/** Sesheta's scripts run from the s2i source directory and read `etc/...` relative to it. */
const APP_ROOT = "/opt/app-root/src";
/** Where sesheta-webhooks reads the chat bot's service-account JSON (sesheta/utils.py). */
const GCLOUD_DIR = "/opt/app-root/etc/gcloud";
const SESHETA_BOTS: BotName[] = [
    "sesheta-webhooks",
    "sesheta-label-checker",
    "sesheta-scrum",
    "sesheta-approver",
];

/** The bots that read the chat bot's service-account JSON (sesheta-chatbot-<id>.json in gopass). */
const CHAT_BOTS: BotName[] = ["sesheta-webhooks", "sesheta-scrum"];

/**
 * Secret sesheta-secret: the whole Sesheta identity, one Secret for one identity, so a rotation of any of its keys
 * is one config change that every reader sees: the GitHub account (SSH key, OAuth token), the webhook secret, the
 * Google Chat space and endpoint and, when a chat bot runs, the chat bot's service-account JSON. Besides the
 * Sesheta bots, review-manager and the cyborg-regidores bots read it: made on the first reader's call, so it exists
 * exactly when one of them runs.
 */
export function seshetaSecret(ctx: BotContext): () => SecretHandle {
    let handle: SecretHandle | undefined;
    return () => (handle ??= createSeshetaSecret(ctx));
}

function createSeshetaSecret(ctx: BotContext): SecretHandle {
    const chat = CHAT_BOTS.some((bot) => isBotEnabled(ctx.bots, bot));
    return configSecret(
        `${ctx.name}-sesheta-secret`,
        {
            cluster: ctx.cluster,
            namespace: ctx.namespace,
            secretName: "sesheta-secret",
            app: thothApp("sesheta", "bot"),
            type: "kubernetes.io/ssh-auth",
            data: {
                "ssh-privatekey": ctx.secrets.require(SECRET_KEYS.seshetaSshKey),
                "github-oauth-token": ctx.secrets.require(SECRET_KEYS.seshetaGithubToken),
                "google-chat-space": ctx.secrets.require(SECRET_KEYS.seshetaChatSpace),
                "github-webhook-secret": ctx.secrets.require(SECRET_KEYS.seshetaWebhookSecret),
                "google-chat-endpoint-url": ctx.secrets.require(SECRET_KEYS.seshetaChatEndpoint),
                ...(chat
                    ? {
                          [ctx.bots.seshetaChatKeyFile]: ctx.secrets.require(
                              SECRET_KEYS.seshetaPubsubConsumer,
                          ),
                      }
                    : {}),
            },
        },
        botOptions(ctx),
    ).handle;
}

export interface SeshetaResult {
    jobs: ScheduledJob[];
    endpoint?: BotEndpoint;
}

/** The Sesheta bots: the webhook receiver and the label-checker, scrum and approver CronJobs. */
export function deploySeshetaFamily(ctx: BotContext, seshetaSecret: () => SecretHandle): SeshetaResult {
    const bots = ctx.bots;
    const on = (name: BotName) => isBotEnabled(bots, name);
    const result: SeshetaResult = { jobs: [] };
    if (!SESHETA_BOTS.some(on)) return result;
    const secret = seshetaSecret();
    const keyFile = bots.seshetaChatKeyFile;

    // Only the chat bot's JSON of the identity's Secret, as the file name sesheta opens.
    const chatVolume = secret.volume("chat-credentials", { items: [{ key: keyFile, path: keyFile }] });

    const scrum = on("sesheta-scrum") ? bots["sesheta-scrum"]! : undefined;
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
    const configMap = botConfigMap(ctx, "sesheta-configmap", "bot", configData).handle;
    const needsBotConfig = on("sesheta-label-checker") || on("sesheta-approver");
    const botConfig = needsBotConfig
        ? botConfigMap(ctx, "sesheta-bot", "bot", {
              "config.json": `${JSON.stringify(bots.seshetaConfig, null, 2)}\n`,
          })
        : undefined;

    const common: EnvMap = {
        SESHETA_GITHUB_ACCESS_TOKEN: secret.env("github-oauth-token"),
        SESHETA_VERBOSE: configMap.env("sesheta-verbose"),
    };

    const webhooks = on("sesheta-webhooks") ? bots["sesheta-webhooks"]! : undefined;
    if (webhooks) {
        const { endpoint } = webBot(ctx, {
            bot: "sesheta-webhooks",
            entry: webhooks,
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
                readinessProbe: httpProbe("/_healthz/", "http"),
                livenessProbe: httpProbe("/_healthz/", "http", { initialDelaySeconds: 30 }),
                volumeMounts: [{ name: "chat-credentials", mountPath: GCLOUD_DIR, readOnly: true }],
            },
            volumes: [chatVolume],
        });
        result.endpoint = endpoint;
    }

    const configMount = {
        name: "bot-config",
        mountPath: `${APP_ROOT}/etc/config.json`,
        subPath: "config.json",
        readOnly: true,
    };
    const configVolume = { name: "bot-config", configMap: { name: "sesheta-bot" } };
    // sesheta-bot is mounted by a literal name: its readers wait for it here.
    const cronDeps = botConfig ? [botConfig] : [];

    const checker = on("sesheta-label-checker") ? bots["sesheta-label-checker"]! : undefined;
    if (checker) {
        result.jobs.push(
            cronBot(ctx, {
                bot: "sesheta-label-checker",
                entry: checker,
                resources: sized("100m", "32Mi", "250m", "128Mi"),
                container: {
                    env: { ...common, APP_FILE: "check_if_labels_present.py" },
                    volumeMounts: [configMount],
                },
                volumes: [configVolume],
                successfulJobsHistoryLimit: 2,
                failedJobsHistoryLimit: 4,
                dependsOn: cronDeps,
            }),
        );
    }
    if (scrum) {
        result.jobs.push(
            cronBot(ctx, {
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
                dependsOn: cronDeps,
            }),
        );
    }
    const approver = on("sesheta-approver") ? bots["sesheta-approver"]! : undefined;
    if (approver) {
        result.jobs.push(
            cronBot(ctx, {
                bot: "sesheta-approver",
                entry: approver,
                resources: sized("100m", "32Mi", "250m", "128Mi"),
                container: { env: { ...common, APP_FILE: "approver.py" }, volumeMounts: [configMount] },
                volumes: [configVolume],
                successfulJobsHistoryLimit: 2,
                failedJobsHistoryLimit: 4,
                dependsOn: cronDeps,
            }),
        );
    }
    return result;
}
