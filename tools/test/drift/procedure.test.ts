import { strict as assert } from "assert";
import fc from "fast-check";
import { Step } from "../../drift/fields";
import { patchCommand, removalPatch } from "../../drift/procedure";
import { applyPatch } from "./simulation";

// The patch the report prints to take off what others added: it removes exactly those fields, refuses to run over an
// object that changed since it was read, and leaves a list the program declares whole.

const envPath = (name: string): Step[] => [
    { field: "spec" },
    { field: "template" },
    { field: "spec" },
    { field: "containers" },
    { key: { name: "app" } },
    { field: "env" },
    { key: { name } },
];

describe("drift: the removal the report prints", () => {
    it("generated: of any env list, exactly the items added by hand go, the program's stay, in any order", () => {
        fc.assert(
            fc.property(
                fc.uniqueArray(fc.stringMatching(/^[A-Z]{1,6}$/), { minLength: 1, maxLength: 8 }),
                fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
                (names, byHand) => {
                    const env = names.map((name) => ({ name, value: name.toLowerCase() }));
                    const hand = names.filter((_, i) => byHand[i]);
                    const program = env.filter((e) => !hand.includes(e.name));
                    const live = { spec: { template: { spec: { containers: [{ name: "app", env }] } } } };
                    const inputs = {
                        spec: { template: { spec: { containers: [{ name: "app", env: program }] } } },
                    };
                    const ops = removalPatch(live, hand.map(envPath), inputs);
                    if (hand.length === 0) return assert.equal(ops, undefined);
                    const after = applyPatch(live, ops!) as typeof live;
                    assert.deepEqual(after.spec.template.spec.containers[0].env, program);
                    // Control: over an object changed since it was read (an item inserted first), the patch fails.
                    const moved = structuredClone(live);
                    moved.spec.template.spec.containers[0].env.unshift({ name: "NEW", value: "x" });
                    assert.throws(() => applyPatch(moved, ops!), /testing value \S+ failed/);
                },
            ),
        );
    });

    it("a Service port changed by hand: the hand item goes and the program's port comes back in the same patch", () => {
        const live = {
            spec: { ports: [{ name: "http", port: 9999, protocol: "TCP", targetPort: 8080 }] },
        };
        const inputs = { spec: { ports: [{ name: "http", port: 8080, targetPort: 8080 }] } };
        const ops = removalPatch(
            live,
            [[{ field: "spec" }, { field: "ports" }, { key: { port: 9999, protocol: "TCP" } }]],
            inputs,
        )!;
        assert.deepEqual(applyPatch(live, ops), inputs, "one port, the program's");
        // An item of the program's that holds a secret is not printed: no command at all.
        assert.equal(
            removalPatch(
                live,
                [[{ field: "spec" }, { field: "ports" }, { key: { port: 9999, protocol: "TCP" } }]],
                { spec: { ports: [{ name: "[secret]", port: 1 }] } },
            ),
            undefined,
        );
    });

    it("a label and an annotation with slashes and tildes are escaped; the command quotes for a shell", () => {
        const live = { metadata: { labels: { "a/b~c": "1", keep: "2" }, annotations: { "x.io/y": "it's" } } };
        const ops = removalPatch(
            live,
            [
                [{ field: "metadata" }, { field: "labels" }, { field: "a/b~c" }],
                [{ field: "metadata" }, { field: "annotations" }, { field: "x.io/y" }],
            ],
            { metadata: { labels: { keep: "2" } } },
        )!;
        assert.deepEqual(applyPatch(live, ops), { metadata: { labels: { keep: "2" }, annotations: {} } });
        const cmd = patchCommand(
            "kubectl --context c",
            { apiVersion: "apps/v1", kind: "Deployment", namespace: "ns", name: "web" },
            ops,
        );
        assert.match(cmd, /^kubectl --context c -n ns patch deployment\.apps\/web --type=json -p '/);
        assert.ok(cmd.includes(`'"'"'`), "a single quote in a value is closed and escaped");
    });
});
