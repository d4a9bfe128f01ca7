import * as k8s from "@pulumi/kubernetes";
import { EnvMap, mergeEnv } from "../shared/env";
import { ServiceEndpoint } from "../shared/endpoints";
import { SecretHandle } from "../shared/handles";
import type { PackitSection } from "./config";
import { queueNamePrefix } from "./layout";

/** Generated database credentials every database client reads. */
export const POSTGRES_SECRET = "postgres-secret";

/** Name of the Redis Service (and Deployment); the source hard-codes it as the host in every component. */
export const REDIS_NAME = "redis";

/** The pushgateway's Service port: 80, so the workers' address is plain http://pushgateway. */
export const PUSHGATEWAY_SERVICE_PORT = 80;

/**
 * The pushgateway the workers push to. Declared by name because MetricsGateway makes it after the workers; the
 * derivation of the network policies stops the program if no such Service is made.
 */
export function pushgatewayEndpoint(namespace: string): ServiceEndpoint {
    return ServiceEndpoint.of("pushgateway", namespace, PUSHGATEWAY_SERVICE_PORT);
}

/**
 * The Secrets one deployment's pods read, each the object the program made: a pod names it through the handle, so
 * it waits for the Secret and follows a rename, and a Secret no enabled component needs is an error here, not a
 * pod stuck in ContainerCreating.
 */
export interface PackitReads {
    /** A Secret of the source (`SOURCE_SECRETS`), made because an enabled component reads it. */
    secret(name: string): SecretHandle;
    /** `postgres-secret`, the database credentials (made with the database). */
    database(): SecretHandle;
    /** The Redis broker's endpoint (made with the stores, or by the deployment of the namespace that runs it). */
    redis(): ServiceEndpoint;
}

/** {@link PackitReads} over the Secrets made from secret config and, once it exists, the database's. */
export function packitReads(
    secrets: readonly { handle: SecretHandle }[],
    database: SecretHandle | undefined,
    redis: ServiceEndpoint,
): PackitReads {
    const byName = new Map(secrets.map((s) => [s.handle.objectName, s.handle]));
    return {
        secret(name) {
            const handle = byName.get(name);
            if (!handle) {
                throw new Error(
                    `Secret ${name} is read, but it is made only for the components of its usedBy`,
                );
            }
            return handle;
        },
        database() {
            // packitProblems stops a configuration whose database clients run without components.postgres.
            if (!database) throw new Error(`${POSTGRES_SECRET} is read, but components.postgres is off`);
            return database;
        },
        redis: () => redis,
    };
}

/** Database connection, from the generated `postgres-secret`. */
export function postgresEnv(database: SecretHandle): EnvMap {
    return {
        POSTGRESQL_USER: database.env("database-user"),
        POSTGRESQL_PASSWORD: database.env("database-password"),
        POSTGRESQL_HOST: database.env("database-host"),
        POSTGRESQL_DATABASE: database.env("database-name"),
    };
}

function sentryEnv(reads: PackitReads): EnvMap {
    return { SENTRY_SECRET: reads.secret("packit-sentry").env("sentry") };
}

function awsEnv(reads: PackitReads): EnvMap {
    const aws = reads.secret("aws");
    return {
        AWS_ACCESS_KEY_ID: aws.env("access-key-id"),
        AWS_SECRET_ACCESS_KEY: aws.env("secret-access-key"),
    };
}

/** Env of the API and every Celery process (systems.md §2, "Common env"). */
export function appEnv(config: PackitSection, reads: PackitReads): EnvMap {
    return mergeEnv(postgresEnv(reads.database()), sentryEnv(reads), awsEnv(reads), {
        DEPLOYMENT: config.deployment,
        PROJECT: config.namespace,
        QUEUE_NAME_PREFIX: queueNamePrefix(config.service, config.deployment),
        REDIS_SERVICE_HOST: { computed: reads.redis().localHost },
        DISTGIT_URL: config.distgit.url,
        DISTGIT_NAMESPACE: config.distgit.namespace,
        CELERY_RETRY_LIMIT: "2",
        CELERY_RETRY_BACKOFF: "3",
        PUSHGATEWAY_ADDRESS: config.components.pushgateway
            ? { computed: pushgatewayEndpoint(config.namespace).url({ local: true }) }
            : undefined,
    });
}

/** Env of workers and beat: the app env plus the Celery application. */
export function celeryEnv(config: PackitSection, reads: PackitReads, extra: EnvMap): EnvMap {
    return mergeEnv(appEnv(config, reads), { APP: config.celeryApp }, extra);
}

/** Env of the message listeners, which only enqueue tasks. */
export function listenerEnv(config: PackitSection, reads: PackitReads, extra: EnvMap): EnvMap {
    return mergeEnv(sentryEnv(reads), { DEPLOYMENT: config.deployment }, extra);
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
export function secretVolumes(
    reads: PackitReads,
    names: MountedSecret[],
): {
    volumes: k8s.types.input.core.v1.Volume[];
    volumeMounts: k8s.types.input.core.v1.VolumeMount[];
} {
    return {
        // ssh refuses keys readable by others.
        volumes: names.map((n) =>
            reads.secret(n).volume(n, n === "packit-ssh" ? { defaultMode: 0o400 } : {}),
        ),
        volumeMounts: names.map((n) => ({ name: n, mountPath: SECRET_MOUNTS[n], readOnly: true })),
    };
}
