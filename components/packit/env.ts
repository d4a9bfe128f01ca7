import { EnvMap, mergeEnv } from "../shared/env";
import { ServiceEndpoint } from "../shared/endpoints";
import { HandleMount, SecretHandle } from "../shared/handles";
import { Reads, readsOver } from "../shared/reads";
import type { PackitSection } from "./config";
import type { PackitSecretName } from "./secrets";

/** Generated database credentials every database client reads. */
export const POSTGRES_SECRET = "postgres-secret";

/** Name of the Redis Service (and Deployment); the source hard-codes it as the host in every component. */
export const REDIS_NAME = "redis";

/**
 * The Secrets one deployment's pods read, by the names of the source's table (`SOURCE_SECRETS`), each the object the
 * program made: a pod names it through the handle, so it waits for the Secret and follows a rename; a misspelt name
 * does not compile, and a Secret no enabled component needs stops the evaluation instead of a pod stuck in
 * ContainerCreating. Beside them, the in-cluster services the applications reach.
 */
export interface PackitReads extends Reads<PackitSecretName> {
    /** The Redis broker's endpoint (made with the stores, or by the deployment of the namespace that runs it). */
    redis(): ServiceEndpoint;
    /** The pushgateway the workers push to: its Workload's endpoint, while components.pushgateway is on. */
    pushgateway(): ServiceEndpoint | undefined;
}

/** {@link PackitReads} over the Secrets made from secret config in the main namespace. */
export function packitReads(
    secrets: readonly { handle: SecretHandle }[],
    namespace: string,
    services: { redis: ServiceEndpoint; pushgateway?: ServiceEndpoint },
): PackitReads {
    return {
        ...readsOver<PackitSecretName>(
            secrets.map((s) => s.handle),
            namespace,
            "usedBy of SOURCE_SECRETS, components/packit/secrets.ts",
        ),
        redis: () => services.redis,
        pushgateway: () => services.pushgateway,
    };
}

/**
 * The database's user, password and name, from the generated `postgres-secret`: what the server creates at its first
 * start (sclorg's run-postgresql), and what a client logs in with.
 */
export function postgresServerEnv(database: SecretHandle): EnvMap {
    return {
        POSTGRESQL_USER: database.env("database-user"),
        POSTGRESQL_PASSWORD: database.env("database-password"),
        POSTGRESQL_DATABASE: database.env("database-name"),
    };
}

/** A client's connection: the server's credentials and where it answers (packit_service/models.py get_pg_url). */
function postgresClientEnv(database: SecretHandle): EnvMap {
    return mergeEnv(postgresServerEnv(database), { POSTGRESQL_HOST: database.env("database-host") });
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

/**
 * Env of the API (systems.md §2, "Common env", as far as the API reads it): the database, the broker, Sentry and
 * the deployment. The retry settings, the S3 credentials and the pushgateway are read only by the Celery side's
 * modules (packit_service/worker/), which the API process never imports; packit/deployment gives the API none
 * of them either (openshift/packit-service.yml.j2).
 */
export function appEnv(config: PackitSection, reads: PackitReads, database: SecretHandle): EnvMap {
    return mergeEnv(postgresClientEnv(database), sentryEnv(reads), brokerEnv(reads), {
        DEPLOYMENT: config.deployment,
        PROJECT: config.namespace,
        DISTGIT_URL: config.distgit.url,
        DISTGIT_NAMESPACE: config.distgit.namespace,
    });
}

/** Where packit-service's Celery finds its broker (packit/packit-service@b828c3d7b9 packit_service/celerizer.py:27-31). */
export function brokerEnv(reads: PackitReads): EnvMap {
    return { REDIS_SERVICE_HOST: { computed: reads.redis().localHost } };
}

/**
 * The broker URL packit-service's Celery builds from that env, as shell with its defaults (packit/packit-service@
 * b828c3d7b9 packit_service/celerizer.py:46, constants.py:380-384; hardly's tasks use the same app, packit/hardly@
 * 9ed959fe6e hardly/tasks.py:21). The password part is assembled apart, so no URL in the spec carries credentials'
 * shape; an empty one is no password either way.
 */
export const BROKER_SHELL = {
    setup: ['auth=""', '[ -n "${REDIS_PASSWORD:-}" ] && auth=":${REDIS_PASSWORD}@"'],
    url: "redis://${auth}${REDIS_SERVICE_HOST:-redis}:${REDIS_SERVICE_PORT:-6379}/${REDIS_SERVICE_DB:-0}",
} as const;

/** Env of workers and beat: the API's, the Celery application, its retries, S3 and the pushgateway. */
export function celeryEnv(
    config: PackitSection,
    reads: PackitReads,
    database: SecretHandle,
    extra: EnvMap,
): EnvMap {
    const pushgateway = reads.pushgateway();
    return mergeEnv(
        appEnv(config, reads, database),
        awsEnv(reads),
        {
            APP: config.celeryApp,
            CELERY_RETRY_LIMIT: "2",
            CELERY_RETRY_BACKOFF: "3",
            PUSHGATEWAY_ADDRESS: pushgateway ? { computed: pushgateway.url({ local: true }) } : undefined,
        },
        extra,
    );
}

/** Env of fedmsg and tokman, which report to Sentry by deployment (centosmsg reads neither). */
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
} as const satisfies Partial<Record<PackitSecretName, string>>;
export type MountedSecret = keyof typeof SECRET_MOUNTS;

/**
 * The keys a container opens of each Secret it mounts: only those are placed (volume items), so a container holds no
 * credential its process never reads, and the plan shows which file each one gets.
 */
export type SecretFiles = { readonly [N in MountedSecret]?: readonly string[] };

/**
 * The wildcard certificate, which every TLS endpoint serves: mod_wsgi-express's --ssl-certificate-file and -key-file
 * in packit-service's and the dashboard's run_httpd.sh, the nginx.conf of the metrics proxy.
 */
export const TLS_FILES: SecretFiles = { "packit-secrets": ["fullchain.pem", "privkey.pem"] };

/**
 * Read-only mounts of the listed keys of each Secret where the source mounts it, in volumes named like the Secrets
 * (the names the live pods have).
 */
export function secretMounts(reads: PackitReads, files: SecretFiles): HandleMount[] {
    const mounted = (Object.keys(files) as MountedSecret[]).filter((n) => (files[n] ?? []).length > 0);
    return mounted.map((n) =>
        reads.secret(n).mount(SECRET_MOUNTS[n], {
            volume: n,
            items: (files[n] ?? []).map((key) => ({ key, path: key })),
            // ssh refuses keys readable by others.
            ...(n === "packit-ssh" ? { defaultMode: 0o400 } : {}),
            readOnly: true,
        }),
    );
}
