/** What the metrics proxy needs to know. */
export interface MetricsProxyOptions {
    /** Port nginx listens on with TLS (the Route passes TLS through). */
    listenPort: number;
    /** In-cluster URL of the Pushgateway's metrics. */
    upstream: string;
    /** Certificate and key files mounted from Secret packit-secrets. */
    certificate: string;
    certificateKey: string;
}

/**
 * nginx.conf of the public metrics endpoint. The pushgateway accepts pushes from anyone who reaches it, so the
 * public side may only read: exactly `/metrics`, GET (and the HEAD nginx implies) only, everything else 404.
 * Temporary files go to /tmp because the container runs as an arbitrary non-root user.
 */
export function metricsProxyConfig(o: MetricsProxyOptions): string {
    return [
        "worker_processes 1;",
        "pid /tmp/nginx.pid;",
        "error_log /dev/stderr warn;",
        "events {",
        "    worker_connections 256;",
        "}",
        "http {",
        "    access_log /dev/stdout;",
        "    server_tokens off;",
        "    client_body_temp_path /tmp/client_temp;",
        "    proxy_temp_path /tmp/proxy_temp;",
        "    fastcgi_temp_path /tmp/fastcgi_temp;",
        "    uwsgi_temp_path /tmp/uwsgi_temp;",
        "    scgi_temp_path /tmp/scgi_temp;",
        "    server {",
        `        listen ${o.listenPort} ssl;`,
        `        ssl_certificate ${o.certificate};`,
        `        ssl_certificate_key ${o.certificateKey};`,
        "        location = /metrics {",
        "            limit_except GET {",
        "                deny all;",
        "            }",
        "            proxy_method GET;",
        "            proxy_pass_request_body off;",
        `            proxy_pass ${o.upstream};`,
        "        }",
        "        location / {",
        "            return 404;",
        "        }",
        "    }",
        "}",
        "",
    ].join("\n");
}
