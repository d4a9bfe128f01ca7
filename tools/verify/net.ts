import { Resolver } from "node:dns/promises";
import * as https from "node:https";
import { isIP } from "node:net";
import * as tls from "node:tls";

// How verify reaches a host: the name resolved through one resolver (the system's, or `--dns-server` so a test points
// it at a loopback DNS server), then a TLS connection to the address it answered, with the host as SNI and Host
// header. Nothing else is contacted: every address comes from resolving a host of the stack.

export interface NetworkOptions {
    /** `ip` or `ip:port` of the DNS server to ask; the system's resolvers when unset. */
    dnsServer?: string;
    /** The HTTPS port of every host (443; a test's server listens elsewhere). */
    port?: number;
    /** CA certificates to trust instead of node's bundle (a test's own CA). */
    ca?: string[];
    /** Per request, in milliseconds. */
    timeoutMs?: number;
}

export interface Network {
    resolver: Resolver;
    port: number;
    ca?: string[];
    timeoutMs: number;
}

export function network(options: NetworkOptions = {}): Network {
    const timeoutMs = options.timeoutMs ?? 10_000;
    const resolver = new Resolver({ timeout: timeoutMs, tries: 2 });
    if (options.dnsServer) resolver.setServers([options.dnsServer]);
    return { resolver, port: options.port ?? 443, ca: options.ca, timeoutMs };
}

/** The IPv4 addresses of `name` (IPv6 when it has none); an error names what the resolver said. */
export async function resolve(net: Network, name: string): Promise<string[]> {
    if (isIP(name)) return [name];
    try {
        return await net.resolver.resolve4(name);
    } catch (v4) {
        try {
            return await net.resolver.resolve6(name);
        } catch {
            throw new Error(`${name} does not resolve (${(v4 as NodeJS.ErrnoException).code ?? String(v4)})`);
        }
    }
}

export interface HttpAnswer {
    status: number;
    body: string;
}

/**
 * One HTTPS request to `host` at the address it resolves to. The certificate is not judged here (the certificate
 * check does that, so a host that answers with a wrong certificate fails that check, not this one).
 */
export async function request(
    net: Network,
    host: string,
    method: string,
    path: string,
    headers: Record<string, string> = {},
    body?: string,
): Promise<HttpAnswer> {
    const [address] = await resolve(net, host);
    return new Promise((resolved, reject) => {
        const req = https.request(
            {
                host: address,
                port: net.port,
                servername: isIP(host) ? undefined : host,
                method,
                path,
                headers: {
                    host,
                    ...headers,
                    ...(body !== undefined && { "content-length": Buffer.byteLength(body) }),
                },
                rejectUnauthorized: false,
                timeout: net.timeoutMs,
                agent: false,
            },
            (res) => {
                const chunks: Buffer[] = [];
                let size = 0;
                res.on("data", (c: Buffer) => {
                    // A page is read only for a word or two: a megabyte is plenty.
                    if (size < 1 << 20) chunks.push(c);
                    size += c.length;
                });
                res.on("end", () =>
                    resolved({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }),
                );
                res.on("error", reject);
            },
        );
        req.on("timeout", () => req.destroy(new Error(`no answer from ${host} within ${net.timeoutMs} ms`)));
        req.on("error", reject);
        req.end(body);
    });
}

export interface ServedCertificate {
    /** The leaf's SHA-256 fingerprint (`AB:CD:...`). */
    fingerprint256: string;
    serialNumber: string;
    validTo: Date;
    subject: string;
    /** Why the chain is not trusted or not for the host; undefined when it is both. */
    untrusted?: string;
}

/** The certificate `host` serves (with the host as SNI), and whether it is trusted and made out to the host. */
export async function servedCertificate(net: Network, host: string): Promise<ServedCertificate> {
    const [address] = await resolve(net, host);
    return new Promise((resolved, reject) => {
        const socket = tls.connect({
            host: address,
            port: net.port,
            servername: host,
            ca: net.ca,
            rejectUnauthorized: false,
            timeout: net.timeoutMs,
        });
        socket.once("secureConnect", () => {
            const peer = socket.getPeerCertificate();
            socket.end();
            if (!peer || !peer.fingerprint256) return reject(new Error(`${host} served no certificate`));
            const identity = tls.checkServerIdentity(host, peer);
            const untrusted = socket.authorized
                ? identity?.message
                : `not trusted: ${String(socket.authorizationError)}`;
            resolved({
                fingerprint256: peer.fingerprint256,
                serialNumber: peer.serialNumber,
                validTo: new Date(peer.valid_to),
                subject: [peer.subject?.CN ?? ""].flat().join(","),
                ...(untrusted && { untrusted }),
            });
        });
        socket.once("timeout", () =>
            socket.destroy(new Error(`no TLS handshake with ${host} within ${net.timeoutMs} ms`)),
        );
        socket.once("error", reject);
    });
}
