import { strict as assert } from "assert";
import { secretStore } from "../../../components/config/passes/secretStore";
import { memoryConfigSource } from "../../../components/config/source";
import { SecretSpec } from "../../../components/config/system";
import { unwrap } from "../../harness";

const spec = (key: string): SecretSpec => ({ key, description: key, today: "", example: "" });

describe("pass: the secret store deploy reads", () => {
    const source = memoryConfigSource({}, { declared: "value", undeclared: "other" });
    const store = secretStore(source, {
        declared: new Map([
            ["declared", spec("declared")],
            ["planned", spec("planned")],
        ]),
        placeholders: new Map([["planned", "[placeholder]"]]),
    });

    it("hands out a declared secret as a secret Output", async () => {
        assert.equal(await unwrap(store.require("declared")), "value");
    });

    it("hands out the offline plan's placeholder for an unset secret", async () => {
        assert.equal(await unwrap(store.require("planned")), "[placeholder]");
    });

    it("never hands out a key no system declared, even when it is set", () => {
        assert.equal(store.get("undeclared"), undefined);
        assert.throws(() => store.require("undeclared"), /secret undeclared was not declared/);
    });
});
