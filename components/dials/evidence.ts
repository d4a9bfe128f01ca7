import type { At, FlagFact, ImageEvidence, NamedFact, ReadFacts } from "../shared/evidence/types";
import type { EvidenceTable } from "../config/evidenceVerdicts";
import {
    NGINX_FLAGS,
    NGINX_UNPRIVILEGED_SOURCE,
    nginxEntrypointEnv,
    nginxUnprivilegedAt,
} from "../shared/nginxUnprivilegedEvidence";
import { SCLORG_REDIS_EVIDENCE } from "../shared/redisEvidence";

// What the upstream sources say of the images DIALS runs, at the versions the stacks pin (issue 51 item 1): the
// release v1.8.0 of cms-DQM/dials (tag v1.8.0 = commit 277e721511, "release: bump to v1.8.0", 2024-08-21) for the
// etl, backend and frontend images; celery 5.3.6 and flower 2.0.1, the versions v1.8.0's poetry.lock pins
// (poetry.lock:137-138, 826-827), for the ETL's command lines; nginxinc/docker-nginx-unprivileged for the sidecar;
// the Redis image's entry is the shared Redis building block's (components/shared/redisEvidence.ts). Facts carried
// over with their lines, no code.
//
// The tag itself is not confirmed: v1.8.0's scripts/push_containers.sh tags and pushes the three images without a tag
// (`docker tag dials_etl_release $REGISTRY_REPO/dials-etl`, then `docker push $REGISTRY_REPO/dials-etl`: lines 11-13,
// 17-19), i.e. as `:latest` only, and runbook 003 imports them untagged. Whether registry.cern.ch/cms-dqmdc/dials-*:v1.8.0
// exists, and whether it is the build of this commit, nobody has seen: these entries hold for the source at the tag,
// and the stacks' images.confirmed (the digests read on the cluster) is what confirms the image (prod stops without it).

const DIALS = { repo: "cms-DQM/dials", commit: "277e721511fdb00846bdcd6c6ddab021072c37b7" };
const CELERY = "celery/celery@b8c67a7a9c"; // tag v5.3.6
const FLOWER = "mher/flower@cf39575472"; // tag v2.0.1
// The nginx-unprivileged reading is shared with packit's metrics proxy (components/shared/nginxUnprivilegedEvidence.ts):
// the commit that set NGINX_VERSION=1.27.4 in mainline/; the tag 1.27.4-alpine is rebuilt (Alpine updates) while
// 1.27.4 is mainline.
const NGINX_UNPRIVILEGED = NGINX_UNPRIVILEGED_SOURCE;

/** `cms-DQM/dials@277e721511:path:lines`. */
export const dialsAt = (path: string, lines: string | number): At =>
    `cms-DQM/dials@277e721511:${path}:${lines}`;
const nginxAt = (path: string, lines: string | number): At => nginxUnprivilegedAt("alpine-slim")(path, lines);

const named = (spec: Record<string, At>, required = false): NamedFact[] =>
    Object.entries(spec).map(([name, at]) => ({ name, at, ...(required ? { required } : {}) }));

// ---- the ETL image (etl/Dockerfile.prod: the etl/ directory at /home/app/etl, no ENTRYPOINT or CMD: every
// container names its command).

const ENV_PY = "etl/python/env.py";
/** etl/python/env.py: python-decouple `config(NAME)` without a default raises when NAME is unset, at import. */
const ETL_REQUIRED: Record<string, At> = {
    ENV: dialsAt(ENV_PY, 4),
    EOS_LANDING_ZONE: dialsAt(ENV_PY, 5),
    MODEL_REGISTRY_PATH: dialsAt(ENV_PY, 7),
    DATABASE_URI: dialsAt(ENV_PY, 8),
    KEYTAB_USER: dialsAt(ENV_PY, 9),
    KEYTAB_PWD: dialsAt(ENV_PY, 10),
    CERT_FPATH: dialsAt(ENV_PY, 11),
    KEY_FPATH: dialsAt(ENV_PY, 12),
    CELERY_BROKER_URL: dialsAt(ENV_PY, 13),
    CELERY_RESULT_BACKEND: dialsAt(ENV_PY, 14),
    CELERY_REDBEAT_URL: dialsAt(ENV_PY, 15),
    ETL_CONFIG_FPATH: dialsAt(ENV_PY, 17),
};
const ETL_OPTIONAL: Record<string, At> = {
    // Default None: without it (or without the directory) files are fetched over lxplus instead of the EOS mount
    // (etl/python/pipelines/file_downloader/extract.py:19, file_ingesting/extract.py:52).
    MOUNTED_EOS_PATH: dialsAt(ENV_PY, 6),
    MOCKED_DBS_FPATH: dialsAt(ENV_PY, 16),
    // Only the migration (`alembic upgrade head`): the workspace databases to migrate.
    DATABASES: dialsAt("etl/alembic/env.py", 27),
    // flower 2.0.1 takes every FLOWER_<option> variable as its option (command.py:24,62-66,156-158; basic_auth is
    // options.py:22); only the `celery flower` process reads it.
    FLOWER_BASIC_AUTH: `${FLOWER}:flower/command.py:24,62-66,156-158`,
};

const WORKER = "celery/bin/worker.py";
const celeryFlag = (name: string, path: string, lines: string): FlagFact => ({
    name,
    at: `${CELERY}:${path}:${lines}`,
});
/**
 * The flags of the `celery` command lines the program runs (workers, beat, flower, the pre-stop and startup checks),
 * each found defined by celery 5.3.6 (flower 2.0.1 for `flower`): the list holds what was looked for, not every
 * option celery has.
 */
const ETL_FLAGS: FlagFact[] = [
    celeryFlag("app", "celery/bin/celery.py", "90-91"),
    celeryFlag("loglevel", WORKER, "162-163"),
    celeryFlag("concurrency", WORKER, "185-186"),
    celeryFlag("time-limit", WORKER, "212"),
    celeryFlag("max-tasks-per-child", WORKER, "224"),
    celeryFlag("queues", WORKER, "245"),
    celeryFlag("autoscale", WORKER, "276"),
    celeryFlag("hostname", WORKER, "138-139"),
    // beat's --loglevel is beat.py:38-39; the name is the worker's too.
    celeryFlag("scheduler", "celery/bin/beat.py", "27-28"),
    celeryFlag("timeout", "celery/bin/control.py", "55-56"),
    celeryFlag("destination", "celery/bin/control.py", "62-63"),
    { name: "purge_offline_workers", at: `${FLOWER}:flower/options.py:52` },
];

const ETL_FACTS: ReadFacts = {
    state: "read",
    listens: [
        {
            // Only the `celery flower` process listens; workers and beat serve nothing.
            port: 5555,
            serves: "flower's UI and API (the `celery flower` process only)",
            health: ["/healthcheck"],
            at: `${FLOWER}:flower/options.py:10; flower/urls.py:56`,
        },
    ],
    flags: ETL_FLAGS,
    env: [...named(ETL_REQUIRED, true), ...named(ETL_OPTIONAL)],
    files: named({
        // The ETL stops at import when the file is missing (config.py:8-9).
        ETL_CONFIG_FPATH: dialsAt("etl/python/config.py", "8-13"),
        CERT_FPATH: dialsAt("etl/python/common/dbs_client.py", 41),
        KEY_FPATH: dialsAt("etl/python/common/dbs_client.py", 41),
        MODEL_REGISTRY_PATH: dialsAt("etl/python/pipelines/ml_inference/predict.py", 8),
    }),
};

// ---- the backend image (backend/Dockerfile: CMD ./scripts/run-django-production.sh, EXPOSE 8000).

const SETTINGS = "backend/dials/settings.py";
const RUN = "backend/scripts/run-django-production.sh";
const BACKEND_REQUIRED: Record<string, At> = {
    DJANGO_ENV: dialsAt(SETTINGS, 23),
    DJANGO_SECRET_KEY: dialsAt(SETTINGS, 29),
    DJANGO_WORKSPACES: dialsAt(SETTINGS, 110),
    DJANGO_DATABASE_URI: dialsAt(SETTINGS, 111),
    DJANGO_KEYCLOAK_SERVER_URL: dialsAt(SETTINGS, 166),
    DJANGO_KEYCLOAK_REALM: dialsAt(SETTINGS, 167),
    DJANGO_KEYCLOAK_CONFIDENTIAL_CLIENT_ID: dialsAt(SETTINGS, 168),
    DJANGO_KEYCLOAK_CONFIDENTIAL_SECRET_KEY: dialsAt(SETTINGS, 169),
    DJANGO_KEYCLOAK_PUBLIC_CLIENT_ID: dialsAt(SETTINGS, 170),
    DJANGO_OMS_SSO_CLIENT_ID: dialsAt(SETTINGS, 174),
    DJANGO_OMS_SSO_CLIENT_SECRET: dialsAt(SETTINGS, 175),
    DJANGO_KEYTAB_USR: dialsAt(SETTINGS, 178),
    DJANGO_KEYTAB_PWD: dialsAt(SETTINGS, 179),
    DJANGO_REDIS_URL: dialsAt(SETTINGS, 239),
};
const BACKEND_OPTIONAL: Record<string, At> = {
    DJANGO_DEBUG: dialsAt(SETTINGS, 32),
    DJANGO_ALLOWED_HOSTS: dialsAt(SETTINGS, 35),
    DJANGO_CSRF_TRUSTED_ORIGINS: dialsAt(SETTINGS, 38),
    DJANGO_CORS_ALLOWED_ORIGINS: dialsAt(SETTINGS, 47),
    DJANGO_DEFAULT_WORKSPACE: dialsAt(SETTINGS, 112),
    DJANGO_ENABLE_SQL_LOGS: dialsAt(SETTINGS, 132),
    DJANGO_KEYCLOAK_API_CLIENTS: dialsAt(SETTINGS, 171),
    DJANGO_CACHE_TTL: dialsAt(SETTINGS, 235),
    GUNICORN_LOG_TO_STDOUT: dialsAt(RUN, 10),
    GUNICORN_N_WORKERS: dialsAt(RUN, 14),
    GUNICORN_TIMEOUT: dialsAt(RUN, 14),
};

const BACKEND_FACTS: ReadFacts = {
    state: "read",
    listens: [
        {
            // No health view: urls.py routes api/v1/, api/v1/swagger and "" (the swagger page) only, so TCP.
            port: 8000,
            serves: "gunicorn (dials.wsgi): the API under /api/v1/, the swagger page at / (backend/dials/urls.py:38-42)",
            at: dialsAt(RUN, 14),
        },
    ],
    // The start script takes no argument; the program passes none.
    flags: "none",
    env: [...named(BACKEND_REQUIRED, true), ...named(BACKEND_OPTIONAL)],
    files: named({
        // Outside dev the script copies the collected static files there for the nginx sidecar: it must be writable.
        "/var/www/api/": dialsAt(RUN, "5-8"),
    }),
};

// ---- the frontend image (frontend/Dockerfile.prod: nginx:stable-alpine with frontend/nginx/nginx.conf).

const FRONTEND_FACTS: ReadFacts = {
    state: "read",
    listens: [
        {
            port: 8081,
            serves: "the built single-page application; every path falls back to /index.html",
            health: ["/"],
            at: dialsAt("frontend/nginx/nginx.conf", "27-36"),
        },
    ],
    flags: "none",
    env: [],
    files: [],
};

// ---- nginx-unprivileged, the backend's sidecar.

const NGINX_FACTS: ReadFacts = {
    state: "read",
    listens: [
        {
            // The image's own default.conf listens on 8080 (mainline/alpine-slim/Dockerfile:117,134), but DIALS mounts
            // backend-nginx-conf over /etc/nginx/conf.d, which hides it: the site upstream mounts (and the program's
            // backendNginxConf reproduces) listens on 8081 and answers /nghealth itself.
            port: 8081,
            serves: "backend-nginx-conf: /static from /var/www/api/, everything else proxied to gunicorn on :8000",
            health: ["/nghealth"],
            at: dialsAt("oc/prod/configmaps/backend-rproxy.yaml", "14,36-38"),
        },
    ],
    // nginx's own options; CMD ["nginx", "-g", "daemon off;"] (mainline/alpine-slim/Dockerfile:140), the program passes
    // no argument.
    flags: NGINX_FLAGS,
    env: nginxEntrypointEnv("alpine-slim"),
    files: named({
        // A read-only conf.d is expected: the IPv6 script skips a default.conf it cannot modify (or that is absent).
        "/etc/nginx/conf.d/": nginxAt("10-listen-on-ipv6-by-default.sh", "13,21-27"),
    }),
};

// ---- the table.

function read(image: string, version: string, source: { repo: string; commit: string }, facts: ReadFacts) {
    return { image, version, source, facts } satisfies ImageEvidence;
}

const RELEASE = "v1.8.0";
const INTERNAL = "image-registry.openshift-image-registry.svc:5000";
/** Each DIALS image under every name a pod spec gives it: the ImageStream of each namespace and the registry's. */
function release(stream: string, external: string, facts: ReadFacts): ImageEvidence[] {
    return [
        read(`${INTERNAL}/cms-dials-prod/${stream}`, RELEASE, DIALS, facts),
        read(`${INTERNAL}/cms-dials-stage/${stream}`, RELEASE, DIALS, facts),
        read(`registry.cern.ch/cms-dqmdc/${external}`, RELEASE, DIALS, facts),
    ];
}

const NGINX_TAG = "1.27.4-alpine";

/** The evidence of every image the dials system runs. */
export const DIALS_EVIDENCE: EvidenceTable = {
    file: "components/dials/evidence.ts",
    images: [
        ...release("etl", "dials-etl", ETL_FACTS),
        ...release("backend", "dials-backend", BACKEND_FACTS),
        ...release("frontend", "dials-frontend", FRONTEND_FACTS),
        read(`${INTERNAL}/cms-dials-prod/nginx-unprivileged`, NGINX_TAG, NGINX_UNPRIVILEGED, NGINX_FACTS),
        read(`${INTERNAL}/cms-dials-stage/nginx-unprivileged`, NGINX_TAG, NGINX_UNPRIVILEGED, NGINX_FACTS),
        read("docker.io/nginxinc/nginx-unprivileged", NGINX_TAG, NGINX_UNPRIVILEGED, NGINX_FACTS),
        // The shared Redis building block (components/shared/redis.ts): the broker and the web cache.
        SCLORG_REDIS_EVIDENCE,
    ],
};
