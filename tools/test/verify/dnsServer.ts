import * as dgram from "node:dgram";

// A DNS server on loopback for the tests: answers A questions for the names it is given (NXDOMAIN for the rest,
// no records for other types), so verify's resolver is pointed at it and never at a real one.

export interface DnsServer {
    address: string;
    close(): Promise<void>;
}

function questionOf(msg: Buffer): { name: string; type: number; end: number } {
    const labels: string[] = [];
    let at = 12;
    while (msg[at] !== 0) {
        labels.push(msg.subarray(at + 1, at + 1 + msg[at]).toString("ascii"));
        at += msg[at] + 1;
    }
    return { name: labels.join(".").toLowerCase(), type: msg.readUInt16BE(at + 1), end: at + 5 };
}

function answer(query: Buffer, records: ReadonlyMap<string, string>): Buffer {
    const q = questionOf(query);
    const ip = records.get(q.name);
    const found = ip !== undefined && q.type === 1;
    const header = Buffer.alloc(12);
    query.copy(header, 0, 0, 2);
    // Response, recursion desired and available; NXDOMAIN for a name it does not know.
    header.writeUInt16BE(ip === undefined ? 0x8183 : 0x8180, 2);
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(found ? 1 : 0, 6);
    const parts = [header, query.subarray(12, q.end)];
    if (found) {
        const rr = Buffer.alloc(16);
        rr.writeUInt16BE(0xc00c, 0); // the name: a pointer to the question's
        rr.writeUInt16BE(1, 2);
        rr.writeUInt16BE(1, 4);
        rr.writeUInt32BE(60, 6);
        rr.writeUInt16BE(4, 10);
        ip.split(".").forEach((b, i) => rr.writeUInt8(Number(b), 12 + i));
        parts.push(rr);
    }
    return Buffer.concat(parts);
}

/** A DNS server on 127.0.0.1 answering `records` (name → IPv4). */
export async function startDnsServer(records: ReadonlyMap<string, string>): Promise<DnsServer> {
    const socket = dgram.createSocket("udp4");
    socket.on("message", (msg, from) => socket.send(answer(msg, records), from.port, from.address));
    await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
    return {
        address: `127.0.0.1:${socket.address().port}`,
        close: () => new Promise((resolve) => socket.close(() => resolve())),
    };
}
