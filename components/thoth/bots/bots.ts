import * as pulumi from "@pulumi/pulumi";
import { SecretStore } from "../../config/system";
import { ClusterContext } from "../../shared/cluster";
import { RunbookComponent } from "../../shared/component";
import { Namespace } from "../../shared/namespace";
import { ChecksumKey } from "../../shared/startupReads";
import { BotContext, BotEndpoint } from "./botkit";
import { WebhookBotName, enabledBots } from "./catalog";
import { BotsConfig } from "../config";
import { thothApp } from "../identity";
import { deployKebechetFamily } from "./kebechet";
import { deployRegidores } from "./regidores";
import { deployReviewManager } from "./reviewManager";
import { deploySeshetaFamily, seshetaSecret } from "./sesheta";

/** Arguments of {@link Bots}. */
export interface BotsArgs {
    cluster: ClusterContext;
    /** The `thoth.bots` section; only enabled bots are deployed. */
    bots: BotsConfig;
    /** Base domain of default Route hosts (`<bot>-<namespace>.<domain>`). */
    domain?: string;
    secrets: SecretStore;
    /** Key of the checksums that roll a bot when what it reads at start changes (the system's `checksumKey`). */
    restartKey: ChecksumKey;
}

/**
 * The Thoth bots in their namespace (`aicoe-prod-bots` in prod, a stage namespace in stage): Kebechet, Nepthys,
 * the Sesheta bots, review-manager, webhook2kafka and normalizers, each with its Secrets and ConfigMaps.
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
        const namespace = args.bots.namespace;
        const ns = new Namespace(
            this.childName("ns"),
            {
                cluster: args.cluster,
                name: namespace,
                app: thothApp("thoth-bots", "bot"),
                create: args.bots.createNamespace,
            },
            this.child(),
        );
        const ctx: BotContext = {
            name: this.baseName,
            cluster: args.cluster,
            namespace,
            bots: args.bots,
            domain: args.domain,
            secrets: args.secrets,
            restartKey: args.restartKey,
            options: (dependsOn = []) => this.child({ dependsOn: [ns, ...dependsOn] }),
        };
        deployKebechetFamily(ctx);
        const sesheta = seshetaSecret(ctx);
        const seshetaResult = deploySeshetaFamily(ctx, sesheta);
        const endpoints: [WebhookBotName, BotEndpoint | undefined][] = [
            ["sesheta-webhooks", seshetaResult.endpoint],
            ["review-manager", deployReviewManager(ctx, sesheta)],
            ["webhook2kafka", deployRegidores(ctx, sesheta)],
        ];
        for (const [bot, endpoint] of endpoints) {
            if (endpoint) this.endpoints[bot] = endpoint;
        }
        this.deployed = enabledBots(args.bots);
        this.endpointUrls = Object.fromEntries(
            Object.entries(this.endpoints).map(([bot, e]) => [bot, e.url ?? e.serviceUrl]),
        );
        this.registerOutputs({ deployed: this.deployed, endpoints: this.endpointUrls });
    }
}
