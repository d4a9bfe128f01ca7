import * as http from "http";
import * as https from "https";
import { serviceSelects } from "../components/shared/labelSelector";
import { K8sObject } from "./render";
import { listenOnLoopback } from "./startCheck";

// The cluster's ingress controller on loopback, for verify over the local stack: an HTTPS server on port 443 of a
// 127/8 address that routes each request as the stack's rendered Ingresses say (host, path type, ingress-nginx's
// use-regex and rewrite-target) to the Service's port, and from there to the container port of the workload the
// Service selects, on 127.0.0.1, where the start check runs that workload's real binary. It serves the certificate it
// is given, so a test can swap it. A backend that does not answer gets 503, as ingress-nginx gives.

interface Path {
    host: string;
    /** The Ingress's path, as written. */
    path: string;
    pathType: string;
    regex: boolean;
    rewrite?: string;
    namespace: string;
    service: string;
    port: string | number;
    ingress: string;
}

interface Spec {
    rules?: {
        host?: string;
        http?: {
            paths?: {
                path?: string;
                pathType?: string;
                backend?: { service?: { name: string; port: { name?: string; number?: number } } };
            }[];
        };
    }[];
    selector?: Record<string, string>;
    ports?: { name?: string; port: number; targetPort?: number | string }[];
    template?: {
        metadata?: { labels?: Record<string, string> };
        spec?: { containers?: { ports?: { name?: string; containerPort: number }[] }[] };
    };
}

const specOf = (o: K8sObject) => (o.spec ?? {}) as Spec;
const ANNOTATION = "nginx.ingress.kubernetes.io/";

/** The Ingresses' paths, one entry per rule and path. */
function pathsOf(objects: readonly K8sObject[]): Path[] {
    const out: Path[] = [];
    for (const o of objects.filter((x) => x.kind === "Ingress")) {
        const annotations = (o.metadata.annotations ?? {}) as Record<string, string>;
        const rewrite = annotations[`${ANNOTATION}rewrite-target`];
        for (const rule of specOf(o).rules ?? [])
            for (const p of rule.http?.paths ?? []) {
                const service = p.backend?.service;
                if (!rule.host || !service) continue;
                out.push({
                    host: rule.host,
                    path: p.path ?? "/",
                    pathType: p.pathType ?? "ImplementationSpecific",
                    // ingress-nginx reads every path of a host as a regular expression once one asks for it.
                    regex: annotations[`${ANNOTATION}use-regex`] === "true" || rewrite !== undefined,
                    ...(rewrite !== undefined && { rewrite }),
                    namespace: o.metadata.namespace ?? "default",
                    service: service.name,
                    port: service.port.name ?? service.port.number ?? 0,
                    ingress: `${o.metadata.namespace}/${o.metadata.name}`,
                });
            }
    }
    return out;
}

/** What a path matches of `url` (the whole match, then rewrite-target's captures), or undefined. */
function match(p: Path, url: string): string[] | undefined {
    if (p.regex) {
        const m = new RegExp(`^${p.path}`, "i").exec(url);
        return m ? Array.from(m, (x) => x ?? "") : undefined;
    }
    const prefix = p.path.replace(/\/?$/, "/");
    const ok =
        p.pathType === "Exact"
            ? url === p.path
            : p.path === "/" || url === p.path.replace(/\/$/, "") || url.startsWith(prefix);
    return ok ? [url] : undefined;
}

export interface Backend {
    /** `namespace/name` of the workload whose pods the Service selects. */
    workload: string;
    port: number;
    /** The path the backend is asked for (after rewrite-target). */
    path: string;
    ingress: string;
}

/**
 * The ingress controller's routing of `objects`: where a request for a host and a URL goes, by the longest path of
 * the host's rules that matches, then the Service's port and the container port of the workload its selector picks.
 */
export function ingressRouter(
    objects: readonly K8sObject[],
): (host: string, url: string) => Backend | undefined {
    const paths = pathsOf(objects).sort((a, b) => b.path.length - a.path.length);
    const targetOf = (p: Path): Omit<Backend, "path" | "ingress"> | undefined => {
        const inNamespace = objects.filter((o) => (o.metadata.namespace ?? "default") === p.namespace);
        const service = specOf(
            inNamespace.find((o) => o.kind === "Service" && o.metadata.name === p.service) ??
                ({} as K8sObject),
        );
        const port = service.ports?.find((x) =>
            typeof p.port === "number" ? x.port === p.port : x.name === p.port,
        );
        const workload = inNamespace.find(
            (o) =>
                ["Deployment", "StatefulSet"].includes(o.kind) &&
                serviceSelects(service.selector, specOf(o).template?.metadata?.labels ?? {}),
        );
        if (!port || !workload) return undefined;
        const target = port.targetPort ?? port.port;
        const containerPort =
            typeof target === "number"
                ? target
                : (specOf(workload)
                      .template?.spec?.containers?.flatMap((c) => c.ports ?? [])
                      .find((x) => x.name === target)?.containerPort ?? 0);
        return { workload: `${p.namespace}/${workload.metadata.name}`, port: containerPort };
    };
    return (host, url) => {
        const [pathname, query] = url.split(/\?(.*)/s);
        for (const p of paths.filter((x) => x.host === host.toLowerCase())) {
            const m = match(p, pathname);
            if (!m) continue;
            const target = targetOf(p);
            if (!target) return undefined;
            const rewritten =
                p.rewrite === undefined
                    ? pathname
                    : p.rewrite.replace(/\$(\d)/g, (_, n: string) => m[Number(n)] ?? "");
            return { ...target, path: rewritten + (query ? `?${query}` : ""), ingress: p.ingress };
        }
        return undefined;
    };
}

export class IngressFront {
    private readonly server: https.Server;
    /** The loopback address it listens on (port 443). */
    address = "";
    /** `host path → workload` of every request, in order. */
    readonly requests: string[] = [];
    /** Where a request for `host` and `url` goes ({@link ingressRouter}). */
    readonly backendOf: (host: string, url: string) => Backend | undefined;

    private constructor(objects: readonly K8sObject[], tls: { cert: string; key: string }) {
        this.backendOf = ingressRouter(objects);
        this.server = https.createServer(tls, (req, res) => this.forward(req, res));
    }

    static async start(
        objects: readonly K8sObject[],
        tls: { cert: string; key: string },
    ): Promise<IngressFront> {
        const front = new IngressFront(objects, tls);
        front.address = await listenOnLoopback(front.server, 443);
        return front;
    }

    private forward(req: http.IncomingMessage, res: http.ServerResponse): void {
        const host = (req.headers.host ?? "").replace(/:\d+$/, "");
        const backend = this.backendOf(host, req.url ?? "/");
        this.requests.push(`${host} ${req.url} → ${backend?.workload ?? "no backend"}`);
        if (!backend) {
            res.statusCode = 404;
            res.end("default backend - 404\n");
            return;
        }
        const upstream = http.request(
            {
                host: "127.0.0.1",
                port: backend.port,
                method: req.method,
                path: backend.path,
                headers: { ...req.headers, "x-forwarded-proto": "https", "x-forwarded-host": host },
            },
            (answer) => {
                res.writeHead(answer.statusCode ?? 502, answer.headers);
                answer.pipe(res);
            },
        );
        upstream.on("error", () => {
            if (res.headersSent) {
                res.destroy();
                return;
            }
            res.statusCode = 503;
            res.end("503 Service Temporarily Unavailable\n");
        });
        req.pipe(upstream);
    }

    /** Serves another certificate from now on (a control). */
    serve(tls: { cert: string; key: string }): void {
        this.server.setSecureContext(tls);
    }

    stop(): Promise<void> {
        return new Promise((resolve) => this.server.close(() => resolve()));
    }
}
