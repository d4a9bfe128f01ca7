import * as k8s from "@pulumi/kubernetes";
import { EnvMap, fromConfigMap, fromSecret } from "../../shared/env";

// The env blocks every Thoth module repeats in thoth-application, written once (thoth-station.md §2, §3.3).

/** Knowledge graph through pgbouncer, SSL off, credentials from Secret postgresql. */
export function graphEnv(): EnvMap {
    return {
        KNOWLEDGE_GRAPH_HOST: fromConfigMap("thoth", "postgresql-host"),
        KNOWLEDGE_GRAPH_PORT: "5432",
        KNOWLEDGE_GRAPH_SSL_DISABLED: "1",
        KNOWLEDGE_GRAPH_USER: fromSecret("postgresql", "database-user"),
        KNOWLEDGE_GRAPH_PASSWORD: fromSecret("postgresql", "database-password"),
        KNOWLEDGE_GRAPH_DATABASE: fromSecret("postgresql", "database-name"),
    };
}

/** S3 (Ceph) bucket settings from ConfigMap ceph and credentials from Secret ceph. */
export function cephEnv(endpointKey: "host" | "endpoint" = "host"): EnvMap {
    return {
        THOTH_S3_ENDPOINT_URL: fromConfigMap("ceph", endpointKey),
        THOTH_CEPH_BUCKET: fromConfigMap("ceph", "bucket-name"),
        THOTH_CEPH_BUCKET_PREFIX: fromConfigMap("ceph", "bucket-prefix"),
        THOTH_CEPH_KEY_ID: fromSecret("ceph", "key-id"),
        THOTH_CEPH_SECRET_KEY: fromSecret("ceph", "secret-key"),
    };
}

export const KAFKA_CA_PATH = "/mnt/secrets/kafka_ca.crt";

/** Kafka producer/consumer settings; needs {@link kafkaCaVolume} mounted by {@link kafkaCaMount}. */
export function kafkaEnv(): EnvMap {
    return {
        KAFKA_BOOTSTRAP_SERVERS: fromConfigMap("kafka", "kafka-bootstrap-servers"),
        KAFKA_SECURITY_PROTOCOL: fromConfigMap("kafka", "kafka-protocol"),
        KAFKA_SSL_CA_LOCATION: KAFKA_CA_PATH,
    };
}

/** Only the CA of Secret kafka, as the services mount it. */
export const kafkaCaVolume: k8s.types.input.core.v1.Volume = {
    name: "secrets",
    secret: { secretName: "kafka", items: [{ key: "kafka_ca.crt", path: "kafka_ca.crt" }] },
};
export const kafkaCaMount: k8s.types.input.core.v1.VolumeMount = {
    name: "secrets",
    mountPath: "/mnt/secrets",
    readOnly: true,
};

/** Deployment name, logging format and Sentry, which nearly every module reads. */
export function deploymentEnv(): EnvMap {
    return {
        THOTH_DEPLOYMENT_NAME: fromConfigMap("thoth", "deployment-name"),
        THOTH_LOGGING_NO_JSON: fromConfigMap("thoth", "logging-no-json"),
        SENTRY_DSN: fromSecret("thoth", "sentry-dsn"),
    };
}

/** `THOTH_<TIER>_NAMESPACE` from ConfigMap thoth for the given keys (e.g. `frontend`, `amun-inspection`). */
export function namespaceEnv(...tiers: string[]): EnvMap {
    return Object.fromEntries(
        tiers.map((t) => [
            `THOTH_${t.toUpperCase().replace(/-/g, "_")}_NAMESPACE`,
            fromConfigMap("thoth", `${t}-namespace`),
        ]),
    );
}

export const KUBERNETES_ENV: EnvMap = {
    KUBERNETES_API_URL: "https://kubernetes.default.svc.cluster.local",
    KUBERNETES_VERIFY_TLS: "0",
};

export function pushgatewayEnv(): EnvMap {
    return { PROMETHEUS_PUSHGATEWAY_URL: fromConfigMap("prometheus", "pushgateway-url") };
}
