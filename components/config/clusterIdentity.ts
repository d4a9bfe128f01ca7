import * as ipaddr from "ipaddr.js";
import { memoByString } from "../shared/memo";
import { asRecord } from "./issues";

// A cluster is what its credential reaches, never what a stack file calls it: offline, the kubeconfig's canonical API
// server and trusted CAs; on the engine, the live kube-system uid against the pin. One normaliser serves every reader.

/** The canonical form of an API server: `host:port`, host lower-case (IPv6 in brackets), port explicit. */
export type CanonicalServer = string;

/** Every spelling of this machine's own addresses reads as this one host: they all reach the same listeners. */
export const LOOPBACK_HOST = "localhost";

/**
 * The canonical `host:port` of an API server written as `host`, `host:port` or an `https://` URL (port 443 by
 * default, numeric hosts as a resolver reads them, every loopback one host), or undefined when it names no TLS server.
 */
export function canonicalApiServer(written: unknown): CanonicalServer | undefined {
    return typeof written === "string" ? canonicalServerOf(written) : undefined;
}

// Each spelling is read once per process: every fix's proof reads every server again.
const canonicalServerOf = memoByString(readServer);

function readServer(written: string): CanonicalServer | undefined {
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
    const host = canonicalHost(parsed.hostname);
    if (host === undefined) return undefined;
    // The WHATWG parser drops the default port, lower-cases the host and reads IPv4's numeric forms.
    return `${host}:${parsed.port === "" ? "443" : parsed.port}`;
}

/** A WHATWG hostname as one spelling per address: no trailing dot, IPv4-mapped IPv6 as IPv4, loopback as one. */
function canonicalHost(hostname: string): string | undefined {
    const bare = hostname.replace(/^\[|\]$/g, "");
    if (ipaddr.isValid(bare)) {
        let address = ipaddr.parse(bare);
        if (address.kind() === "ipv6" && (address as ipaddr.IPv6).isIPv4MappedAddress()) {
            address = (address as ipaddr.IPv6).toIPv4Address();
        }
        if (address.range() === "loopback") return LOOPBACK_HOST;
        return address.kind() === "ipv6" ? `[${address.toString()}]` : address.toString();
    }
    const name = hostname.endsWith(".") ? hostname.slice(0, -1) : hostname;
    if (name === "" || name.endsWith(".")) return undefined;
    if (name === "localhost" || name.endsWith(".localhost")) return LOOPBACK_HOST;
    return name;
}

/** What is known of which cluster an entry is (server, CAs, kube-system uid); an entry saying less matches more. */
export interface ClusterMarks {
    server?: CanonicalServer;
    ca?: string;
    /** Every CA the credential trusts (its `certificate-authority-data` bundle): a client trusts each one. */
    cas?: readonly string[];
    uid?: string;
}

/** The CAs an entry's marks name, pinned or trusted. */
function caSet(m: ClusterMarks): Set<string> {
    return new Set([...(m.ca !== undefined ? [m.ca] : []), ...(m.cas ?? [])]);
}

/** Whether two entries are shown to be one cluster: one mark they both have is equal (CAs compared as sets). */
export function provenSame(a: ClusterMarks, b: ClusterMarks): boolean {
    if ((["server", "uid"] as const).some((m) => a[m] !== undefined && a[m] === b[m])) return true;
    const theirs = caSet(b);
    return [...caSet(a)].some((ca) => theirs.has(ca));
}

/** Whether two entries are proven different clusters; those that are not count as one (no escape by renaming). */
export function provenDistinct(a: ClusterMarks, b: ClusterMarks): boolean {
    if (provenSame(a, b)) return false;
    if ((["server", "uid"] as const).some((m) => a[m] !== undefined && b[m] !== undefined)) return true;
    return caSet(a).size > 0 && caSet(b).size > 0;
}

/** The marks a stack file alone gives an entry: its `apiServer` (canonical) and its pinned identity. */
export function writtenMarks(entry: { apiServer?: unknown; identity?: unknown } | undefined): ClusterMarks {
    const pin = asRecord(entry?.identity);
    return {
        server: canonicalApiServer(entry?.apiServer),
        ca: typeof pin.ca === "string" ? canonicalFingerprint(pin.ca) : undefined,
        uid: typeof pin.uid === "string" ? pin.uid.toLowerCase() : undefined,
    };
}

/** A SHA-256 fingerprint as lower-case hex without separators (`openssl x509 -fingerprint` prints `AB:CD:...`). */
export function canonicalFingerprint(written: string): string {
    return written.replace(/:/g, "").toLowerCase();
}
