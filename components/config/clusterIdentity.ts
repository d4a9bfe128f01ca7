import * as ipaddr from "ipaddr.js";

// A cluster is its API server. Two stack files may call one cluster by different names and spell its API server in
// different ways (`API.OCP4.example:6443`, `https://api.ocp4.example:6443/`, `api.example` for port 443): ownership
// compares what a client would connect to, never the spelling. One normaliser serves the stack checks, the
// kubeconfig checks and `npm run adopt`, so no two readers can disagree about which cluster a server is.

/** The canonical form of an API server: `host:port`, host lower-case (IPv6 in brackets), port explicit. */
export type ClusterIdentity = string;

/**
 * The canonical `host:port` of an API server written as `host`, `host:port` or an `https://` URL (a path, a trailing
 * slash and case are not part of it; the port defaults to 443, as Kubernetes clients do for https), or undefined
 * when it names no server a client could reach over TLS. A plain `http://` server is not a cluster identity: its
 * credentials and objects would cross the network in clear.
 */
export function canonicalApiServer(written: unknown): ClusterIdentity | undefined {
    if (typeof written !== "string") return undefined;
    const text = written.trim();
    if (text === "" || /[\s\u0000-\u001f\u007f-\u009f]/.test(text)) return undefined;
    const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(text)?.[1];
    if (scheme !== undefined && scheme.toLowerCase() !== "https") return undefined;
    // `https:host` parses in WHATWG URLs but not in kubectl's Go parser: a scheme needs its two slashes.
    if (scheme === undefined && /^[A-Za-z][A-Za-z0-9+.-]*:[^0-9]/.test(text)) return undefined;
    const url = scheme === undefined ? `https://${text}` : text;
    if (!URL.canParse(url)) return undefined;
    const parsed = new URL(url);
    if (parsed.hostname === "" || parsed.username !== "" || parsed.password !== "") return undefined;
    if (parsed.search !== "" || parsed.hash !== "") return undefined;
    // The WHATWG parser drops the default port and lower-cases the host: both are what identity needs.
    return `${parsed.hostname}:${parsed.port === "" ? "443" : parsed.port}`;
}

/** Whether an API server is reached only from this machine (127.0.0.0/8, ::1, localhost): never a shared cluster. */
export function isLoopback(identity: ClusterIdentity): boolean {
    const host = identity.replace(/:\d+$/, "").replace(/^\[|\]$/g, "");
    if (host === "localhost" || host.endsWith(".localhost")) return true;
    return ipaddr.isValid(host) && ipaddr.process(host).range() === "loopback";
}

/**
 * Whether two cluster entries can be proven to be different clusters: both name their API servers and these differ,
 * or one is a loopback server and the other is not proven to be one. Entries that cannot be proven distinct are the
 * same cluster, so a renamed entry without an API server never escapes another stack's grants.
 */
export function provenDistinct(a: unknown, b: unknown): boolean {
    const ia = canonicalApiServer(a);
    const ib = canonicalApiServer(b);
    if (ia !== undefined && ib !== undefined) return ia !== ib;
    const known = ia ?? ib;
    return known !== undefined && isLoopback(known);
}
