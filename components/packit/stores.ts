import { liveLabelsOf } from "./live";
import * as pulumi from "@pulumi/pulumi";
import { PlainConfigMap } from "../shared/configMap";
import { PersistentVolumeClaim } from "../shared/persistentVolumeClaim";
import { httpProbe, httpServerProbes } from "../shared/probes";
import { Redis } from "../shared/redis";
import type { TokmanConfig } from "./config";
import { SecretHandle } from "../shared/handles";
import { Namespace } from "../shared/namespace";
import { REDIS_NAME, listenerEnv } from "./env";
import { TOKMAN_SERVICE } from "./servicesNamedInSecrets";
import { SIZES } from "./layout";
import { PackitPart, PackitPartArgs } from "./part";
import { PackitPostgres } from "./postgres";
import { postgresPasswordKey } from "./secrets";

/** The switches of the database's clients, as the checked section holds them. */
function clientSwitches<C extends { service: boolean; workers: boolean; beat: boolean }>(
    on: C,
): Pick<C, "service" | "workers" | "beat"> {
    return { service: on.service, workers: on.workers, beat: on.beat };
}

export interface PackitDataStoresArgs extends PackitPartArgs {
    /**
     * What the token manager waits for that no reference carries: its image (the trigger annotation names the
     * ImageStream by string). Its Secrets, ConfigMap and claim it names through their handles.
     */
    tokmanDependsOn: pulumi.Resource[];
}

/**
 * The database's handle and the clients that read it: a client's switch can be on only beside the handle (the
 * checked PackitComponents of config.ts), so a part building a client has the handle it needs by type.
 */
export type DatabaseClients =
    | { database: SecretHandle; service: boolean; workers: boolean; beat: boolean }
    | { database?: undefined; service: false; workers: false; beat: false };

/**
 * Where the deployment keeps state: PostgreSQL (the runbook's "PostgreSQL data migration"), Redis, the Celery
 * broker whose queued tasks survive a restart, and the token manager's sqlite volume of GitHub access tokens.
 * Every volume carries the tier's protection.
 */
export class PackitDataStores extends PackitPart {
    public readonly postgres?: PackitPostgres;
    /** `postgres-secret` and the applications that read it. */
    public readonly clients: DatabaseClients;
    public readonly redis?: Redis;
    /** The stores the applications use: they start after them. */
    public readonly forApplications: pulumi.Resource[];

    constructor(name: string, args: PackitDataStoresArgs, opts?: pulumi.ComponentResourceOptions) {
        super("runbooks:packit:PackitDataStores", name, args, opts);
        const on = this.config.components;
        if (on.postgres) {
            this.postgres = this.database(args.namespace);
            this.clients = { ...clientSwitches(on), database: this.postgres.secret.handle };
        } else this.clients = clientSwitches(on);
        this.redis = this.broker(args.namespace);
        this.forApplications = [this.postgres, this.redis].filter((s) => s !== undefined);
        if (this.config.tokman) this.tokenManager(this.config.tokman, args.tokmanDependsOn, args.namespace);
        this.registerOutputs({});
    }

    /** PostgreSQL, with the running database's password when it is kept. */
    private database(namespace: Namespace): PackitPostgres {
        const { config, context } = this;
        return new PackitPostgres(
            this.childName("postgres"),
            {
                config,
                context,
                namespace,
                password: config.postgres.existingPassword
                    ? context.secrets.require(postgresPasswordKey(config.service))
                    : undefined,
            },
            this.child(),
        );
    }

    /** The Celery broker, whose queued tasks survive a restart on its volume. */
    private broker(namespace: Namespace): Redis | undefined {
        const { config, context } = this;
        // A broker running under another name is the namespace's, as it is (packit.ts reads it by its Service).
        if (!config.components.redis || config.redis.liveService) return undefined;
        return new Redis(
            this.childName("redis"),
            {
                cluster: context.cluster,
                namespace: namespace.name,
                app: this.app(REDIS_NAME, "broker"),
                live: liveLabelsOf(REDIS_NAME),
                image: config.images.redis,
                resources: SIZES.redis,
                storage: { size: config.redis.storage, claimName: "redis-pvc" },
                protectStateful: context.protectStateful,
            },
            this.child(),
        );
    }

    /** tokman hands out GitHub App installation tokens and keeps them in sqlite on `access-tokens-pvc`. */
    private tokenManager(tokman: TokmanConfig, after: pulumi.Resource[], namespace: Namespace): void {
        const { context, config } = this;
        const app = this.app("tokman", "token-manager");
        const claim = new PersistentVolumeClaim(
            this.childName("tokman-pvc"),
            {
                name: "access-tokens-pvc",
                namespace: namespace.name,
                app,
                storage: tokman.storage,
                protectStateful: context.protectStateful,
            },
            this.child(),
        );
        const settings = new PlainConfigMap(
            this.childName("tokman-config"),
            {
                namespace: this.namespace,
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
            TOKMAN_SERVICE.name,
            {
                app,
                image: this.images.containerImage("tokman", "tokman"),
                // config.py's GITHUB_APP_PRIVATE_KEY.
                secrets: { "github-app-private-key": ["private-key.pem"] },
                // The sqlite file lives on a ReadWriteOnce volume.
                strategy: "Recreate",
                container: {
                    env: listenerEnv(config, this.reads, {
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
                    mounts: [
                        settings.handle.mount("/etc/config", { volume: "tokman-config", readOnly: true }),
                        claim.handle.mount("/access_tokens", { volume: "access-tokens" }),
                    ],
                },
                service: { ports: [{ name: "http", port: TOKMAN_SERVICE.port, targetPort: 8000 }] },
            },
            // order: its trigger annotation names the ImageStream by string, which no reference carries.
            { dependsOn: after },
        );
    }
}
