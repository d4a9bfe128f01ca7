import { SecretSpec } from "../config/system";
import type { Component, PackitConfig, ServiceName } from "./config";
import type { ServiceNamedInSecrets } from "./servicesNamedInSecrets";
import { mainNamespace } from "./layout";

/** One key of a source Secret whose value comes from secret config. */
export interface SourceSecretKey {
    /** Key inside the Kubernetes Secret, as the pods read it. */
    readonly key: string;
    readonly description: string;
    readonly example: string;
    /** File in packit/deployment's `secrets/<service>/<deployment>/` directory, where the value lives today. */
    readonly today: string;
    readonly fromFile?: boolean;
    /** Binary file (a keytab): stored base64-encoded in config and written to `data` as is. */
    readonly base64?: boolean;
    /**
     * Components whose Service a URL inside this file names (the program cannot read the operator's file): the pods
     * reading the key reach that Service, and the network policies admit them (`SecretArgs.names`).
     */
    readonly names?: readonly ServiceNamedInSecrets[];
}

/** A Secret of packit/deployment, filled from secret config. */
export interface SourceSecret {
    readonly name: string;
    /** Components that mount or read it; the Secret (and its config keys) exist only while one of them is on. */
    readonly usedBy: readonly Component[];
    readonly keys: readonly SourceSecretKey[];
}

const ALL_EXPOSED: readonly Component[] = ["service", "dashboard", "pushgateway", "flower", "redisCommander"];

/**
 * Every Secret of the source, with its keys (systems.md §2). `postgres-secret` is generated, not listed. The one
 * place the names are written: {@link PackitSecretName} is derived from it.
 */
export const SOURCE_SECRETS = [
    {
        name: "packit-ssh",
        usedBy: ["workers", "beat"],
        keys: [
            {
                key: "config",
                description: "ssh client config of the workers (hosts such as pkgs.fedoraproject.org)",
                example: "ssh_config",
                today: "ssh_config",
                fromFile: true,
            },
            {
                // run_worker.sh installs /packit-ssh/id_ed25519* and stops without one (packit/packit-service
                // files/run_worker.sh:18, since 7b79cc20 "switch RSA keys to ED25519").
                key: "id_ed25519",
                description: "private ed25519 ssh key the workers push to dist-git with",
                example: "id_ed25519",
                today: "id_ed25519",
                fromFile: true,
            },
            {
                key: "id_ed25519.pub",
                description: "public half of id_ed25519",
                example: "id_ed25519.pub",
                today: "id_ed25519.pub",
                fromFile: true,
            },
        ],
    },
    {
        name: "packit-secrets",
        // Also the TLS certificate every public endpoint serves (passed through to the pods).
        usedBy: ["workers", "beat", ...ALL_EXPOSED],
        keys: [
            {
                key: "fedora.keytab",
                description:
                    "Kerberos keytab of the packit FAS user, base64-encoded (base64 -w0 fedora.keytab)",
                example: "fedora.keytab.b64",
                today: "fedora.keytab",
                fromFile: true,
                base64: true,
            },
            {
                key: "privkey.pem",
                description: "private key of the wildcard certificate (tls.certificateNames)",
                example: "privkey.pem",
                today: "privkey.pem (certbot DNS-01 output)",
                fromFile: true,
            },
            {
                key: "fullchain.pem",
                description: "wildcard certificate chain for the names in tls.certificateNames",
                example: "fullchain.pem",
                today: "fullchain.pem (certbot DNS-01 output)",
                fromFile: true,
            },
        ],
    },
    {
        name: "packit-config",
        usedBy: ["service", "workers", "beat", "fedmsg"],
        keys: [
            {
                key: "copr",
                description: "Copr API client config (login, token)",
                example: "copr",
                today: "copr",
                fromFile: true,
            },
            {
                key: "packit-service.yaml",
                description:
                    "packit-service configuration (rendered from packit-service.yaml.j2 with the vault values)",
                example: "packit-service.yaml",
                today: "packit-service.yaml.j2 rendered by the playbook",
                fromFile: true,
                // authentication.github.com.tokman_instance_url (ogr's GithubService reads it; packit/ogr
                // ogr/services/github/auth_providers/tokman.py): the workers and the API ask tokman for tokens.
                // Where the file uses a GitHub App key instead (packit/deployment since 2024), it names nothing.
                names: ["tokman"],
            },
            {
                key: "fedora.toml",
                description: "fedora-messaging consumer config (queue name, AMQP certificates)",
                example: "fedora.toml",
                today: "fedora.toml",
                fromFile: true,
            },
        ],
    },
    {
        name: "packit-sentry",
        // tokman reports to Sentry too (listenerEnv): a deployment of tokman alone needs the Secret as well. The
        // CentOS listener reports to none.
        usedBy: ["service", "workers", "beat", "fedmsg", "tokman"],
        keys: [
            {
                key: "sentry",
                description: "Sentry DSN errors are reported to",
                example: "https://0123456789abcdef@sentry.io/1234567",
                today: "extra-vars.yml: sentry_dsn",
            },
        ],
    },
    {
        name: "aws",
        // The S3 uploads of the Celery side (packit_service/worker/database.py); the API never reads them.
        usedBy: ["workers", "beat"],
        keys: [
            {
                key: "access-key-id",
                description: "AWS access key id (S3 storage of SRPM build logs)",
                example: "AKIAIOSFODNN7EXAMPLE",
                today: "extra-vars.yml: aws_access_key_id",
            },
            {
                key: "secret-access-key",
                description: "AWS secret access key",
                example: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                today: "extra-vars.yml: aws_secret_access_key",
            },
        ],
    },
    {
        name: "centos-secrets",
        usedBy: ["centosmsg"],
        keys: [
            {
                key: "centos-server-ca.cert",
                description: "CA certificate of the CentOS MQTT broker",
                example: "centos-server-ca.cert",
                today: "centos-server-ca.cert",
                fromFile: true,
            },
            {
                key: "centos.cert",
                description: "client certificate and key for the CentOS MQTT broker",
                example: "centos.cert",
                today: "centos.cert",
                fromFile: true,
            },
        ],
    },
    {
        name: "github-app-private-key",
        usedBy: ["tokman"],
        keys: [
            {
                key: "private-key.pem",
                description: "private key of the GitHub App (tokman.githubAppId)",
                example: "private-key.pem",
                today: "private-key.pem",
                fromFile: true,
            },
        ],
    },
    {
        name: "flower-secret",
        usedBy: ["flower"],
        keys: [
            {
                key: "flower-basic-auth",
                description: "basic-auth credentials of flower, `user:password`",
                example: "admin:s3cr3t",
                today: "extra-vars.yml: flower_basic_auth",
            },
        ],
    },
    {
        name: "redis-commander-secret",
        usedBy: ["redisCommander"],
        keys: [
            {
                key: "user",
                description: "redis-commander login",
                example: "admin",
                today: "extra-vars.yml: redis_commander_user",
            },
            {
                key: "password",
                description: "redis-commander password",
                example: "s3cr3t",
                today: "extra-vars.yml: redis_commander_password",
            },
        ],
    },
] as const satisfies readonly SourceSecret[];

/** The name of a Secret of the source: a pod reads only these (components/packit/env.ts PackitReads). */
export type PackitSecretName = (typeof SOURCE_SECRETS)[number]["name"];

/** Config key of one Secret key: `<section>-<secret>-<key>`, e.g. `packit-packit-config-packit-service-yaml`. */
export function secretConfigKey(section: string, secretName: string, key: string): string {
    return `${section}-${secretName}-${key.replace(/[._]/g, "-").toLowerCase()}`;
}

/** Source Secrets the enabled components need. */
export function neededSecrets(config: PackitConfig): SourceSecret[] {
    const table: readonly SourceSecret[] = SOURCE_SECRETS;
    return table.filter((s) => s.usedBy.some((c) => config.components[c]));
}

/** Config key of the running database's password, when it is adopted rather than generated. */
export function postgresPasswordKey(section: string): string {
    return secretConfigKey(section, "postgres-secret", "database-password");
}

/** The secret config keys of a section, documented with where each value lives today. */
export function packitSecretSpecs(section: string, config: PackitConfig): SecretSpec[] {
    const dir = `packit/deployment secrets repository, secrets/${section}/${config.deployment}/`;
    const adopted: SecretSpec[] =
        config.components.postgres && config.postgres.existingPassword
            ? [
                  {
                      key: postgresPasswordKey(section),
                      description: `password of the running ${section} database (Secret postgres-secret, key database-password), so the adopted data keeps its user`,
                      today: `the cluster: oc -n ${mainNamespace(section as ServiceName, config)} get secret postgres-secret -o jsonpath='{.data.database-password}' | base64 -d`,
                      example: "database-password.txt",
                      fromFile: true,
                  },
              ]
            : [];
    return adopted.concat(
        neededSecrets(config).flatMap((s) =>
            s.keys.map((k) => ({
                key: secretConfigKey(section, s.name, k.key),
                description: `Secret ${s.name}, key ${k.key}: ${k.description}`,
                today: `${dir}${k.today}`,
                example: k.example,
                ...(k.fromFile ? { fromFile: true } : {}),
            })),
        ),
    );
}
