import * as k8s from "@pulumi/kubernetes";
import { EnvMap, fromSecret, mergeEnv } from "../shared/env";
import type { PackitConfig, ServiceName } from "./config";
import { mainNamespace, queueNamePrefix } from "./layout";

/** Generated database credentials every database client reads. */
export const POSTGRES_SECRET = "postgres-secret";

/** In-cluster address of Redis; the source hard-codes it in every component. */
export const REDIS_HOST = "redis";

/** Database connection, from the generated `postgres-secret`. */
export const POSTGRES_ENV: EnvMap = {
    POSTGRESQL_USER: fromSecret(POSTGRES_SECRET, "database-user"),
    POSTGRESQL_PASSWORD: fromSecret(POSTGRES_SECRET, "database-password"),
    POSTGRESQL_HOST: fromSecret(POSTGRES_SECRET, "database-host"),
    POSTGRESQL_DATABASE: fromSecret(POSTGRES_SECRET, "database-name"),
};

const SENTRY_ENV: EnvMap = { SENTRY_SECRET: fromSecret("packit-sentry", "sentry") };

const AWS_ENV: EnvMap = {
    AWS_ACCESS_KEY_ID: fromSecret("aws", "access-key-id"),
    AWS_SECRET_ACCESS_KEY: fromSecret("aws", "secret-access-key"),
};

/** Env of the API and every Celery process (systems.md §2, "Common env"). */
export function appEnv(service: ServiceName, config: PackitConfig): EnvMap {
    return mergeEnv(POSTGRES_ENV, SENTRY_ENV, AWS_ENV, {
        DEPLOYMENT: config.deployment,
        PROJECT: mainNamespace(service, config),
        QUEUE_NAME_PREFIX: queueNamePrefix(service, config.deployment),
        REDIS_SERVICE_HOST: REDIS_HOST,
        DISTGIT_URL: config.distgit.url,
        DISTGIT_NAMESPACE: config.distgit.namespace,
        CELERY_RETRY_LIMIT: "2",
        CELERY_RETRY_BACKOFF: "3",
        PUSHGATEWAY_ADDRESS: config.components.pushgateway ? "http://pushgateway" : undefined,
    });
}

/** Env of workers and beat: the app env plus the Celery application. */
export function celeryEnv(service: ServiceName, config: PackitConfig, extra: EnvMap): EnvMap {
    return mergeEnv(appEnv(service, config), { APP: config.celeryApp }, extra);
}

/** Env of the message listeners, which only enqueue tasks. */
export function listenerEnv(config: PackitConfig, extra: EnvMap): EnvMap {
    return mergeEnv(SENTRY_ENV, { DEPLOYMENT: config.deployment }, extra);
}

/** Where the source mounts its Secrets. */
export const SECRET_MOUNTS = {
    "packit-ssh": "/packit-ssh",
    "packit-secrets": "/secrets",
    "packit-config": "/home/packit/.config",
    "centos-secrets": "/secrets",
    "github-app-private-key": "/secrets",
} as const;
export type MountedSecret = keyof typeof SECRET_MOUNTS;

/** Volumes and read-only mounts of whole Secrets, named like the Secrets. */
export function secretVolumes(names: MountedSecret[]): {
    volumes: k8s.types.input.core.v1.Volume[];
    volumeMounts: k8s.types.input.core.v1.VolumeMount[];
} {
    return {
        // ssh refuses keys readable by others.
        volumes: names.map((n) => ({
            name: n,
            secret: { secretName: n, ...(n === "packit-ssh" ? { defaultMode: 0o400 } : {}) },
        })),
        volumeMounts: names.map((n) => ({ name: n, mountPath: SECRET_MOUNTS[n], readOnly: true })),
    };
}
