import * as pulumi from "@pulumi/pulumi";
import { EnvMap } from "../../shared/env";
import { SecretHandle } from "../../shared/handles";
import { fixedSize } from "../../shared/resources";
import { configSecret } from "../../shared/secret";
import { ScheduledJob } from "../../shared/scheduledJob";
import { BotContext, botConfigMap, botOptions, cronBot } from "./botkit";
import { isBotEnabled } from "./catalog";
import { thothApp } from "../identity";
import { SECRET_KEYS } from "../secrets";

const SSH_DIR = "/home/user/.ssh";
/** 0600: ssh refuses a private key others can read. */
const PRIVATE_KEY_MODE = 0o600;

/** The SSH key of a Secret mounted as `~/.ssh/id_rsa`, as both bots expect it. */
function sshVolume(secret: SecretHandle) {
    return secret.volume("ssh-config", {
        items: [{ key: "ssh-privatekey", path: "id_rsa", mode: PRIVATE_KEY_MODE }],
    });
}

/**
 * Kebechet (dependency updates and releases, every 20 minutes) and Nepthys (documentation refresh, daily).
 * Nepthys pushes with Kebechet's SSH identity: its Secret carries the same private key.
 */
export function deployKebechetFamily(ctx: BotContext): ScheduledJob[] {
    const jobs: ScheduledJob[] = [];
    const keb = isBotEnabled(ctx.bots, "kebechet") ? ctx.bots.kebechet : undefined;
    const nep = isBotEnabled(ctx.bots, "nepthys") ? ctx.bots.nepthys : undefined;
    // Both Secrets carry Kebechet's one SSH key.
    const sshKey = () => ctx.secrets.require(SECRET_KEYS.seshetaSshKey);

    if (keb) {
        const optional: Record<string, pulumi.Output<string> | undefined> = {
            "gitlab-oauth-token": ctx.secrets.get(SECRET_KEYS.kebechetGitlabToken),
            "pagure-oauth-token": ctx.secrets.get(SECRET_KEYS.kebechetPagureToken),
            "sentry-dsn": ctx.secrets.get(SECRET_KEYS.kebechetSentryDsn),
        };
        const data: Record<string, pulumi.Input<string>> = {
            "ssh-privatekey": sshKey(),
            "github-oauth-token": ctx.secrets.require(SECRET_KEYS.seshetaGithubToken),
        };
        for (const [key, value] of Object.entries(optional)) {
            if (value) data[key] = value;
        }
        const secret = configSecret(
            `${ctx.name}-kebechet-secret`,
            {
                cluster: ctx.cluster,
                namespace: ctx.namespace,
                secretName: "kebechet-secret",
                app: thothApp("kebechet", "bot"),
                type: "kubernetes.io/ssh-auth",
                data,
            },
            botOptions(ctx),
        ).handle;
        const configMap = botConfigMap(ctx, "kebechet-configmap", "bot", {
            "kebechet-config": keb.configuration,
            "kebechet-verbose": keb.verbose ? "1" : "0",
        }).handle;
        const env: EnvMap = {
            KEBECHET_SUBCOMMAND: "run",
            KEBECHET_TOKEN: secret.env("github-oauth-token"),
            GITHUB_KEBECHET_TOKEN: secret.env("github-oauth-token"),
            GITLAB_KEBECHET_TOKEN: optional["gitlab-oauth-token"] && secret.env("gitlab-oauth-token"),
            PAGURE_KEBECHET_TOKEN: optional["pagure-oauth-token"] && secret.env("pagure-oauth-token"),
            SENTRY_DSN: optional["sentry-dsn"] && secret.env("sentry-dsn"),
            KEBECHET_CONFIGURATION_PATH: configMap.env("kebechet-config"),
            KEBECHET_VERBOSE: configMap.env("kebechet-verbose"),
            PIPENV_NOSPIN: "1",
            PIPENV_COLORBLIND: "1",
            PIPENV_HIDE_EMOJIS: "1",
        };
        jobs.push(
            cronBot(ctx, {
                bot: "kebechet",
                entry: keb,
                resources: fixedSize("2", "2Gi"),
                container: {
                    env,
                    volumeMounts: [{ name: "ssh-config", mountPath: SSH_DIR, readOnly: true }],
                },
                volumes: [sshVolume(secret)],
                successfulJobsHistoryLimit: 2,
                failedJobsHistoryLimit: 1,
            }),
        );
    }

    if (nep) {
        const secret = configSecret(
            `${ctx.name}-nepthys-secret`,
            {
                cluster: ctx.cluster,
                namespace: ctx.namespace,
                secretName: "nepthys-secret",
                app: thothApp("nepthys", "bot"),
                type: "kubernetes.io/ssh-auth",
                data: {
                    "ssh-privatekey": sshKey(),
                    "user-name": nep.gitUserName,
                    "user-email": nep.gitUserEmail,
                    "github-oauth-token": ctx.secrets.require(SECRET_KEYS.seshetaGithubToken),
                },
            },
            botOptions(ctx),
        ).handle;
        jobs.push(
            cronBot(ctx, {
                bot: "nepthys",
                entry: nep,
                resources: fixedSize("500m", "1Gi"),
                container: {
                    env: {
                        GITHUB_TOKEN: secret.env("github-oauth-token"),
                        GITHUB_USER: secret.env("user-name"),
                        GITHUB_USER_EMAIL: secret.env("user-email"),
                    },
                    volumeMounts: [{ name: "ssh-config", mountPath: SSH_DIR, readOnly: true }],
                },
                volumes: [sshVolume(secret)],
                successfulJobsHistoryLimit: 2,
                failedJobsHistoryLimit: 1,
                // Nepthys' own changelog: "Give job 30 minutes to finish".
                activeDeadlineSeconds: 1800,
            }),
        );
    }
    return jobs;
}
