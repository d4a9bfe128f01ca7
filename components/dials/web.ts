import * as pulumi from "@pulumi/pulumi";
import { ClusterContext } from "../shared/cluster";
import { RunbookComponent } from "../shared/component";
import { PlainConfigMap } from "../shared/configMap";
import { ExposureSpec } from "../shared/exposure";
import { httpProbe, httpServerProbes, tcpProbe } from "../shared/probes";
import { ChecksumKey } from "../shared/startupReads";
import { ConfigSecret } from "../shared/secret";
import { Workload } from "../shared/workload";
import { dialsApp } from "./part";
import { GUNICORN_PORT, HTTP_PORT } from "./settings";
import { SIZES } from "./workers";

export const BACKEND_CONFIGMAP = "dials-backend-configmap";
export const BACKEND_SECRET = "dials-backend-secrets";
export const NGINX_CONFIGMAP = "backend-nginx-conf";
export const BACKEND_SERVICE = "backend-nginx";
export const ROUTE_TIMEOUT_ANNOTATION = "haproxy.router.openshift.io/timeout";
/** Shared by gunicorn (which copies the collected static files here) and nginx (which serves them). */
const STATIC_DIR = "/var/www/api/";

/** Arguments of {@link Web}. */
export interface WebArgs {
    cluster: ClusterContext;
    namespace: string;
    images: { backend: string; frontend: string; nginx: string };
    /** `dials-backend-configmap` data. */
    configMapData: Record<string, string>;
    /** `backend-nginx-conf` site file. */
    nginxConf: string;
    /** `dials-backend-secrets` data, every value secret. */
    secretData: Record<string, pulumi.Input<string>>;
    backendReplicas: number;
    frontendReplicas: number;
    apiHost: string;
    frontendHost: string;
    /** Router timeout of both Routes, e.g. `180s`. */
    routeTimeout: string;
    /** Key of the checksums that restart readers of changed Secrets/ConfigMaps (the system's `checksumKey`). */
    restartKey: ChecksumKey;
    /**
     * What the workloads wait for that no reference carries: the ImageStreams their images come from and the web
     * cache, which the backend connects to by host name.
     */
    dependsOn?: pulumi.Resource[];
}

/** The public side of DIALS: backend (gunicorn + nginx sidecar) and frontend, their Services and Routes. */
export class Web extends RunbookComponent {
    public readonly backend: Workload;
    public readonly frontend: Workload;
    public readonly apiUrl: string;
    public readonly frontendUrl: string;

    constructor(name: string, args: WebArgs, opts?: pulumi.ComponentResourceOptions) {
        super("runbooks:dials:Web", name, opts, args.cluster.provider);
        const { cluster, namespace } = args;
        const api = dialsApp("backend", "api");
        const configMap = new PlainConfigMap(
            this.childName("backend-configmap"),
            { namespace, name: BACKEND_CONFIGMAP, app: api, data: args.configMapData },
            this.child(),
        );
        const nginxConf = new PlainConfigMap(
            this.childName("nginx-conf"),
            {
                namespace,
                name: NGINX_CONFIGMAP,
                app: api,
                data: { "nginx.conf": args.nginxConf },
            },
            this.child(),
        );
        const secret = new ConfigSecret(
            this.childName("backend-secret"),
            { namespace, name: BACKEND_SECRET, app: api, data: args.secretData },
            this.child(),
        );
        const route = (host: string): ExposureSpec => ({
            host,
            servicePort: "http",
            tls: { termination: "edge", insecure: "Redirect" },
            annotations: { [ROUTE_TIMEOUT_ANNOTATION]: args.routeTimeout },
        });
        // Never fewer serving pods than asked for during a release.
        const rollingUpdate = { maxSurge: "25%", maxUnavailable: 0 };

        this.backend = new Workload(
            this.childName("backend"),
            {
                cluster,
                namespace,
                app: dialsApp("backend", "api"),
                replicas: args.backendReplicas,
                rollingUpdate,
                automountServiceAccountToken: false,
                // gunicorn reads its env and nginx its site file once, at start: the handles below roll it.
                restartOnChange: { key: args.restartKey },
                volumes: [nginxConf.handle.volume("nginx-conf"), { name: "staticfiles", emptyDir: {} }],
                containers: [
                    {
                        name: "backend",
                        image: args.images.backend,
                        ports: [{ name: "gunicorn", containerPort: GUNICORN_PORT }],
                        envFrom: [configMap.handle.envFrom(), secret.handle.envFrom()],
                        resources: SIZES.backend,
                        readinessProbe: tcpProbe(GUNICORN_PORT),
                        volumeMounts: [{ name: "staticfiles", mountPath: STATIC_DIR }],
                    },
                    {
                        name: "nginx",
                        image: args.images.nginx,
                        ports: [{ name: "http", containerPort: HTTP_PORT }],
                        resources: SIZES.nginx,
                        // Source: /nghealth for both.
                        ...httpServerProbes(httpProbe("/nghealth", HTTP_PORT), { initialDelaySeconds: 10 }),
                        volumeMounts: [
                            { name: "nginx-conf", mountPath: "/etc/nginx/conf.d", readOnly: true },
                            { name: "staticfiles", mountPath: STATIC_DIR, readOnly: true },
                        ],
                    },
                ],
                service: {
                    name: BACKEND_SERVICE,
                    ports: [{ name: "http", port: HTTP_PORT, targetPort: "http" }],
                },
                expose: [route(args.apiHost)],
            },
            this.child({ dependsOn: args.dependsOn }),
        );
        this.frontend = new Workload(
            this.childName("frontend"),
            {
                cluster,
                namespace,
                app: dialsApp("frontend", "frontend"),
                replicas: args.frontendReplicas,
                rollingUpdate,
                automountServiceAccountToken: false,
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
                expose: [route(args.frontendHost)],
            },
            this.child({ dependsOn: args.dependsOn }),
        );
        this.apiUrl = `https://${args.apiHost}`;
        this.frontendUrl = `https://${args.frontendHost}`;
        this.registerOutputs({ apiUrl: this.apiUrl, frontendUrl: this.frontendUrl });
    }
}
