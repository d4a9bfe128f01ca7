import { strict as assert } from "assert";
import fc from "fast-check";
import { platformNamespaceProblem } from "../../../components/config/ownership";
import { C, stage, validate } from "../battery";

// Issue 38, finding 3: namespaces the platform reserves are never granted and never a system's namespace.

const reserved = fc.oneof(
    fc.constantFrom("default", "openshift", "kube-system", "kube-public", "openshift-config"),
    fc
        .tuple(
            fc.constantFrom("kube-", "openshift-"),
            fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?$/),
        )
        .map(([p, s]) => p + s),
);

describe("guards: platform namespaces (issue 38, finding 3)", function () {
    this.timeout(60000);

    it("the rule reads the class, not a list", () => {
        fc.assert(
            fc.property(reserved, (ns) => platformNamespaceProblem(ns) !== undefined),
            { seed: 38 },
        );
        for (const ns of ["kubevirt-prow", "openshifty", "defaults", "aicoe-stage"])
            assert.equal(platformNamespaceProblem(ns), undefined, ns);
    });

    it("a reserved namespace granted and written by stage: refused, and no fix grants or writes it", () => {
        fc.assert(
            fc.property(reserved, (ns) => {
                const out = validate(
                    stage((d) => {
                        d.setIn(C("clusters", "psi", "namespaces", ns), "thoth");
                        d.setIn(C("thoth", "bots", "namespace"), ns);
                    }),
                );
                const keys = out.problems.map((p) => p.key);
                assert.ok(keys.includes(`runbooks:clusters.psi.namespaces.${ns}`), out.message);
                assert.ok(keys.includes("runbooks:thoth.bots.namespace"), out.message);
                for (const p of out.problems) {
                    if (p.fix !== undefined) assert.ok(!p.fix.includes(ns), p.fix);
                }
            }),
            { seed: 38, numRuns: 8 },
        );
    });
});
