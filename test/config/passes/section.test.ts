import { strict as assert } from "assert";
import { z } from "zod";
import { parseSection, underBroken } from "../../../components/config/passes/section";
import { memoryConfigSource } from "../../../components/config/source";

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
        assert.deepEqual(
            r.problems.map((p) => p.key),
            ["runbooks:app.replicas"],
        );
    });

    it("an unknown key is broken under its own name, so checks of the others still run", () => {
        const r = parseSection("app", schema, memoryConfigSource({ app: { enabled: true, replica: 2 } }));
        assert.deepEqual(r.state.broken, ["app.replica"]);
        assert.equal(r.state.exact, true);
    });

    it("a section stored as a secret is broken whole and its fix writes it as plain YAML", () => {
        const r = parseSection("app", schema, memoryConfigSource({}, { app: "{}" }));
        assert.deepEqual(r.state, { broken: ["app"], exact: false });
        assert.equal(
            r.problems[0].fix,
            "edit Pulumi.<stack>.yaml: write the settings of runbooks:app as plain YAML",
        );
    });

    it("a key lies under a broken key by path, not by prefix", () => {
        assert.ok(underBroken("runbooks:app.bots.namespace", ["app.bots"]));
        assert.ok(underBroken("app.hosts[2]", ["app.hosts"]));
        assert.ok(underBroken("app.bots", ["app.bots"]));
        assert.ok(!underBroken("app.botsX", ["app.bots"]));
        assert.ok(!underBroken("runbooks:app.namespace", ["app.bots"]));
    });
});
