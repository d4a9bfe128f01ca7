import * as pulumi from "@pulumi/pulumi";
import { KubernetesContext, SecretStore } from "../config/system";
import { RunbookComponent } from "../shared/component";
import { Namespace } from "../shared/namespace";
import { Redis } from "../shared/redis";
import { DialsConfig } from "./config";
import { Etl } from "./etl";
import { DIALS_PART_OF, Images } from "./images";
import { BACKEND_SECRETS, EOS_SECRETS, ETL_SECRETS, REDIS_PASSWORDS, SecretKeySpec } from "./secrets";
import {
    BROKER_DB,
    CACHE_DB,
    backendConfigMapData,
    backendNginxConf,
    etlConfigMapData,
    redisUrl,
} from "./settings";
import { Web } from "./web";
import { plannedMigration } from "./migration";
import { SIZES, etlWorkers } from "./workers";
import { ReadsChecksumKey } from "../shared/startupReads";

/** Arguments of {@link Dials}. */
export interface DialsArgs {
    /** The validated `runbooks:dials` section. */
    config: DialsConfig;
    /** What the program decided: cluster, secrets (read only through this store), protection of stateful data. */
    context: KubernetesContext;
}

function secretData(
    specs: readonly SecretKeySpec[],
    store: SecretStore,
): Record<string, pulumi.Output<string>> {
    return Object.fromEntries(specs.map((s) => [s.envKey, store.require(s.key)]));
}

/**
 * CMS DIALS in one namespace, in the source's order: image streams, data stores, ETL, web. Configuration is
 * derived from the typed section (workspaces drive workers, DJANGO_WORKSPACES and DATABASES together).
 */
export class Dials extends RunbookComponent {
    public readonly etl: Etl;
    public readonly apiUrl: string;
    public readonly frontendUrl: string;

    constructor(name: string, args: DialsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("runbooks:dials:Dials", name, opts, args.context.cluster.provider);
        const { config } = args;
        const { cluster, secrets, protectStateful } = args.context;
        const namespace = config.namespace;
        const ns = new Namespace(
            this.childName("ns"),
            {
                cluster,
                name: namespace,
                app: { name: "cms-dials", partOf: DIALS_PART_OF },
                create: config.createNamespace,
            },
            this.child(),
        );
        // Everything else lives in the namespace.
        const inNamespace = this.child({ dependsOn: [ns] });
        // One key for every reader's checksum: rotating a secret restarts exactly the pods that read it.
        const restartKey = new ReadsChecksumKey(this.childName("checksum-key"), this.foreignChild()).result;
        const images = new Images(
            this.childName("images"),
            { cluster, namespace, images: config.images },
            inNamespace,
        );
        const redis = (objectName: string) => ({
            cluster,
            namespace,
            app: { name: objectName, partOf: DIALS_PART_OF, component: "database" },
            image: config.images.redis,
            resources: SIZES.redis,
            protectStateful,
            restartKey,
        });
        const broker = new Redis(
            this.childName("redis-etl-broker"),
            {
                ...redis("redis-etl-broker"),
                auth: { password: secrets.get(REDIS_PASSWORDS.broker.key) },
                storage: { size: config.etl.brokerStorage },
            },
            inNamespace,
        );
        const cache = new Redis(
            this.childName("redis-web-cache"),
            { ...redis("redis-web-cache"), auth: { password: secrets.get(REDIS_PASSWORDS.cache.key) } },
            inNamespace,
        );

        this.etl = new Etl(
            this.childName("etl"),
            {
                cluster,
                namespace,
                image: images.refs.etl,
                configMapData: etlConfigMapData(config),
                secretData: {
                    ...secretData(ETL_SECRETS, secrets),
                    CELERY_BROKER_URL: redisUrl(broker.endpoint, broker.password, BROKER_DB.broker),
                    CELERY_RESULT_BACKEND: redisUrl(broker.endpoint, broker.password, BROKER_DB.results),
                    CELERY_REDBEAT_URL: redisUrl(broker.endpoint, broker.password, BROKER_DB.redbeat),
                },
                eosCredentials: secretData(EOS_SECRETS, secrets),
                eosStorageClass: config.etl.eosStorageClass,
                workers: etlWorkers(config),
                taskTimeLimitSeconds: config.etl.taskTimeLimitSeconds,
                migrationJob: plannedMigration(config)?.job,
                terminationGracePeriodSeconds: config.etl.terminationGracePeriodSeconds,
                protectStateful,
                restartKey,
                dependsOn: [...images.streams, broker],
            },
            inNamespace,
        );
        const web = new Web(
            this.childName("web"),
            {
                cluster,
                namespace,
                images: images.refs,
                configMapData: backendConfigMapData(config),
                nginxConf: backendNginxConf(config.web.gunicornTimeoutSeconds),
                secretData: {
                    ...secretData(BACKEND_SECRETS, secrets),
                    DJANGO_REDIS_URL: redisUrl(cache.endpoint, cache.password, CACHE_DB),
                },
                backendReplicas: config.web.backendReplicas,
                frontendReplicas: config.web.frontendReplicas,
                apiHost: config.web.apiHost,
                frontendHost: config.web.frontendHost,
                routeTimeout: config.web.routeTimeout,
                restartKey,
                dependsOn: [...images.streams, cache],
            },
            inNamespace,
        );
        this.apiUrl = web.apiUrl;
        this.frontendUrl = web.frontendUrl;
        this.registerOutputs({
            workers: this.etl.workerNames,
            apiUrl: this.apiUrl,
            frontendUrl: this.frontendUrl,
        });
    }
}
