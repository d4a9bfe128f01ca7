import { strict as assert } from "assert";
import fc from "fast-check";
import { selects as adoptSelects } from "../../tools/adopt/selectors";
import { labelSelectorMatches, serviceSelects } from "../../components/shared/labelSelector";

// One label-selector rule (metav1.LabelSelector as the API server reads it) for every caller: the program's
// NetworkPolicy ports, the policy pack, the manifest check, the NetworkPolicy evaluator, the adoption report. Its keys
// are generated with the names every JavaScript object inherits (`toString`, `constructor`, `__proto__`, ...): a
// label an object does not carry is absent, whatever its prototype holds; the policy pack's old copy took `toString`
// for a present label.

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

/** A Service's map selector from its definition: a non-empty map whose every pair the object's own labels carry. */
function serviceModel(map: Record<string, string>, own: Record<string, string>): boolean {
    const labelled = new Map(Object.entries(own));
    const pairs = Object.entries(map);
    return pairs.length > 0 && pairs.every(([k, v]) => labelled.get(k) === v);
}

describe("label selectors: one rule, with the Service's and the adoption report's readings of an empty selector", () => {
    it("generated: the rule and its wrappers select exactly what the API's rule selects, inherited names included", () => {
        fc.assert(
            fc.property(selector, labels, (sel, own) => {
                const expected = model(sel, own);
                assert.equal(labelSelectorMatches(sel, own), expected, "the LabelSelector rule");
                const map = sel.matchLabels ?? {};
                assert.equal(serviceSelects(map, own), serviceModel(map, own), "a Service's map selector");
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
                labelSelectorMatches({ matchExpressions: [{ key: name, operator: "Exists" }] }, {}),
                false,
                name,
            );
            assert.equal(
                labelSelectorMatches({ matchExpressions: [{ key: name, operator: "DoesNotExist" }] }, {}),
                true,
                name,
            );
            assert.equal(
                labelSelectorMatches(
                    { matchExpressions: [{ key: name, operator: "NotIn", values: ["a"] }] },
                    {},
                ),
                true,
                name,
            );
        }
    });

    it("listed: `toString` is a label only where the pod carries it", () => {
        const exists = { matchExpressions: [{ key: "toString", operator: "Exists" as const }] };
        assert.equal(labelSelectorMatches(exists, { app: "a" }), false, "a pod without it");
        assert.equal(
            labelSelectorMatches(exists, { app: "a", toString: "x" }),
            true,
            "a pod that carries it",
        );
        const wanted = {
            matchLabels: { app: "a" },
            matchExpressions: [{ key: "toString", operator: "In" as const, values: ["x"] }],
        };
        assert.equal(labelSelectorMatches(wanted, { app: "a" }), false);
        assert.equal(serviceSelects({ toString: "x" }, { app: "a" }), false, "a Service selecting it");
        assert.equal(serviceSelects({ toString: "x" }, { toString: "x" }), true);
    });

    it("an absent selector selects nothing, an empty one everything; a Service's empty map selects no pod", () => {
        assert.equal(labelSelectorMatches(undefined, { app: "a" }), false);
        assert.equal(labelSelectorMatches(null, { app: "a" }), false);
        assert.equal(labelSelectorMatches({}, { app: "a" }), true);
        assert.equal(serviceSelects({}, { app: "a" }), false);
        assert.equal(serviceSelects({ app: "a" }, { app: "a", tier: "b" }), true);
        assert.equal(serviceSelects({ app: "a" }, { tier: "b" }), false);
        assert.equal(serviceSelects(undefined, { app: "a" }), false);
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
