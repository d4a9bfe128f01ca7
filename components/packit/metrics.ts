import * as k8s from "@pulumi/kubernetes";
import { renderWithEndpoints } from "../shared/endpoints";
import * as pulumi from "@pulumi/pulumi";
import { PlainConfigMap } from "../shared/configMap";
import { ConfigMapHandle } from "../shared/handles";
import { httpProbe, tcpProbe } from "../shared/probes";
import { Workload } from "../shared/workload";
import { TLS_FILES, secretMounts } from "./env";
import { SIZES, hostOf } from "./layout";
import { PackitPart, PackitPartArgs } from "./part";
import { metricsProxyConfig } from "./nginx";

const PUSHGATEWAY_PORT = 9091;
const NGINX_PORT = 8443;

/**
 * Celery metrics (runbook 001, "Pushgateway"): the workers push to the Prometheus Pushgateway inside the cluster,
 * and an nginx in front of it is the only public way in, serving `GET /metrics` and nothing else. TLS is passed through to nginx, which
 * serves the wildcard certificate from `packit-secrets`.
 */
export class MetricsGateway extends PackitPart {
    public readonly pushgateway: Workload;
    public readonly proxy: Workload;
    public readonly nginxConfig: k8s.core.v1.ConfigMap & { readonly handle: ConfigMapHandle };

    constructor(name: string, args: PackitPartArgs, opts?: pulumi.ComponentResourceOptions) {
        super("runbooks:packit:MetricsGateway", name, args, opts);
        this.pushgateway = this.gateway();
        this.nginxConfig = this.proxyConfig(this.pushgateway);
        this.proxy = this.metricsProxy();
        this.registerOutputs({ url: `https://${hostOf("metrics", this.config)}/metrics` });
    }

    /** The Pushgateway, on port 80 inside the cluster. */
    private gateway(): Workload {
        return this.workload("pushgateway", {
            app: this.app("pushgateway", "metrics"),
            strategy: "Recreate",
            automountServiceAccountToken: false,
            containers: [
                {
                    name: "pushgateway",
                    image: this.config.images.pushgateway,
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
            // Its push API and /metrics: the Pushgateway's one port (prometheus/pushgateway README).
            service: {
                ports: [{ name: "push", port: 80, targetPort: PUSHGATEWAY_PORT, purpose: "metrics" }],
            },
        });
    }

    /** nginx.conf: GET /metrics to the gateway, nothing else. */
    private proxyConfig(gateway: Workload): k8s.core.v1.ConfigMap & { readonly handle: ConfigMapHandle } {
        const nginxConf = renderWithEndpoints(
            { upstream: gateway.endpoint().url({ local: true, explicitPort: true, path: "/metrics" }) },
            ({ upstream }) =>
                metricsProxyConfig({
                    listenPort: NGINX_PORT,
                    upstream,
                    certificate: "/secrets/fullchain.pem",
                    certificateKey: "/secrets/privkey.pem",
                }),
        );
        return new PlainConfigMap(
            this.childName("nginx-config"),
            {
                namespace: this.namespace,
                name: "nginx-config",
                app: this.app("nginx", "metrics"),
                data: { "nginx.conf": nginxConf },
            },
            this.child(),
        );
    }

    /** nginx, the only public way in, serving the wildcard certificate of `packit-secrets` (TLS passed through). */
    private metricsProxy(): Workload {
        const certs = secretMounts(this.reads, TLS_FILES);
        return this.workload(
            "nginx",
            {
                app: this.app("nginx", "metrics"),
                automountServiceAccountToken: false,
                // New certificates (runbook 001: "restart ... nginx for them to use the new certs") or a changed
                // nginx.conf only take effect in a new pod.
                restartOnChange: this.restart,
                containers: [
                    {
                        name: "nginx",
                        image: this.config.images.nginx,
                        command: ["nginx", "-g", "daemon off;", "-c", "/etc/nginx/custom/nginx.conf"],
                        ports: [{ name: "https", containerPort: NGINX_PORT }],
                        resources: SIZES.nginx,
                        // Source: a TCP check for both; readiness only (sameCheck, shared/probes.ts).
                        readinessProbe: tcpProbe(NGINX_PORT),
                        mounts: [
                            this.nginxConfig.handle.mount("/etc/nginx/custom", {
                                volume: "nginx-config",
                                readOnly: true,
                            }),
                            ...certs,
                        ],
                    },
                ],
                service: {
                    ports: [{ name: "https", port: 443, targetPort: NGINX_PORT, purpose: "metrics" }],
                },
                expose: [
                    {
                        // PSI's Prometheus scrapes it from outside the cluster.
                        audience: {
                            publicBy:
                                'runbook 001, "Monitoring of packit-service": "the /metrics endpoint needs to be publicly accessible"',
                        },
                        host: hostOf("metrics", this.config),
                        servicePort: "https",
                        tls: { termination: "passthrough" },
                    },
                ],
            },
            // order: nginx resolves its upstream `pushgateway` when it loads the config and exits if the name is unknown.
            { dependsOn: [this.pushgateway] },
        );
    }
}
