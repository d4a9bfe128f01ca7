import * as pulumi from "@pulumi/pulumi";
import { ClusterContext } from "../../shared/cluster";
import { RunbookComponent } from "../../shared/component";
import { imageVersion } from "../../shared/imageRef";
import { AppIdentity } from "../../shared/labels";
import { Namespace } from "../../shared/namespace";
import { fixedSize } from "../../shared/resources";
import { ConfigSecret } from "../../shared/secret";
import { ChecksumKey } from "../../shared/startupReads";
import { Workload } from "../../shared/workload";
import { THOTH_PART_OF } from "../identity";

export interface UltrahookTunnel {
    /** ultrahook.com subdomain (`<subdomain>.<namespace>.ultrahook.com` on the ultrahook side). */
    subdomain: string;
    /** Name of the Secret with the tunnel's `api.key`. */
    apiKeySecret: string;
    /** Where requests are forwarded; an Output when it is another resource's address. */
    destination: pulumi.Input<string>;
}

/** Arguments of {@link Ultrahooks}. */
export interface UltrahooksArgs {
    cluster: ClusterContext;
    namespace: string;
    /** Create the namespace, or only deploy into it. */
    createNamespace: boolean;
    image: string;
    tunnels: UltrahookTunnel[];
    /** API key of each Secret named by the tunnels (secret Outputs from stack config). */
    apiKeys: Record<string, pulumi.Input<string>>;
    /** Key of the checksums that roll a client when its API key is rotated (the system's `checksumKey`). */
    restartKey: ChecksumKey;
}

/**
 * Tunnels public webhooks into the cluster: one ultrahook client Deployment per subdomain, each forwarding to
 * its destination with the API key of its account (AICoE/ultrahook-openshift).
 */
export class Ultrahooks extends RunbookComponent {
    /** Subdomain → Deployment object name. */
    public readonly deployments: Record<string, string> = {};
    /** Subdomain → resolved destination. */
    public readonly destinations: Record<string, pulumi.Output<string>> = {};

    constructor(name: string, args: UltrahooksArgs, opts?: pulumi.ComponentResourceOptions) {
        super("runbooks:thoth:Ultrahooks", name, opts, args.cluster.provider);
        const app = (sub?: string): AppIdentity => ({
            name: sub ? `ultrahook-${sub}` : "ultrahook",
            partOf: THOTH_PART_OF,
            component: "webhook-tunnel",
            version: imageVersion(args.image),
        });
        const ns = new Namespace(
            this.childName("ns"),
            { cluster: args.cluster, name: args.namespace, app: app(), create: args.createNamespace },
            this.child(),
        );
        const secretNames = [...new Set(args.tunnels.map((t) => t.apiKeySecret))].sort();
        const secrets = Object.fromEntries(
            secretNames.map((secretName) => {
                const apiKey = args.apiKeys[secretName];
                if (apiKey === undefined) {
                    throw new Error(`ultrahook secret ${secretName} has no API key`);
                }
                const secret = new ConfigSecret(
                    this.childName(secretName),
                    {
                        namespace: args.namespace,
                        name: secretName,
                        app: app(),
                        data: { "api.key": apiKey },
                    },
                    this.child({ dependsOn: [ns] }),
                );
                return [secretName, secret.handle] as const;
            }),
        );
        for (const tunnel of args.tunnels) {
            const id = app(tunnel.subdomain);
            const workload = new Workload(
                this.childName(tunnel.subdomain),
                {
                    cluster: args.cluster,
                    namespace: args.namespace,
                    app: id,
                    // One client per subdomain: two replicas would register the same tunnel twice.
                    strategy: "Recreate",
                    automountServiceAccountToken: false,
                    containers: [
                        {
                            name: "ultrahook",
                            image: args.image,
                            env: {
                                ULTRAHOOK_SUBDOMAIN: tunnel.subdomain,
                                ULTRAHOOK_DESTINATION: { computed: tunnel.destination },
                                ULTRAHOOK_API_KEY: secrets[tunnel.apiKeySecret].env("api.key"),
                            },
                            resources: fixedSize(undefined, "50Mi"),
                        },
                    ],
                    // The client reads ULTRAHOOK_API_KEY once at start: a rotated key must restart it.
                    restartOnChange: { key: args.restartKey },
                },
                // Named with a plain string, the namespace carries no reference to its Namespace.
                this.child({ dependsOn: [ns] }),
            );
            this.deployments[tunnel.subdomain] = workload.objectName;
            this.destinations[tunnel.subdomain] = pulumi.output(tunnel.destination);
        }
        this.registerOutputs({ deployments: this.deployments, destinations: this.destinations });
    }
}
