import { strict as assert } from "assert";
import { z } from "zod";
import { parseSection, underBroken } from "../../../components/config/passes/section";
import { contentKey, memoryConfigSource, recordStackFileSources } from "../../../components/config/source";
import { onlyProblem } from "../../harness";

const schema = z
    .object({ enabled: z.boolean(), replicas: z.number().default(1).meta({ example: "2" }) })
    .strict();

describe("pass: parse one section", () => {
    it("a valid section is read exactly, with its defaults", () => {
        const r = parseSection("app", schema, memoryConfigSource({ app: { enabled: true } }));
        assert.deepEqual(r, {
            state: { value: { enabled: true, replicas: 1 }, broken: [], exact: true },
            problems: [],
        });
    });

    it("a wrong field is broken, the rest is read, and the problem names its full key", () => {
        const r = parseSection(
            "app",
            schema,
            memoryConfigSource({ app: { enabled: true, replicas: "two" } }),
        );
        assert.deepEqual(r.state.broken, ["app.replicas"]);
        assert.equal(r.state.value?.enabled, true);
        onlyProblem(r, "runbooks:app.replicas");
    });

    it("an unknown key is broken under its own name, so checks of the others still run", () => {
        const r = parseSection("app", schema, memoryConfigSource({ app: { enabled: true, replica: 2 } }));
        assert.deepEqual(r.state.broken, ["app.replica"]);
        assert.equal(r.state.exact, true);
    });

    it("a section stored as a secret is broken whole and its message says to write it as plain YAML", () => {
        const r = parseSection("app", schema, memoryConfigSource({}, { app: "{}" }));
        assert.deepEqual(r.state, { broken: ["app"], exact: false });
        assert.match(
            r.problems[0].message,
            /replace its secure: value with the section's settings as plain YAML$/,
        );
        assert.equal(r.problems[0].fix, undefined);
    });

    it("a section read again is the same read, and each caller owns its copy", () => {
        const first = parseSection("app", schema, memoryConfigSource({ app: { enabled: true } }));
        first.state.value!.replicas = 9;
        first.problems.push({ key: "k", message: "m", fix: "f" });
        const again = parseSection("app", schema, memoryConfigSource({ app: { enabled: true } }));
        assert.deepEqual(again, {
            state: { value: { enabled: true, replicas: 1 }, broken: [], exact: true },
            problems: [],
        });
        again.state.value!.replicas = 7;
        const third = parseSection("app", schema, memoryConfigSource({ app: { enabled: true } }));
        assert.equal(third.state.value?.replicas, 1);
    });

    it("a read is remembered by the value's content with the stack file's text of its scalars", () => {
        // YAML reads `1.10` and `1.1` alike; a fix prints what the file has, so the two are different values.
        const written = (text: string) => {
            const values = { app: { version: 1.1 } };
            recordStackFileSources(values, `config:\n  runbooks:app:\n    version: ${text}\n`);
            return values.app;
        };
        assert.notEqual(contentKey(written("1.10")), contentKey(written("1.1")));
        assert.equal(contentKey(written("1.10")), contentKey(written("1.10")));
        assert.equal(contentKey({ a: [1, "x", null, true] }), contentKey({ a: [1, "x", null, true] }));
        assert.notEqual(contentKey({ a: 1, b: 2 }), contentKey({ b: 2, a: 1 }), "key order is kept");
        assert.notEqual(contentKey({ a: 0 }), contentKey({ a: -0 }));
        assert.notEqual(contentKey({ a: "1" }), contentKey({ a: 1 }));
        assert.notEqual(contentKey(["a,b"]), contentKey(["a", "b"]));
        // What no stack file holds has no key, so it is read afresh every time.
        for (const odd of [
            { a: undefined },
            { a: NaN },
            { a: () => 1 },
            [1, , 2],
            new Date(0),
            { a: new Map() },
        ]) {
            assert.equal(contentKey(odd), undefined, String(odd));
        }
    });

    it("a key lies under a broken key by path, not by prefix", () => {
        assert.ok(underBroken("runbooks:app.bots.namespace", ["app.bots"]));
        assert.ok(underBroken("app.hosts[2]", ["app.hosts"]));
        assert.ok(underBroken("app.bots", ["app.bots"]));
        assert.ok(!underBroken("app.botsX", ["app.bots"]));
        assert.ok(!underBroken("runbooks:app.namespace", ["app.bots"]));
    });
});
