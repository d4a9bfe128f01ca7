import * as k8s from "@pulumi/kubernetes";
import { ServiceEndpoint } from "../shared/endpoints";
import { REDIS_PORT } from "../shared/redis";
import * as pulumi from "@pulumi/pulumi";
import { KubernetesContext } from "../config/system";
import { ClusterContext } from "../shared/cluster";
import { RunbookComponent } from "../shared/component";
import { Namespace } from "../shared/namespace";
import { SecretHandle } from "../shared/handles";
import { ConfigSecret } from "../shared/secret";
import { ReadsChecksumKey } from "../shared/startupReads";
import { PackitApi } from "./api";
import type { PackitConfig, ServiceName } from "./config";
import { PackitDebugging } from "./debugging";
import { REDIS_NAME, packitReads } from "./env";
import { PackitImages, PackitImagesArgs } from "./images";
import {
    hostOf,
    imageSources,
    mainNamespace,
    publicEndpoints,
    sandboxCacheClaims,
    sandboxNamespace,
    workerGroups,
} from "./layout";
import { PackitListeners } from "./listeners";
import { MetricsGateway } from "./metrics";
import { PackitPartArgs } from "./part";
import { PostgresUpgrade } from "./postgres";
import { Sandbox } from "./sandbox";
import { neededSecrets, secretConfigKey } from "./secrets";
import { PackitDataStores } from "./stores";
import { PackitWorkers } from "./workers";

/** Arguments of {@link PackitService}. */
export interface PackitServiceArgs {
    /** Cluster, tier protection and secrets, as the program decided them. */
    context: KubernetesContext;
    /** Which service this is; also the config section its secrets are read from. */
    service: ServiceName;
    /** The validated section (`runbooks:packit` or `runbooks:stream`). */
    config: PackitConfig;
}

/** What a service's images are built from: the images of its enabled components, and when their tags move. */
export function packitImagesArgs(
    cluster: ClusterContext,
    service: ServiceName,
    config: PackitConfig,
): PackitImagesArgs {
    return {
        cluster,
        namespace: mainNamespace(service, config),
        partOf: service,
        sources: imageSources(config),
        updates: config.images.updates,
        window: {
            schedule: config.images.maintenanceWindow,
            timeZone: config.images.maintenanceTimeZone,
            cliImage: config.images.cli,
        },
    };
}

/**
 * One whole deployment of packit/deployment (runbook 001), for the packit or the stream service, in the
 * runbook's order: namespace, secrets, images, data stores, the API, the workers and their sandbox, the message
 * listeners, metrics, the optional debugging tools and, during a major upgrade, the database copy. Every child's
 * name starts with the service, so both services live in one stack and each part can be targeted.
 */
export class PackitService extends RunbookComponent {
    public readonly namespace: string;
    public readonly sandboxNamespace?: string;
    /** Endpoint → public URL. */
    public readonly urls: Record<string, string>;
    /** ImageStream → the external reference it imports. */
    public readonly images: Record<string, string>;

    constructor(name: string, args: PackitServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("runbooks:packit:PackitService", name, opts, args.context.cluster.provider);
        const { context, config, service } = args;
        const { cluster } = context;
        const on = config.components;
        this.namespace = mainNamespace(service, config);
        const namespace = new Namespace(
            this.childName("namespace"),
            {
                cluster,
                name: this.namespace,
                app: { name: this.namespace, partOf: service, component: "namespace" },
                create: config.createNamespaces,
                // PackitPostgres protects an adopted claim in every tier.
                // It holds the running database's claim (kept in every tier): deleting the namespace would delete it too.
                keep: on.postgres && config.postgres.claimName !== undefined ? true : undefined,
            },
            this.child(),
        );
        const inNamespace = this.child({ dependsOn: [namespace] });

        // "Obtain all the necessary secrets": from secret config into the Secrets the source mounts.
        const secrets = this.secrets(args, inNamespace);

        // Images: ImageStreams import the registry's tags; triggers roll the Deployments.
        const images = new PackitImages(
            this.childName("images"),
            packitImagesArgs(cluster, service, config),
            inNamespace,
        );
        this.images = images.references;
        // A partial deployment (TAGS) without components.redis reaches the Redis another deployment of the namespace
        // runs: a Service made elsewhere, so this run opens no path to it (that run's policies admit its own readers).
        const redisOfNamespace = ServiceEndpoint.existing(REDIS_NAME, REDIS_PORT);
        const part: PackitPartArgs = {
            context,
            service,
            config,
            namespace: this.namespace,
            images,
            reads: packitReads(secrets, undefined, redisOfNamespace),
        };

        // Runbook 001 restarts packit-service and the dashboard by hand after new certificates: a changed Secret
        // now rolls exactly the pods that read it.
        const restart = {
            key: new ReadsChecksumKey(this.childName("checksum-key"), this.foreignChild()).result,
        };
        // The parts (stores, API, workers, listeners, debugging) carry the service's own name, told apart by their
        // types: a new name would change their URNs in existing state.
        const stores = new PackitDataStores(
            this.keepsStateName(name),
            {
                ...part,
                tokmanDependsOn: [images],
                restart,
            },
            inNamespace,
        );
        const database = stores.postgres?.secret.handle;
        const apps = this.child({
            // What no reference carries (their Secrets they name through handles): objects placed by the plain
            // namespace name, the database and Redis they connect to by host name at start, the ImageStreams their
            // trigger annotations name.
            dependsOn: [namespace, ...stores.forApplications, images],
        });
        // The applications also read postgres-secret, which exists only once the stores are made.
        const appPart: PackitPartArgs = {
            ...part,
            reads: packitReads(secrets, database, stores.redis?.endpoint ?? redisOfNamespace),
        };
        const api =
            on.service || on.dashboard
                ? new PackitApi(this.keepsStateName(name), { ...appPart, restart }, apps)
                : undefined;

        const groups = workerGroups(config.workers);
        const workers =
            on.workers || on.beat
                ? new PackitWorkers(this.keepsStateName(name), { ...appPart, groups, restart }, apps)
                : undefined;
        if (on.workers) {
            // Sandcastle runs the workers' untrusted code in its own namespace.
            const sandbox = new Sandbox(
                this.childName("sandbox"),
                {
                    cluster,
                    namespace: sandboxNamespace(service, config),
                    mainNamespace: this.namespace,
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
                    protectStateful: context.protectStateful,
                },
                inNamespace,
            );
            this.sandboxNamespace = sandbox.name;
        }

        if (on.fedmsg || (on.centosmsg && config.centosmsg))
            new PackitListeners(this.keepsStateName(name), { ...appPart, restart }, apps);

        if (on.pushgateway) {
            // "Monitoring of packit-service": the workers push, Prometheus reads GET /metrics through nginx.
            new MetricsGateway(
                this.childName("metrics"),
                {
                    cluster,
                    namespace: this.namespace,
                    partOf: service,
                    pushgatewayImage: config.images.pushgateway,
                    nginxImage: config.images.nginx,
                    host: hostOf("metrics", config),
                    reads: appPart.reads,
                    restart,
                },
                // Neither the gateway nor its proxy talks to the database or Redis: only the namespace, which
                // they are placed in by name, comes first.
                inNamespace,
            );
        }

        if (on.redisCommander || on.flower) {
            const certificate = (file: string) =>
                context.secrets.require(secretConfigKey(service, "packit-secrets", file));
            new PackitDebugging(
                this.keepsStateName(name),
                {
                    ...appPart,
                    restart,
                    certificate: {
                        certificate: certificate("fullchain.pem"),
                        key: certificate("privkey.pem"),
                    },
                },
                apps,
            );
        }

        // "PostgreSQL data migration": the copy starts once every writer has stopped.
        if (stores.postgres && config.postgres.previous) {
            new PostgresUpgrade(
                this.childName("postgres-upgrade"),
                {
                    cluster,
                    namespace: this.namespace,
                    partOf: service,
                    from: config.postgres.previous,
                    to: { version: config.postgres.version, image: config.postgres.image },
                    database: stores.postgres.secret.handle,
                    servers: {
                        from: stores.postgres.serverEndpoint(config.postgres.previous.version),
                        to: stores.postgres.serverEndpoint(config.postgres.version),
                    },
                },
                this.child({
                    dependsOn: [
                        stores.postgres,
                        ...(api?.service ? [api.service] : []),
                        ...(workers ? [workers] : []),
                    ],
                }),
            );
        }

        this.urls = Object.fromEntries(publicEndpoints(config).map((e) => [e.endpoint, `https://${e.host}`]));
        this.registerOutputs({
            namespace: this.namespace,
            sandboxNamespace: this.sandboxNamespace,
            urls: this.urls,
        });
    }

    /** The source's Secrets, each filled from its secret config keys (base64 files stay base64). */
    private secrets(
        args: PackitServiceArgs,
        opts: pulumi.CustomResourceOptions,
    ): (k8s.core.v1.Secret & { readonly handle: SecretHandle })[] {
        const { context, config, service } = args;
        return neededSecrets(config).map((s) => {
            const data: Record<string, pulumi.Output<string>> = {};
            const base64Data: Record<string, pulumi.Output<string>> = {};
            for (const k of s.keys) {
                (k.base64 ? base64Data : data)[k.key] = context.secrets.require(
                    secretConfigKey(service, s.name, k.key),
                );
            }
            return new ConfigSecret(
                this.childName(`secret-${s.name}`),
                {
                    namespace: this.namespace,
                    name: s.name,
                    app: { name: s.name, partOf: service, component: "secret" },
                    data,
                    base64Data,
                },
                opts,
            );
        });
    }
}
