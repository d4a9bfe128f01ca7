import * as pulumi from "@pulumi/pulumi";
import { KubernetesContext } from "../config/system";
import { Namespace } from "../shared/namespace";
import { Redis, RedisAuth } from "../shared/redis";
import { ChecksumKey, ReadsChecksumKey } from "../shared/startupReads";
import { SystemArgs, SystemComponent } from "../config/systemComponent";
import { DialsSection } from "./config";
import { Etl } from "./etl";
import { liveLabelsOf } from "./live";
import { DIALS_PART_OF, Images } from "./images";
import { REDIS_PASSWORDS } from "./secrets";
import { Web } from "./web";
import { SIZES } from "./workers";

export interface DialsOutputs extends Record<string, pulumi.Input<unknown>> {
    namespace: pulumi.Output<string>;
    apiUrl: string;
    frontendUrl: string;
    workers: string[];
}

/** DIALS' two Redis instances: the ETL's broker (its queued jobs kept on a volume) and the web cache. */
interface DataStores {
    broker: Redis<RedisAuth>;
    cache: Redis<RedisAuth>;
}

/**
 * CMS DIALS in one namespace, in the source's order: image streams, data stores, ETL, web. Configuration is
 * derived from the typed section (workspaces drive workers, DJANGO_WORKSPACES and DATABASES together).
 */
export class Dials extends SystemComponent<DialsSection, KubernetesContext, DialsOutputs> {
    constructor(name: string, args: SystemArgs<DialsSection>, opts?: pulumi.ComponentResourceOptions) {
        super("runbooks:dials:Dials", name, args, opts);
        const { config, context } = args;
        const namespace = this.namespace();
        // One key for every reader's checksum: rotating a secret restarts exactly the pods that read it.
        const restartKey = new ReadsChecksumKey(this.childName("checksum-key"), this.foreignChild()).result;
        const images = new Images(
            this.childName("images"),
            { config, context, namespace: namespace.name },
            this.child(),
        );
        const { broker, cache } = this.dataStores(namespace, restartKey);
        // The pods pull through the ImageStreams (no field names them) and reach the broker and the cache by their
        // Services' host names, which deliberately carry no order (components/shared/endpoints.ts).
        // order: the applications (the migration Job, ETL and web) after the ImageStreams and both Redis.
        const applications = this.child({ dependsOn: [...images.streams, broker, cache] });
        const etl = new Etl(
            this.childName("etl"),
            {
                config,
                context,
                namespace,
                image: images.refs.etl,
                broker,
                restartKey,
            },
            applications,
        );
        const web = new Web(
            this.childName("web"),
            {
                config,
                context,
                namespace: namespace.name,
                images: images.refs,
                cache,
                restartKey,
            },
            applications,
        );
        this.setOutputs({
            namespace: namespace.name,
            apiUrl: web.apiUrl,
            frontendUrl: web.frontendUrl,
            workers: etl.workerNames,
        });
    }

    /** The PaaS project (made in the web-services portal unless `createNamespace`): its `name` places every object. */
    private namespace(): Namespace {
        return new Namespace(
            this.childName("ns"),
            {
                cluster: this.context.cluster,
                name: this.config.namespace,
                app: { name: "cms-dials", partOf: DIALS_PART_OF },
                create: this.config.createNamespace,
            },
            this.child(),
        );
    }

    /** `redis-etl-broker` and `redis-web-cache`, password-protected as the source runs them. */
    private dataStores(namespace: Namespace, restartKey: ChecksumKey): DataStores {
        const { config } = this;
        const { secrets, protectStateful } = this.context;
        const redis = (objectName: string) => ({
            cluster: this.context.cluster,
            namespace: namespace.name,
            app: { name: objectName, partOf: DIALS_PART_OF, component: "database" },
            image: config.images.redis,
            resources: SIZES.redis,
            protectStateful,
            restartKey,
            live: liveLabelsOf(objectName),
        });
        const broker = new Redis(
            this.childName("redis-etl-broker"),
            {
                ...redis("redis-etl-broker"),
                auth: { password: secrets.get(REDIS_PASSWORDS.broker.key) },
                storage: { size: config.etl.brokerStorage },
            },
            this.child(),
        );
        const cache = new Redis(
            this.childName("redis-web-cache"),
            { ...redis("redis-web-cache"), auth: { password: secrets.get(REDIS_PASSWORDS.cache.key) } },
            this.child(),
        );
        return { broker, cache };
    }
}
