import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { loadFacts } from "../shared/facts";
import { SecretSpec, SecretStore } from "../config/system";
import { REDIS_PASSWORD_ACCEPTED, REDIS_PASSWORD_RULE } from "../shared/redis";

// Every secret value of DIALS and the Kubernetes Secret key it ends up in (facts/secrets/dials.yaml). Values come only
// from encrypted stack config (or @pulumi/random for the Redis passwords); the Redis URLs are built from those passwords.

/** A key of one of the source's Kubernetes Secrets, filled from one config secret. */
export interface SecretKeySpec extends SecretSpec {
    /** The key inside the Kubernetes Secret (an environment variable name, since pods use envFrom). */
    envKey: string;
}

const SOURCE = "cms-DQM/dials oc/prod/secrets";

const secretKeys = z.array(
    z.strictObject({
        envKey: z.string().min(1),
        key: z.string().min(1),
        file: z.string().min(1),
        description: z.string().min(1),
        example: z.string().min(1),
    }),
);
const TABLE = loadFacts(
    "facts/secrets/dials.yaml",
    z.strictObject({ backend: secretKeys, etl: secretKeys, eos: secretKeys }),
    "DIALS' secrets table",
);

function entries(keys: z.infer<typeof secretKeys>): readonly SecretKeySpec[] {
    return keys.map(({ envKey, key, file, description, example }) => ({
        envKey,
        key,
        description,
        today: `${SOURCE}/${file}: ${envKey}, base64 filled in by hand before \`oc apply -f\``,
        example,
    }));
}

export const BACKEND_SECRETS = entries(TABLE.backend);
export const ETL_SECRETS = entries(TABLE.etl);
export const EOS_SECRETS = entries(TABLE.eos);

/** The secrets holding URIs on the stack's PostgreSQL server (`dials.databaseServer`). */
export const DATABASE_URI_SECRETS: readonly string[] = [...BACKEND_SECRETS, ...ETL_SECRETS]
    .filter((s) => s.envKey.endsWith("DATABASE_URI"))
    .map((s) => s.key);

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
    const plain = ({ envKey: _inSecret, ...spec }: SecretKeySpec): SecretSpec => spec;
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
