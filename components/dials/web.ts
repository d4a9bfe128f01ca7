import * as pulumi from "@pulumi/pulumi";
import { PlainConfigMap } from "../shared/configMap";
import { ExposureSpec } from "../shared/exposure";
import { ConfigMapHandle, SecretHandle } from "../shared/handles";
import { httpProbe, httpServerProbes, tcpProbe } from "../shared/probes";
import { Redis, RedisAuth } from "../shared/redis";
import { ChecksumKey } from "../shared/startupReads";
import { ConfigSecret } from "../shared/secret";
import { SystemArgs, SystemPart } from "../config/systemComponent";
import { podVolume } from "../shared/volumes";
import { Workload } from "../shared/workload";
import type { DialsSection } from "./config";
import type { DialsImage } from "./images";
import { dialsApp } from "./app";
import { ROUTE_NAMES, liveLabelsOf } from "./live";
import { BACKEND_SECRETS, secretData } from "./secrets";
import {
    CACHE_DB,
    GUNICORN_PORT,
    HTTP_PORT,
    backendConfigMapData,
    backendNginxConf,
    redisUrl,
} from "./settings";
import { SIZES } from "./workers";

export const BACKEND_CONFIGMAP = "dials-backend-configmap";
export const BACKEND_SECRET = "dials-backend-secrets";
export const NGINX_CONFIGMAP = "backend-nginx-conf";
export const BACKEND_SERVICE = "backend-nginx";
export const ROUTE_TIMEOUT_ANNOTATION = "haproxy.router.openshift.io/timeout";
/** Shared by gunicorn (which copies the collected static files here) and nginx (which serves them). */
const STATIC_DIR = "/var/www/api/";
/** Django's collected static files, which gunicorn's container writes and nginx serves: pod scratch space. */
const STATIC_FILES = podVolume("staticfiles", { emptyDir: {} });

export interface WebArgs extends SystemArgs<DialsSection> {
    /** The Namespace component's name: every object waits for the namespace through it. */
    namespace: pulumi.Output<string>;
    images: Record<DialsImage, string>;
    /** `redis-web-cache`: DJANGO_REDIS_URL names its endpoint and carries its password. */
    cache: Redis<RedisAuth>;
    restartKey: ChecksumKey;
}

/** What the backend reads: its env (ConfigMap and Secret) and the nginx site file. */
interface BackendReads {
    configMap: ConfigMapHandle;
    nginxConf: ConfigMapHandle;
    secret: SecretHandle;
}

/** Never fewer serving pods than asked for during a release. */
const ROLLING_UPDATE = { maxSurge: "25%", maxUnavailable: 0 };

/** The public side of DIALS: backend (gunicorn + nginx sidecar) and frontend, their Services and Routes. */
export class Web extends SystemPart<DialsSection> {
    public readonly apiUrl: string;
    public readonly frontendUrl: string;
    readonly #namespace: pulumi.Output<string>;

    constructor(name: string, args: WebArgs, opts?: pulumi.ComponentResourceOptions) {
        super("runbooks:dials:Web", name, args, opts);
        this.#namespace = args.namespace;
        const reads = this.reads(args.cache);
        // The ImageStreams and the cache come first by the system's order of its applications (see Dials).
        const ready = this.child();
        this.backendWorkload(args, reads, ready);
        this.frontendWorkload(args, ready);
        const { apiHost, frontendHost } = this.config.web;
        this.apiUrl = `https://${apiHost}`;
        this.frontendUrl = `https://${frontendHost}`;
        this.registerOutputs({ apiUrl: this.apiUrl, frontendUrl: this.frontendUrl });
    }

    /** `dials-backend-configmap`, `backend-nginx-conf` and `dials-backend-secrets` with the cache's URL. */
    private reads(cache: Redis<RedisAuth>): BackendReads {
        const api = dialsApp("backend", "api");
        const namespace = this.#namespace;
        const configMap = new PlainConfigMap(
            this.childName("backend-configmap"),
            { namespace, name: BACKEND_CONFIGMAP, app: api, data: backendConfigMapData(this.config) },
            this.child(),
        );
        const nginxConf = new PlainConfigMap(
            this.childName("nginx-conf"),
            {
                namespace,
                name: NGINX_CONFIGMAP,
                app: api,
                data: { "nginx.conf": backendNginxConf(this.config.web.gunicornTimeoutSeconds) },
            },
            this.child(),
        );
        const data = {
            ...secretData(BACKEND_SECRETS, this.context.secrets),
            DJANGO_REDIS_URL: redisUrl(cache.endpoint, cache.password, CACHE_DB),
        };
        const secret = new ConfigSecret(
            this.childName("backend-secret"),
            { namespace, name: BACKEND_SECRET, app: api, data },
            this.child(),
        );
        return { configMap: configMap.handle, nginxConf: nginxConf.handle, secret: secret.handle };
    }

    /** A Route named as today's to the Service's `http` port: edge TLS, HTTP redirected, the configured router timeout. */
    private route(host: string, name: string): ExposureSpec {
        return {
            name,
            host,
            servicePort: "http",
            tls: { termination: "edge", insecure: "Redirect" },
            annotations: { [ROUTE_TIMEOUT_ANNOTATION]: this.config.web.routeTimeout },
        };
    }

    /** What the backend and the frontend share: their namespace, the live pods' labels, replicas and rollout. */
    private served(part: "backend" | "frontend", component: string) {
        return {
            cluster: this.context.cluster,
            namespace: this.#namespace,
            app: dialsApp(part, component),
            ...liveLabelsOf(part),
            replicas: this.config.web[`${part}Replicas`],
            rollingUpdate: ROLLING_UPDATE,
            automountServiceAccountToken: false,
        };
    }

    /** gunicorn with the nginx sidecar that serves the static files and proxies the rest; Service backend-nginx. */
    private backendWorkload(
        args: WebArgs,
        reads: BackendReads,
        opts: pulumi.CustomResourceOptions,
    ): Workload {
        const nginxConf = reads.nginxConf.mount("/etc/nginx/conf.d", {
            volume: "nginx-conf",
            readOnly: true,
        });
        return new Workload(
            this.childName("backend"),
            {
                ...this.served("backend", "api"),
                // gunicorn reads its env and nginx its site file once, at start: the handles below roll it.
                restartOnChange: { key: args.restartKey },
                // The live pods' volume order: nginx-conf first, though the first container mounts staticfiles.
                volumes: [nginxConf.volume],
                containers: [
                    {
                        name: "backend",
                        image: args.images.backend,
                        ports: [{ name: "gunicorn", containerPort: GUNICORN_PORT }],
                        envFrom: [reads.configMap.envFrom(), reads.secret.envFrom()],
                        resources: SIZES.backend,
                        readinessProbe: tcpProbe(GUNICORN_PORT),
                        mounts: [STATIC_FILES.mount(STATIC_DIR)],
                    },
                    {
                        name: "nginx",
                        image: args.images.nginx,
                        ports: [{ name: "http", containerPort: HTTP_PORT }],
                        resources: SIZES.nginx,
                        // Source: /nghealth for both.
                        ...httpServerProbes(httpProbe("/nghealth", HTTP_PORT), { initialDelaySeconds: 10 }),
                        mounts: [nginxConf, STATIC_FILES.mount(STATIC_DIR, { readOnly: true })],
                    },
                ],
                service: {
                    name: BACKEND_SERVICE,
                    ports: [{ name: "http", port: HTTP_PORT, targetPort: "http" }],
                },
                expose: [this.route(this.config.web.apiHost, ROUTE_NAMES.api)],
            },
            opts,
        );
    }

    private frontendWorkload(args: WebArgs, opts: pulumi.CustomResourceOptions): Workload {
        return new Workload(
            this.childName("frontend"),
            {
                ...this.served("frontend", "frontend"),
                containers: [
                    {
                        name: "frontend",
                        image: args.images.frontend,
                        ports: [{ name: "http", containerPort: HTTP_PORT }],
                        resources: SIZES.frontend,
                        readinessProbe: tcpProbe(HTTP_PORT),
                    },
                ],
                service: { ports: [{ name: "http", port: HTTP_PORT, targetPort: "http" }] },
                expose: [this.route(this.config.web.frontendHost, ROUTE_NAMES.frontend)],
            },
            opts,
        );
    }
}
