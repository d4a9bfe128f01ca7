import { Writable } from "stream";
import {
    ApiException,
    Exec,
    HttpMethod,
    KubeConfig,
    KubernetesObjectApi,
    RequestContext,
    ResponseContext,
} from "@kubernetes/client-node";
import { KubeObject } from "./model";

/**
 * The field manager of the dry run. The provider applies each object under its own `pulumi-kubernetes-<random>`
 * manager, which has never touched a hand-made object; a fresh manager of the same form, forced over the managers
 * of today, answers exactly as the provider's first apply would.
 */
export const FIELD_MANAGER = "pulumi-kubernetes-adopt-report";

/** How a cluster serves a kind: in namespaces, cluster-wide, or not at all. */
export type Scope = "namespaced" | "cluster" | "absent";

/** The API server's answer to a request that failed: its HTTP code and message. */
export class KubeError extends Error {
    constructor(
        readonly code: number,
        message: string,
    ) {
        super(message);
    }
}

function messageOf(body: unknown): string {
    if (typeof body === "object" && body !== null && "message" in body)
        return String((body as { message: unknown }).message);
    return typeof body === "string" ? body : JSON.stringify(body);
}

/**
 * The client library's object API, answering plain JSON: its typed models rename and drop fields, which would
 * show as differences that are not there.
 */
class PlainObjectApi extends KubernetesObjectApi {
    protected override async processResponse(response: ResponseContext): Promise<never> {
        const text = await response.body.text();
        let body: unknown = text;
        try {
            body = JSON.parse(text);
        } catch {
            // not JSON: keep the text as the message
        }
        if (response.httpStatusCode >= 200 && response.httpStatusCode <= 299) return body as never;
        throw new ApiException(response.httpStatusCode, "Unsuccessful HTTP Request", body, response.headers);
    }

    async send(
        spec: KubeObject,
        action: "read" | "patch" | "list",
        method: HttpMethod,
        query: Record<string, string>,
        body?: string,
        contentType = "application/apply-patch+yaml",
    ): Promise<unknown> {
        const path = await this.specUriPath(spec, action);
        const ctx: RequestContext = this.configuration.baseServer.makeRequestContext(path, method);
        ctx.setHeaderParam("Accept", "application/json");
        for (const [k, v] of Object.entries(query)) ctx.setQueryParam(k, v);
        if (body !== undefined) {
            ctx.setHeaderParam("Content-Type", contentType);
            ctx.setBody(body);
        }
        try {
            return await this.requestPromise(ctx);
        } catch (err) {
            if (err instanceof ApiException) throw new KubeError(err.code, messageOf(err.body));
            throw err;
        }
    }

    /** Whether the cluster serves this kind, and its scope (CRDs such as Route exist only on some clusters). */
    async scope(apiVersion: string, kind: string): Promise<Scope> {
        try {
            const resource = await this.resource(apiVersion, kind);
            return resource === undefined ? "absent" : resource.namespaced ? "namespaced" : "cluster";
        } catch (err) {
            if (err instanceof ApiException && err.code === 404) return "absent";
            throw err;
        }
    }
}

/** Whether an error is the API server's 403: the report's user may not read what was asked. */
export function forbidden(err: unknown): boolean {
    return typeof err === "object" && err !== null && (err as { code?: unknown }).code === 403;
}

const HTTP_HINT: Record<number, string> = {
    401: "the API server does not accept the kubeconfig's credentials (expired token?): log in again and update the kubeconfig",
    403: "the kubeconfig's user lacks a permission the report needs (get, list and dry-run patch of the program's objects)",
};

/**
 * One line saying why a request to a cluster failed: the API server's code and message, or the connection's error
 * (refused, unknown host, certificate). Never a stack trace or a response's headers.
 */
export function describeError(err: unknown): string {
    if (err instanceof KubeError || err instanceof ApiException) {
        const code = Number(err.code);
        const message = err instanceof KubeError ? err.message : messageOf(err.body);
        return `${HTTP_HINT[code] ?? "the API server refused"} (HTTP ${code}: ${message})`;
    }
    if (err instanceof Error) {
        const cause = (err as { cause?: { code?: unknown; message?: unknown } }).cause;
        const detail = cause?.code ?? cause?.message;
        const first = err.message.split("\n")[0];
        return detail && !first.includes(String(detail)) ? `${first} (${String(detail)})` : first;
    }
    return String(err).split("\n")[0];
}

/** How long one command in a container may take (./databases reads one small file). */
const EXEC_TIMEOUT_MS = 30_000;

/** What the report needs from a cluster; {@link Cluster} is the real one. */
export interface ClusterApi {
    scope(apiVersion: string, kind: string): Promise<Scope>;
    get(obj: KubeObject): Promise<KubeObject | undefined>;
    applyDryRun(obj: KubeObject): Promise<KubeObject>;
    list(apiVersion: string, kind: string, namespace: string): Promise<KubeObject[]>;
    /** Runs a command in a container (./databases reads one file with it); absent = cannot. */
    exec?(namespace: string, pod: string, container: string, command: string[]): Promise<string>;
}

/**
 * Read-only access to one cluster: reads, lists, server-side-apply dry runs and a command in a container that only
 * reads (./databases: `cat` of one file), nothing that writes.
 */
export class Cluster {
    private readonly api: PlainObjectApi;

    /** `kubeconfig` is checked and set to the cluster's context (see ./kubeconfig). */
    constructor(private readonly kubeconfig: KubeConfig) {
        this.api = kubeconfig.makeApiClient(PlainObjectApi);
    }

    /** Standard output of `command` (no shell, stdin or tty) in a container; rejects on a non-zero exit. */
    exec(namespace: string, pod: string, container: string, command: string[]): Promise<string> {
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        const sink = (into: Buffer[]) =>
            new Writable({
                write(chunk: Buffer, _enc, done) {
                    into.push(Buffer.from(chunk));
                    done();
                },
            });
        return new Promise((resolve, reject) => {
            const timer = setTimeout(
                () => reject(new Error(`no answer in ${EXEC_TIMEOUT_MS / 1000} s`)),
                EXEC_TIMEOUT_MS,
            );
            new Exec(this.kubeconfig)
                .exec(namespace, pod, container, command, sink(out), sink(err), null, false, (status) => {
                    clearTimeout(timer);
                    if (status.status === "Success") resolve(Buffer.concat(out).toString("utf8"));
                    else
                        reject(
                            new Error(
                                Buffer.concat(err).toString("utf8").trim() || status.message || "failed",
                            ),
                        );
                })
                .catch((e: unknown) => {
                    clearTimeout(timer);
                    reject(new Error(describeError(e)));
                });
        });
    }

    scope(apiVersion: string, kind: string): Promise<Scope> {
        return this.api.scope(apiVersion, kind);
    }

    /** The live object, or undefined when it does not exist. */
    async get(obj: KubeObject): Promise<KubeObject | undefined> {
        const ref = { apiVersion: obj.apiVersion, kind: obj.kind, metadata: { ...obj.metadata } };
        try {
            return (await this.api.send(ref, "read", HttpMethod.GET, {})) as KubeObject;
        } catch (err) {
            if (err instanceof KubeError && err.code === 404) return undefined;
            throw err;
        }
    }

    /** Server-side apply with `dryRun=All` and force, as the provider's first apply over the live object. */
    async applyDryRun(obj: KubeObject): Promise<KubeObject> {
        const query = { dryRun: "All", fieldManager: FIELD_MANAGER, force: "true" };
        return (await this.api.send(
            structuredClone(obj),
            "patch",
            HttpMethod.PATCH,
            query,
            JSON.stringify(obj),
        )) as KubeObject;
    }

    /** A JSON patch (RFC 6902) with `dryRun=All`: the API server's answer to it, nothing written. */
    async jsonPatchDryRun(obj: KubeObject, ops: readonly object[]): Promise<void> {
        await this.api.send(
            structuredClone(obj),
            "patch",
            HttpMethod.PATCH,
            { dryRun: "All" },
            JSON.stringify(ops),
            "application/json-patch+json",
        );
    }

    /** Every object of a kind in a namespace, each with its apiVersion and kind (list items carry neither). */
    async list(apiVersion: string, kind: string, namespace: string): Promise<KubeObject[]> {
        const ref = { apiVersion, kind, metadata: { name: "", namespace } };
        const items: KubeObject[] = [];
        let token: string | undefined;
        do {
            const query: Record<string, string> = { limit: "500", ...(token ? { continue: token } : {}) };
            const page = (await this.api.send(ref, "list", HttpMethod.GET, query)) as {
                items: KubeObject[];
                metadata?: { continue?: string };
            };
            items.push(...page.items.map((i) => ({ ...i, apiVersion, kind })));
            token = page.metadata?.continue || undefined;
        } while (token);
        return items;
    }
}
