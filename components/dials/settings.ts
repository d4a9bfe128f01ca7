import * as pulumi from "@pulumi/pulumi";
import type { ServiceEndpoint } from "../shared/endpoints";
import { carrying } from "../shared/handles";
import type { DialsConfig, WorkspaceConfig } from "./config";

// What DIALS reads from its ConfigMaps, built from typed config. Pure functions: tested without mocks.

/** Redis databases on the broker instance, one per Celery role (as the ETL's env samples number them). */
export const BROKER_DB = { broker: 0, results: 1, redbeat: 2 } as const;
/** The web cache has an instance of its own. */
export const CACHE_DB = 0;
export const GUNICORN_PORT = 8000;
/** The nginx sidecar and the frontend both listen here (the Services and Routes point at it). */
export const HTTP_PORT = 8081;

/** `DJANGO_WORKSPACES`: workspace → e-group, in config order (Django's fallback default is the first one). */
export function djangoWorkspaces(workspaces: readonly Pick<WorkspaceConfig, "name" | "egroup">[]): string {
    return JSON.stringify(Object.fromEntries(workspaces.map((w) => [w.name, w.egroup])));
}

/** `dials-backend-configmap`: everything the backend reads that is not a secret. */
export function backendConfigMapData(
    config: Pick<DialsConfig, "web" | "workspaces" | "defaultWorkspace">,
): Record<string, string> {
    const { web } = config;
    const hosts = [web.apiHost, web.frontendHost];
    const origins = hosts.map((h) => `https://${h}`).join(" ");
    return {
        DJANGO_ENV: web.env,
        DJANGO_DEBUG: web.debug ? "1" : "0",
        DJANGO_CACHE_TTL: String(web.cacheTtlSeconds),
        DJANGO_ALLOWED_HOSTS: hosts.join(" "),
        DJANGO_CSRF_TRUSTED_ORIGINS: origins,
        DJANGO_CORS_ALLOWED_ORIGINS: origins,
        DJANGO_WORKSPACES: djangoWorkspaces(config.workspaces),
        DJANGO_DEFAULT_WORKSPACE: config.defaultWorkspace,
        DJANGO_KEYCLOAK_SERVER_URL: web.keycloak.serverUrl,
        DJANGO_KEYCLOAK_REALM: web.keycloak.realm,
        GUNICORN_N_WORKERS: String(web.gunicornWorkers),
        GUNICORN_TIMEOUT: String(web.gunicornTimeoutSeconds),
    };
}

/** `dials-etl-configmap`: the ETL's environment and the database of every workspace. */
export function etlConfigMapData(config: Pick<DialsConfig, "etl" | "workspaces">): Record<string, string> {
    return { ENV: config.etl.env, DATABASES: config.workspaces.map((w) => w.name).join(",") };
}

/**
 * A Redis URL with its password; the result stays secret because the password is. It carries the endpoint, so the
 * pods reading the Secret it goes into are admitted to that Redis.
 */
export function redisUrl(
    redis: ServiceEndpoint,
    password: pulumi.Input<string>,
    db: number,
): pulumi.Output<string> {
    const url = pulumi
        .all([redis.localHost, password])
        .apply(([host, p]) => `redis://:${encodeURIComponent(p)}@${host}:${redis.port}/${db}`);
    return carrying(pulumi.secret(url), [redis]);
}

/**
 * The nginx sidecar's site (`backend-nginx-conf`): serves collected static files, answers `/nghealth` itself and
 * proxies everything else to gunicorn in the same pod. Logs go to the container's stdout/stderr (the source wrote
 * `access_log stdout`, which nginx reads as a file named "stdout" under its prefix).
 */
export function backendNginxConf(proxyTimeoutSeconds: number): string {
    const t = proxyTimeoutSeconds;
    return `upstream app_server {
    # Containers of one pod share 127.0.0.1.
    server 127.0.0.1:${GUNICORN_PORT} fail_timeout=0;
}

server {
    listen ${HTTP_PORT};
    root /var/www/api/;

    client_max_body_size 1G;
    access_log /dev/stdout;
    error_log /dev/stderr;

    location / {
        location /static {
            add_header Access-Control-Allow-Origin *;
            add_header Access-Control-Max-Age 3600;
            add_header Access-Control-Expose-Headers Content-Length;
            add_header Access-Control-Allow-Headers Range;

            if ($request_method = OPTIONS) {
                return 204;
            }

            try_files /$uri @django;
        }

        # nginx's own health, to tell a proxy problem from a Django one.
        location /nghealth {
            return 200;
        }

        try_files $uri @django;
    }

    location @django {
        proxy_connect_timeout ${t};
        proxy_send_timeout ${t};
        proxy_read_timeout ${t};
        send_timeout ${t};
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        # The router in front terminates TLS and already sets X-Forwarded-Proto.
        proxy_set_header Host $http_host;
        proxy_redirect off;
        proxy_pass http://app_server;
    }
}
`;
}
