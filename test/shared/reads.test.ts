import { strict as assert } from "assert";
import fc from "fast-check";
import { ConfigMapHandle, SecretHandle } from "../../components/shared/handles";
import { readsOver } from "../../components/shared/reads";

// The one typed reads interface every system's pods read through: a name the system made in the namespace gives its
// handle; any other name, kind or namespace stops the evaluation with the object named.

describe("readsOver (the one reads interface)", () => {
    const handles = [
        SecretHandle.existing("db", "app"),
        SecretHandle.existing("db", "other"),
        ConfigMapHandle.existing("settings", "app"),
    ];

    it("gives the handle of the object of its namespace and kind", () => {
        const reads = readsOver<"db", "settings">(handles, "app", "secrets.ts");
        assert.equal(reads.secret("db"), handles[0]);
        assert.equal(reads.configMap("settings"), handles[2]);
    });

    it("stops a read of an object not made in the namespace, naming it and where that is decided", () => {
        const reads = readsOver<"db" | "token", "db">(handles, "app", "components/x/secrets.ts");
        assert.throws(
            () => reads.secret("token"),
            /reads Secret token, which is not made there \(see components\/x\/secrets\.ts\)/,
        );
        assert.throws(() => reads.configMap("db"), /reads ConfigMap db/);
        assert.throws(
            () => readsOver<"settings">(handles, "other", "x").secret("settings"),
            /in namespace other reads Secret settings/,
        );
    });

    it("finds exactly the names made, for any set of names and reads", () => {
        const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/);
        fc.assert(
            fc.property(
                fc.uniqueArray(name, { maxLength: 6 }),
                fc.array(name, { maxLength: 6 }),
                (made, asked) => {
                    const reads = readsOver<string>(
                        made.map((n) => SecretHandle.existing(n, "ns")),
                        "ns",
                        "x",
                    );
                    for (const n of asked) {
                        if (made.includes(n)) assert.equal(reads.secret(n).objectName, n);
                        else assert.throws(() => reads.secret(n));
                    }
                },
            ),
        );
    });
});
