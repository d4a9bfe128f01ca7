import { strict as assert } from "assert";
import fc from "fast-check";
import * as ipaddr from "ipaddr.js";
import { AddressSet, EVERY_UNICAST_IPV4, worldAdmitted } from "../../components/shared/addressRanges";

// The range arithmetic every source-range check uses, against the definitions it stands for: membership of one
// address (ipaddr.js's own `match`), ipaddr.js's `range()` for what is unicast, and the mapped form of IPv4.

const v4 = (n: number) => [24, 16, 8, 0].map((b) => Math.floor(n / 2 ** b) % 256).join(".");
const block = fc
    .tuple(fc.nat({ max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 32 }))
    .map(([n, p]) => `${v4(n)}/${p}`);
const address = fc.nat({ max: 2 ** 32 - 1 }).map(v4);
const one = (a: string) => AddressSet.must(a);
const inBlock = (a: string, b: string) => ipaddr.parse(a).match(ipaddr.parseCIDR(b));

describe("address ranges as sets (components/shared/addressRanges.ts)", () => {
    it("a set of blocks, with blocks taken out, holds exactly the addresses ipaddr.js matches", () => {
        fc.assert(
            fc.property(
                fc.array(block, { minLength: 1, maxLength: 5 }),
                fc.array(block, { maxLength: 3 }),
                fc.array(address, { minLength: 1, maxLength: 10 }),
                (blocks, out, addresses) => {
                    const set = AddressSet.must(...blocks).minus(AddressSet.of(out)!);
                    for (const a of addresses) {
                        const expected = blocks.some((b) => inBlock(a, b)) && !out.some((b) => inBlock(a, b));
                        assert.equal(set.contains(one(a)), expected, `${a} in ${blocks} minus ${out}`);
                        // The mapped spelling is the same address.
                        assert.equal(set.contains(one(`::ffff:${a}`)), expected);
                    }
                },
            ),
            { seed: 52, numRuns: 300 },
        );
    });

    it("containment is set containment: a set contains its pieces and their union, and nothing wider", () => {
        fc.assert(
            fc.property(fc.array(block, { minLength: 1, maxLength: 6 }), (blocks) => {
                const set = AddressSet.must(...blocks);
                for (const b of blocks) assert.ok(set.contains(AddressSet.must(b)));
                assert.ok(set.contains(AddressSet.must(...AddressSet.must(...blocks).toCidrs())));
                assert.ok(AddressSet.must(...set.toCidrs()).contains(set));
                const wider = AddressSet.must(...blocks, "0.0.0.0/0");
                assert.equal(set.contains(wider), set.contains(AddressSet.must("0.0.0.0/0")));
            }),
            { seed: 52, numRuns: 200 },
        );
    });

    it("every unicast IPv4 address is what ipaddr.js's range() calls unicast", () => {
        fc.assert(
            fc.property(address, (a) => {
                assert.equal(
                    EVERY_UNICAST_IPV4.contains(one(a)),
                    ipaddr.IPv4.parse(a).range() === "unicast",
                    a,
                );
            }),
            { seed: 52, numRuns: 2000 },
        );
    });

    it("the world in any spelling, and IPv6 blocks around the mapped range are no IPv4 rule", () => {
        const world = (...pieces: string[]) => worldAdmitted(AddressSet.must(...pieces));
        assert.deepEqual(world("0.0.0.0/0"), ["IPv4"]);
        assert.deepEqual(world("::ffff:0:0/96"), ["IPv4"]);
        assert.deepEqual(world("64:ff9b::/96"), ["IPv4"]);
        assert.deepEqual(world("0.0.0.0/1", "128.0.0.0/2", "192.0.0.0/3"), ["IPv4"]);
        assert.deepEqual(world("2000::/4", "3000::/4"), ["IPv6"]);
        assert.deepEqual(world("::/0"), ["IPv6"]);
        assert.deepEqual(world("::/16"), []);
        assert.deepEqual(world("0.0.0.0/1", "128.0.0.0/2", "192.0.0.0/4"), []);
        assert.equal(AddressSet.of(["10.0.0.0/33"]), undefined);
        assert.equal(AddressSet.of(["10.0.0.9:10.0.0.1"]), undefined);
        assert.deepEqual(AddressSet.must("10.0.0.0:10.0.0.255").toCidrs(), ["10.0.0.0/24"]);
    });
});
