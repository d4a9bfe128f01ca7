import type { At, ImageEvidence, NamedFact, ReadFacts } from "./types";
import type { EvidenceTable } from "./verdicts";

// The images several systems run, each read once at the version the stacks pin: every system's table includes these
// (systemTable, ./tables.ts). The three tags move (`c9s`, `4.15`): each entry names the branch that builds the tag
// and that branch's head in the source snapshot of RESOLVED. Facts carried over with their lines, no code.

const RESOLVED = "2026-11-25";

const SCLORG_REDIS = "sclorg/redis-container";
const REDIS_COMMIT = "ab5b8263eef9bf6f093f3778b5a453ad5ca1815e";
const SCLORG_POSTGRESQL = "sclorg/postgresql-container";
const POSTGRESQL_COMMIT = "134bb39ab5c435087487c3422522bddf160f727d";
const OC = "openshift/oc";
const OC_COMMIT = "82316376e25f6453b58258df6bf1e11ec4abb670";

const at = (repo: string, commit: string, path: string, lines: string | number): At =>
    `${repo}@${commit.slice(0, 10)}:${path}:${lines}`;
const named = (
    where: (path: string, lines: string | number) => At,
    path: string,
    spec: Record<string, string | number>,
) => Object.entries(spec).map(([name, lines]): NamedFact => ({ name, at: where(path, lines) }));

const redisAt = (path: string, lines: string | number) => at(SCLORG_REDIS, REDIS_COMMIT, path, lines);

/**
 * sclorg's Redis 7 on CentOS Stream 9, built from 7/Dockerfile.c9s of master (`c9s` follows it). Its entrypoint
 * execs its arguments (7/root/usr/bin/container-entrypoint:2): `args` replace run-redis, so it takes no flags.
 */
const REDIS_7: ImageEvidence = {
    image: "quay.io/sclorg/redis-7-c9s",
    version: "c9s",
    source: { repo: SCLORG_REDIS, commit: REDIS_COMMIT, moving: { branch: "master", resolved: RESOLVED } },
    facts: {
        state: "read",
        listens: [
            {
                port: 6379,
                serves: "redis (the package's redis.conf port; run-redis comments out only bind, logfile and dir, common.sh:20-26)",
                at: redisAt("7/Dockerfile.c9s", "35,77-78"),
            },
        ],
        flags: "none",
        env: [
            ...named(redisAt, "7/root/usr/bin/run-redis", { REDIS_PASSWORD: 11 }),
            ...named(redisAt, "7/root/usr/share/container-scripts/redis/common.sh", { BIND_ADDRESS: 30 }),
        ],
        files: [],
        filesComplete: true,
    },
};

const COMMON_SH = "root/usr/share/container-scripts/postgresql/common.sh";

/** What run-postgresql of one major version reads (the scripts of 13/ and 15/ agree line for line). */
function sclorgPostgresql(major: 13 | 15): ReadFacts {
    const pgAt = (path: string, lines: string | number) =>
        at(SCLORG_POSTGRESQL, POSTGRESQL_COMMIT, `${major}/${path}`, lines);
    return {
        state: "read",
        listens: [
            {
                port: 5432,
                serves: "postgres, on every interface (listen_addresses '*', openshift-custom-postgresql.conf.template:9)",
                at: pgAt("Dockerfile.c9s", "37,90-91"),
            },
        ],
        // container-entrypoint execs its arguments: `args` would replace run-postgresql.
        flags: "none",
        env: [
            ...named(pgAt, "root/usr/bin/run-postgresql", { ENABLE_REPLICATION: 3 }),
            ...named(pgAt, COMMON_SH, {
                POSTGRESQL_MAX_CONNECTIONS: 2,
                POSTGRESQL_MAX_PREPARED_TRANSACTIONS: 3,
                NO_MEMORY_LIMIT: 9,
                MEMORY_LIMIT_IN_BYTES: 9,
                POSTGRESQL_SHARED_BUFFERS: "10,17",
                POSTGRESQL_EFFECTIVE_CACHE_SIZE: "11,18",
                POSTGRESQL_LOG_DESTINATION: 21,
                POSTGRESQL_USER: "64-68",
                POSTGRESQL_PASSWORD: "64-66",
                POSTGRESQL_DATABASE: "64-69",
                POSTGRESQL_ADMIN_PASSWORD: 73,
                POSTGRESQL_MIGRATION_REMOTE_HOST: 77,
                POSTGRESQL_MIGRATION_ADMIN_PASSWORD: 78,
                POSTGRESQL_LIBRARIES: 132,
                POSTGRESQL_MASTER_USER: 232,
                POSTGRESQL_MIGRATION_IGNORE_ERRORS: 246,
                POSTGRESQL_MASTER_IP: 277,
                POSTGRESQL_UPGRADE: 317,
                POSTGRESQL_UPGRADE_INITDB_OPTIONS: 346,
                POSTGRESQL_UPGRADE_PGUPGRADE_OPTIONS: 361,
                POSTGRESQL_UPGRADE_FORCE: 425,
                POSTGRESQL_EXTENSIONS: 493,
            }),
            ...named(pgAt, "root/usr/share/container-scripts/postgresql/start/set_passwords.sh", {
                POSTGRESQL_MASTER_PASSWORD: 13,
            }),
        ],
        files: [],
        filesComplete: true,
    };
}

/** sclorg's PostgreSQL of a major version on CentOS Stream 9, built from `<major>/Dockerfile.c9s` of master. */
function postgresqlImage(major: 13 | 15): ImageEvidence {
    return {
        image: `quay.io/sclorg/postgresql-${major}-c9s`,
        version: "c9s",
        source: {
            repo: SCLORG_POSTGRESQL,
            commit: POSTGRESQL_COMMIT,
            moving: { branch: "master", resolved: RESOLVED },
        },
        facts: sclorgPostgresql(major),
    };
}

const ocAt = (path: string, lines: string | number) => at(OC, OC_COMMIT, path, lines);
const CLIENT_GO = "vendor/k8s.io/client-go";

/**
 * OKD's `oc` of release 4.15 (images/cli/Dockerfile.rhel: the binary, no ENTRYPOINT or CMD): every container runs
 * it through a command of its own, so its flags are those of each `oc` subcommand the script calls, not checked here.
 * It reads the kubeconfig under $HOME or $KUBECONFIG, else the pod's service account.
 */
const ORIGIN_CLI: ImageEvidence = {
    image: "quay.io/openshift/origin-cli",
    version: "4.15",
    source: { repo: OC, commit: OC_COMMIT, moving: { branch: "release-4.15", resolved: RESOLVED } },
    facts: {
        state: "read",
        listens: [],
        flags: "none",
        env: [
            ...named(ocAt, `${CLIENT_GO}/util/homedir/homedir.go`, { HOME: 92 }),
            ...named(ocAt, `${CLIENT_GO}/tools/clientcmd/loader.go`, { KUBECONFIG: 41 }),
            ...named(ocAt, `${CLIENT_GO}/rest/config.go`, {
                KUBERNETES_SERVICE_HOST: 516,
                KUBERNETES_SERVICE_PORT: 516,
            }),
        ],
        // The service account's token and CA, which the API server projects into the pod (no volume of the plan).
        files: [
            {
                name: "/var/run/secrets/kubernetes.io/serviceaccount/token",
                at: ocAt(`${CLIENT_GO}/rest/config.go`, 513),
            },
            {
                name: "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt",
                at: ocAt(`${CLIENT_GO}/rest/config.go`, 514),
            },
        ],
        filesComplete: true,
    },
};

/** The evidence of the images several systems run. */
export const COMMON_EVIDENCE: EvidenceTable = {
    file: "components/shared/evidence/commonImages.ts",
    images: [REDIS_7, postgresqlImage(15), postgresqlImage(13), ORIGIN_CLI],
};
