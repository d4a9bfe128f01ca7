import * as pulumi from "@pulumi/pulumi";
import { tcpProbe } from "../shared/probes";
import { Workload } from "../shared/workload";
import { Endpoint, SIZES, hostOf } from "./layout";
import { PackitPart, PackitPartArgs } from "./part";

export interface PackitDebuggingArgs extends PackitPartArgs {
    /** The wildcard certificate and key (secret): the Routes terminate TLS, the tools speak plain HTTP. */
    certificate: { certificate: pulumi.Output<string>; key: pulumi.Output<string> };
}

/**
 * The optional debugging tools of the runbook's partial deployments (`TAGS="redis,redis-commander"`): Redis
 * Commander and Flower, each public only behind its own basic-auth Secret.
 */
export class PackitDebugging extends PackitPart {
    public readonly redisCommander?: Workload;
    public readonly flower?: Workload;

    constructor(name: string, args: PackitDebuggingArgs, opts?: pulumi.ComponentResourceOptions) {
        super("runbooks:packit:PackitDebugging", name, args, opts);
        const { config } = args;
        const edge = (endpoint: Endpoint) => [
            {
                host: hostOf(endpoint, config),
                servicePort: "http",
                tls: { termination: "edge" as const, ...args.certificate },
            },
        ];
        if (config.components.redisCommander) {
            const login = args.reads.secret("redis-commander-secret");
            this.redisCommander = this.appWorkload("redis-commander", {
                app: this.app("redis-commander", "debugging"),
                image: config.images.redisCommander,
                container: {
                    env: {
                        REDIS_HOST: { computed: args.reads.redis().localHost },
                        REDIS_PORT: String(args.reads.redis().port),
                        HTTP_USER: login.env("user"),
                        HTTP_PASSWORD: login.env("password"),
                    },
                    ports: [{ name: "http", containerPort: 8081 }],
                    resources: SIZES.redisCommander,
                    readinessProbe: tcpProbe(8081),
                },
                service: { ports: [{ name: "http", port: 8081 }] },
                expose: edge("redisCommander"),
            });
        }
        if (config.components.flower) {
            this.flower = this.appWorkload("flower", {
                app: this.app("flower", "debugging"),
                image: config.images.flower,
                container: {
                    env: {
                        CELERY_BROKER_URL: {
                            computed: args.reads.redis().url({ scheme: "redis", local: true, path: "/0" }),
                        },
                        FLOWER_PORT: "5555",
                        FLOWER_BASIC_AUTH: args.reads.secret("flower-secret").env("flower-basic-auth"),
                    },
                    ports: [{ name: "http", containerPort: 5555 }],
                    resources: SIZES.flower,
                    readinessProbe: tcpProbe(5555),
                },
                service: { ports: [{ name: "http", port: 5555 }] },
                expose: edge("flower"),
            });
        }
        this.registerOutputs({});
    }
}
