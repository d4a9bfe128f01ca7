import * as pulumi from "@pulumi/pulumi";
import { SecretSpec, SecretStore } from "../config/system";
import { REDIS_PASSWORD_ACCEPTED, REDIS_PASSWORD_RULE } from "../shared/redis";

// Every secret value of DIALS and the Kubernetes Secret key it ends up in. Values come only from encrypted stack
// config (or @pulumi/random for the Redis passwords); the Redis URLs are built from those passwords.

/** A key of one of the source's Kubernetes Secrets, filled from one config secret. */
export interface SecretKeySpec extends SecretSpec {
    /** The key inside the Kubernetes Secret (an environment variable name, since pods use envFrom). */
    envKey: string;
}

const SOURCE = "cms-DQM/dials oc/prod/secrets";

function entry(
    envKey: string,
    key: string,
    file: string,
    description: string,
    example: string,
): SecretKeySpec {
    return {
        envKey,
        key,
        description,
        today: `${SOURCE}/${file}: ${envKey}, base64 filled in by hand before \`oc apply -f\``,
        example,
    };
}

/** `dials-backend-secrets` (besides DJANGO_REDIS_URL, built from the web-cache password). */
export const BACKEND_SECRETS: readonly SecretKeySpec[] = [
    entry(
        "DJANGO_SECRET_KEY",
        "dials-django-secret-key",
        "backend.yaml",
        "Django SECRET_KEY of the backend",
        "0123456789abcdefghijklmnopqrstuvwxyz0123456789ab",
    ),
    entry(
        "DJANGO_DATABASE_URI",
        "dials-django-database-uri",
        "backend.yaml",
        "PostgreSQL server URI (CERN DB-on-demand) the backend opens one database per workspace on",
        "postgresql://dials:s3cret@dbod-dials.cern.ch:6600",
    ),
    entry(
        "DJANGO_KEYCLOAK_CONFIDENTIAL_CLIENT_ID",
        "dials-django-keycloak-confidential-client-id",
        "backend.yaml",
        "CERN SSO (Keycloak) confidential application the backend exchanges tokens with",
        "cms-dials-confidential-app",
    ),
    entry(
        "DJANGO_KEYCLOAK_CONFIDENTIAL_SECRET_KEY",
        "dials-django-keycloak-confidential-secret-key",
        "backend.yaml",
        "client secret of the confidential Keycloak application",
        "0123456789abcdef0123456789abcdef",
    ),
    entry(
        "DJANGO_KEYCLOAK_API_CLIENTS",
        "dials-django-keycloak-api-clients",
        "backend.yaml",
        "JSON of API-client secrets → Keycloak API-client application ids",
        '{"s3cret": "cms-dials-api-client-example"}',
    ),
    entry(
        "DJANGO_OMS_SSO_CLIENT_ID",
        "dials-django-oms-sso-client-id",
        "backend.yaml",
        "SSO client id the backend uses to query OMS",
        "cms-dials-api-client-omsapi",
    ),
    entry(
        "DJANGO_OMS_SSO_CLIENT_SECRET",
        "dials-django-oms-sso-client-secret",
        "backend.yaml",
        "SSO client secret for OMS",
        "0123456789abcdef0123456789abcdef",
    ),
    entry(
        "DJANGO_KEYTAB_USR",
        "dials-django-keytab-usr",
        "backend.yaml",
        "service account the backend authenticates to lxplus/EOS with",
        "cmsdials",
    ),
    entry(
        "DJANGO_KEYTAB_PWD",
        "dials-django-keytab-pwd",
        "backend.yaml",
        "password of that service account",
        "s3cret-password",
    ),
];

/**
 * `dials-etl-secrets` (besides the three CELERY_* URLs, built from the broker password): only names v1.8.0's ETL
 * reads (etl/python/env.py, facts/evidence/dials/dials-etl@v1.8.0.yaml). RAW_LAYERS, which systems.md lists, is read by no code
 * of v1.8.0 and is not set.
 */
export const ETL_SECRETS: readonly SecretKeySpec[] = [
    entry(
        "DATABASE_URI",
        "dials-etl-database-uri",
        "etl.yaml",
        "PostgreSQL server URI the ETL writes every workspace's database on",
        "postgresql://dials:s3cret@dbod-dials.cern.ch:6600",
    ),
    entry(
        "CERT_FPATH",
        "dials-etl-cert-fpath",
        "etl.yaml",
        "path (on /eos) of the grid certificate the ETL queries DBS with",
        "/eos/project/c/cmsdials/certs/usercert.pem",
    ),
    entry(
        "KEY_FPATH",
        "dials-etl-key-fpath",
        "etl.yaml",
        "path (on /eos) of the grid certificate's key",
        "/eos/project/c/cmsdials/certs/userkey.pem",
    ),
    entry(
        "EOS_LANDING_ZONE",
        "dials-etl-eos-landing-zone",
        "etl.yaml",
        "EOS directory the downloaders copy DQMIO files into over lxplus (one subdirectory per primary dataset); v1.8.0's ETL stops at import without it (etl/python/env.py:5)",
        "/eos/project/c/cmsdials/landing",
    ),
    entry(
        "FLOWER_BASIC_AUTH",
        "dials-etl-flower-basic-auth",
        "etl.yaml",
        "user:password of flower's basic auth",
        "admin:s3cret-password",
    ),
    entry(
        "ETL_CONFIG_FPATH",
        "dials-etl-config-fpath",
        "etl.yaml",
        "path (on /eos) of etl.config.json (workspaces' datasets and queues): it must list exactly dials.workspaces, with the primary datasets of dials.etl.downloaders (v1.8.0's own file restricted to them; the ETL stops at start without it)",
        "/eos/project/c/cmsdials/etl.config.json",
    ),
    entry(
        "MODEL_REGISTRY_PATH",
        "dials-etl-model-registry-path",
        "etl.yaml",
        "path (on /eos) of the ML model registry",
        "/eos/project/c/cmsdials/models",
    ),
];

/** The secrets holding URIs on the stack's PostgreSQL server (`dials.databaseServer`). */
export const DATABASE_URI_SECRETS: readonly string[] = [...BACKEND_SECRETS, ...ETL_SECRETS]
    .filter((s) => s.envKey.endsWith("DATABASE_URI"))
    .map((s) => s.key);

/** `eos-credentials`: the account EOS is mounted with; the ETL also reads it to reach lxplus. */
export const EOS_SECRETS: readonly SecretKeySpec[] = [
    entry(
        "KEYTAB_USER",
        "dials-eos-keytab-user",
        "eos-credentials.yaml",
        "CERN service account that mounts EOS",
        "cmsdials",
    ),
    entry(
        "KEYTAB_PWD",
        "dials-eos-keytab-pwd",
        "eos-credentials.yaml",
        "password of the EOS service account",
        "s3cret-password",
    ),
];

/**
 * Redis passwords: set them to keep today's, or leave them unset and a random one is generated and kept in state. A
 * set one is held to the Redis image's rule (components/shared/redis.ts): the image refuses others at start, and the
 * ETL's broker or the backend's cache would crash-loop with every client of it.
 */
const redisPassword = (redis: string): SecretSpec => ({
    key: `dials-${redis}-password`,
    description: `password of ${redis} (Secret key database-password): ${REDIS_PASSWORD_ACCEPTED}, as the Redis image refuses others; generated when unset`,
    today: `${SOURCE}/redis.yaml: ${redis} database-password, filled in by hand`,
    example: "s3cret-redis-password",
    optional: true,
    accepts: REDIS_PASSWORD_RULE,
});
export const REDIS_PASSWORDS = {
    broker: redisPassword("redis-etl-broker"),
    cache: redisPassword("redis-web-cache"),
};

/** Everything DIALS declares, for validation and the generated secrets table. */
export function dialsSecretSpecs(): SecretSpec[] {
    const plain = (s: SecretKeySpec): SecretSpec => ({
        key: s.key,
        description: s.description,
        today: s.today,
        example: s.example,
    });
    return [
        ...BACKEND_SECRETS.map(plain),
        ...ETL_SECRETS.map(plain),
        ...EOS_SECRETS.map(plain),
        REDIS_PASSWORDS.broker,
        REDIS_PASSWORDS.cache,
    ];
}

/** A Kubernetes Secret's data from its keys' config secrets, each read through the program's store. */
export function secretData(
    specs: readonly SecretKeySpec[],
    store: SecretStore,
): Record<string, pulumi.Output<string>> {
    return Object.fromEntries(specs.map((s) => [s.envKey, store.require(s.key)]));
}
