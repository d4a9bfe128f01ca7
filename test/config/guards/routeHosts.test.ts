import { strict as assert } from "assert";
import fc from "fast-check";
import { C, stage, validate } from "../battery";

// Issue 38, finding 8: the router admits one Route or Ingress per host and path; two of one cluster are refused offline.

const PAIRS: [string, (string | number)[], (string | number)[]][] = [
    ["DIALS api and frontend", C("dials", "web", "apiHost"), C("dials", "web", "frontendHost")],
    [
        "Thoth's user and management API",
        C("thoth", "station", "modules", "hosts", "userApi"),
        C("thoth", "station", "modules", "hosts", "managementApi"),
    ],
    [
        "Thoth's user API and Amun API",
        C("thoth", "station", "modules", "hosts", "amunApi"),
        C("thoth", "station", "modules", "hosts", "userApi"),
    ],
];
const key = (path: (string | number)[]) => `${path[1]}.${path.slice(2).join(".")}`;

describe("guards: one Route or Ingress per host and path on a cluster (issue 38, finding 8)", function () {
    this.timeout(60000);

    for (const [name, a, b] of PAIRS) {
        it(`${name} set equal: the second is refused and no fix invents a host`, () => {
            const out = validate(
                stage((d) => {
                    d.setIn(b, d.getIn(a));
                }),
            );
            const mine = out.problems.filter((p) => p.key === key(b) || p.key === key(a));
            assert.equal(mine.length, 1, out.message);
            assert.match(mine[0].message, /one Route or Ingress per host and path/);
            assert.match(mine[0].message, /set it to a host of its own/);
            assert.equal(mine[0].fix, undefined);
        });
    }

    it("Prow's deck and hook: one host with two paths is fine, one host and one path is refused", () => {
        fc.assert(
            fc.property(fc.constantFrom("/", "/staging-hook", "/x"), fc.boolean(), (path, same) => {
                const out = validate(
                    stage((d) => {
                        d.setIn(
                            C("prow", "ingress", "routes", "hook", "host"),
                            d.getIn(C("prow", "ingress", "routes", "deck", "host")),
                        );
                        d.setIn(
                            C("prow", "ingress", "routes", "hook", "path"),
                            same ? "/" : path === "/" ? "/hook" : path,
                        );
                    }),
                );
                const clash = out.problems.filter((p) =>
                    /one Route or Ingress per host and path/.test(p.message),
                );
                assert.equal(clash.length, same ? 1 : 0, out.message);
            }),
            { seed: 38, numRuns: 6 },
        );
    });
});
