import * as pulumi from "@pulumi/pulumi";
import stableStringify from "safe-stable-stringify";
import { SecretStore } from "../../config/system";
import { EnvMap } from "../../shared/env";
import { ConfigMapHandle, HandleMount, SecretHandle } from "../../shared/handles";
import { httpProbe, httpServerProbes } from "../../shared/probes";
import { sized } from "../../shared/resources";
import { ScheduledJob } from "../../shared/scheduledJob";
import { BotEndpoint, BotFamily, BotFamilyArgs } from "./botkit";
import { BotName } from "./catalog";
import { isBotEnabled } from "./enabled";
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
/** The chat credentials mounted at `path` (one file of them with `subPath`), in volume chat-credentials. */
type ChatMount = (path: string, subPath?: string) => HandleMount;

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
    public readonly endpoint?: BotEndpoint;
    readonly #args: SeshetaFamilyArgs;

    constructor(name: string, args: SeshetaFamilyArgs, opts?: pulumi.ComponentResourceOptions) {
        super("runbooks:thoth:SeshetaFamily", name, args, opts);
        this.#args = args;
        const keyFile = this.bots.seshetaChatKeyFile;
        // Only the chat bot's JSON of the identity's Secret, as the file name sesheta opens.
        const chat: ChatMount = (path, subPath) =>
            args.sesheta.mount(path, {
                volume: "chat-credentials",
                items: [{ key: keyFile, path: keyFile }],
                readOnly: true,
                ...(subPath !== undefined ? { subPath } : {}),
            });
        const configMap = this.configMap("sesheta-configmap", "bot", this.settings()).handle;
        const configMounts = this.botConfigMounts();
        const common: EnvMap = {
            SESHETA_GITHUB_ACCESS_TOKEN: args.sesheta.env("github-oauth-token"),
            SESHETA_VERBOSE: configMap.env("sesheta-verbose"),
        };
        if (args.webhooks) this.endpoint = this.webhooks(args.webhooks, common, chat);
        if (args.labelChecker) this.labelChecker(args.labelChecker, common, configMounts);
        if (args.scrum) this.scrum(args.scrum, common, configMap, chat);
        if (args.approver) this.approver(args.approver, common, configMounts);
        this.registerOutputs({});
    }

    /** ConfigMap sesheta-configmap's data: verbosity, and the scrum's settings when it runs. */
    private settings(): Record<string, string> {
        const scrum = this.#args.scrum;
        return {
            "sesheta-verbose": this.bots.seshetaVerbose ? "1" : "0",
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
    }

    /**
     * ConfigMap sesheta-bot mounted as `etc/config.json`: only the label-checker and the approver mount it, and it
     * exists exactly when one of them runs.
     */
    private botConfigMounts(): HandleMount[] {
        if (!this.#args.labelChecker && !this.#args.approver) return [];
        const botConfig = this.configMap("sesheta-bot", "bot", {
            "config.json": seshetaConfigJson(this.bots.seshetaConfig),
        });
        return [
            botConfig.handle.mount(`${APP_ROOT}/etc/config.json`, {
                volume: "bot-config",
                subPath: "config.json",
                readOnly: true,
            }),
        ];
    }

    private webhooks(entry: WebEntry, common: EnvMap, chat: ChatMount): BotEndpoint {
        const secret = this.#args.sesheta;
        return this.webBot({
            bot: "sesheta-webhooks",
            entry,
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
                mounts: [chat(GCLOUD_DIR)],
            },
        });
    }

    private labelChecker(entry: CronEntry, common: EnvMap, configMounts: HandleMount[]): ScheduledJob {
        return this.cronBot({
            bot: "sesheta-label-checker",
            entry,
            resources: sized("100m", "32Mi", "250m", "128Mi"),
            container: {
                env: { ...common, APP_FILE: "check_if_labels_present.py" },
                mounts: configMounts,
            },
            history: [2, 4],
        });
    }

    private scrum(
        entry: ScrumEntry,
        common: EnvMap,
        configMap: ConfigMapHandle,
        chat: ChatMount,
    ): ScheduledJob {
        return this.cronBot({
            bot: "sesheta-scrum",
            entry,
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
                mounts: [chat(`${APP_ROOT}/etc/credentials.json`, this.bots.seshetaChatKeyFile)],
            },
            history: [2, 4],
        });
    }

    private approver(entry: CronEntry, common: EnvMap, configMounts: HandleMount[]): ScheduledJob {
        return this.cronBot({
            bot: "sesheta-approver",
            entry,
            resources: sized("100m", "32Mi", "250m", "128Mi"),
            container: { env: { ...common, APP_FILE: "approver.py" }, mounts: configMounts },
            history: [2, 4],
        });
    }
}

/**
 * The label-checker's and the approver's `etc/config.json`, keys sorted at every depth. The engine hands an object
 * config value to the program as Go's JSON encoding of a map, keys sorted (pulumi/pulumi@a05d88f
 * sdk/go/common/resource/config/plaintext.go `marshalText`), while the offline plan reads the stack file in its
 * written order: only a serialisation that does not depend on key order is the same file in both.
 */
export function seshetaConfigJson(config: Readonly<Record<string, unknown>>): string {
    return `${stableStringify(config, null, 2) ?? "{}"}\n`;
}
