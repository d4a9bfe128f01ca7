import * as pulumi from "@pulumi/pulumi";
import { SecretStore } from "../config/system";
import { ClusterContext } from "../shared/cluster";
import { Namespace } from "../shared/namespace";
import { Redis } from "../shared/redis";
import { DialsConfig } from "./config";
import { Etl } from "./etl";
import { DIALS_PART_OF, DialsImages } from "./images";
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
import { SIZES, etlWorkers, migrationJobName } from "./workers";

/** Arguments of {@link Dials}. */
export interface DialsArgs {
    cluster: ClusterContext;
    config: DialsConfig;
    /** Secret values, read only through this store. */
    secrets: SecretStore;
    /** Production: PVCs are protected from deletion. */
    protect: boolean;
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
export class Dials extends pulumi.ComponentResource {
    public readonly etl: Etl;
    public readonly apiUrl: string;
    public readonly frontendUrl: string;

    constructor(name: string, args: DialsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("runbooks:dials:Dials", name, {}, opts);
        const { cluster, config, secrets } = args;
        const namespace = config.namespace;
        const ns = new Namespace(
            `${name}-ns`,
            {
                cluster,
                name: namespace,
                app: { name: "cms-dials", partOf: DIALS_PART_OF },
                create: config.createNamespace,
            },
            { parent: this },
        );
        const images = new DialsImages(
            `${name}-images`,
            { cluster, namespace, images: config.images },
            { parent: this, dependsOn: [ns] },
        );
        const redis = (objectName: string) => ({
            cluster,
            namespace,
            app: { name: objectName, partOf: DIALS_PART_OF, component: "database" },
            image: config.images.redis,
            resources: SIZES.redis,
            protectStateful: args.protect,
        });
        const broker = new Redis(
            `${name}-redis-etl-broker`,
            {
                ...redis("redis-etl-broker"),
                auth: { password: secrets.get(REDIS_PASSWORDS.broker.key) },
                storage: { size: config.etl.brokerStorage },
            },
            { parent: this, dependsOn: [ns] },
        );
        const cache = new Redis(
            `${name}-redis-web-cache`,
            { ...redis("redis-web-cache"), auth: { password: secrets.get(REDIS_PASSWORDS.cache.key) } },
            { parent: this, dependsOn: [ns] },
        );

        this.etl = new Etl(
            `${name}-etl`,
            {
                cluster,
                namespace,
                image: images.refs.etl,
                configMapData: etlConfigMapData(config),
                secretData: {
                    ...secretData(ETL_SECRETS, secrets),
                    CELERY_BROKER_URL: redisUrl(broker.host, broker.password, BROKER_DB.broker),
                    CELERY_RESULT_BACKEND: redisUrl(broker.host, broker.password, BROKER_DB.results),
                    CELERY_REDBEAT_URL: redisUrl(broker.host, broker.password, BROKER_DB.redbeat),
                },
                eosCredentials: secretData(EOS_SECRETS, secrets),
                eosStorageClass: config.etl.eosStorageClass,
                workers: etlWorkers(config),
                taskTimeLimitSeconds: config.etl.taskTimeLimitSeconds,
                migrationJob: migrationJobName(config.images.tag),
                terminationGracePeriodSeconds: config.etl.terminationGracePeriodSeconds,
                protect: args.protect,
                dependsOn: [...images.streams, broker],
            },
            { parent: this, dependsOn: [ns] },
        );
        const web = new Web(
            `${name}-web`,
            {
                cluster,
                namespace,
                images: images.refs,
                configMapData: backendConfigMapData(config),
                nginxConf: backendNginxConf(config.web.gunicornTimeoutSeconds),
                secretData: {
                    ...secretData(BACKEND_SECRETS, secrets),
                    DJANGO_REDIS_URL: redisUrl(cache.host, cache.password, CACHE_DB),
                },
                backendReplicas: config.web.backendReplicas,
                frontendReplicas: config.web.frontendReplicas,
                apiHost: config.web.apiHost,
                frontendHost: config.web.frontendHost,
                routeTimeout: config.web.routeTimeout,
                dependsOn: [...images.streams, cache],
            },
            { parent: this, dependsOn: [ns] },
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
