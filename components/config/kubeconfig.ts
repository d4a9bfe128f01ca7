import { parse } from "yaml";

// One reading of a kubeconfig's structure for every check of one: the stack's secret before a run (below) and the
// adoption report's loader (tools/adopt/kubeconfig.ts). Only the shape is read: nothing of a value is ever returned
// for a message.

/** The parts of a kubeconfig the checks read; undefined for a document that is not a YAML mapping. */
export interface KubeconfigShape {
    clusters: unknown[];
    contexts: unknown[];
    currentContext?: unknown;
}

/** The lists of a kubeconfig document (missing or malformed lists are empty). */
export function kubeconfigShape(doc: unknown): KubeconfigShape | undefined {
    if (!isMapping(doc)) return undefined;
    return {
        clusters: Array.isArray(doc.clusters) ? doc.clusters : [],
        contexts: Array.isArray(doc.contexts) ? doc.contexts : [],
        currentContext: doc["current-context"],
    };
}

export function isMapping(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The entry of a kubeconfig list (`clusters`, `contexts`, `users`) with this name. */
export function namedEntry(list: readonly unknown[], name: string): Record<string, unknown> | undefined {
    return list.find((e): e is Record<string, unknown> => isMapping(e) && e.name === name);
}

/** The `server` of a `clusters` entry, as written. */
export function serverOf(entry: unknown): unknown {
    return isMapping(entry) && isMapping(entry.cluster) ? entry.cluster.server : undefined;
}

/**
 * Whether a `server` value is an API server address a client can connect to: an http(s) URL that parses. The one
 * rule of both checks, so a stack check never passes a kubeconfig the adoption report then refuses.
 */
export function isServerUrl(server: unknown): server is string {
    if (typeof server !== "string" || !URL.canParse(server)) return false;
    const url = new URL(server);
    // `https:host` parses in WHATWG URLs but not in kubectl's Go parser: the two slashes are required.
    return (
        (url.protocol === "https:" || url.protocol === "http:") &&
        server.toLowerCase().startsWith(`${url.protocol}//`) &&
        url.hostname !== ""
    );
}

/**
 * Why a kubeconfig secret's text is not a usable kubeconfig, or undefined when it is one: YAML (JSON is YAML) with at
 * least one cluster that names its API server, and the context the stack names when it names one.
 */
export function kubeconfigProblem(value: unknown, context?: string): string | undefined {
    let doc: unknown = value;
    if (typeof value === "string") {
        try {
            doc = parse(value);
        } catch {
            return "is not YAML, so it is not a kubeconfig";
        }
    }
    const config = kubeconfigShape(doc);
    if (!config) {
        return "is not a kubeconfig: its content is not a YAML mapping (apiVersion: v1, kind: Config, clusters, users, contexts)";
    }
    if (config.clusters.length === 0) return "is not a kubeconfig: it has no clusters: entry";
    const servers = config.clusters.filter((c) => isServerUrl(serverOf(c)));
    if (servers.length === 0)
        return "is not a kubeconfig: no entry under clusters: names a server: https://...";
    if (context !== undefined && !namedEntry(config.contexts, context)) {
        return `has no context "${context}" (the one the stack's cluster entry names)`;
    }
    return undefined;
}
