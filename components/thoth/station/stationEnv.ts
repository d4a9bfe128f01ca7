import { EnvMap } from "../../shared/env";
import { HandleMount } from "../../shared/handles";
import type { Reads } from "../../shared/reads";
import type { StationConfigMapName } from "./modules/sharedConfig";
import type { StationSecretName } from "./stationSecrets";

/**
 * The station's Secrets and ConfigMaps of one namespace, as the shared {@link Reads} over the objects StationModules
 * made there (stationReadsOf).
 */
export type StationReads = Reads<StationSecretName, StationConfigMapName>;

/** Where the namespaces a station Secret or ConfigMap is made in are decided: what a stopped pod is pointed to. */
export const STATION_READS_DECIDED_IN = "the tiers of stationSecrets.ts and sharedConfig.ts";

// The env blocks every Thoth module repeats in thoth-application, written once (thoth-station.md §2, §3.3), each
// read through the handles of the reader's namespace.

/** Knowledge graph through pgbouncer, SSL off, credentials from Secret postgresql. */
export function graphEnv(reads: StationReads): EnvMap {
    const credentials = reads.secret("postgresql");
    return {
        KNOWLEDGE_GRAPH_HOST: reads.configMap("thoth").env("postgresql-host"),
        KNOWLEDGE_GRAPH_PORT: "5432",
        KNOWLEDGE_GRAPH_SSL_DISABLED: "1",
        KNOWLEDGE_GRAPH_USER: credentials.env("database-user"),
        KNOWLEDGE_GRAPH_PASSWORD: credentials.env("database-password"),
        KNOWLEDGE_GRAPH_DATABASE: credentials.env("database-name"),
    };
}

/** S3 (Ceph) bucket settings from ConfigMap ceph and credentials from Secret ceph. */
export function cephEnv(reads: StationReads, endpointKey: "host" | "endpoint" = "host"): EnvMap {
    const credentials = reads.secret("ceph");
    return {
        ...cephLocationEnv(reads, endpointKey),
        THOTH_CEPH_KEY_ID: credentials.env("key-id"),
        THOTH_CEPH_SECRET_KEY: credentials.env("secret-key"),
    };
}

/** Where the bucket is, without its keys: for a module that only hands the location on (to the Workflows it submits). */
export function cephLocationEnv(reads: StationReads, endpointKey: "host" | "endpoint" = "host"): EnvMap {
    const settings = reads.configMap("ceph");
    return {
        THOTH_S3_ENDPOINT_URL: settings.env(endpointKey),
        THOTH_CEPH_BUCKET: settings.env("bucket-name"),
        THOTH_CEPH_BUCKET_PREFIX: settings.env("bucket-prefix"),
    };
}

export const KAFKA_CA_PATH = "/mnt/secrets/kafka_ca.crt";

/** Kafka producer/consumer settings; needs {@link kafkaCaMount} among the container's mounts. */
export function kafkaEnv(reads: StationReads): EnvMap {
    const kafka = reads.configMap("kafka");
    return {
        KAFKA_BOOTSTRAP_SERVERS: kafka.env("kafka-bootstrap-servers"),
        KAFKA_SECURITY_PROTOCOL: kafka.env("kafka-protocol"),
        KAFKA_SSL_CA_LOCATION: KAFKA_CA_PATH,
    };
}

/** Only the CA of Secret kafka, as the services mount it (at {@link KAFKA_CA_PATH}). */
export function kafkaCaMount(reads: StationReads): HandleMount {
    return reads.secret("kafka").mount("/mnt/secrets", {
        volume: "secrets",
        items: [{ key: "kafka_ca.crt", path: "kafka_ca.crt" }],
        readOnly: true,
    });
}

/** Deployment name, logging format and Sentry, which nearly every module reads. */
export function deploymentEnv(reads: StationReads): EnvMap {
    const thoth = reads.configMap("thoth");
    return {
        THOTH_DEPLOYMENT_NAME: thoth.env("deployment-name"),
        THOTH_LOGGING_NO_JSON: thoth.env("logging-no-json"),
        SENTRY_DSN: reads.secret("thoth").env("sentry-dsn"),
    };
}

/** `THOTH_<TIER>_NAMESPACE` from ConfigMap thoth for the given keys (e.g. `frontend`, `amun-inspection`). */
export function namespaceEnv(reads: StationReads, ...tiers: string[]): EnvMap {
    const thoth = reads.configMap("thoth");
    return Object.fromEntries(
        tiers.map((t) => [
            `THOTH_${t.toUpperCase().replace(/-/g, "_")}_NAMESPACE`,
            thoth.env(`${t}-namespace`),
        ]),
    );
}

export const KUBERNETES_ENV: EnvMap = {
    KUBERNETES_API_URL: "https://kubernetes.default.svc.cluster.local",
    KUBERNETES_VERIFY_TLS: "0",
};

export function pushgatewayEnv(reads: StationReads): EnvMap {
    return { PROMETHEUS_PUSHGATEWAY_URL: reads.configMap("prometheus").env("pushgateway-url") };
}
