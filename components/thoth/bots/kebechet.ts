import * as pulumi from "@pulumi/pulumi";
import { EnvMap } from "../../shared/env";
import { HandleMount, SecretHandle } from "../../shared/handles";
import { fixedSize } from "../../shared/resources";
import { ScheduledJob } from "../../shared/scheduledJob";
import { BotFamily, BotFamilyArgs } from "./botkit";
import { BotsConfig } from "../config";
import { thothApp } from "../identity";
import { SECRET_KEYS } from "../secrets";

const SSH_DIR = "/home/user/.ssh";
/** 0600: ssh refuses a private key others can read. */
const PRIVATE_KEY_MODE = 0o600;

/** The SSH key of a Secret mounted as `~/.ssh/id_rsa`, as both bots expect it. */
function sshMount(secret: SecretHandle): HandleMount {
    return secret.mount(SSH_DIR, {
        volume: "ssh-config",
        items: [{ key: "ssh-privatekey", path: "id_rsa", mode: PRIVATE_KEY_MODE }],
        readOnly: true,
    });
}

/** Arguments of {@link KebechetFamily}: the two bots' entries, each only when it is deployed. */
export interface KebechetFamilyArgs extends BotFamilyArgs {
    kebechet?: KebechetEntry;
    nepthys?: NepthysEntry;
}

type KebechetEntry = NonNullable<BotsConfig["kebechet"]>;
type NepthysEntry = NonNullable<BotsConfig["nepthys"]>;

/**
 * Kebechet (dependency updates and releases, every 20 minutes) and Nepthys (documentation refresh, daily).
 * Nepthys pushes with Kebechet's SSH identity: its Secret carries the same private key.
 */
export class KebechetFamily extends BotFamily {
    constructor(name: string, args: KebechetFamilyArgs, opts?: pulumi.ComponentResourceOptions) {
        super("runbooks:thoth:KebechetFamily", name, args, opts);
        if (args.kebechet) this.kebechet(args.kebechet);
        if (args.nepthys) this.nepthys(args.nepthys);
        this.registerOutputs({});
    }

    /** Both Secrets carry Kebechet's one SSH key. */
    private sshKey(): pulumi.Output<string> {
        return this.secrets.require(SECRET_KEYS.seshetaSshKey);
    }

    private kebechet(keb: KebechetEntry): ScheduledJob {
        const optional: Record<string, pulumi.Output<string> | undefined> = {
            "gitlab-oauth-token": this.secrets.get(SECRET_KEYS.kebechetGitlabToken),
            "pagure-oauth-token": this.secrets.get(SECRET_KEYS.kebechetPagureToken),
            "sentry-dsn": this.secrets.get(SECRET_KEYS.kebechetSentryDsn),
        };
        const data: Record<string, pulumi.Input<string>> = {
            "ssh-privatekey": this.sshKey(),
            "github-oauth-token": this.secrets.require(SECRET_KEYS.seshetaGithubToken),
        };
        for (const [key, value] of Object.entries(optional)) {
            if (value) data[key] = value;
        }
        const secret = this.secret("kebechet-secret", {
            app: thothApp("kebechet", "bot"),
            type: "kubernetes.io/ssh-auth",
            data,
        });
        const configMap = this.configMap("kebechet-configmap", "bot", {
            "kebechet-config": keb.configuration,
            "kebechet-verbose": keb.verbose ? "1" : "0",
        }).handle;
        // Kebechet v1.2.4 runs the repositories of KEBECHET_CONFIGURATION_PATH and expands each `{NAME}` token of it
        // from the environment (kebechet/config.py:353): KEBECHET_TOKEN for the release's own lists, the GitLab and
        // Pagure tokens for a configuration that names them.
        const env: EnvMap = {
            KEBECHET_SUBCOMMAND: "run",
            KEBECHET_TOKEN: secret.env("github-oauth-token"),
            GITLAB_KEBECHET_TOKEN: optional["gitlab-oauth-token"] && secret.env("gitlab-oauth-token"),
            PAGURE_KEBECHET_TOKEN: optional["pagure-oauth-token"] && secret.env("pagure-oauth-token"),
            SENTRY_DSN: optional["sentry-dsn"] && secret.env("sentry-dsn"),
            KEBECHET_CONFIGURATION_PATH: configMap.env("kebechet-config"),
            KEBECHET_VERBOSE: configMap.env("kebechet-verbose"),
            PIPENV_NOSPIN: "1",
            PIPENV_COLORBLIND: "1",
            PIPENV_HIDE_EMOJIS: "1",
        };
        return this.cronBot({
            bot: "kebechet",
            entry: keb,
            resources: fixedSize("2", "2Gi"),
            container: {
                env,
                mounts: [sshMount(secret)],
            },
            history: [2, 1],
        });
    }

    private nepthys(nep: NepthysEntry): ScheduledJob {
        const secret = this.secret("nepthys-secret", {
            app: thothApp("nepthys", "bot"),
            type: "kubernetes.io/ssh-auth",
            data: {
                "ssh-privatekey": this.sshKey(),
                "user-name": nep.gitUserName,
                "user-email": nep.gitUserEmail,
            },
        });
        return this.cronBot({
            bot: "nepthys",
            entry: nep,
            resources: fixedSize("500m", "1Gi"),
            container: {
                // create_docs.sh (v0.2.6 and v0.4.4) pushes over SSH and calls no GitHub API: it reads no GITHUB_TOKEN.
                env: {
                    GITHUB_USER: secret.env("user-name"),
                    GITHUB_USER_EMAIL: secret.env("user-email"),
                },
                mounts: [sshMount(secret)],
            },
            history: [2, 1],
            // Nepthys' own changelog: "Give job 30 minutes to finish".
            activeDeadlineSeconds: 1800,
        });
    }
}
