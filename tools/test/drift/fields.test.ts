import { strict as assert } from "assert";
import fc from "fast-check";
import { ABSENT, FieldsError, Step, ownedPaths, render, valueAt } from "../../drift/fields";

// managedFields' fieldsV1 decoded into readable paths, each of which names a value of the object it describes.

/** The field set of a whole object, as the API server records an apply of it (lists of named items keyed by name). */
function fieldSet(value: unknown): Record<string, unknown> {
    if (Array.isArray(value)) {
        return Object.fromEntries(
            value.map((item: Record<string, unknown>) => [
                `k:${JSON.stringify({ name: item.name })}`,
                { ".": {}, ...fieldSet(item) },
            ]),
        );
    }
    if (typeof value === "object" && value !== null)
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [`f:${k}`, fieldSet(v)]));
    return {};
}

const leaf = fc.oneof(fc.string(), fc.integer(), fc.boolean());
const fieldName = fc.oneof(
    fc.constantFrom("data", "spec", "app.kubernetes.io/name", "a b", "x"),
    fc.string({ minLength: 1 }),
);
const tree = fc.letrec((tie) => ({
    node: fc.oneof(
        { depthSize: "small" },
        leaf,
        fc.dictionary(fieldName, tie("node"), { minKeys: 1, maxKeys: 3 }),
        fc
            .uniqueArray(fc.string({ minLength: 1 }), { minLength: 1, maxLength: 3 })
            .chain((names) =>
                fc.tuple(...names.map((n) => fc.record({ name: fc.constant(n), value: leaf }))),
            ),
    ),
})).node;

describe("drift: managedFields decoding", () => {
    it("reads a kubectl set env entry: the env item as a whole, inside the keyed container", () => {
        const set = {
            "f:spec": {
                "f:template": {
                    "f:spec": {
                        "f:containers": {
                            'k:{"name":"backend"}': {
                                // kubectl set env on a container without env makes the list too (kwok 1.36.3,
                                // engine e2e): the item it wrote is still what is reported.
                                "f:env": {
                                    ".": {},
                                    'k:{"name":"HELDOUT_DRIFT"}': { ".": {}, "f:name": {}, "f:value": {} },
                                },
                                "f:image": {},
                            },
                        },
                    },
                },
            },
            "f:metadata": { "f:labels": { "f:app.kubernetes.io/team": {} }, "f:finalizers": { 'v:"x"': {} } },
            "f:data": { "f:nginx.conf": {} },
            "f:spec2": { "f:ports": { "i:0": {} } },
        };
        assert.deepEqual(
            ownedPaths(set).map((p) => `${render(p.steps)}${p.whole ? " (whole)" : ""}`),
            [
                "spec.template.spec.containers[name=backend].env[name=HELDOUT_DRIFT] (whole)",
                "spec.template.spec.containers[name=backend].image",
                'metadata.labels["app.kubernetes.io/team"]',
                'metadata.finalizers[="x"]',
                'data["nginx.conf"]',
                "spec2.ports[0]",
            ],
        );
    });

    it("refuses what is not a field set, naming the element", () => {
        assert.throws(() => ownedPaths({ "q:x": {} }), FieldsError);
        assert.throws(() => ownedPaths({ "k:notjson": {} }), /k:notjson: not JSON/);
        assert.throws(() => ownedPaths({ "f:a": 3 }), /a: a field set node must be an object/);
    });

    it("every decoded path of a generated object's field set names a value of that object, one per leaf or item", () => {
        fc.assert(
            fc.property(fc.dictionary(fieldName, tree, { minKeys: 1, maxKeys: 4 }), (obj) => {
                const paths = ownedPaths(fieldSet(obj));
                for (const p of paths) assert.notEqual(valueAt(obj, p.steps), ABSENT, render(p.steps));
                // Control: the same path one step further names nothing.
                for (const p of paths.filter((q) => !q.whole))
                    assert.equal(valueAt(obj, [...p.steps, { field: "\u0000none" } as Step]), ABSENT);
                const count = (v: unknown): number =>
                    Array.isArray(v)
                        ? v.length
                        : typeof v === "object" && v !== null
                          ? Object.values(v).reduce<number>((n, x) => n + count(x), 0)
                          : 1;
                assert.equal(paths.length, count(obj));
                // Rendered paths are distinct: two fields never read the same.
                assert.equal(new Set(paths.map((p) => render(p.steps))).size, paths.length);
            }),
        );
    });
});
