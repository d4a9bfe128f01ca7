import * as pulumi from "@pulumi/pulumi";
import { PlainConfigMap } from "../shared/configMap";
import { PersistentVolumeClaim } from "../shared/persistentVolumeClaim";
import { httpProbe, httpServerProbes } from "../shared/probes";
import { Redis } from "../shared/redis";
import type { PackitConfig } from "./config";
import { REDIS_NAME, listenerEnv } from "./env";
import { SIZES } from "./layout";
import type { PackitRestart } from "./api";
import { PackitPart, PackitPartArgs } from "./part";
import { PackitPostgres } from "./postgres";
import { postgresPasswordKey } from "./secrets";

/** Arguments of {@link PackitDataStores}. */
export interface PackitDataStoresArgs extends PackitPartArgs {
    /**
     * What the token manager waits for that no reference carries: its image (the trigger annotation names the
     * ImageStream by string). Its Secrets, ConfigMap and claim it names through their handles.
     */
    tokmanDependsOn: pulumi.Resource[];
    /** The checksum key and the deployment's Secrets: tokman reads its key and config.py at start only. */
    restart: PackitRestart;
}

/**
 * Where the deployment keeps state: PostgreSQL (the runbook's "PostgreSQL data migration"), Redis, the Celery
 * broker whose queued tasks survive a restart, and the token manager's sqlite volume of GitHub access tokens.
 * Every volume carries the tier's protection.
 */
export class PackitDataStores extends PackitPart {
    public readonly postgres?: PackitPostgres;
    public readonly redis?: Redis;
    /** The stores the applications use: they start after them. */
    public readonly forApplications: pulumi.Resource[];

    constructor(name: string, args: PackitDataStoresArgs, opts?: pulumi.ComponentResourceOptions) {
        super("runbooks:packit:PackitDataStores", name, args, opts);
        const { config, context, service } = args;
        const on = config.components;
        if (on.postgres) {
            this.postgres = new PackitPostgres(
                this.childName("postgres"),
                {
                    cluster: context.cluster,
                    namespace: args.namespace,
                    partOf: service,
                    current: { version: config.postgres.version, image: config.postgres.image },
                    previous: config.postgres.previous,
                    storage: config.postgres.storage,
                    database: config.postgres.database,
                    user: config.postgres.user,
                    protectStateful: context.protectStateful,
                    claimName: config.postgres.claimName,
                    password: config.postgres.existingPassword
                        ? context.secrets.require(postgresPasswordKey(service))
                        : undefined,
                },
                this.child(),
            );
        }
        if (on.redis) {
            this.redis = new Redis(
                this.childName("redis"),
                {
                    cluster: context.cluster,
                    namespace: args.namespace,
                    app: this.app(REDIS_NAME, "broker"),
                    image: config.images.redis,
                    resources: SIZES.redis,
                    storage: { size: config.redis.storage, claimName: "redis-pvc" },
                    protectStateful: context.protectStateful,
                },
                this.child(),
            );
        }
        this.forApplications = [this.postgres, this.redis].filter((s) => s !== undefined);
        if (on.tokman && config.tokman) this.tokenManager(config.tokman, args.tokmanDependsOn, args.restart);
        this.registerOutputs({});
    }

    /** tokman hands out GitHub App installation tokens and keeps them in sqlite on `access-tokens-pvc`. */
    private tokenManager(
        tokman: NonNullable<PackitConfig["tokman"]>,
        dependsOn: pulumi.Resource[],
        restart: PackitRestart,
    ): void {
        const { context, namespace } = this.part;
        const app = this.app("tokman", "token-manager");
        const claim = new PersistentVolumeClaim(
            this.childName("tokman-pvc"),
            {
                name: "access-tokens-pvc",
                namespace,
                app,
                storage: tokman.storage,
                protectStateful: context.protectStateful,
            },
            this.child(),
        );
        const settings = new PlainConfigMap(
            this.childName("tokman-config"),
            {
                namespace,
                name: "tokman-config",
                app,
                data: {
                    "config.py": [
                        'SQLALCHEMY_DATABASE_URI = "sqlite:////access_tokens/access_tokens.db"',
                        "SQLALCHEMY_TRACK_MODIFICATIONS = False",
                        `GITHUB_APP_ID = ${tokman.githubAppId}`,
                        'GITHUB_APP_PRIVATE_KEY = "/secrets/private-key.pem"',
                        "TOKEN_RENEW_AT = 60",
                        "",
                    ].join("\n"),
                },
            },
            this.child(),
        );
        this.appWorkload(
            "tokman",
            {
                app,
                image: this.part.images.containerImage("tokman", "tokman"),
                secrets: ["github-app-private-key"],
                restartOnChange: restart,
                // The sqlite file lives on a ReadWriteOnce volume.
                strategy: "Recreate",
                container: {
                    env: listenerEnv(this.part.config, this.part.reads, {
                        LOG_LEVEL: "DEBUG",
                        WORKERS: "1",
                        TOKMAN_CONFIG: "/etc/config/config.py",
                        BIND_ADDR: "0.0.0.0:8000",
                    }),
                    ports: [{ name: "http", containerPort: 8000 }],
                    resources: SIZES.tokman,
                    // Source: /api/health for both.
                    ...httpServerProbes(
                        httpProbe("/api/health", 8000, { initialDelaySeconds: 15, timeoutSeconds: 2 }),
                        { timeoutSeconds: 2, periodSeconds: 20 },
                    ),
                    volumeMounts: [
                        { name: "tokman-config", mountPath: "/etc/config", readOnly: true },
                        { name: "access-tokens", mountPath: "/access_tokens" },
                    ],
                },
                volumes: [settings.handle.volume("tokman-config"), claim.handle.volume("access-tokens")],
                service: { ports: [{ name: "http", port: 80, targetPort: 8000 }] },
            },
            { dependsOn },
        );
    }
}
