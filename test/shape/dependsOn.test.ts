import { strict as assert } from "assert";
import { handDependsOn } from "../oracles/shape/dependsOn";
import { readSources } from "../oracles/shape/sources";

// A `dependsOn` written by hand is an order a reader must check: the ones the program keeps say why, in an
// `// order:` comment right above them, however many lines it takes.

describe("hand-written dependsOn", () => {
    it("reads the order comment above it, one line or several, and only one that ends right above it", () => {
        const found = handDependsOn({
            "a.ts": [
                "const one = { // x",
                "    // order: the Secret first",
                "    dependsOn: [secret],",
                "};",
                "const two = {",
                "    // order: after the certificate, and after each",
                "    // web host's own playbooks",
                "    dependsOn: [cert],",
                "};",
                "const three = {",
                "    // the Secret first",
                "    dependsOn,",
                "};",
                "// order: too far above",
                "const four = {",
                "    dependsOn: [x],",
                "};",
            ].join("\n"),
        });
        assert.deepEqual(found, [
            { file: "a.ts", line: 3, reason: "the Secret first" },
            {
                file: "a.ts",
                line: 8,
                reason: "after the certificate, and after each web host's own playbooks",
            },
            { file: "a.ts", line: 12 },
            { file: "a.ts", line: 16 },
        ]);
    });

    it("every one in components/ says why", () => {
        const found = handDependsOn(readSources("components"));
        assert.ok(found.length > 0, "the sources were read");
        assert.deepEqual(
            found.filter((d) => d.reason === undefined).map((d) => `${d.file}:${d.line}`),
            [],
        );
    });
});
