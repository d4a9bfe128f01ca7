import * as ipaddr from "ipaddr.js";
import { DefinitionError } from "./errors";
import { memoByString } from "./memo";

// Address ranges as sets of addresses, compared by range arithmetic, never as text: `0.0.0.0/1` and `128.0.0.0/1`
// are `0.0.0.0/0`, `::ffff:10.0.0.0/104` is `10.0.0.0/8`. The one implementation of every question about source
// ranges (who a security group, a NetworkPolicy's ipBlock or an allow list admits). ipaddr.js parses the texts.

/** A closed interval of the 128-bit address space: [first, last]. */
type Interval = readonly [bigint, bigint];

const V6_BITS = 128n;
/**
 * IPv4 lives in one space with IPv6 as its mapped form, ::ffff:a.b.c.d (RFC 4291 §2.5.5.2): a dual-stack socket (Go's
 * net, Dgraph's whitelist, a proxy) sees an IPv4 peer there, so a block written inside ::ffff:0:0/96 admits the IPv4
 * block it maps. A wider IPv6 block (`::/0`, `::/16`) is an IPv6 rule: it admits no IPv4 peer.
 */
const MAPPED = 0xffffn << 32n;
const V4_SIZE = 1n << 32n;
/**
 * NAT64's well-known prefix 64:ff9b::/96 (RFC 6052), where a translator shows IPv4 clients: a block written inside
 * it admits those IPv4 clients too, unless the reader says it does not (`nat64AsIPv4: false`). (The deprecated
 * IPv4-compatible ::a.b.c.d is not: nothing sends from it.)
 */
const NAT64 = 0x64ff9bn << 96n;

function toBig(bytes: readonly number[]): bigint {
    return bytes.reduce((n, b) => (n << 8n) | BigInt(b), 0n);
}

function fromBig(n: bigint, family: 4 | 6): string {
    if (family === 4)
        return ipaddr.fromByteArray([24n, 16n, 8n, 0n].map((s) => Number((n >> s) & 255n))).toString();
    const bytes = Array.from({ length: 16 }, (_, i) => Number((n >> BigInt(8 * (15 - i))) & 255n));
    return ipaddr.fromByteArray(bytes).toString();
}

/** Sorted, disjoint, non-adjacent intervals. */
function normalized(intervals: readonly Interval[]): Interval[] {
    const sorted = [...intervals].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const out: [bigint, bigint][] = [];
    for (const [first, last] of sorted) {
        const prev = out[out.length - 1];
        if (prev && first <= prev[1] + 1n) {
            if (last > prev[1]) prev[1] = last;
        } else {
            out.push([first, last]);
        }
    }
    return out;
}

/** A set of addresses (IPv4 and IPv6 in one space), made of any pieces and compared as the addresses it holds. */
export class AddressSet {
    private constructor(private readonly intervals: readonly Interval[]) {}

    /**
     * The set a list of pieces admits: CIDR blocks (`10.0.0.0/8`, `2001:db8::/32`, host bits ignored as Neutron and
     * Kubernetes mask them), single addresses, and `first:last` IPv4 ranges (Dgraph's `--whitelist`). Undefined
     * when a piece is none of these (its own check says why). With `nat64AsIPv4: false` a block inside NAT64's
     * prefix is an IPv6 block like any other, for a reader that sees the translated packets as IPv6.
     */
    static of(pieces: readonly string[], { nat64AsIPv4 = true } = {}): AddressSet | undefined {
        const intervals: Interval[] = [];
        for (const piece of pieces) {
            const pieceIntervals = (nat64AsIPv4 ? parsedWithNat64 : parsedWithoutNat64)(piece.trim());
            if (pieceIntervals === undefined) return undefined;
            intervals.push(...pieceIntervals);
        }
        return new AddressSet(normalized(intervals));
    }

    /** {@link of} for pieces known to parse (constants): a piece that does not is a programming error. */
    static must(...pieces: string[]): AddressSet {
        const set = AddressSet.of(pieces);
        if (set === undefined) throw new DefinitionError(`not address ranges: ${pieces.join(", ")}`);
        return set;
    }

    /** The addresses of this set that `other` does not hold. */
    minus(other: AddressSet): AddressSet {
        const out: Interval[] = [];
        for (const [first, last] of this.intervals) {
            let start = first;
            for (const [f, l] of other.intervals) {
                if (l < start || f > last) continue;
                if (f > start) out.push([start, f - 1n]);
                start = l + 1n;
                if (start > last) break;
            }
            if (start <= last) out.push([start, last]);
        }
        return new AddressSet(out);
    }

    /** Every address of `other` is in this set. */
    contains(other: AddressSet): boolean {
        return other.minus(this).isEmpty();
    }

    isEmpty(): boolean {
        return this.intervals.length === 0;
    }

    /** The set as the fewest CIDR blocks, IPv4 where it is IPv4 (for messages). */
    toCidrs(): string[] {
        const out: string[] = [];
        for (const [first, last] of this.intervals) {
            let start = first;
            while (start <= last) {
                let size = 0n;
                while (
                    size < V6_BITS &&
                    (start & ((1n << (size + 1n)) - 1n)) === 0n &&
                    start + (1n << (size + 1n)) - 1n <= last
                )
                    size++;
                const v4 = start >= MAPPED && start <= MAPPED + 0xffffffffn && size <= 32n;
                out.push(
                    v4
                        ? `${fromBig(start - MAPPED, 4)}/${32n - size}`
                        : `${fromBig(start, 6)}/${V6_BITS - size}`,
                );
                start += 1n << size;
            }
        }
        return out;
    }
}

// Pure in the piece, and the program's checks read the same few ranges (each system's allowed sources, the stacks'
// peers) for every rule they compare: each piece is parsed once per process (ipaddr.js's parsing, ~1 s of the tests).
const parsedWithNat64 = memoByString((piece) => parsePiece(piece, true));
const parsedWithoutNat64 = memoByString((piece) => parsePiece(piece, false));

function parsePiece(piece: string, nat64AsIPv4: boolean): Interval[] | undefined {
    const range = /^([0-9.]+):([0-9.]+)$/.exec(piece);
    if (range) {
        const ends = [range[1], range[2]].map((e) =>
            ipaddr.IPv4.isValidFourPartDecimal(e)
                ? MAPPED + toBig(ipaddr.IPv4.parse(e).toByteArray())
                : undefined,
        );
        if (ends[0] === undefined || ends[1] === undefined || ends[0] > ends[1]) return undefined;
        return [[ends[0], ends[1]]];
    }
    const [address, prefixText] = piece.split("/");
    if (piece.split("/").length > 2 || address.includes("%")) return undefined;
    const v4 = ipaddr.IPv4.isValidFourPartDecimal(address);
    if (!v4 && !ipaddr.IPv6.isValid(address)) return undefined;
    const bits = v4 ? 32 : 128;
    const prefix =
        prefixText === undefined ? bits : /^[0-9]{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
    if (!(prefix >= 0 && prefix <= bits)) return undefined;
    const value = toBig(ipaddr.parse(address).toByteArray());
    const hostBits = BigInt(bits - prefix);
    const first = (value >> hostBits) << hostBits;
    const last = first + (1n << hostBits) - 1n;
    if (v4) return [[MAPPED + first, MAPPED + last]];
    const inside = (base: bigint) => first >= base && last < base + V4_SIZE;
    if (inside(MAPPED)) return [[first, last]];
    if (nat64AsIPv4 && inside(NAT64))
        return [
            [first, last],
            [MAPPED + (first - NAT64), MAPPED + (last - NAT64)],
        ];
    // An IPv6 block around the mapped one is an IPv6 rule: the IPv4 peers it seems to hold are not its.
    const out: Interval[] = [];
    if (first < MAPPED) out.push([first, last < MAPPED ? last : MAPPED - 1n]);
    if (last >= MAPPED + V4_SIZE) out.push([first > MAPPED + V4_SIZE ? first : MAPPED + V4_SIZE, last]);
    return out;
}

type Range = [ipaddr.IPv4, number];
/** ipaddr.js's table behind `range()` (name → one range or several): what it calls anything but `unicast`. */
const SPECIAL_RANGES = (
    ipaddr.IPv4.prototype as unknown as { SpecialRanges: Record<string, Range | Range[]> }
).SpecialRanges;
const SPECIAL_V4 = Object.values(SPECIAL_RANGES).flatMap((r) =>
    (Array.isArray(r[0]) ? (r as Range[]) : [r as Range]).map(([a, p]) => `${a.toString()}/${p}`),
);
export const EVERY_UNICAST_IPV4 = AddressSet.must("0.0.0.0/0").minus(AddressSet.must(...SPECIAL_V4));
/** Every global unicast IPv6 address (RFC 4291 §2.4: 2000::/3, what is routed on the internet). */
export const EVERY_GLOBAL_IPV6 = AddressSet.must("2000::/3");

/**
 * The families whose whole internet a source set admits (`IPv4`, `IPv6`), however it is written: one block, a union
 * of pieces (overlapping or not), IPv4-mapped or NAT64 IPv6. Empty when it admits neither.
 */
export function worldAdmitted(sources: AddressSet): ("IPv4" | "IPv6")[] {
    return [
        ...(sources.contains(EVERY_UNICAST_IPV4) ? (["IPv4"] as const) : []),
        ...(sources.contains(EVERY_GLOBAL_IPV6) ? (["IPv6"] as const) : []),
    ];
}
