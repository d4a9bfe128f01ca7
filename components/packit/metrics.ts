import * as k8s from "@pulumi/kubernetes";
import { renderWithEndpoints } from "../shared/endpoints";
import * as pulumi from "@pulumi/pulumi";
import { ClusterContext } from "../shared/cluster";
import { RunbookComponent } from "../shared/component";
import { PlainConfigMap } from "../shared/configMap";
import { ConfigMapHandle } from "../shared/handles";
import { AppIdentity } from "../shared/labels";
import { httpProbe, tcpProbe } from "../shared/probes";
import { Workload } from "../shared/workload";
import type { PackitRestart } from "./api";
import { PackitReads, secretVolumes } from "./env";
import { SIZES } from "./layout";
import { metricsProxyConfig } from "./nginx";

/** Arguments of {@link MetricsGateway}. */
export interface MetricsGatewayArgs {
    cluster: ClusterContext;
    /** The main namespace's reference (the Namespace's `name`): the objects are placed with it. */
    namespace: pulumi.Output<string>;
    partOf: string;
    pushgatewayImage: string;
    nginxImage: string;
    /** Public host of the metrics endpoint (`workers[.stg].packit.dev`). */
    host: string;
    /** The deployment's Secrets: nginx serves the wildcard certificate of `packit-secrets`. */
    reads: PackitReads;
    /** The deployment's checksum key and Secrets: nginx reads the certificate and its nginx.conf at start only. */
    restart: PackitRestart;
}

const PUSHGATEWAY_PORT = 9091;
const NGINX_PORT = 8443;

/**
 * Celery metrics (runbook 001, "Pushgateway"): the workers push to the Prometheus Pushgateway inside the cluster,
 * and an nginx in front of it is the only public way in, serving `GET /metrics` and nothing else. TLS is passed through to nginx, which
 * serves the wildcard certificate from `packit-secrets`.
 */
export class MetricsGateway extends RunbookComponent {
    public readonly pushgateway: Workload;
    public readonly proxy: Workload;
    public readonly config: k8s.core.v1.ConfigMap & { readonly handle: ConfigMapHandle };

    constructor(name: string, args: MetricsGatewayArgs, opts?: pulumi.ComponentResourceOptions) {
        super("runbooks:packit:MetricsGateway", name, opts, args.cluster.provider);
        const { cluster } = args;
        const app = (appName: string): AppIdentity => ({
            name: appName,
            partOf: args.partOf,
            component: "metrics",
        });
        this.pushgateway = new Workload(
            this.childName("pushgateway"),
            {
                cluster,
                namespace: args.namespace,
                app: app("pushgateway"),
                strategy: "Recreate",
                automountServiceAccountToken: false,
                containers: [
                    {
                        name: "pushgateway",
                        image: args.pushgatewayImage,
                        args: [`--web.listen-address=:${PUSHGATEWAY_PORT}`],
                        ports: [{ name: "push", containerPort: PUSHGATEWAY_PORT }],
                        resources: SIZES.pushgateway,
                        readinessProbe: httpProbe("/-/ready", PUSHGATEWAY_PORT),
                        livenessProbe: httpProbe("/-/healthy", PUSHGATEWAY_PORT, {
                            initialDelaySeconds: 10,
                            periodSeconds: 20,
                        }),
                    },
                ],
                // Port 80 so the workers' PUSHGATEWAY_ADDRESS is plain http://pushgateway.
                service: { ports: [{ name: "push", port: 80, targetPort: PUSHGATEWAY_PORT }] },
            },
            this.child(),
        );

        const nginxConf = renderWithEndpoints(
            {
                upstream: this.pushgateway
                    .endpoint()
                    .url({ local: true, explicitPort: true, path: "/metrics" }),
            },
            ({ upstream }) =>
                metricsProxyConfig({
                    listenPort: NGINX_PORT,
                    upstream,
                    certificate: "/secrets/fullchain.pem",
                    certificateKey: "/secrets/privkey.pem",
                }),
        );
        this.config = new PlainConfigMap(
            this.childName("nginx-config"),
            {
                namespace: args.namespace,
                name: "nginx-config",
                app: app("nginx"),
                data: { "nginx.conf": nginxConf },
            },
            this.child(),
        );
        const certs = secretVolumes(args.reads, ["packit-secrets"]);
        this.proxy = new Workload(
            this.childName("nginx"),
            {
                cluster,
                namespace: args.namespace,
                app: app("nginx"),
                automountServiceAccountToken: false,
                // New certificates (runbook 001: "restart ... nginx for them to use the new certs") or a changed
                // nginx.conf only take effect in a new pod.
                restartOnChange: args.restart,
                containers: [
                    {
                        name: "nginx",
                        image: args.nginxImage,
                        command: ["nginx", "-g", "daemon off;", "-c", "/etc/nginx/custom/nginx.conf"],
                        ports: [{ name: "https", containerPort: NGINX_PORT }],
                        resources: SIZES.nginx,
                        // Source: a TCP check for both; readiness only (sameCheck, shared/probes.ts).
                        readinessProbe: tcpProbe(NGINX_PORT),
                        volumeMounts: [
                            { name: "nginx-config", mountPath: "/etc/nginx/custom", readOnly: true },
                            ...certs.volumeMounts,
                        ],
                    },
                ],
                volumes: [this.config.handle.volume("nginx-config"), ...certs.volumes],
                service: { ports: [{ name: "https", port: 443, targetPort: NGINX_PORT }] },
                expose: [{ host: args.host, servicePort: "https", tls: { termination: "passthrough" } }],
            },
            // nginx resolves its upstream `pushgateway` when it loads the config and exits if the name is unknown.
            this.child({ dependsOn: [this.pushgateway] }),
        );
        this.registerOutputs({ url: `https://${args.host}/metrics` });
    }
}
