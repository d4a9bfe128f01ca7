import { strict as assert } from "assert";
import fc from "fast-check";
import { widerSourcesProblem } from "../../components/config/sourceRanges";

// A production source list against its runbook's ranges: refused when any piece admits more, naming the runbook's
// value where the program knows it, asking for it where it does not; no command sets a value.

const RUNBOOK = { ranges: ["172.54.0.0:172.54.255.255"], source: "the runbook", separator: "," };
const v4 = (n: number) => [24, 16, 8, 0].map((b) => Math.floor(n / 2 ** b) % 256).join(".");
const BASE = 172 * 2 ** 24 + 54 * 2 ** 16;

describe("production source lists held to their runbook's (components/config/sourceRanges.ts)", () => {
    it("a list inside the runbook's ranges, in any pieces and spellings, is no problem", () => {
        fc.assert(
            fc.property(
                fc.array(fc.tuple(fc.nat({ max: 65535 }), fc.nat({ max: 65535 })), { minLength: 1 }),
                (pairs) => {
                    const pieces = pairs.map(
                        ([a, b]) => `${v4(BASE + Math.min(a, b))}:${v4(BASE + Math.max(a, b))}`,
                    );
                    assert.equal(widerSourcesProblem("x.ranges", pieces, RUNBOOK), undefined);
                    assert.equal(
                        widerSourcesProblem(
                            "x.ranges",
                            pieces.map((p) => `::ffff:${p.split(":")[0]}/128`),
                            RUNBOOK,
                        ),
                        undefined,
                    );
                },
            ),
            { seed: 52, numRuns: 50 },
        );
    });

    it("one address beyond them is refused and named, with the runbook's value", () => {
        fc.assert(
            fc.property(fc.nat({ max: 2 ** 32 - 1 }), (n) => {
                fc.pre(n < BASE || n >= BASE + 65536);
                const p = widerSourcesProblem("x.ranges", ["172.54.0.0:172.54.255.255", v4(n)], RUNBOOK)!;
                assert.equal(p.key, "runbooks:x.ranges");
                assert.match(
                    p.message,
                    new RegExp(
                        `admits ${v4(n).replace(/\./g, "\\.")}/32 beyond what the runbook admits \\(172\\.54\\.0\\.0:172\\.54\\.255\\.255\\)`,
                    ),
                );
                assert.equal(p.fix, undefined);
            }),
            { seed: 52, numRuns: 50 },
        );
    });

    it("without the runbook's value, only the whole internet is refused, and the value is asked for", () => {
        const unknown = { source: "the runbook", separator: "," };
        assert.equal(widerSourcesProblem("x.ranges", ["0.0.0.0:223.255.255.254"], unknown), undefined);
        const p = widerSourcesProblem(
            "x.ranges",
            ["0.0.0.0:127.255.255.255", "100.0.0.0:223.255.255.255"],
            unknown,
        )!;
        assert.match(p.message, /every unicast IPv4 address/);
        assert.match(p.message, /set it to the address ranges the runbook admits/);
        assert.equal(p.fix, undefined);
    });
});
