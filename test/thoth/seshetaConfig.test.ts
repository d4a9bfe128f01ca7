import { strict as assert } from "assert";
import fc from "fast-check";
import { seshetaConfigJson } from "../../components/thoth/bots/sesheta";

// Sesheta's config.json must not depend on the order of the config object's keys: the engine hands the program the
// value with its keys sorted, the offline plan in the stack file's order (issue 49: a reviewer read one file and the
// cluster got another).

/** The same value with every object's keys in reverse insertion order, at every depth. */
function reordered(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(reordered);
    if (typeof value === "object" && value !== null)
        return Object.fromEntries(
            Object.entries(value)
                .reverse()
                .map(([k, v]) => [k, reordered(v)]),
        );
    return value;
}

const config = fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 6 });

/** Whether every object in the JSON text lists its keys in sorted order (what Go's encoding of a map gives). */
function keysSorted(value: unknown): boolean {
    if (Array.isArray(value)) return value.every(keysSorted);
    if (typeof value !== "object" || value === null) return true;
    const keys = Object.keys(value);
    return keys.every((k, i) => i === 0 || keys[i - 1] < k) && Object.values(value).every(keysSorted);
}

describe("Sesheta's config.json", () => {
    it("is the same text whatever the order of the config's keys, keys sorted, the value kept", () => {
        fc.assert(
            fc.property(config, (c) => {
                const text = seshetaConfigJson(c);
                assert.equal(seshetaConfigJson(reordered(c) as Record<string, unknown>), text);
                assert.deepEqual(JSON.parse(text), JSON.parse(JSON.stringify(c)));
                assert.ok(text.endsWith("}\n"));
            }),
        );
        const listed = { organization: "thoth-station", labels: { b: 1, a: [{ z: 1, y: 2 }] } };
        assert.equal(
            seshetaConfigJson(listed),
            '{\n  "labels": {\n    "a": [\n      {\n        "y": 2,\n        "z": 1\n      }\n    ],\n    "b": 1\n  },\n  "organization": "thoth-station"\n}\n',
        );
    });

    it("control: a plain JSON.stringify (the serialisation before) keeps the written order, and the property finds it", () => {
        const plain = (c: unknown) => `${JSON.stringify(c, null, 2)}\n`;
        const found = fc.check(
            fc.property(config, (c) => plain(reordered(c)) === plain(c) && keysSorted(JSON.parse(plain(c)))),
        );
        assert.ok(found.failed, "the property cannot tell an order-dependent serialisation");
    });
});
