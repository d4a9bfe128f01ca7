import { strict as assert } from "assert";
import fc from "fast-check";
import { selects as adoptSelects } from "../../tools/adopt/selectors";
import { selects as networkPolicySelects } from "../../tools/netpol/evaluate";
import { selectorMatches, serviceSelects } from "../../policy/rules/selectors";
import { labelSelectorMatches, mapSelectorMatches } from "../../components/shared/labelSelector";

// One label-selector rule (metav1.LabelSelector as the API server reads it) for the policy pack, the NetworkPolicy
// evaluator and the adoption report. Its keys are generated with the names every JavaScript object inherits
// (`toString`, `constructor`, `__proto__`, ...): a label an object does not carry is absent, whatever its prototype
// holds; the policy pack's own copy took `toString` for a present label.

const INHERITED = ["toString", "constructor", "__proto__", "hasOwnProperty", "valueOf", "isPrototypeOf"];
const key = fc.constantFrom("app", "tier", ...INHERITED);
const value = fc.constantFrom("a", "b", "");
const labels = fc
    .array(fc.tuple(key, value), { maxLength: 4 })
    .map((pairs) => Object.fromEntries(pairs) as Record<string, string>);
const requirement = fc.oneof(
    fc.record({ key, operator: fc.constantFrom("In" as const, "NotIn" as const), values: fc.array(value) }),
    fc.record({ key, operator: fc.constantFrom("Exists" as const, "DoesNotExist" as const) }),
);
const selector = fc.record(
    {
        matchLabels: fc
            .array(fc.tuple(key, value), { maxLength: 3 })
            .map((pairs) => Object.fromEntries(pairs) as Record<string, string>),
        matchExpressions: fc.array(requirement, { maxLength: 3 }),
    },
    { requiredKeys: [] },
);

/** The rule from its definition, on the object's own labels as a Map: nothing inherited can stand in for one. */
function model(
    sel: { matchLabels?: Record<string, string>; matchExpressions?: unknown[] },
    own: Record<string, string>,
): boolean {
    const map = new Map(Object.entries(own));
    const pairs = Object.entries(sel.matchLabels ?? {}).every(([k, v]) => map.get(k) === v);
    const requirements = (sel.matchExpressions ?? []).every((r) => {
        const { key: k, operator, values = [] } = r as { key: string; operator: string; values?: string[] };
        switch (operator) {
            case "In":
                return map.has(k) && values.includes(map.get(k)!);
            case "NotIn":
                return !map.has(k) || !values.includes(map.get(k)!);
            case "Exists":
                return map.has(k);
            default:
                return !map.has(k);
        }
    });
    return pairs && requirements;
}

describe("label selectors: one rule for the policy pack, the NetworkPolicy evaluator and the adoption report", () => {
    it("generated: every copy selects exactly the label sets the API's rule selects, inherited names included", () => {
        fc.assert(
            fc.property(selector, labels, (sel, own) => {
                const expected = model(sel, own);
                assert.equal(labelSelectorMatches(sel, own), expected, "the shared rule");
                assert.equal(selectorMatches(sel, own), expected, "the policy pack");
                assert.equal(networkPolicySelects(sel, own), expected, "the NetworkPolicy evaluator");
                const empty =
                    Object.keys(sel.matchLabels ?? {}).length + (sel.matchExpressions ?? []).length === 0;
                // The adoption report reads a workload's selector, which is never empty: an empty one selects nothing.
                assert.equal(adoptSelects(sel, own), !empty && expected, "the adoption report");
            }),
            { numRuns: 500 },
        );
    });

    it("an inherited name is no label: Exists fails, DoesNotExist holds, In and NotIn read it as absent", () => {
        for (const name of INHERITED) {
            assert.equal(
                selectorMatches({ matchExpressions: [{ key: name, operator: "Exists" }] }, {}),
                false,
                name,
            );
            assert.equal(
                selectorMatches({ matchExpressions: [{ key: name, operator: "DoesNotExist" }] }, {}),
                true,
                name,
            );
            assert.equal(
                selectorMatches({ matchExpressions: [{ key: name, operator: "NotIn", values: ["a"] }] }, {}),
                true,
                name,
            );
        }
    });

    it("an absent selector selects nothing, an empty one everything; a Service's empty map selects no pod", () => {
        assert.equal(labelSelectorMatches(undefined, { app: "a" }), false);
        assert.equal(labelSelectorMatches(null, { app: "a" }), false);
        assert.equal(labelSelectorMatches({}, { app: "a" }), true);
        assert.equal(serviceSelects({}, { app: "a" }), false);
        assert.equal(serviceSelects({ app: "a" }, { app: "a", tier: "b" }), true);
        assert.equal(mapSelectorMatches({ app: "a" }, { tier: "b" }), false);
        assert.equal(
            labelSelectorMatches(
                { matchExpressions: [{ key: "app", operator: "Matches", values: ["a"] }] },
                { app: "a" },
            ),
            false,
            "an operator the API does not define selects nothing",
        );
    });
});
