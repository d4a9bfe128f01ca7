import * as pulumi from "@pulumi/pulumi";
import { KubernetesContext } from "../config/system";
import { ServiceEndpoint } from "../shared/endpoints";
import { Namespace } from "../shared/namespace";
import { REDIS_PORT } from "../shared/redis";
import { ConfigSecret } from "../shared/secret";
import { ReadsChecksumKey } from "../shared/startupReads";
import { SystemArgs, SystemComponent } from "../config/systemComponent";
import { PackitApi } from "./api";
import type { PackitSection } from "./config";
import { PackitDebugging } from "./debugging";
import { REDIS_NAME, packitReads } from "./env";
import { SERVICES_NAMED_IN_SECRETS } from "./servicesNamedInSecrets";
import { PackitImages } from "./images";
import { publicEndpoints, sandboxCacheClaims, sandboxNamespace, workerGroups } from "./layout";
import { PackitListeners } from "./listeners";
import { MetricsGateway } from "./metrics";
import { PackitPartArgs, PackitRestart } from "./part";
import { PostgresUpgrade } from "./postgres";
import { Sandbox } from "./sandbox";
import { neededSecrets, secretConfigKey } from "./secrets";
import { PackitDataStores } from "./stores";
import { PackitWorkers } from "./workers";

export type PackitOutputs = {
    namespace: string;
    /** The sandbox namespace; unset while the workers are off. */
    sandboxNamespace: string | undefined;
    urls: Record<string, string>;
    images: Record<string, string>;
};

/** The parts every application starts after, and what they are built from. */
interface Applications {
    part: PackitPartArgs;
    stores: PackitDataStores;
    /** Their options: after the stores and images they name by host or tag (see {@link PackitService.applications}). */
    opts: pulumi.ComponentResourceOptions;
}

/**
 * One whole deployment of packit/deployment (runbook 001), for the packit or the stream service, in the
 * runbook's order: namespace, secrets, images, data stores, the API, the workers and their sandbox, the message
 * listeners, metrics, the optional debugging tools and, during a major upgrade, the database copy. Every child's
 * name starts with the service, so both services live in one stack and each part can be targeted.
 */
export class PackitService extends SystemComponent<PackitSection, KubernetesContext, PackitOutputs> {
    constructor(name: string, args: SystemArgs<PackitSection>, opts?: pulumi.ComponentResourceOptions) {
        super("runbooks:packit:PackitService", name, args, opts);
        const namespace = this.mainNamespace();
        // "Obtain all the necessary secrets": from secret config into the Secrets the source mounts.
        const secrets = this.secrets(namespace);
        // Images: ImageStreams import the registry's tags; triggers roll the Deployments.
        const images = new PackitImages(
            this.childName("images"),
            { config: this.config, context: this.context, namespace },
            this.child(),
        );
        // A partial deployment (TAGS) without components.redis reaches the Redis another deployment of the namespace
        // runs, and a first deploy the broker running today under its live name: a Service made elsewhere, so this
        // run opens no path to it (the namespace's default deny isolates only the program's pods: checks.ts).
        const redisOfNamespace = ServiceEndpoint.existing(
            this.config.redis.liveService ?? REDIS_NAME,
            REDIS_PORT,
        );
        const part: PackitPartArgs = {
            config: this.config,
            context: this.context,
            namespace,
            images,
            reads: packitReads(secrets, this.config.namespace, { redis: redisOfNamespace }),
            restart: this.restartOnChange(),
        };
        const stores = this.dataStores(part, images);
        const metrics = this.metrics(part);
        // The applications reach the stores' Redis and the gateway, once both are made.
        const reads = packitReads(secrets, this.config.namespace, {
            redis: stores.redis?.endpoint ?? redisOfNamespace,
            pushgateway: metrics?.pushgateway.endpoint(),
        });
        const apps = this.applications({ ...part, reads }, stores, images);
        const sandboxName = this.sandbox(namespace);
        this.listeners(apps);
        this.debugging(apps);
        this.databaseUpgrade(apps);
        this.setOutputs({
            namespace: this.config.namespace,
            sandboxNamespace: sandboxName,
            urls: Object.fromEntries(
                publicEndpoints(this.config).map((e) => [e.endpoint, `https://${e.host}`]),
            ),
            images: images.references,
        });
    }

    /** The main namespace, kept with the database's claim it holds. */
    private mainNamespace(): Namespace {
        const { config } = this;
        return new Namespace(
            this.childName("namespace"),
            {
                cluster: this.context.cluster,
                name: config.namespace,
                app: { name: config.namespace, partOf: config.service, component: "namespace" },
                create: config.createNamespaces,
                // PackitPostgres protects an adopted claim in every tier.
                // It holds the running database's claim (kept in every tier): deleting the namespace would delete it too.
                keep:
                    config.components.postgres && config.postgres.claimName !== undefined ? true : undefined,
            },
            this.child(),
        );
    }

    /** The source's Secrets, each filled from its secret config keys (base64 files stay base64). */
    private secrets(namespace: Namespace): ConfigSecret[] {
        const { config, context } = this;
        return neededSecrets(config).map((s) => {
            const data: Record<string, pulumi.Output<string>> = {};
            const base64Data: Record<string, pulumi.Output<string>> = {};
            const names: Record<string, ServiceEndpoint[]> = {};
            for (const k of s.keys) {
                (k.base64 ? base64Data : data)[k.key] = context.secrets.require(
                    secretConfigKey(config.service, s.name, k.key),
                );
                const named = (k.names ?? [])
                    .filter((c) => config.components[c])
                    .map((c) => {
                        const { name, port } = SERVICES_NAMED_IN_SECRETS[c];
                        return ServiceEndpoint.of(name, config.namespace, port);
                    });
                if (named.length > 0) names[k.key] = named;
            }
            return new ConfigSecret(
                this.childName(`secret-${s.name}`),
                {
                    namespace: namespace.name,
                    name: s.name,
                    app: { name: s.name, partOf: config.service, component: "secret" },
                    data,
                    base64Data,
                    names,
                },
                this.child(),
            );
        });
    }

    /**
     * Runbook 001 restarts packit-service and the dashboard by hand after new certificates: a changed Secret now rolls
     * exactly the pods that read it.
     */
    private restartOnChange(): PackitRestart {
        return { key: new ReadsChecksumKey(this.childName("checksum-key"), this.foreignChild()).result };
    }

    /**
     * PostgreSQL, Redis and tokman. The parts (stores, API, workers, listeners, debugging) carry the service's own
     * name, told apart by their types: a new name would change their URNs in existing state.
     */
    private dataStores(part: PackitPartArgs, images: PackitImages): PackitDataStores {
        return new PackitDataStores(
            this.keepsStateName(this.baseName),
            { ...part, tokmanDependsOn: [images] },
            this.child(),
        );
    }

    /**
     * The API, the dashboard and the Celery workers. What no reference carries orders them: the database and Redis
     * they connect to by host name at start, the ImageStreams their trigger annotations name.
     */
    private applications(
        part: PackitPartArgs,
        stores: PackitDataStores,
        images: PackitImages,
    ): Applications & { api?: PackitApi; workers?: PackitWorkers } {
        const on = this.config.components;
        // order: the applications connect to the database and Redis by host name and follow ImageStream tags by name.
        const opts = this.child({ dependsOn: [...stores.forApplications, images] });
        const name = this.keepsStateName(this.baseName);
        const { clients } = stores;
        const api = on.service || on.dashboard ? new PackitApi(name, { ...part, clients }, opts) : undefined;
        const groups = workerGroups(this.config.workers);
        const workers =
            on.workers || on.beat ? new PackitWorkers(name, { ...part, groups, clients }, opts) : undefined;
        return { part, stores, opts, api, workers };
    }

    /** Sandcastle runs the workers' untrusted code in its own namespace; returns its name. */
    private sandbox(main: Namespace): string | undefined {
        const { config, context } = this;
        const on = config.components;
        if (!on.workers) return undefined;
        const sandbox = new Sandbox(
            this.childName("sandbox"),
            {
                config,
                context,
                namespace: sandboxNamespace(config.service, config),
                main,
                repositoryCaches: sandboxCacheClaims(workerGroups(config.workers)),
                cleanup: on.sandboxCleanup
                    ? {
                          schedule: config.sandbox.cleanupSchedule,
                          image: config.images.cli,
                          podMaxAgeHours: config.sandbox.podMaxAgeHours,
                          pvcGraceMinutes: config.sandbox.pvcGraceMinutes,
                      }
                    : undefined,
            },
            this.child(),
        );
        return sandbox.name;
    }

    private listeners({ part, opts }: Applications): void {
        const { config } = this;
        if (config.components.fedmsg || config.centosmsg)
            new PackitListeners(this.keepsStateName(this.baseName), part, opts);
    }

    /**
     * "Monitoring of packit-service": the workers push, Prometheus reads GET /metrics through nginx. Made before the
     * applications, which take the gateway's address from its Workload.
     */
    private metrics(part: PackitPartArgs): MetricsGateway | undefined {
        if (!this.config.components.pushgateway) return undefined;
        // Neither the gateway nor its proxy talks to the database or Redis: only the namespace, which their objects
        // are placed with, comes first.
        return new MetricsGateway(this.childName("metrics"), part, this.child());
    }

    private debugging({ part, opts }: Applications): void {
        const { config, context } = this;
        if (!config.components.redisCommander && !config.components.flower) return;
        const certificate = (file: string) =>
            context.secrets.require(secretConfigKey(config.service, "packit-secrets", file));
        new PackitDebugging(
            this.keepsStateName(this.baseName),
            {
                ...part,
                certificate: { certificate: certificate("fullchain.pem"), key: certificate("privkey.pem") },
            },
            opts,
        );
    }

    /** "PostgreSQL data migration": the copy starts once every writer has stopped. */
    private databaseUpgrade({
        part,
        stores,
        api,
        workers,
    }: Applications & { api?: PackitApi; workers?: PackitWorkers }): void {
        const { config } = this;
        const postgres = stores.postgres;
        if (!postgres?.previous) return;
        new PostgresUpgrade(
            this.childName("postgres-upgrade"),
            {
                config,
                context: this.context,
                namespace: part.namespace.name,
                from: postgres.previous.settings,
                to: postgres.current.settings,
                database: postgres.secret.handle,
                servers: {
                    from: postgres.previous.workload.endpoint(),
                    to: postgres.current.workload.endpoint(),
                },
            },
            this.child({
                // order: the copy runs once the new server is up and every writer (the API, the workers) has stopped.
                dependsOn: [postgres, ...(api?.service ? [api.service] : []), ...(workers ? [workers] : [])],
            }),
        );
    }
}
