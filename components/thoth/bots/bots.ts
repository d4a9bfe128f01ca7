import * as pulumi from "@pulumi/pulumi";
import { SecretStore } from "../../config/system";
import { ClusterContext } from "../../shared/cluster";
import { RunbookComponent } from "../../shared/component";
import { SecretHandle } from "../../shared/handles";
import { Namespace } from "../../shared/namespace";
import { ConfigSecret } from "../../shared/secret";
import { ChecksumKey } from "../../shared/startupReads";
import { BotEndpoint, BotFamilyArgs } from "./botkit";
import { SESHETA_SECRET_READERS, WebhookBotName, enabledBot, enabledBots, isBotEnabled } from "./catalog";
import { CheckedBots } from "../config";
import { thothApp } from "../identity";
import { KebechetFamily } from "./kebechet";
import { Regidores } from "./regidores";
import { ReviewManager } from "./reviewManager";
import { SESHETA_BOTS, SeshetaFamily, seshetaSecretData } from "./sesheta";

/** Arguments of {@link Bots}. */
export interface BotsArgs {
    cluster: ClusterContext;
    /** The `thoth.bots` section as its check refined it; only enabled bots are deployed. */
    bots: CheckedBots;
    /** Base domain of default Route hosts (`<bot>-<namespace>.<domain>`). */
    domain?: string;
    secrets: SecretStore;
    /** Key of the checksums that roll a bot when what it reads at start changes (the system's `checksumKey`). */
    restartKey: ChecksumKey;
}

/**
 * The Thoth bots in their namespace (`aicoe-prod-bots` in prod, a stage namespace in stage), one component per
 * family: Kebechet and Nepthys, the Sesheta bots, review-manager, and the cyborg-regidores bots (webhook2kafka and
 * normalizers), each with its Secrets and ConfigMaps; Sesheta's identity, which three families read, is made here.
 */
export class Bots extends RunbookComponent {
    /** Address of every deployed webhook bot, for ultrahook destinations. */
    public readonly endpoints: Partial<Record<WebhookBotName, BotEndpoint>> = {};
    /** Public URL (or in-cluster URL when it has no Route) of every deployed webhook bot, for stack outputs. */
    public readonly endpointUrls: Record<string, pulumi.Input<string>>;
    /** Object names of the deployed bots. */
    public readonly deployed: string[];

    constructor(name: string, args: BotsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("runbooks:thoth:Bots", name, opts, args.cluster.provider);
        const { bots } = args;
        const ns = new Namespace(
            this.childName("ns"),
            {
                cluster: args.cluster,
                name: bots.namespace,
                app: thothApp("thoth-bots", "bot"),
                create: bots.createNamespace,
            },
            this.child(),
        );
        const inNamespace = this.child({ dependsOn: [ns] });
        const family: BotFamilyArgs = {
            cluster: args.cluster,
            namespace: bots.namespace,
            bots,
            domain: args.domain,
            secrets: args.secrets,
            restartKey: args.restartKey,
            formerParent: this,
            formerName: this.baseName,
        };

        const kebechet = enabledBot(bots, "kebechet");
        const nepthys = enabledBot(bots, "nepthys");
        if (kebechet || nepthys) {
            new KebechetFamily(
                this.childName("kebechet-family"),
                { ...family, kebechet, nepthys },
                inNamespace,
            );
        }
        const sesheta = this.seshetaSecret(args, inNamespace);
        if (sesheta && SESHETA_BOTS.some((bot) => isBotEnabled(bots, bot))) {
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
                inNamespace,
            );
            if (endpoint) this.endpoints["sesheta-webhooks"] = endpoint;
        }
        const reviewManager = enabledBot(bots, "review-manager");
        if (sesheta && reviewManager) {
            this.endpoints["review-manager"] = new ReviewManager(
                this.childName("review-manager-bot"),
                { ...family, entry: reviewManager, sesheta },
                inNamespace,
            ).endpoint;
        }
        if (sesheta && bots.regidores) {
            const { endpoint } = new Regidores(
                this.childName("regidores"),
                { ...family, ...bots.regidores, sesheta },
                inNamespace,
            );
            if (endpoint) this.endpoints.webhook2kafka = endpoint;
        }
        this.deployed = enabledBots(bots);
        this.endpointUrls = Object.fromEntries(
            Object.entries(this.endpoints).map(([bot, e]) => [bot, e.url ?? e.serviceUrl]),
        );
        this.registerOutputs({ deployed: this.deployed, endpoints: this.endpointUrls });
    }

    /**
     * Secret sesheta-secret (see {@link seshetaSecretData}), read by the Sesheta bots, review-manager and the
     * cyborg-regidores bots: made exactly when one of them runs.
     */
    private seshetaSecret(args: BotsArgs, opts: pulumi.CustomResourceOptions): SecretHandle | undefined {
        if (!SESHETA_SECRET_READERS.some((bot) => isBotEnabled(args.bots, bot))) return undefined;
        return new ConfigSecret(
            this.childName("sesheta-secret"),
            {
                namespace: args.bots.namespace,
                name: "sesheta-secret",
                app: thothApp("sesheta", "bot"),
                type: "kubernetes.io/ssh-auth",
                data: seshetaSecretData(args.bots, args.secrets),
            },
            opts,
        ).handle;
    }
}
