import * as pulumi from "@pulumi/pulumi";
import { KubernetesContext, SecretStore } from "../../config/system";
import { SecretHandle } from "../../shared/handles";
import { Namespace } from "../../shared/namespace";
import { ConfigSecret } from "../../shared/secret";
import { ChecksumKey } from "../../shared/startupReads";
import { SystemArgs, SystemPart } from "../../config/systemComponent";
import { BotEndpoint, BotFamilyArgs } from "./botkit";
import { SESHETA_SECRET_READERS, WebhookBotName } from "./catalog";
import { enabledBot, enabledBots, isBotEnabled } from "./enabled";
import { CheckedBots, ThothSection } from "../config";
import { thothApp } from "../identity";
import { KebechetFamily } from "./kebechet";
import { Regidores } from "./regidores";
import { ReviewManager } from "./reviewManager";
import { SESHETA_BOTS, SeshetaFamily, seshetaSecretData } from "./sesheta";

export interface BotsArgs extends SystemArgs<ThothSection, KubernetesContext> {
    /** The `thoth.bots` section as its check refined it; only enabled bots are deployed. */
    bots: CheckedBots;
    /** The system's secret store (scoped to its identity). */
    secrets: SecretStore;
    /** Key of the checksums that roll a bot when what it reads at start changes (the system's `checksumKey`). */
    restartKey: ChecksumKey;
}

/** The bots' stack output. */
export interface BotsOutputs {
    namespace: string;
    deployed: string[];
    endpoints: Record<string, pulumi.Input<string>>;
}

/**
 * The Thoth bots in their namespace (`aicoe-prod-bots` in prod, a stage namespace in stage), one component per
 * family: Kebechet and Nepthys, the Sesheta bots, review-manager, and the cyborg-regidores bots (webhook2kafka and
 * normalizers), each with its Secrets and ConfigMaps; Sesheta's identity, which three families read, is made here.
 */
export class Bots extends SystemPart<ThothSection, KubernetesContext> {
    /** Address of every deployed webhook bot, for ultrahook destinations. */
    public readonly endpoints: Partial<Record<WebhookBotName, BotEndpoint>> = {};
    /** The bots' stack output: namespace, deployed bots and each webhook bot's public (or in-cluster) URL. */
    public readonly outputs: BotsOutputs;
    readonly #args: BotsArgs;

    constructor(name: string, args: BotsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("runbooks:thoth:Bots", name, args, opts);
        this.#args = args;
        const family = this.familyArgs(this.namespace());
        this.kebechet(family);
        const sesheta = this.seshetaSecret(family.namespace);
        if (sesheta) {
            this.sesheta(family, sesheta);
            this.reviewManager(family, sesheta);
            this.regidores(family, sesheta);
        }
        const endpoints = Object.fromEntries(
            Object.entries(this.endpoints).map(([bot, e]) => [bot, e.url ?? e.serviceUrl]),
        );
        this.outputs = { namespace: args.bots.namespace, deployed: enabledBots(args.bots), endpoints };
        this.registerOutputs({ deployed: this.outputs.deployed, endpoints });
    }

    /** The bots' namespace: every bot object is placed with its name, so it is made after it. */
    private namespace(): pulumi.Output<string> {
        const { bots } = this.#args;
        return new Namespace(
            this.childName("ns"),
            {
                cluster: this.context.cluster,
                name: bots.namespace,
                app: thothApp("thoth-bots", "bot"),
                create: bots.createNamespace,
            },
            this.child(),
        ).name;
    }

    /** What every family is built from. */
    private familyArgs(namespace: pulumi.Output<string>): BotFamilyArgs {
        const { bots, secrets, restartKey } = this.#args;
        return {
            config: this.config,
            context: this.context,
            namespace,
            bots,
            secrets,
            restartKey,
            formerParent: this,
            formerName: this.baseName,
        };
    }

    /** Kebechet and Nepthys, when either runs. */
    private kebechet(family: BotFamilyArgs): void {
        const kebechet = enabledBot(family.bots, "kebechet");
        const nepthys = enabledBot(family.bots, "nepthys");
        if (!kebechet && !nepthys) return;
        new KebechetFamily(this.childName("kebechet-family"), { ...family, kebechet, nepthys }, this.child());
    }

    /** The Sesheta bots, when one of them runs. */
    private sesheta(family: BotFamilyArgs, sesheta: SecretHandle): void {
        const bots = family.bots;
        if (!SESHETA_BOTS.some((bot) => isBotEnabled(bots, bot))) return;
        const { endpoint } = new SeshetaFamily(
            this.childName("sesheta-family"),
            {
                ...family,
                webhooks: enabledBot(bots, "sesheta-webhooks"),
                labelChecker: enabledBot(bots, "sesheta-label-checker"),
                scrum: enabledBot(bots, "sesheta-scrum"),
                approver: enabledBot(bots, "sesheta-approver"),
                sesheta,
            },
            this.child(),
        );
        if (endpoint) this.endpoints["sesheta-webhooks"] = endpoint;
    }

    /** review-manager, when it runs. */
    private reviewManager(family: BotFamilyArgs, sesheta: SecretHandle): void {
        const entry = enabledBot(family.bots, "review-manager");
        if (!entry) return;
        this.endpoints["review-manager"] = new ReviewManager(
            this.childName("review-manager-bot"),
            { ...family, entry, sesheta },
            this.child(),
        ).endpoint;
    }

    /** The cyborg-regidores bots, when one of them runs. */
    private regidores(family: BotFamilyArgs, sesheta: SecretHandle): void {
        const regidores = this.#args.bots.regidores;
        if (!regidores) return;
        const { endpoint } = new Regidores(
            this.childName("regidores"),
            { ...family, ...regidores, sesheta },
            this.child(),
        );
        if (endpoint) this.endpoints.webhook2kafka = endpoint;
    }

    /**
     * Secret sesheta-secret (see {@link seshetaSecretData}), read by the Sesheta bots, review-manager and the
     * cyborg-regidores bots: made exactly when one of them runs.
     */
    private seshetaSecret(namespace: pulumi.Output<string>): SecretHandle | undefined {
        const { bots, secrets } = this.#args;
        if (!SESHETA_SECRET_READERS.some((bot) => isBotEnabled(bots, bot))) return undefined;
        return new ConfigSecret(
            this.childName("sesheta-secret"),
            {
                namespace,
                name: "sesheta-secret",
                app: thothApp("sesheta", "bot"),
                type: "kubernetes.io/ssh-auth",
                data: seshetaSecretData(bots, secrets),
            },
            this.child(),
        ).handle;
    }
}
