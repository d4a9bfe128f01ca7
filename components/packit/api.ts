import * as pulumi from "@pulumi/pulumi";
import { tcpProbe } from "../shared/probes";
import { Workload } from "../shared/workload";
import { TLS_FILES, appEnv } from "./env";
import { SIZES, hostOf, writersPaused } from "./layout";
import { PackitPart, PackitPartArgs } from "./part";
import type { DatabaseClients } from "./stores";

export interface PackitApiArgs extends PackitPartArgs {
    /** The API reads the database: its switch is on only beside the handle. */
    clients: DatabaseClients;
}

/**
 * The public web side: packit-service (accepts GitHub/GitLab webhooks and the API, tasks the workers) and the
 * dashboard. Both terminate TLS themselves with the wildcard certificate, so their Routes pass TLS through.
 */
export class PackitApi extends PackitPart {
    /** The API, a writer of the database (stopped during a major upgrade); absent when switched off. */
    public readonly service?: Workload;
    public readonly dashboard?: Workload;

    constructor(name: string, args: PackitApiArgs, opts?: pulumi.ComponentResourceOptions) {
        super("runbooks:packit:PackitApi", name, args, opts);
        const { config, images } = this;
        const https = {
            ports: [{ name: "https", containerPort: 8443 }],
            // Source: a TCP check for readiness and liveness; readiness only (sameCheck, shared/probes.ts).
            readinessProbe: tcpProbe(8443),
        };
        const passthrough = (host: string) => ({
            service: { ports: [{ name: "https", port: 443, targetPort: 8443 }] },
            expose: [{ host, servicePort: "https", tls: { termination: "passthrough" as const } }],
        });
        const { clients } = args;
        if (clients.service) {
            this.service = this.appWorkload("service", {
                app: this.app("packit-service", "api"),
                image: images.containerImage("packit-service", "packit-service"),
                // run_httpd.sh: the certificate, and server_name from packit-service.yaml (files/run_httpd.sh:22-35).
                secrets: { ...TLS_FILES, "packit-config": ["packit-service.yaml"] },
                replicas: writersPaused(config) ? 0 : 1,
                // run_httpd.sh migrates the schema (alembic) first: two pods must not migrate at once.
                strategy: "Recreate",
                container: {
                    command: ["/usr/bin/run_httpd.sh"],
                    env: appEnv(config, this.reads, clients.database),
                    ...https,
                    resources: SIZES.service,
                    // TCP, not HTTPS: httpd refuses the kubelet's TLS renegotiation (the source's comment);
                    // the startup probe covers the schema migration.
                    startupProbe: tcpProbe(8443, { periodSeconds: 10, failureThreshold: 30 }),
                },
                ...passthrough(hostOf("service", config)),
            });
        }
        if (config.components.dashboard) {
            this.dashboard = this.appWorkload("dashboard", {
                app: this.app("packit-dashboard", "dashboard"),
                image: images.containerImage("packit-dashboard", "packit-dashboard"),
                secrets: TLS_FILES,
                container: {
                    env: { DEPLOYMENT: config.deployment },
                    ...https,
                    resources: SIZES.dashboard,
                },
                ...passthrough(hostOf("dashboard", config)),
            });
        }
        this.registerOutputs({});
    }
}
