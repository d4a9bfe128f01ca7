import { closeSync, openSync, readSync } from "fs";

/**
 * What the header of a pg_dump custom-format archive (`pg_dump -Fc`) records: pg_dump writes it first
 * (pg_backup_archiver.c, WriteHead), so a truncated or foreign file is told apart from a dump without pg_restore.
 */
export interface DumpHeader {
    /** Archive format version, e.g. `1.14.0` (pg_dump 12–15), `1.15.0` (16). */
    archiveVersion: string;
    /** When pg_dump started, read as UTC: it writes the local time of where it ran, and the server pods run in UTC. */
    made: Date;
    database: string;
    /** `server_version` of the server pg_dump read, e.g. `15.4`: the running server's version at dump time. */
    serverVersion: string;
    dumpVersion: string;
}

const MAGIC = "PGDMP";
/** pg_backup.h `archCustom`: the only format that is one file with this header (tar and directory are not). */
const FORMAT_CUSTOM = 1;
/** Enough for the header: three version strings, each well under 200 bytes. */
const HEADER_BYTES = 4096;

/** The major version in a `server_version` (`15.4`, `9.6.24`, `16beta1`, `15.18 (Debian ...)`). */
export function majorOf(serverVersion: string): number | undefined {
    const m = /^(\d+)(?:\.(\d+))?/.exec(serverVersion.trim());
    if (!m) return undefined;
    const major = Number(m[1]);
    // Before 10 the major version was two numbers (9.6); such a server is older than any version the program runs.
    return major >= 10 ? major : undefined;
}

/** The header of a custom-format archive, or why these bytes are not one. */
export function parseDumpHeader(bytes: Uint8Array): DumpHeader | { problem: string } {
    if (Buffer.from(bytes.subarray(0, MAGIC.length)).toString("latin1") !== MAGIC)
        return { problem: `is not a pg_dump custom-format archive (it does not start with "${MAGIC}")` };
    let pos = MAGIC.length;
    const truncated = { problem: "is truncated: its pg_dump header ends early" };
    const byte = (): number | undefined => (pos < bytes.length ? bytes[pos++] : undefined);
    const [vmaj, vmin, vrev, intSize, offSize, format] = [byte(), byte(), byte(), byte(), byte(), byte()];
    if (format === undefined) return truncated;
    const archiveVersion = `${vmaj}.${vmin}.${vrev}`;
    const version = (vmaj! << 16) | (vmin! << 8) | vrev!;
    if (format !== FORMAT_CUSTOM)
        return { problem: `is a pg_dump archive of format ${format}, not the custom format (pg_dump -Fc)` };
    // The server version is in the header from 1.10 on (pg_dump 8.4); anything older predates every supported server.
    if (version < 0x010a00) return { problem: `is a pg_dump archive of version ${archiveVersion}, too old` };
    if (intSize! < 1 || intSize! > 6 || offSize! < 1)
        return { problem: `has an unreadable pg_dump header (integer size ${intSize})` };
    // ReadInt: a sign byte, then intSize bytes, least significant first.
    const int = (): number | undefined => {
        const sign = byte();
        let value = 0;
        for (let i = 0; i < intSize!; i++) {
            const b = byte();
            if (b === undefined) return undefined;
            value += b * 2 ** (8 * i);
        }
        return sign === undefined ? undefined : sign === 0 ? value : -value;
    };
    const str = (): string | undefined => {
        const length = int();
        if (length === undefined || length < 0 || pos + length > bytes.length) return undefined;
        const text = Buffer.from(bytes.subarray(pos, pos + length)).toString("utf8");
        pos += length;
        return text;
    };
    // 1.15 (pg_dump 16) writes the compression algorithm as a byte; before, the level as an int.
    if ((version >= 0x010f00 ? byte() : int()) === undefined) return truncated;
    const tm = [int(), int(), int(), int(), int(), int(), int()];
    if (tm.some((v) => v === undefined)) return truncated;
    const [sec, min, hour, mday, mon, year] = tm as number[];
    const database = str();
    const serverVersion = str();
    const dumpVersion = str();
    if (database === undefined || serverVersion === undefined || dumpVersion === undefined) return truncated;
    return {
        archiveVersion,
        made: new Date(Date.UTC(1900 + year, mon, mday, hour, min, sec)),
        database,
        serverVersion,
        dumpVersion,
    };
}

/** The header of the archive at `path` (only its first bytes are read), or why it is not a usable dump. */
export function readDumpHeader(path: string): DumpHeader | { problem: string } {
    let fd: number;
    try {
        fd = openSync(path, "r");
    } catch (err) {
        return { problem: `cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})` };
    }
    try {
        const buf = Buffer.alloc(HEADER_BYTES);
        const n = readSync(fd, buf, 0, HEADER_BYTES, 0);
        return parseDumpHeader(buf.subarray(0, n));
    } finally {
        closeSync(fd);
    }
}
