import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterContext } from "../shared/cluster";
import { fromSecret } from "../shared/env";
import { AppIdentity, standardLabels } from "../shared/labels";
import { Namespace } from "../shared/namespace";
import { Redis } from "../shared/redis";
import { httpProbe, tcpProbe } from "../shared/probes";
import { statefulOptions } from "../shared/protect";
import { configSecret } from "../shared/secret";
import { Workload, WorkloadArgs } from "../shared/workload";
import type { PackitConfig, ServiceName } from "./config";
import { REDIS_HOST, appEnv, celeryEnv, listenerEnv, secretVolumes } from "./env";
import { PackitImages } from "./images";
import {
    SIZES,
    hostOf,
    imageSources,
    mainNamespace,
    publicEndpoints,
    sandboxCacheClaims,
    sandboxNamespace,
    workerGroups,
} from "./layout";
import { MetricsGateway } from "./metrics";
import { PackitPostgres, PostgresUpgrade } from "./postgres";
import { Sandbox } from "./sandbox";
import { neededSecrets, postgresPasswordKey, secretConfigKey } from "./secrets";
import { PackitWorkers, WORKER_CONTAINER } from "./workers";

/** Arguments of {@link PackitService}. */
export interface PackitServiceArgs {
    cluster: ClusterContext;
    /** Which service this is; also the config section its secrets are read from. */
    service: ServiceName;
    /** The validated section (`runbooks:packit` or `runbooks:stream`). */
    config: PackitConfig;
    /** Reads a declared secret config value (a secret Output). */
    secret: (key: string) => pulumi.Output<string>;
    /** Production: volumes and the database password are protected from deletion. */
    protectStateful: boolean;
}

/**
 * One whole deployment of packit/deployment's layout, for the packit or the stream service: namespace and
 * sandbox, Secrets, images, database and Redis, the API, workers, beat, message listeners, dashboard, tokman,
 * metrics and the optional debugging tools. Every child's name starts with the service, so both services live
 * in one stack and each part can be targeted (`pulumi up --target`).
 */
export class PackitService extends pulumi.ComponentResource {
    public readonly namespace: string;
    public readonly sandboxNamespace?: string;
    /** Endpoint → public URL. */
    public readonly urls: Record<string, string>;
    /** ImageStream → the external reference it imports. */
    public readonly images: Record<string, string>;

    constructor(name: string, args: PackitServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("runbooks:packit:PackitService", name, {}, opts);
        const { cluster, config, service } = args;
        const on = config.components;
        const ns = mainNamespace(service, config);
        this.namespace = ns;
        const app = (appName: string, component: string): AppIdentity => ({
            name: appName,
            partOf: service,
            component,
        });
        // While a major upgrade copies the database nothing may write to it: the API, workers and beat stop.
        const migrating = on.postgres && config.postgres.previous !== undefined;

        const namespace = new Namespace(
            `${name}-namespace`,
            { cluster, name: ns, app: app(ns, "namespace"), create: config.createNamespaces },
            { parent: this },
        );
        const inNamespace = { parent: this, dependsOn: [namespace] };

        const secrets: pulumi.Resource[] = neededSecrets(config).map((s) => {
            const data: Record<string, pulumi.Output<string>> = {};
            const base64Data: Record<string, pulumi.Output<string>> = {};
            for (const k of s.keys) {
                (k.base64 ? base64Data : data)[k.key] = args.secret(secretConfigKey(service, s.name, k.key));
            }
            return configSecret(
                `${name}-secret-${s.name}`,
                { cluster, namespace: ns, secretName: s.name, app: app(s.name, "secret"), data, base64Data },
                inNamespace,
            );
        });
        const certificate = {
            certificate: args.secret(secretConfigKey(service, "packit-secrets", "fullchain.pem")),
            key: args.secret(secretConfigKey(service, "packit-secrets", "privkey.pem")),
        };

        const images = new PackitImages(
            `${name}-images`,
            {
                cluster,
                namespace: ns,
                partOf: service,
                sources: imageSources(config),
                updates: config.images.updates,
                window: {
                    schedule: config.images.maintenanceWindow,
                    timeZone: config.images.maintenanceTimeZone,
                    cliImage: config.images.cli,
                },
            },
            inNamespace,
        );
        this.images = images.references;

        const stores: pulumi.Resource[] = [];
        const postgres = on.postgres
            ? new PackitPostgres(
                  `${name}-postgres`,
                  {
                      cluster,
                      namespace: ns,
                      partOf: service,
                      current: { version: config.postgres.version, image: config.postgres.image },
                      previous: config.postgres.previous,
                      storage: config.postgres.storage,
                      database: config.postgres.database,
                      user: config.postgres.user,
                      protectStateful: args.protectStateful,
                      claimName: config.postgres.claimName,
                      password: config.postgres.existingPassword
                          ? args.secret(postgresPasswordKey(service))
                          : undefined,
                  },
                  inNamespace,
              )
            : undefined;
        if (postgres) stores.push(postgres);
        if (on.redis) {
            stores.push(
                new Redis(
                    `${name}-redis`,
                    {
                        cluster,
                        namespace: ns,
                        app: { name: REDIS_HOST, partOf: service, component: "broker" },
                        image: config.images.redis,
                        resources: SIZES.redis,
                        // Queued tasks survive a restart.
                        storage: { size: config.redis.storage, claimName: "redis-pvc" },
                        protectStateful: args.protectStateful,
                    },
                    inNamespace,
                ),
            );
        }

        const deps = [namespace, ...secrets, ...stores];
        const workload = (role: string, spec: Omit<WorkloadArgs, "cluster" | "namespace">): Workload =>
            new Workload(
                `${name}-${role}`,
                { cluster, namespace: ns, ...spec },
                { parent: this, dependsOn: [...deps, images] },
            );
        const writers: pulumi.Resource[] = [];

        if (on.service) {
            const image = images.containerImage("packit-service", "packit-service");
            const volumes = secretVolumes(["packit-secrets", "packit-config"]);
            writers.push(
                workload("service", {
                    app: app("packit-service", "api"),
                    replicas: migrating ? 0 : 1,
                    // run_httpd.sh migrates the schema (alembic) first: two pods must not migrate at once.
                    strategy: "Recreate",
                    automountServiceAccountToken: false,
                    annotations: image.annotations,
                    imagesManagedByTriggers: image.managedByTrigger,
                    containers: [
                        {
                            name: "packit-service",
                            image: image.image,
                            command: ["/usr/bin/run_httpd.sh"],
                            env: appEnv(service, config),
                            ports: [{ name: "https", containerPort: 8443 }],
                            resources: SIZES.service,
                            // TCP, not HTTPS: httpd refuses the kubelet's TLS renegotiation (the source's comment);
                            // the startup probe covers the schema migration.
                            startupProbe: tcpProbe(8443, { periodSeconds: 10, failureThreshold: 30 }),
                            readinessProbe: tcpProbe(8443),
                            livenessProbe: tcpProbe(8443, { periodSeconds: 20 }),
                            volumeMounts: volumes.volumeMounts,
                        },
                    ],
                    volumes: volumes.volumes,
                    service: { ports: [{ name: "https", port: 443, targetPort: 8443 }] },
                    expose: [
                        {
                            host: hostOf("service", config),
                            servicePort: "https",
                            tls: { termination: "passthrough" },
                        },
                    ],
                }),
            );
        }

        if (on.workers) {
            const groups = workerGroups(config.workers);
            const workers = new PackitWorkers(
                `${name}-worker`,
                {
                    cluster,
                    namespace: ns,
                    partOf: service,
                    groups,
                    image: images.containerImage("packit-worker", WORKER_CONTAINER),
                    env: celeryEnv(service, config, {}),
                    paused: migrating,
                },
                { parent: this, dependsOn: [...deps, images] },
            );
            writers.push(workers);
            const sandbox = new Sandbox(
                `${name}-sandbox`,
                {
                    cluster,
                    namespace: sandboxNamespace(service, config),
                    mainNamespace: ns,
                    partOf: service,
                    create: config.createNamespaces,
                    repositoryCaches: sandboxCacheClaims(groups),
                    cleanup: on.sandboxCleanup
                        ? {
                              schedule: config.sandbox.cleanupSchedule,
                              image: config.images.cli,
                              podMaxAgeHours: config.sandbox.podMaxAgeHours,
                              pvcGraceMinutes: config.sandbox.pvcGraceMinutes,
                          }
                        : undefined,
                    protectStateful: args.protectStateful,
                },
                inNamespace,
            );
            this.sandboxNamespace = sandbox.name;
        }

        if (on.beat) {
            const image = images.containerImage("packit-worker", "packit-service-beat");
            const volumes = secretVolumes(["packit-ssh", "packit-secrets", "packit-config"]);
            writers.push(
                workload("beat", {
                    app: app("packit-service-beat", "scheduler"),
                    replicas: migrating ? 0 : 1,
                    // Two beats would schedule every periodic task twice.
                    strategy: "Recreate",
                    automountServiceAccountToken: false,
                    annotations: image.annotations,
                    imagesManagedByTriggers: image.managedByTrigger,
                    containers: [
                        {
                            name: "packit-service-beat",
                            image: image.image,
                            command: ["/usr/bin/run_worker.sh"],
                            env: celeryEnv(service, config, { CELERY_COMMAND: "beat" }),
                            resources: SIZES.beat,
                            volumeMounts: volumes.volumeMounts,
                        },
                    ],
                    volumes: volumes.volumes,
                }),
            );
        }

        if (on.fedmsg) {
            const image = images.containerImage("packit-service-fedmsg", "packit-service-fedmsg");
            const volumes = secretVolumes(["packit-config"]);
            workload("fedmsg", {
                app: app("packit-service-fedmsg", "listener"),
                // One consumer of the fedora-messaging queue.
                strategy: "Recreate",
                automountServiceAccountToken: false,
                annotations: image.annotations,
                imagesManagedByTriggers: image.managedByTrigger,
                containers: [
                    {
                        name: "packit-service-fedmsg",
                        image: image.image,
                        env: listenerEnv(config, {
                            FEDORA_MESSAGING_CONF: "/home/packit/.config/fedora.toml",
                            REDIS_SERVICE_HOST: REDIS_HOST,
                        }),
                        resources: SIZES.fedmsg,
                        volumeMounts: volumes.volumeMounts,
                    },
                ],
                volumes: volumes.volumes,
            });
        }

        if (on.centosmsg && config.centosmsg) {
            const image = images.containerImage("packit-service-centosmsg", "packit-service-centosmsg");
            const volumes = secretVolumes(["centos-secrets"]);
            workload("centosmsg", {
                app: app("packit-service-centosmsg", "listener"),
                strategy: "Recreate",
                automountServiceAccountToken: false,
                annotations: image.annotations,
                imagesManagedByTriggers: image.managedByTrigger,
                containers: [
                    {
                        name: "packit-service-centosmsg",
                        image: image.image,
                        command: ["listen-to-centos-messaging"],
                        env: listenerEnv(config, {
                            MQTT_HOST: config.centosmsg.mqttHost,
                            MQTT_TOPICS: config.centosmsg.topics,
                            MQTT_SUBTOPICS: "pull-request",
                            LOG_LEVEL: "INFO",
                            REDIS_SERVICE_HOST: REDIS_HOST,
                        }),
                        resources: SIZES.centosmsg,
                        volumeMounts: volumes.volumeMounts,
                    },
                ],
                volumes: volumes.volumes,
            });
        }

        if (on.dashboard) {
            const image = images.containerImage("packit-dashboard", "packit-dashboard");
            const volumes = secretVolumes(["packit-secrets"]);
            workload("dashboard", {
                app: app("packit-dashboard", "dashboard"),
                automountServiceAccountToken: false,
                annotations: image.annotations,
                imagesManagedByTriggers: image.managedByTrigger,
                containers: [
                    {
                        name: "packit-dashboard",
                        image: image.image,
                        env: { DEPLOYMENT: config.deployment },
                        ports: [{ name: "https", containerPort: 8443 }],
                        resources: SIZES.dashboard,
                        readinessProbe: tcpProbe(8443),
                        livenessProbe: tcpProbe(8443, { initialDelaySeconds: 10, periodSeconds: 20 }),
                        volumeMounts: volumes.volumeMounts,
                    },
                ],
                volumes: volumes.volumes,
                service: { ports: [{ name: "https", port: 443, targetPort: 8443 }] },
                expose: [
                    {
                        host: hostOf("dashboard", config),
                        servicePort: "https",
                        tls: { termination: "passthrough" },
                    },
                ],
            });
        }

        if (on.tokman && config.tokman) {
            const tokman = config.tokman;
            const pvc = new k8s.core.v1.PersistentVolumeClaim(
                `${name}-tokman-pvc`,
                {
                    metadata: {
                        name: "access-tokens-pvc",
                        namespace: ns,
                        labels: standardLabels(app("tokman", "token-manager")),
                    },
                    spec: {
                        accessModes: ["ReadWriteOnce"],
                        resources: { requests: { storage: tokman.storage } },
                    },
                },
                { ...inNamespace, provider: cluster.provider, ...statefulOptions(args.protectStateful) },
            );
            const tokmanConfig = new k8s.core.v1.ConfigMap(
                `${name}-tokman-config`,
                {
                    metadata: {
                        name: "tokman-config",
                        namespace: ns,
                        labels: standardLabels(app("tokman", "token-manager")),
                    },
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
                { ...inNamespace, provider: cluster.provider },
            );
            const image = images.containerImage("tokman", "tokman");
            const volumes = secretVolumes(["github-app-private-key"]);
            new Workload(
                `${name}-tokman`,
                {
                    cluster,
                    namespace: ns,
                    app: app("tokman", "token-manager"),
                    // The sqlite file lives on a ReadWriteOnce volume.
                    strategy: "Recreate",
                    automountServiceAccountToken: false,
                    annotations: image.annotations,
                    imagesManagedByTriggers: image.managedByTrigger,
                    containers: [
                        {
                            name: "tokman",
                            image: image.image,
                            env: listenerEnv(config, {
                                LOG_LEVEL: "DEBUG",
                                WORKERS: "1",
                                TOKMAN_CONFIG: "/etc/config/config.py",
                                BIND_ADDR: "0.0.0.0:8000",
                            }),
                            ports: [{ name: "http", containerPort: 8000 }],
                            resources: SIZES.tokman,
                            readinessProbe: httpProbe("/api/health", 8000, {
                                initialDelaySeconds: 15,
                                timeoutSeconds: 2,
                            }),
                            livenessProbe: httpProbe("/api/health", 8000, {
                                timeoutSeconds: 2,
                                periodSeconds: 20,
                            }),
                            volumeMounts: [
                                ...volumes.volumeMounts,
                                { name: "tokman-config", mountPath: "/etc/config", readOnly: true },
                                { name: "access-tokens", mountPath: "/access_tokens" },
                            ],
                        },
                    ],
                    volumes: [
                        ...volumes.volumes,
                        { name: "tokman-config", configMap: { name: "tokman-config" } },
                        { name: "access-tokens", persistentVolumeClaim: { claimName: "access-tokens-pvc" } },
                    ],
                    service: { ports: [{ name: "http", port: 80, targetPort: 8000 }] },
                },
                { parent: this, dependsOn: [...deps, images, pvc, tokmanConfig] },
            );
        }

        if (on.pushgateway) {
            new MetricsGateway(
                `${name}-metrics`,
                {
                    cluster,
                    namespace: ns,
                    partOf: service,
                    pushgatewayImage: config.images.pushgateway,
                    nginxImage: config.images.nginx,
                    host: hostOf("metrics", config),
                },
                { parent: this, dependsOn: deps },
            );
        }

        if (on.redisCommander) {
            workload("redis-commander", {
                app: app("redis-commander", "debugging"),
                automountServiceAccountToken: false,
                containers: [
                    {
                        name: "redis-commander",
                        image: config.images.redisCommander,
                        env: {
                            REDIS_HOST: REDIS_HOST,
                            REDIS_PORT: "6379",
                            HTTP_USER: fromSecret("redis-commander-secret", "user"),
                            HTTP_PASSWORD: fromSecret("redis-commander-secret", "password"),
                        },
                        ports: [{ name: "http", containerPort: 8081 }],
                        resources: SIZES.redisCommander,
                        readinessProbe: tcpProbe(8081),
                    },
                ],
                service: { ports: [{ name: "http", port: 8081 }] },
                expose: [
                    {
                        host: hostOf("redisCommander", config),
                        servicePort: "http",
                        tls: { termination: "edge", ...certificate },
                    },
                ],
            });
        }

        if (on.flower) {
            workload("flower", {
                app: app("flower", "debugging"),
                automountServiceAccountToken: false,
                containers: [
                    {
                        name: "flower",
                        image: config.images.flower,
                        env: {
                            CELERY_BROKER_URL: `redis://${REDIS_HOST}:6379/0`,
                            FLOWER_PORT: "5555",
                            FLOWER_BASIC_AUTH: fromSecret("flower-secret", "flower-basic-auth"),
                        },
                        ports: [{ name: "http", containerPort: 5555 }],
                        resources: SIZES.flower,
                        readinessProbe: tcpProbe(5555),
                    },
                ],
                service: { ports: [{ name: "http", port: 5555 }] },
                expose: [
                    {
                        host: hostOf("flower", config),
                        servicePort: "http",
                        tls: { termination: "edge", ...certificate },
                    },
                ],
            });
        }

        if (postgres && config.postgres.previous) {
            new PostgresUpgrade(
                `${name}-postgres-upgrade`,
                {
                    cluster,
                    namespace: ns,
                    partOf: service,
                    from: config.postgres.previous,
                    to: { version: config.postgres.version, image: config.postgres.image },
                },
                { parent: this, dependsOn: [postgres, ...writers] },
            );
        }

        this.urls = Object.fromEntries(publicEndpoints(config).map((e) => [e.endpoint, `https://${e.host}`]));
        this.registerOutputs({
            namespace: this.namespace,
            sandboxNamespace: this.sandboxNamespace,
            urls: this.urls,
        });
    }
}
