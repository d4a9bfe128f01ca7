import { strict as assert } from "assert";
import { parseAllDocuments } from "yaml";
import { renderManifests } from "../../tools/plan/render";

/** Strings a plain scalar would turn into something else for some reader, and arguments as containers take them. */
const AMBIGUOUS = [
    "yes",
    "on",
    "off",
    "n",
    "0o17",
    "012",
    "0x1F",
    "1:20",
    "2024-01-01",
    "null",
    "~",
    "true",
    "1e3",
];
const ARGS = ["-c", "--config-path=/etc/config/config.yaml", "--live"];

function readAs(version: "1.1" | "1.2", text: string): unknown[] {
    return parseAllDocuments(text, { version }).map((doc) => {
        assert.deepEqual(doc.errors, [], text);
        return doc.toJS();
    });
}

describe("rendered manifests (kubernetes/<cluster>.yaml)", () => {
    const objects = [
        {
            apiVersion: "v1",
            kind: "ConfigMap",
            metadata: {
                name: "flags",
                namespace: "ns",
                labels: { "policy-group.network.openshift.io/ingress": "" },
            },
            data: Object.fromEntries(AMBIGUOUS.map((s, i) => [`k${i}`, s])),
        },
        {
            apiVersion: "v1",
            kind: "Pod",
            metadata: { name: "p" },
            spec: { containers: [{ name: "c", args: ARGS }] },
        },
    ];

    it("reads back as the same strings for kubectl (YAML 1.1) and for a YAML 1.2 reader", () => {
        const text = renderManifests(objects);
        assert.deepEqual(readAs("1.1", text), objects);
        assert.deepEqual(readAs("1.2", text), objects);
    });

    it("writes the bytes the files have always had: arguments and empty strings single-quoted, long lines unfolded", () => {
        const long = `echo ${"x".repeat(200)}`;
        const text = renderManifests([
            { kind: "Pod", metadata: { name: "p", labels: { a: "" } }, args: [...ARGS, long] },
        ]);
        assert.equal(
            text,
            [
                "---",
                "kind: Pod",
                "metadata:",
                "  name: p",
                "  labels:",
                "    a: ''",
                "args:",
                "  - '-c'",
                "  - '--config-path=/etc/config/config.yaml'",
                "  - '--live'",
                `  - ${long}`,
                "",
            ].join("\n"),
        );
    });
});
