import * as pulumi from "@pulumi/pulumi";
import { KubernetesContext, SecretStore } from "../../config/system";
import { SecretHandle } from "../../shared/handles";
import { imageVersion } from "../../shared/imageRef";
import { AppIdentity } from "../../shared/labels";
import { Namespace } from "../../shared/namespace";
import { fixedSize } from "../../shared/resources";
import { ConfigSecret } from "../../shared/secret";
import { ChecksumKey } from "../../shared/startupReads";
import { SystemArgs, SystemPart } from "../../config/systemComponent";
import { Workload } from "../../shared/workload";
import { BotEndpoint } from "../bots/botkit";
import { WebhookBotName } from "../bots/catalog";
import { CheckedUltrahookInstance, CheckedUltrahooks, ThothSection } from "../config";
import { THOTH_PART_OF } from "../identity";
import { ultrahookApiKeySecret } from "../secrets";
import { resolveDestination } from "./destinations";

export interface UltrahooksArgs extends SystemArgs<ThothSection, KubernetesContext> {
    /** The `thoth.ultrahooks` section (enabled). */
    hooks: Extract<CheckedUltrahooks, { enabled: true }>;
    /** Address of every webhook bot this stack deploys: a tunnel to a bot forwards to it. */
    botEndpoints: Partial<Record<WebhookBotName, BotEndpoint>>;
    /** The system's secret store: the API key of each Secret the tunnels name. */
    secrets: SecretStore;
    /** Key of the checksums that roll a client when its API key is rotated (the system's `checksumKey`). */
    restartKey: ChecksumKey;
}

/**
 * Tunnels public webhooks into the cluster: one ultrahook client Deployment per subdomain, each forwarding to
 * its destination with the API key of its account (AICoE/ultrahook-openshift).
 */
export class Ultrahooks extends SystemPart<ThothSection, KubernetesContext> {
    /** Subdomain → Deployment object name. */
    public readonly deployments: Record<string, string> = {};
    /** Subdomain → resolved destination. */
    public readonly destinations: Record<string, pulumi.Output<string>> = {};
    readonly #args: UltrahooksArgs;

    constructor(name: string, args: UltrahooksArgs, opts?: pulumi.ComponentResourceOptions) {
        super("runbooks:thoth:Ultrahooks", name, args, opts);
        this.#args = args;
        const namespace = this.namespace();
        const keys = this.apiKeySecrets(namespace);
        for (const instance of args.hooks.instances)
            this.tunnel(instance, namespace, keys[instance.apiKeySecret]);
        this.registerOutputs({ deployments: this.deployments, destinations: this.destinations });
    }

    /** The clients' identity; the namespace's and the Secrets' without a subdomain. */
    private app(subdomain?: string): AppIdentity {
        return {
            name: subdomain ? `ultrahook-${subdomain}` : "ultrahook",
            partOf: THOTH_PART_OF,
            component: "webhook-tunnel",
            version: imageVersion(this.#args.hooks.image),
        };
    }

    /** The tunnels' namespace: every object is placed with its name, so it is made after it. */
    private namespace(): pulumi.Output<string> {
        const hooks = this.#args.hooks;
        return new Namespace(
            this.childName("ns"),
            {
                cluster: this.context.cluster,
                name: hooks.namespace,
                app: this.app(),
                create: hooks.createNamespace,
            },
            this.child(),
        ).name;
    }

    /** One Secret per API key the tunnels name (two tunnels of one account share it), by Secret name. */
    private apiKeySecrets(namespace: pulumi.Output<string>): Record<string, SecretHandle> {
        const names = [...new Set(this.#args.hooks.instances.map((i) => i.apiKeySecret))].sort();
        return Object.fromEntries(
            names.map((secretName) => {
                const secret = new ConfigSecret(
                    this.childName(secretName),
                    {
                        namespace,
                        name: secretName,
                        app: this.app(),
                        data: { "api.key": this.#args.secrets.require(ultrahookApiKeySecret(secretName)) },
                    },
                    this.child(),
                );
                return [secretName, secret.handle] as const;
            }),
        );
    }

    /** One client, forwarding its subdomain to its destination. */
    private tunnel(
        instance: CheckedUltrahookInstance,
        namespace: pulumi.Output<string>,
        apiKey: SecretHandle,
    ): void {
        const destination = resolveDestination(instance.subdomain, instance.to, this.#args.botEndpoints);
        const workload = new Workload(
            this.childName(instance.subdomain),
            {
                cluster: this.context.cluster,
                namespace,
                app: this.app(instance.subdomain),
                // One client per subdomain: two replicas would register the same tunnel twice.
                strategy: "Recreate",
                automountServiceAccountToken: false,
                containers: [
                    {
                        name: "ultrahook",
                        image: this.#args.hooks.image,
                        env: {
                            ULTRAHOOK_SUBDOMAIN: instance.subdomain,
                            ULTRAHOOK_DESTINATION: { computed: destination },
                            ULTRAHOOK_API_KEY: apiKey.env("api.key"),
                        },
                        resources: fixedSize(undefined, "50Mi"),
                    },
                ],
                // The client reads ULTRAHOOK_API_KEY once at start: a rotated key must restart it.
                restartOnChange: { key: this.#args.restartKey },
            },
            this.child(),
        );
        this.deployments[instance.subdomain] = workload.objectName;
        this.destinations[instance.subdomain] = pulumi.output(destination);
    }
}
