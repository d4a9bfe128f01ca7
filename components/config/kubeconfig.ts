import { parse } from "yaml";

/**
 * Why a kubeconfig secret's text is not a usable kubeconfig, or undefined when it is one: YAML (JSON is YAML) with at
 * least one cluster that names its API server, and the context the stack names when it names one. Only the shape is
 * read: nothing of the value is ever put into a message.
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
    if (typeof doc !== "object" || doc === null || Array.isArray(doc)) {
        return "is not a kubeconfig: its content is not a YAML mapping (apiVersion: v1, kind: Config, clusters, users, contexts)";
    }
    const config = doc as { clusters?: unknown; contexts?: unknown };
    const clusters = Array.isArray(config.clusters) ? (config.clusters as unknown[]) : [];
    if (clusters.length === 0) return "is not a kubeconfig: it has no clusters: entry";
    const servers = clusters.filter((c) => {
        const server = (c as { cluster?: { server?: unknown } } | null)?.cluster?.server;
        return typeof server === "string" && /^https?:\/\/./.test(server);
    });
    if (servers.length === 0)
        return "is not a kubeconfig: no entry under clusters: names a server: https://...";
    if (context !== undefined) {
        const contexts = Array.isArray(config.contexts) ? (config.contexts as unknown[]) : [];
        if (!contexts.some((c) => (c as { name?: unknown } | null)?.name === context)) {
            return `has no context "${context}" (the one the stack's cluster entry names)`;
        }
    }
    return undefined;
}
