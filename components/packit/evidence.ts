import type { FlagFact, ImageEvidence, Listener, NamedFact, ReadFacts } from "../shared/evidence/types";
import { unreadImage } from "../shared/evidence/unread";
import type { EvidenceTable } from "../config/evidenceVerdicts";
import {
    NGINX_FLAGS,
    NGINX_UNPRIVILEGED_SOURCE,
    nginxEntrypointEnv,
    nginxUnprivilegedAt,
} from "../shared/nginxUnprivilegedEvidence";
import { ORIGIN_CLI_EVIDENCE } from "../shared/originCliEvidence";
import { SCLORG_REDIS_EVIDENCE } from "../shared/redisEvidence";

// What the upstream source of each image the packit system runs (and stream, which shares its layout) says of it, read
// at the commit its tag is built from. A moving tag (:prod, :stg) names the branch its repository's workflow builds it
// from (stable → prod, main → stg) and that branch's head in the source snapshot of RESOLVED. Facts carried over with
// their lines, no code. `env` lists what the process reads (its start script, its code, the libraries named); `files`
// what it opens; `consumes`/`publishes` the Celery queues (names without prefix: nothing reads QUEUE_NAME_PREFIX).

const RESOLVED = "2026-11-25";

const fact =
    (at: (path: string, lines: string | number) => string) =>
    (path: string, spec: Record<string, string | number>): NamedFact[] =>
        Object.entries(spec).map(([name, lines]) => ({ name, at: at(path, lines) }));

// ---- packit/packit-service @ b828c3d7b9: the head of both main (:stg) and stable (:prod) ----------------------------
const PS_COMMIT = "b828c3d7b987c760aa3c09a82d99e69c04e23b68";
const psAt = (path: string, lines: string | number): string =>
    `packit/packit-service@b828c3d7b9:${path}:${lines}`;
const ps = fact(psAt);
/** The workflow that builds packit-service and packit-worker: main → stg, stable → prod. */
const PS_WORKFLOW = psAt(".github/workflows/rebuild-and-push-images.yml", "3-7,16-20,37-43");
/** packit/packit, which both images install from Copr (files/install-deps*.yaml); read at main's head. */
const PACKIT_LIB = "packit/packit@69d783e81d";
const libAt = (path: string, lines: string | number): string => `${PACKIT_LIB}:${path}:${lines}`;

/** What every packit_service process reads: the database, the broker, Sentry and the logging setup. */
const PS_COMMON_ENV: NamedFact[] = [
    ...ps("packit_service/models.py", {
        POSTGRESQL_USER: 71,
        POSTGRESQL_PASSWORD: 72,
        POSTGRESQL_HOST: 72,
        POSTGRESQL_PORT: 73,
        POSTGRESQL_DATABASE: 73,
        SQLALCHEMY_ECHO: 78,
        POOL: 91,
        CONCURRENCY: 91,
    }),
    ...ps("packit_service/celerizer.py", {
        REDIS_SERVICE_HOST: 27,
        REDIS_PASSWORD: 28,
        REDIS_SERVICE_PORT: 29,
        REDIS_SERVICE_DB: 30,
        REDIS_CELERY_BACKEND: 31,
    }),
    ...ps("packit_service/sentry_integration.py", {
        SENTRY_SECRET: 47,
        SENTRY_TRACES_SAMPLE_RATE: 27,
        DEPLOYMENT: "30,84",
    }),
    ...ps("packit_service/config.py", { PACKIT_SERVICE_CONFIG: "299-301" }),
    ...ps("packit_service/utils.py", { PACKIT_USER_AGENT: 434 }),
    // The dist-git instance and namespace of a package's config (packit's PackageConfig, which both sides load).
    { name: "DISTGIT_URL", at: libAt("packit/config/common_package_config.py", 69) },
    { name: "DISTGIT_NAMESPACE", at: libAt("packit/config/common_package_config.py", 69) },
];

/** The API (files/run_httpd.sh, packit_service/service/): no module of packit_service/worker/ is imported. */
const API_FACTS: ReadFacts = {
    state: "read",
    listens: [
        {
            port: 8443,
            serves: "the API and webhooks over TLS (mod_wsgi-express --https-port, 8443 unless server_name names a port)",
            health: ["/api/healthz/"],
            at: `${psAt("files/run_httpd.sh", "23-24,33")}; ${psAt("packit_service/service/api/__init__.py", "27,37")}; ${psAt("packit_service/service/api/healthz.py", 13)}`,
        },
    ],
    // The container runs /usr/bin/run_httpd.sh, which takes no arguments.
    flags: "none",
    env: [
        ...PS_COMMON_ENV,
        ...ps("files/run_httpd.sh", { HOME: 22 }),
        ...ps("packit_service/service/app.py", {
            DEPLOYMENT: 46,
            SYSLOG_HOST: 52,
            SYSLOG_PORT: 53,
            PROJECT: 61,
        }),
        ...ps("packit_service/service/api/webhooks.py", { CELERY_MAIN_TASK_NAME: "101,206" }),
    ],
    files: ps("files/run_httpd.sh", {
        "/home/packit/.config/packit-service.yaml": "22-24",
        "/secrets/fullchain.pem": 34,
        "/secrets/privkey.pem": 35,
    }),
    publishes: [
        // webhooks.py sends the main task to the default queue; the usage tasks are routed to long-running.
        {
            name: "short-running",
            at: `${psAt("packit_service/constants.py", 178)}; ${psAt("packit_service/celery_config.py", 8)}; ${psAt("packit_service/service/api/webhooks.py", "100,205")}`,
        },
        { name: "long-running", at: psAt("packit_service/celery_config.py", "21-22") },
    ],
    // Every Celery process of a deployment talks to its own namespace's Redis (REDIS_SERVICE_HOST, set per namespace).
    queues: { broker: "namespace" },
};

/** run_worker.sh's own reads, and what every Celery process of packit_service reads. */
const WORKER_SCRIPT_ENV: NamedFact[] = [
    // Unset, run_worker.sh exits at once.
    { name: "APP", required: true, at: psAt("files/run_worker.sh", "6-9") },
    ...ps("files/run_worker.sh", {
        CELERY_COMMAND: 25,
        QUEUES: "32,49,56",
        CONCURRENCY: 36,
        POOL: "42-44",
        LOGLEVEL: "28,56",
    }),
];

const WORKER_FACTS: ReadFacts = {
    state: "read",
    // Celery workers and beat open no port (run_worker.sh execs `celery worker` or `celery beat`).
    listens: [],
    flags: "none",
    env: [
        ...PS_COMMON_ENV,
        ...WORKER_SCRIPT_ENV,
        ...ps("files/setup_env_in_openshift.sh", { HOME: 10 }),
        ...ps("packit_service/worker/tasks.py", {
            SYSLOG_HOST: 157,
            SYSLOG_PORT: 158,
            PROJECT: 166,
            CELERY_RETRY_LIMIT: 203,
            CELERY_RETRY_BACKOFF: 205,
            CELERY_MAIN_TASK_NAME: 223,
        }),
        ...ps("packit_service/worker/monitoring.py", { PUSHGATEWAY_ADDRESS: 14, HOSTNAME: 20 }),
        ...ps("packit_service/worker/database.py", { AWS_ACCESS_KEY_ID: 141, AWS_SECRET_ACCESS_KEY: 141 }),
        ...ps("packit_service/worker/parser.py", { DISTGIT_URL: "1251,1572,1781" }),
        ...ps("packit_service/worker/handlers/abstract.py", { KUBERNETES_SERVICE_HOST: 352 }),
        ...ps("packit_service/worker/handlers/copr.py", { CANCEL_RUNNING_JOBS: 124 }),
        ...ps("packit_service/worker/checker/testing_farm.py", { DISABLE_INTERNAL_TF: 45 }),
        ...ps("packit_service/worker/helpers/open_scan_hub.py", { DISABLE_OPENSCANHUB: 47 }),
    ],
    files: [
        // `install -m 0400 /packit-ssh/id_ed25519* .` under `set -e`: no key, no worker (and no beat: it runs first).
        ...ps("files/run_worker.sh", {
            "/packit-ssh/id_ed25519": 18,
            "/packit-ssh/id_ed25519.pub": 18,
            "/packit-ssh/config": 19,
        }),
        { name: "/home/packit/.config/packit-service.yaml", at: psAt("packit_service/config.py", "299-301") },
        // CoprClient.create_from_config_file(): ~/.config/copr.
        {
            name: "/home/packit/.config/copr",
            at: psAt("packit_service/worker/helpers/build/babysit.py", 225),
        },
        // packit's Config.keytab_path, which packit-service.yaml sets to the mounted keytab.
        { name: "/secrets/fedora.keytab", at: libAt("packit/config/config.py", "39,62") },
    ],
    consumes: [
        // Whatever $QUEUES names: the script's default is all three.
        { name: "short-running", at: psAt("files/run_worker.sh", "32,56") },
        { name: "long-running", at: psAt("files/run_worker.sh", "32,56") },
        { name: "rate-limited", at: psAt("files/run_worker.sh", "32,56") },
    ],
    publishes: [
        {
            name: "short-running",
            at: `${psAt("packit_service/constants.py", 178)}; ${psAt("packit_service/celery_config.py", "8,57-66")}`,
        },
        { name: "long-running", at: psAt("packit_service/celery_config.py", "18-56") },
        // A handler close to a forge's rate limit re-queues its task there.
        {
            name: "rate-limited",
            at: `${psAt("packit_service/constants.py", 179)}; ${psAt("packit_service/worker/handlers/abstract.py", "582-596")}`,
        },
    ],
    queues: {
        broker: "namespace",
        servedFrom: {
            env: "QUEUES",
            unset: ["short-running", "long-running", "rate-limited"],
            at: psAt("files/run_worker.sh", 32),
            onlyWhen: {
                env: "CELERY_COMMAND",
                equals: "worker",
                unset: "worker",
                at: psAt("files/run_worker.sh", "25,30"),
            },
        },
    },
};

/** One image version built from a branch head: `:prod` from stable, `:stg` from main (the repository's workflow). */
function moving(
    image: string,
    version: "prod" | "stg",
    repo: string,
    commit: string,
    facts: ReadFacts,
): ImageEvidence {
    return {
        image,
        version,
        source: {
            repo,
            commit,
            moving: { branch: version === "prod" ? "stable" : "main", resolved: RESOLVED },
        },
        facts,
    };
}

// ---- packit/hardly @ 9ed959fe6e: the head of both main and stable -----------------------------------------------
// files/Containerfile:12 builds FROM quay.io/packit/packit-worker (:latest, which packit-service's main builds) and
// files/recipe-hardly.yaml:8-14 puts its run_worker.sh before packit-service's, which it execs (run_worker.sh:12).
// The base is the packit-worker :latest of its build, 2024-02-27: packit-service main then was d041308d66, whose
// run_worker.sh reads the same variables, installs the same id_ed25519 (line 18) and serves
// short-running,long-running by default (line 31); rate-limited did not exist yet.
const HARDLY_COMMIT = "9ed959fe6e4417aabcbb8d3bcdb6aaf8c3a9217f";
const hdAt = (path: string, lines: string | number): string => `packit/hardly@9ed959fe6e:${path}:${lines}`;
const PS_BASE = "packit/packit-service@d041308d66";
const baseAt = (path: string, lines: string | number): string => `${PS_BASE}:${path}:${lines}`;
const HARDLY_WORKFLOW = hdAt(".github/workflows/rebuild-and-push-images.yml", "3-7,26-35");
const HARDLY_FACTS: ReadFacts = {
    ...WORKER_FACTS,
    env: [
        ...WORKER_FACTS.env.filter((e) => !["QUEUES", "APP"].includes(e.name)),
        { name: "APP", required: true, at: baseAt("files/run_worker.sh", "6-9") },
        { name: "QUEUES", at: baseAt("files/run_worker.sh", "31,55") },
        ...fact(hdAt)("hardly/tasks.py", {
            DEBUGPY: 32,
            SYSLOG_HOST: 61,
            SYSLOG_PORT: 62,
            PROJECT: 70,
            CELERY_RETRY_LIMIT: 80,
            CELERY_RETRY_BACKOFF: 82,
            CELERY_MAIN_TASK_NAME: 86,
        }),
        ...fact(hdAt)("hardly/handlers/distgit_to_sourcegitPR.py", {
            SOURCEGIT_URL: 59,
            SOURCEGIT_NAMESPACE: 64,
        }),
    ],
    files: [
        ...fact(baseAt)("files/run_worker.sh", {
            "/packit-ssh/id_ed25519": 18,
            "/packit-ssh/id_ed25519.pub": 18,
            "/packit-ssh/config": 19,
        }),
        {
            name: "/home/packit/.config/packit-service.yaml",
            at: baseAt("packit_service/config.py", "254-256"),
        },
        { name: "/secrets/fedora.keytab", at: libAt("packit/config/config.py", "39,62") },
    ],
    consumes: [
        { name: "short-running", at: baseAt("files/run_worker.sh", "31,55") },
        { name: "long-running", at: baseAt("files/run_worker.sh", "31,55") },
        // Celery consumes whatever --queues names; a queue nobody publishes to is harmless.
        { name: "rate-limited", at: baseAt("files/run_worker.sh", 55) },
    ],
    publishes: [
        { name: "short-running", at: baseAt("packit_service/celery_config.py", 8) },
        { name: "long-running", at: baseAt("packit_service/celery_config.py", "11-35") },
    ],
    queues: {
        broker: "namespace",
        servedFrom: {
            env: "QUEUES",
            unset: ["short-running", "long-running"],
            at: baseAt("files/run_worker.sh", 31),
            onlyWhen: {
                env: "CELERY_COMMAND",
                equals: "worker",
                unset: "worker",
                at: baseAt("files/run_worker.sh", "24,29"),
            },
        },
    },
};

// ---- packit/packit-service-fedmsg: stable 36563590ba (:prod), main bff2924113 (:stg) -----------------------------
const FEDMSG_PROD = "36563590ba643a8a21f45700035d2a32ee389ac4";
const FEDMSG_STG = "bff29241139b35387b13ff91ab8ded51f7949a3e";
function fedmsgFacts(short: string): ReadFacts {
    const at = (path: string, lines: string | number) =>
        `packit/packit-service-fedmsg@${short}:${path}:${lines}`;
    return {
        state: "read",
        // Dockerfile:24 runs `fedora-messaging consume --callback=...`; it serves nothing.
        listens: [],
        flags: "none",
        env: [
            ...fact(at)("packit_service_fedmsg/consumer.py", {
                DEPLOYMENT: "26,59",
                REDIS_SERVICE_HOST: 36,
                REDIS_PASSWORD: 37,
                REDIS_SERVICE_PORT: 38,
                REDIS_SERVICE_DB: 39,
                SENTRY_SECRET: 51,
                LIVENESS_FILE: 72,
            }),
            // Drops a dist-git push that changes no spec file only under a PROJECT starting with "packit": without it
            // every push reaches the workers; packit/deployment sets it (openshift/packit-service-fedmsg.yml.j2:43).
            {
                name: "PROJECT",
                required: true,
                at: "packit/packit-service-fedmsg@36563590ba:packit_service_fedmsg/callbacks.py:92",
            },
            // The fedora-messaging library's config file (how production sets it:
            // packit/deployment@1c48cd8088:openshift/packit-service-fedmsg.yml.j2:39-40).
            { name: "FEDORA_MESSAGING_CONF", at: `${at("Dockerfile", 24)} (fedora-messaging's config)` },
        ],
        files: [
            {
                name: "/home/packit/.config/fedora.toml",
                at: "packit/deployment@1c48cd8088:openshift/packit-service-fedmsg.yml.j2:39-40,50-51",
            },
        ],
        publishes: [{ name: "short-running", at: at("packit_service_fedmsg/consumer.py", "45,87-94") }],
        queues: { broker: "namespace" },
    };
}
const FEDMSG_WORKFLOW =
    "packit/packit-service-fedmsg@bff2924113:.github/workflows/build-and-push.yml:3-7,26-35";

// ---- packit/packit-service-centosmsg @ 28fb14dc0b: the head of both main and stable -------------------------------
const CENTOSMSG_COMMIT = "28fb14dc0b9c8e68bce06cdfea11ef59508427b1";
const cmAt = (path: string, lines: string | number): string =>
    `packit/packit-service-centosmsg@28fb14dc0b:${path}:${lines}`;
const CENTOSMSG_WORKFLOW = cmAt(".github/workflows/build-and-push.yml", "3-7,26-37");
/**
 * centosmsg publishes to the queue $CELERY_DEFAULT_QUEUE names, and without it to Celery's default queue `celery`, which
 * no worker serves: test/packit/evidence.test.ts replays this over the plans.
 */
export const CENTOSMSG_QUEUE = {
    env: "CELERY_DEFAULT_QUEUE",
    unset: "celery",
    at: cmAt("packit_service_centosmsg/consumer.py", "40-44"),
} as const;

const CENTOSMSG_FACTS: ReadFacts = {
    state: "read",
    // An MQTT client (consumer.py:101-102 connects out to MQTT_HOST:MQTT_PORT); it serves nothing.
    listens: [],
    // The container's command is the click command listen-to-centos-messaging, which defines no option (cli.py:15-16).
    flags: "none",
    env: [
        ...fact(cmAt)("packit_service_centosmsg/cli.py", { CENTOS_CA_CERTS: 22, CENTOS_CERTFILE: 23 }),
        { name: CENTOSMSG_QUEUE.env, required: true, at: CENTOSMSG_QUEUE.at },
        ...fact(cmAt)("packit_service_centosmsg/consumer.py", {
            LOG_LEVEL: 16,
            REDIS_SERVICE_HOST: 33,
            REDIS_PASSWORD: 34,
            REDIS_SERVICE_PORT: 35,
            REDIS_SERVICE_DB: 36,
            CELERY_TASK_NAME: 67,
            DISABLE_SENDING_CELERY_TASKS: "74-76",
            MQTT_TOPICS: 78,
            MQTT_SUBTOPICS: 80,
            MQTT_HOST: 101,
            MQTT_PORT: 102,
        }),
    ],
    files: fact(cmAt)("packit_service_centosmsg/cli.py", {
        "/secrets/centos-server-ca.cert": 22,
        "/secrets/centos.cert": 23,
    }),
    // $CELERY_DEFAULT_QUEUE; unset, Celery's own default `celery` (CENTOSMSG_QUEUE below).
    publishes: [{ name: "short-running", at: cmAt("packit_service_centosmsg/consumer.py", "41-44,66-69") }],
    queues: { broker: "namespace", publishedFrom: CENTOSMSG_QUEUE },
};

// ---- packit/dashboard: stable 92b9b55b3b (:prod), main e573903f4a (:stg) -----------------------------------------
function dashboardFacts(short: string): ReadFacts {
    const at = (path: string, lines: string | number) => `packit/dashboard@${short}:${path}:${lines}`;
    return {
        state: "read",
        listens: [
            {
                port: 8443,
                serves: "the dashboard over TLS (mod_wsgi-express)",
                at: `${at("files/scripts/run_httpd.sh", 24)}; ${at("Dockerfile", "26,28")}`,
            },
        ],
        flags: "none",
        env: [
            ...fact(at)("files/scripts/run_httpd.sh", { DEPLOYMENT: "5-15" }),
            ...fact(at)("packit_dashboard/config.py", { DEPLOYMENT: 6 }),
        ],
        files: fact(at)("files/scripts/run_httpd.sh", {
            "/secrets/fullchain.pem": 25,
            "/secrets/privkey.pem": 26,
        }),
    };
}
const DASHBOARD_WORKFLOW = "packit/dashboard@e573903f4a:.github/workflows/build-and-push.yml:3-7,25-38";

// ---- packit/tokman: stable 1a0d933f55 (:prod), main d574a3622f (:stg) ------------------------------------------------
// The two heads differ in .pre-commit-config.yaml only: the lines below are the same at both.
function tokmanFacts(short: string): ReadFacts {
    const at = (path: string, lines: string | number) => `packit/tokman@${short}:${path}:${lines}`;
    return {
        state: "read",
        listens: [
            {
                port: 8000,
                serves: "the token API (gunicorn on $BIND_ADDR; unset, 127.0.0.1:8000, which nothing outside the pod reaches)",
                // Flask-RESTX resource answering GET (and HEAD) without touching GitHub or the database.
                health: ["/api/health"],
                at: `${at("run.sh", 10)}; ${at("Containerfile", 29)}; ${at("tokman/app.py", "132-139")}`,
            },
        ],
        // CMD ./run.sh (Containerfile:32), which takes no arguments.
        flags: "none",
        env: [
            // Flask's config.from_envvar: unset, create_app raises at import and gunicorn exits.
            { name: "TOKMAN_CONFIG", required: true, at: at("tokman/app.py", 28) },
            // Unset, gunicorn binds 127.0.0.1: no probe, Service or client reaches it.
            { name: "BIND_ADDR", required: true, at: at("run.sh", 10) },
            ...fact(at)("run.sh", { WORKERS: 10 }),
            { name: "LOG_LEVEL", at: `${at("run.sh", 10)}; ${at("tokman/app.py", "30-32")}` },
            ...fact(at)("tokman/app.py", { SENTRY_SECRET: "47-49", DEPLOYMENT: 59 }),
            // The migration run.sh starts with (alembic-3 upgrade head): else alembic.ini's sqlalchemy.url.
            ...fact(at)("alembic/env.py", { DB_URI: "44,64" }),
        ],
        files: [
            // The Flask config file $TOKMAN_CONFIG names (GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY, the database URI).
            { name: "TOKMAN_CONFIG", at: at("tokman/app.py", "28,34-35") },
            // The GitHub App key, at the path the config's GITHUB_APP_PRIVATE_KEY names: upstream's example config names
            // this one, in the image's /secrets volume; read once, at start.
            {
                name: "/secrets/private-key.pem",
                at: `${at("tokman/app.py", 34)}; ${at("config.py.example", 4)}; ${at("Containerfile", 30)}`,
            },
            // The sqlite file the migration creates and upgrades: the config's SQLALCHEMY_DATABASE_URI must name it.
            { name: "/access_tokens/access_tokens.db", at: `${at("run.sh", 8)}; ${at("alembic.ini", 38)}` },
        ],
    };
}
const TOKMAN_WORKFLOW = "packit/tokman@d574a3622f:.github/workflows/build-and-push.yml:2-6,27-34";

// ---- nginxinc/nginx-unprivileged:1.27 (mainline/debian/ @ 2cc5e1e803), the metrics proxy -------------------------
// The image is read once (components/shared/nginxUnprivilegedEvidence.ts, shared with dials); what it listens on is
// the program's own nginx.conf, which the container's command loads with -c instead of the image's /etc/nginx/nginx.conf
// (whose conf.d server listens on 8080: Dockerfile:139 in mainline/debian/). The command replaces the image's
// entrypoint (Dockerfile:154), so none of the entrypoint's variables is read by this container.
const nginxDebianAt = nginxUnprivilegedAt("debian");
const PACKIT_NGINX_FACTS: ReadFacts = {
    state: "read",
    listens: [
        {
            port: 8443,
            serves: "GET /metrics of the pushgateway over TLS, everything else 404 (the program's nginx.conf)",
            at: `components/packit/nginx.ts metricsProxyConfig (listen <listenPort> ssl; MetricsGateway's NGINX_PORT), loaded by -c (nginx/nginx@ecb809305e:src/core/nginx.c:880) in place of ${nginxDebianAt("Dockerfile", 139)}`,
        },
    ],
    flags: NGINX_FLAGS,
    env: nginxEntrypointEnv("debian"),
    files: [
        { name: "/etc/nginx/custom/nginx.conf", at: "nginx/nginx@ecb809305e:src/core/nginx.c:880 (-c)" },
        // ssl_certificate and ssl_certificate_key of the program's nginx.conf, read when it loads.
        {
            name: "/secrets/fullchain.pem",
            at: "components/packit/nginx.ts metricsProxyConfig (ssl_certificate)",
        },
        {
            name: "/secrets/privkey.pem",
            at: "components/packit/nginx.ts metricsProxyConfig (ssl_certificate_key)",
        },
    ],
};

// ---- mher/flower @ v2.0.1 (cf39575472), with celery 5.3.1 -----------------------------------------------------------
// The tag's Dockerfile installs flower and redis from PyPI (Dockerfile:7), built once when the tag was pushed
// (2023-08-13: .github/workflows/docker.yml:3-8,30-31); the celery it got is the newest 5.x then, 5.3.1 (celery's tag
// v5.3.1 = 11b854aa32, 2023-06-18; v5.3.4 followed on 2023-09-03). CMD `celery flower` (Dockerfile:32).
const FLOWER_SOURCE = { repo: "mher/flower", commit: "cf39575472e84648aa2d00c73826a60b1f6d828e" };
const flowerAt = (path: string, lines: string | number): string => `mher/flower@cf39575472:${path}:${lines}`;
const celeryAt = (path: string, lines: string | number): string =>
    `celery/celery@11b854aa32:${path}:${lines}`;
/** flower's options (tornado `define`s), by line of flower/options.py: each a flag, and a FLOWER_<NAME> variable. */
const FLOWER_OPTIONS: Record<string, number> = {
    port: 10,
    address: 12,
    unix_socket: 14,
    debug: 16,
    inspect_timeout: 18,
    auth: 20,
    basic_auth: 22,
    oauth2_key: 24,
    oauth2_secret: 26,
    oauth2_redirect_uri: 28,
    max_workers: 30,
    max_tasks: 32,
    db: 34,
    persistent: 36,
    state_save_interval: 38,
    broker_api: 40,
    ca_certs: 42,
    certfile: 44,
    keyfile: 46,
    xheaders: 48,
    auto_refresh: 50,
    purge_offline_workers: 52,
    cookie_secret: 54,
    conf: 56,
    enable_events: 58,
    format_task: 60,
    natural_time: 62,
    tasks_columns: 64,
    auth_provider: 67,
    url_prefix: 68,
    task_runtime_metric_buckets: 69,
};
const FLOWER_FACTS: ReadFacts = {
    state: "read",
    listens: [
        {
            port: 5555,
            serves: "flower's UI and API (tornado on --port, default 5555, every address unless --address)",
            // No authentication on it: 200 with basic_auth set too.
            health: ["/healthcheck"],
            at: `${flowerAt("flower/options.py", "10-13")}; ${flowerAt("flower/app.py", "71-74")}; ${flowerAt("flower/urls.py", 56)}; ${flowerAt("flower/views/monitor.py", "12-14")}; ${flowerAt("Dockerfile", 15)}`,
        },
    ],
    // tornado takes an option with `-` or `_` between words (flower/command.py:150-153 keeps what it knows).
    flags: Object.entries(FLOWER_OPTIONS).flatMap(([name, line]) =>
        [...new Set([name, name.replace(/_/g, "-")])].map((n) => ({
            name: n,
            at: flowerAt("flower/options.py", line),
        })),
    ),
    env: [
        // Every FLOWER_<option> is that option (apply_env_options, before the command line).
        ...Object.entries(FLOWER_OPTIONS).map(([name, line]) => ({
            name: `FLOWER_${name.toUpperCase()}`,
            at: `${flowerAt("flower/command.py", "24,41,62-79,156-158")}; ${flowerAt("flower/options.py", line)}`,
        })),
        // The broker and result backend of the Celery app flower monitors (no -A: celery's default app).
        { name: "CELERY_BROKER_URL", at: celeryAt("celery/app/utils.py", "101-105") },
        { name: "CELERY_RESULT_BACKEND", at: celeryAt("celery/app/utils.py", "107-112") },
    ],
    files: [
        // --conf, default flowerconfig.py in the working directory (/data); missing, it is skipped.
        {
            name: "/data/flowerconfig.py",
            at: `${flowerAt("flower/command.py", "86-92")}; ${flowerAt("flower/options.py", "7,56")}; ${flowerAt("Dockerfile", "17,20")}`,
        },
    ],
};

// ---- prometheus/pushgateway @ v1.6.2 --------------------------------------------------------------------------------
const pgAt = (path: string, lines: string | number): string =>
    `prometheus/pushgateway@v1.6.2:${path}:${lines}`;
const pgFlags = (spec: Record<string, number>): FlagFact[] =>
    Object.entries(spec).map(([name, line]) => ({ name, at: pgAt("main.go", line) }));
const toolkitAt = (line: number): string =>
    `prometheus/exporter-toolkit@v0.10.0:web/kingpinflag/flag.go:${line} (webflag.AddFlags, ${pgAt("main.go", 66)})`;
const PUSHGATEWAY_LISTENER: Listener = {
    port: 9091,
    serves: "the push API and /metrics (--web.listen-address, default :9091)",
    health: ["/-/healthy", "/-/ready"],
    at: `${pgAt("main.go", "66,111-112")}; ${pgAt("Dockerfile", 10)}`,
};
const PUSHGATEWAY: ImageEvidence = {
    image: "docker.io/prom/pushgateway",
    version: "v1.6.2",
    source: { repo: "prometheus/pushgateway", commit: "f1b7b30e1204b0762329eb9331984e0eb7bdc64e" },
    facts: {
        state: "read",
        listens: [PUSHGATEWAY_LISTENER],
        flags: [
            { name: "web.listen-address", at: toolkitAt(35) },
            { name: "web.systemd-socket", at: toolkitAt(29) },
            { name: "web.config.file", at: toolkitAt(40) },
            ...pgFlags({
                "web.telemetry-path": 67,
                "web.external-url": 68,
                "web.route-prefix": 69,
                "web.enable-lifecycle": 70,
                "web.enable-admin-api": 71,
                "persistence.file": 72,
                "persistence.interval": 73,
                "push.disable-consistency-check": 74,
            }),
            // promlogflag.AddFlags (prometheus/common v0.44.0, go.mod:13).
            { name: "log.level", at: pgAt("main.go", 77) },
            { name: "log.format", at: pgAt("main.go", 77) },
        ],
        env: [],
        files: [],
    },
};

// ---- sclorg/postgresql-container @ 134bb39ab5: the head of master, which rebuilds every :c9s tag ---------------------
// quay.io/sclorg/postgresql-<major>-c9s:c9s is <major>/Dockerfile.c9s, built by the workflow on each push to master and
// weekly (.github/workflows/build-and-push.yml:2-7,17-31). 13/ and 15/ differ only in the versions they name
// (Dockerfile.c9s:13-14 and the like): the scripts, and so the lines below, are the same in both directories.
const PG_CONTAINER_COMMIT = "134bb39ab5c435087487c3422522bddf160f727d";
const sclAt =
    (major: number) =>
    (path: string, lines: string | number): string =>
        `sclorg/postgresql-container@134bb39ab5:${major}/${path}:${lines}`;
const PG_SCRIPTS = "root/usr/share/container-scripts/postgresql";

/**
 * The sclorg PostgreSQL image of one major version. Its command is `container-entrypoint run-postgresql`
 * (Dockerfile.c9s:90-91): run-postgresql stops (usage, exit 1) unless POSTGRESQL_USER, _PASSWORD and _DATABASE are set
 * together, or POSTGRESQL_ADMIN_PASSWORD alone, or the migration pair (common.sh:63-87); the program's servers use
 * the three, so they are required here. On an empty data directory it creates that user and database
 * (run-postgresql:23-25,42-48; common.sh:226-230); at every start it sets the user's password to POSTGRESQL_PASSWORD
 * (run-postgresql:51-53; start/set_passwords.sh:5-8), so the Secret's password is the one the server accepts. A data
 * directory of another major version stops it unless POSTGRESQL_UPGRADE asks for pg_upgrade from the version before
 * (common.sh:392-456). The readiness check it ships logs in as POSTGRESQL_USER to POSTGRESQL_DATABASE over 127.0.0.1
 * (libexec/check-container:21-25); `--live` always succeeds (10-17).
 */
function sclorgPostgres(major: number): ImageEvidence {
    const at = sclAt(major);
    const common = (lines: string | number) => at(`${PG_SCRIPTS}/common.sh`, lines);
    const reads = (spec: Record<string, string>): NamedFact[] =>
        Object.entries(spec).map(([name, where]) => ({ name, at: where }));
    return {
        image: `quay.io/sclorg/postgresql-${major}-c9s`,
        version: "c9s",
        source: {
            repo: "sclorg/postgresql-container",
            commit: PG_CONTAINER_COMMIT,
            moving: { branch: "master", resolved: RESOLVED },
        },
        facts: {
            state: "read",
            listens: [
                {
                    port: 5432,
                    serves: "PostgreSQL on every interface (listen_addresses '*'; the port is the server's default)",
                    at: `${at("Dockerfile.c9s", "28,37")}; ${at(`${PG_SCRIPTS}/openshift-custom-postgresql.conf.template`, 9)}; ${at("root/usr/bin/run-postgresql", 59)}`,
                },
            ],
            // The container's arguments replace run-postgresql (CMD, Dockerfile.c9s:91): a flag would be run as a command.
            flags: "none",
            env: [
                {
                    name: "POSTGRESQL_USER",
                    required: true,
                    at: `${common("63-70,226-229")}; ${at("root/usr/libexec/check-container", 23)}`,
                },
                {
                    name: "POSTGRESQL_PASSWORD",
                    required: true,
                    at: `${common("63-66")}; ${at(`${PG_SCRIPTS}/start/set_passwords.sh`, "5-8")}`,
                },
                {
                    name: "POSTGRESQL_DATABASE",
                    required: true,
                    at: `${common("63-69,229")}; ${at("root/usr/libexec/check-container", 24)}`,
                },
                ...reads({
                    POSTGRESQL_ADMIN_PASSWORD: `${common("73-74")}; ${at(`${PG_SCRIPTS}/start/set_passwords.sh`, "20-22")}`,
                    POSTGRESQL_MIGRATION_REMOTE_HOST: common("77-79,252"),
                    POSTGRESQL_MIGRATION_ADMIN_PASSWORD: common("77-79,251"),
                    POSTGRESQL_MIGRATION_IGNORE_ERRORS: common(246),
                    POSTGRESQL_MASTER_USER: `${common("232-235")}; ${at(`${PG_SCRIPTS}/start/set_passwords.sh`, "11-16")}`,
                    POSTGRESQL_MASTER_PASSWORD: at(`${PG_SCRIPTS}/start/set_passwords.sh`, 13),
                    POSTGRESQL_MAX_CONNECTIONS: common(2),
                    POSTGRESQL_MAX_PREPARED_TRANSACTIONS: common(3),
                    POSTGRESQL_SHARED_BUFFERS: common("10,17"),
                    POSTGRESQL_EFFECTIVE_CACHE_SIZE: common("11,18"),
                    NO_MEMORY_LIMIT: common(9),
                    MEMORY_LIMIT_IN_BYTES: common("9,14,16"),
                    POSTGRESQL_LOG_DESTINATION: common("21,158-162"),
                    POSTGRESQL_LIBRARIES: common("132-133"),
                    POSTGRESQL_EXTENSIONS: common("493-494"),
                    ENABLE_REPLICATION: `${at("root/usr/bin/run-postgresql", 3)}; ${common(145)}`,
                    POSTGRESQL_UPGRADE: common("317-327,407,434"),
                    POSTGRESQL_UPGRADE_FORCE: common(425),
                    POSTGRESQL_UPGRADE_INITDB_OPTIONS: common(346),
                    POSTGRESQL_UPGRADE_PGUPGRADE_OPTIONS: common(361),
                    LANG: common(196),
                    // The image's own ENV (Dockerfile.c9s:13-17,59), which the scripts read.
                    POSTGRESQL_VERSION: common("297,403"),
                    POSTGRESQL_PREV_VERSION: common("296,401,449"),
                    HOME: common("23-24,184,260"),
                    APP_DATA: at("root/usr/bin/run-postgresql", "13,44,52"),
                    CONTAINER_SCRIPTS_PATH: at("root/usr/bin/run-postgresql", "8,14,45,53"),
                    PGUSER: at("Dockerfile.c9s", 16),
                }),
            ],
            files: [
                // The volume: the cluster lives in its userdata/ subdirectory (an older layout is moved there).
                { name: "/var/lib/pgsql/data", at: `${at("Dockerfile.c9s", "5,15")}; ${common("258-273")}` },
                // Rewritten at every start, outside the volume, and included from the cluster's postgresql.conf.
                { name: "/var/lib/pgsql/openshift-custom-postgresql.conf", at: common("24,140-172,203-207") },
                { name: "/var/lib/pgsql/passwd", at: common("181-188") },
                // Optional extensions of the start, sourced or included when present.
                ...reads({
                    "/opt/app-root/src/postgresql-pre-start": at("root/usr/bin/run-postgresql", "12-14"),
                    "/opt/app-root/src/postgresql-init": at("root/usr/bin/run-postgresql", "43-45"),
                    "/opt/app-root/src/postgresql-start": at("root/usr/bin/run-postgresql", "51-53"),
                    "/opt/app-root/src/postgresql-cfg": common("166-171"),
                }),
            ],
        },
    };
}

/** The evidence of every image the packit system runs (and stream, which shares its layout). */
export const PACKIT_EVIDENCE: EvidenceTable = {
    file: "components/packit/evidence.ts",
    images: [
        {
            image: "docker.io/nginxinc/nginx-unprivileged",
            version: "1.27",
            source: NGINX_UNPRIVILEGED_SOURCE,
            facts: PACKIT_NGINX_FACTS,
        },
        PUSHGATEWAY,
        // The import and sandbox clean-up jobs' oc (shared with thoth's watcher restart).
        ORIGIN_CLI_EVIDENCE,
        moving(
            "quay.io/packit/dashboard",
            "prod",
            "packit/dashboard",
            "92b9b55b3b5f75f8a265963bcaca16579f896c2f",
            dashboardFacts("92b9b55b3b"),
        ),
        moving(
            "quay.io/packit/dashboard",
            "stg",
            "packit/dashboard",
            "e573903f4a0d1488cef61cada90b727f167ba799",
            dashboardFacts("e573903f4a"),
        ),
        moving("quay.io/packit/hardly", "prod", "packit/hardly", HARDLY_COMMIT, HARDLY_FACTS),
        moving("quay.io/packit/hardly", "stg", "packit/hardly", HARDLY_COMMIT, HARDLY_FACTS),
        moving(
            "quay.io/packit/packit-service-centosmsg",
            "prod",
            "packit/packit-service-centosmsg",
            CENTOSMSG_COMMIT,
            CENTOSMSG_FACTS,
        ),
        moving(
            "quay.io/packit/packit-service-centosmsg",
            "stg",
            "packit/packit-service-centosmsg",
            CENTOSMSG_COMMIT,
            CENTOSMSG_FACTS,
        ),
        moving(
            "quay.io/packit/packit-service-fedmsg",
            "prod",
            "packit/packit-service-fedmsg",
            FEDMSG_PROD,
            fedmsgFacts("36563590ba"),
        ),
        moving(
            "quay.io/packit/packit-service-fedmsg",
            "stg",
            "packit/packit-service-fedmsg",
            FEDMSG_STG,
            fedmsgFacts("bff2924113"),
        ),
        moving("quay.io/packit/packit-service", "prod", "packit/packit-service", PS_COMMIT, API_FACTS),
        moving("quay.io/packit/packit-service", "stg", "packit/packit-service", PS_COMMIT, API_FACTS),
        moving("quay.io/packit/packit-worker", "prod", "packit/packit-service", PS_COMMIT, WORKER_FACTS),
        moving("quay.io/packit/packit-worker", "stg", "packit/packit-service", PS_COMMIT, WORKER_FACTS),
        moving(
            "quay.io/packit/tokman",
            "prod",
            "packit/tokman",
            "1a0d933f557909ce949017000cc3a6ecebda15f5",
            tokmanFacts("1a0d933f55"),
        ),
        moving(
            "quay.io/packit/tokman",
            "stg",
            "packit/tokman",
            "d574a3622f6ada95f92c1fc3d6842f7e9792856f",
            tokmanFacts("d574a3622f"),
        ),
        sclorgPostgres(15),
        // The shared Redis building block (components/shared/redis.ts): the Celery broker.
        SCLORG_REDIS_EVIDENCE,
        { image: "docker.io/mher/flower", version: "2.0.1", source: FLOWER_SOURCE, facts: FLOWER_FACTS },
        unreadImage(
            "docker.io/rediscommander/redis-commander",
            "redis-commander-210",
            { repo: "joeferner/redis-commander", commit: "unresolved" },
            "no commit of joeferner/redis-commander is known to build the tag redis-commander-210: no git tag or branch has that name, and the repository's image workflow tags master as latest and a tag v<version> as <version>, <minor> and <major>, on ghcr.io only (its Docker Hub lines are commented out: .github/workflows/docker-publish.yml:4-11,90-107 at b03e3c453c, 2025-07-21); before it Docker Hub had only latest (joeferner/redis-commander#365). Off in both stacks; pin a <version> tag to have it read",
        ),
        // The server a major upgrade from 13 starts from (postgres.previous).
        sclorgPostgres(13),
    ],
};

/** Where each branch's tag is built (for the plan's notices and the report). */
export const BUILD_WORKFLOWS = {
    "packit-service": PS_WORKFLOW,
    hardly: HARDLY_WORKFLOW,
    "packit-service-fedmsg": FEDMSG_WORKFLOW,
    "packit-service-centosmsg": CENTOSMSG_WORKFLOW,
    dashboard: DASHBOARD_WORKFLOW,
    tokman: TOKMAN_WORKFLOW,
} as const;
