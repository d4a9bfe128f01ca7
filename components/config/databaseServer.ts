// A PostgreSQL server is what a client connects to, never its spelling: servers are compared as `host:port`. A stack
// names its server in a plain key; every URI secret must name it (components/config/passes/databaseServers.ts).

/** The port libpq and every PostgreSQL driver use when a URI names none. */
export const POSTGRES_PORT = 5432;

/** The canonical form of a database server: `host:port`, host as WHATWG parses it (lower case, IPv6 in brackets). */
export type DatabaseServer = string;

const AUTHORITY = /^(\[[^[\]]+\]|[^:[\]]+)(?::([0-9]{1,5}))?$/;

/** The canonical `host:port` of a server written as `host` or `host:port` (port 5432), hosts as libpq decodes them. */
export function canonicalDatabaseServer(written: unknown): DatabaseServer | undefined {
    if (typeof written !== "string") return undefined;
    const match = AUTHORITY.exec(written);
    if (!match || /[\s\u0000-\u001f\u007f-\u009f/?#@\\,]/.test(match[1])) return undefined;
    const port = match[2] === undefined ? POSTGRES_PORT : Number(match[2]);
    if (port < 1 || port > 65535) return undefined;
    const url = `https://${match[1]}/`;
    if (!URL.canParse(url)) return undefined;
    const parsed = new URL(url);
    if (parsed.hostname === "" || parsed.port !== "" || parsed.pathname !== "/") return undefined;
    const host = parsed.hostname.replace(/(?<=[^.])\.$/, "");
    return `${host}:${port}`;
}

/** libpq's query parameters that replace the server a URI's authority names. */
const SERVER_PARAMETERS = new Set(["host", "hostaddr", "port", "service"]);

/**
 * The server a PostgreSQL URI connects to, or undefined when it names none or its readers could disagree (no host,
 * several hosts, a server in the query, more than one `@`).
 */
export function uriDatabaseServer(uri: string): DatabaseServer | undefined {
    const match = /^postgres(?:ql)?(?:\+[A-Za-z0-9_]+)?:\/\/([^/?#]*)([/?#].*)?$/is.exec(uri.trim());
    if (!match) return undefined;
    const authority = match[1];
    if ((authority.match(/@/g) ?? []).length > 1) return undefined;
    const query = /\?([^#]*)/.exec(match[2] ?? "")?.[1] ?? "";
    const names = query.split("&").map((p) => decodeOrSelf(p.split("=")[0]));
    if (names.some((n) => SERVER_PARAMETERS.has(n))) return undefined;
    return canonicalDatabaseServer(authority.slice(authority.indexOf("@") + 1));
}

function decodeOrSelf(text: string): string {
    try {
        return decodeURIComponent(text);
    } catch {
        return text;
    }
}
