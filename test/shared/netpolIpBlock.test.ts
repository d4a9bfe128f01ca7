import { strict as assert } from "assert";
import fc from "fast-check";
import * as ipaddr from "ipaddr.js";
import { Cluster, PolicyPeer, ingressAllowed } from "../../components/shared/netpolEvaluate";

// ipBlock peers as Kubernetes reads them, IPv4 and IPv6: an address is admitted when its block holds it and no except
// does; an IPv4 peer is never in an IPv6 block (NAT64's included) nor an IPv6 peer in an IPv4 block, and the
// IPv4-mapped form ::ffff:a.b.c.d of a block or an address is the IPv4 one (as Go's net package, which the API
// server parses with, reads it).

const TARGET = { namespace: "db", labels: { app: "db" } };

/** A cluster whose one policy admits ingress to the target from `peer` only. */
function admittedBy(peer: PolicyPeer, address: string): boolean {
    const cluster: Cluster = {
        namespaces: { db: {} },
        policies: [
            {
                metadata: { name: "p", namespace: "db" },
                spec: { podSelector: {}, ingress: [{ from: [peer] }] },
            },
        ],
    };
    return ingressAllowed(cluster, { ip: address }, TARGET, 5432);
}

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** An address as the API server's parser reads it: an IPv4-mapped IPv6 address is its IPv4 address. */
function unmapped(address: Address): Address {
    return address instanceof ipaddr.IPv6 && address.isIPv4MappedAddress()
        ? address.toIPv4Address()
        : address;
}

/** Go's IPNet.Contains over ipaddr.js: one family, the mapped form of a block (prefix ≥ 96) being its IPv4 block. */
function reference(cidrs: { cidr: string; except?: string[] }, text: string): boolean {
    const address = unmapped(ipaddr.parse(text));
    const holds = (cidr: string) => {
        const [base, bits] = ipaddr.parseCIDR(cidr);
        const mapped = base instanceof ipaddr.IPv6 && base.isIPv4MappedAddress() && bits >= 96;
        const [network, prefix] = mapped ? [(base as ipaddr.IPv6).toIPv4Address(), bits - 96] : [base, bits];
        return address.kind() === network.kind() && address.match(network, prefix);
    };
    return holds(cidrs.cidr) && !(cidrs.except ?? []).some(holds);
}

describe("NetworkPolicy evaluator: ipBlock peers, IPv4 and IPv6", () => {
    it("an IPv6 block admits its addresses but not its excepts' nor another family's", () => {
        const peer = { ipBlock: { cidr: "2001:db8::/32", except: ["2001:db8:1::/48", "2001:db8:2::5/128"] } };
        const cases: [string, boolean][] = [
            ["2001:db8::1", true],
            ["2001:db8:2::4", true],
            ["2001:db8:1::1", false],
            ["2001:db8:2::5", false],
            ["2001:db9::1", false],
            ["10.0.0.1", false],
            ["::ffff:10.0.0.1", false],
        ];
        for (const [address, admitted] of cases) assert.equal(admittedBy(peer, address), admitted, address);
    });

    it("NAT64's prefix is an IPv6 block: it admits the translated IPv6 peer, never the IPv4 client", () => {
        const peer = { ipBlock: { cidr: "64:ff9b::/96" } };
        assert.equal(admittedBy(peer, "64:ff9b::a00:1"), true);
        assert.equal(admittedBy(peer, "10.0.0.1"), false);
    });

    it("an IPv4-mapped block or address is the IPv4 one; a wider IPv6 block holds no IPv4 peer", () => {
        assert.equal(admittedBy({ ipBlock: { cidr: "::ffff:10.0.0.0/104" } }, "10.1.2.3"), true);
        assert.equal(admittedBy({ ipBlock: { cidr: "10.0.0.0/8" } }, "::ffff:10.1.2.3"), true);
        assert.equal(
            admittedBy({ ipBlock: { cidr: "10.0.0.0/8", except: ["::ffff:10.1.0.0/112"] } }, "10.1.2.3"),
            false,
        );
        assert.equal(admittedBy({ ipBlock: { cidr: "::/0" } }, "10.1.2.3"), false);
        assert.equal(admittedBy({ ipBlock: { cidr: "0.0.0.0/0" } }, "2001:db8::1"), false);
    });

    it("an ipBlock the API server would refuse stops the evaluation instead of admitting more", () => {
        assert.throws(() =>
            admittedBy({ ipBlock: { cidr: "10.0.0.0/8", except: ["10.1.0.0/33"] } }, "10.2.0.1"),
        );
    });

    // Addresses near one another, so blocks of every size both hold and miss them: an IPv4 part 10.x.y.z and the
    // IPv6 forms around it (mapped, NAT64, documentation, and IPv4-compatible ::a.b.c.d, whose short blocks hold the
    // mapped space).
    const octet = fc.constantFrom(0, 1, 2, 255);
    const v4 = fc.tuple(octet, octet, octet).map(([b, c, d]) => [10, b, c, d]);
    const v6 = (prefix: number[]) => v4.map((tail) => [...prefix, ...tail]);
    const bytes = fc.oneof(
        v4,
        v6([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff]),
        v6([0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0]),
        v6([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0]),
        v6([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
    );
    const address = bytes.map((b) => ipaddr.fromByteArray(b).toString());
    const block = bytes.chain((b) =>
        fc
            .oneof(
                fc.integer({ min: 0, max: 8 * b.length }),
                fc.integer({ min: 8 * b.length - 40, max: 8 * b.length }),
            )
            .map((prefix) => `${ipaddr.fromByteArray(b).toString()}/${Math.max(prefix, 0)}`),
    );
    const ipBlock = fc.record({ cidr: block, except: fc.array(block, { maxLength: 2 }) });

    it("generated: every block, except and address of either family is judged as Go's parser and ipaddr.js judge it", () => {
        let admitted = 0;
        fc.assert(
            fc.property(ipBlock, address, (cidrs, peer) => {
                const expected = reference(cidrs, peer);
                assert.equal(admittedBy({ ipBlock: cidrs }, peer), expected);
                if (expected) admitted++;
            }),
            { numRuns: 2000 },
        );
        // Both outcomes are drawn often enough to mean something.
        assert.ok(admitted > 150 && admitted < 1850, `${admitted} of 2000 admitted`);
    });
});
