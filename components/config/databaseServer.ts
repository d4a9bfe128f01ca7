// A PostgreSQL server is what a client connects to, never its spelling: `DBOD-Dials.CERN.ch:6600`, `dbod-dials.cern.ch.`
// on the default port and `postgresql://u:p@dbod-dials.cern.ch:6600/db` are compared as `host:port`. A stack names its
// server in a plain key; every URI secret must name that same server, and a non-production stack's must not be a
// production stack's (components/config/passes/databaseServers.ts).

/** The port libpq and every PostgreSQL driver use when a URI names none. */
export const POSTGRES_PORT = 5432;

/** The canonical form of a database server: `host:port`, host as WHATWG parses it (lower case, IPv6 in brackets). */
export type DatabaseServer = string;

const AUTHORITY = /^(\[[^[\]]+\]|[^:[\]]+)(?::([0-9]{1,5}))?$/;

/**
 * The canonical `host:port` of a server written as `host` or `host:port` (port 5432 when absent), or undefined when it
 * names no single server. The host goes through the WHATWG host parser (case, IDNA, the IPv4 and IPv6 forms,
 * percent-escapes), as libpq decodes them too; a trailing root dot names the same DNS name.
 */
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
 * The server a PostgreSQL URI (`postgresql://`, `postgres://`, SQLAlchemy's `postgresql+<driver>://`) connects to, or
 * undefined when it names none or its readers could disagree: no host (a Unix socket), several hosts, a server
 * given in the query instead, or more than one `@` (libpq splits the user part at the first, URL parsers at the
 * last).
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
