import { strict as assert } from "assert";
import fc from "fast-check";
import { containerVerdict } from "../../components/shared/evidence/check";
import { unconsumedQueues } from "../../components/shared/evidence/queues";
import { scriptVariables } from "../../components/shared/evidence/scripts";
import type { FileFact, ImageEvidence, QueueFact } from "../../components/shared/evidence/types";
import type { ContainerView, MountedFile } from "../../components/shared/evidence/view";

// The evidence's file, queue and script rules on generated containers: each holds for the class, not the examples.

const AT = "o/r@c:p:1";
const segment = fc.stringMatching(/^[a-z][a-z0-9_.-]{0,8}$/);
const variable = fc.stringMatching(/^[A-Z][A-Z0-9_]{0,8}$/);

function entry(
    files: FileFact[],
    queues: { consumes?: QueueFact[]; publishes?: QueueFact[] } = {},
): ImageEvidence {
    return {
        image: "example.org/x",
        version: "v1",
        source: { repo: "o/r", commit: "c" },
        facts: { state: "read", listens: [], flags: "none", env: [], files, filesComplete: true, ...queues },
    };
}

const mismatchesOf = (e: ImageEvidence, c: Omit<ContainerView, "image" | "probes">) => {
    const v = containerVerdict([e], { image: "example.org/x:v1", probes: [], ...c });
    assert.equal(v.state, "checked");
    return v.state === "checked" ? v.mismatches : [];
};

describe("the evidence's file rule, on generated mounts", () => {
    it("a mounted Secret key passes exactly when the image opens that path; a required file fails exactly when no mount places it", () => {
        fc.assert(
            fc.property(
                fc.uniqueArray(segment, { minLength: 1, maxLength: 5 }),
                fc.uniqueArray(segment, { maxLength: 5 }),
                fc.boolean(),
                (opened, mounted, required) => {
                    const files = opened.map((k) => ({
                        name: `/s/${k}`,
                        at: AT,
                        ...(required ? { required: true as const } : {}),
                    }));
                    const mounts: MountedFile[] = mounted.map((k) => ({
                        path: `/s/${k}`,
                        kind: "Secret",
                        object: "sec",
                        key: k,
                    }));
                    const found = mismatchesOf(entry(files), { files: mounts });
                    for (const k of mounted)
                        assert.equal(
                            found.some((m) => m.includes(`key ${k} at /s/${k}, which`)),
                            !opened.includes(k),
                        );
                    for (const k of opened)
                        assert.equal(
                            found.some((m) => m.includes(`no /s/${k}, which it requires`)),
                            required && !mounted.includes(k),
                        );
                },
            ),
        );
    });

    it("a whole Secret fails and names the files the image opens under it; a ConfigMap key the image does not open passes", () => {
        const files = [{ name: "/s/a", at: AT, required: true as const }];
        const whole = mismatchesOf(entry(files), { files: [{ path: "/s", kind: "Secret", object: "sec" }] });
        assert.deepEqual(whole.length, 1);
        assert.match(whole[0], /mounts all of Secret sec at \/s, .*\(\/s\/a\)$/);
        const cm = mismatchesOf(entry(files), {
            files: [
                { path: "/s/a", kind: "Secret", object: "sec", key: "a" },
                { path: "/etc/x", kind: "ConfigMap", object: "cm", key: "x" },
            ],
        });
        assert.deepEqual(cm, []);
    });

    it("a file named by a variable is looked for at the container's value of it, else at its default", () => {
        fc.assert(
            fc.property(variable, segment, segment, fc.boolean(), (name, dflt, set, setIt) => {
                const files = [{ name: `/d/${dflt}`, at: AT, fromEnv: name, required: true as const }];
                const path = setIt ? `/e/${set}` : `/d/${dflt}`;
                const env = setIt ? [{ name, value: `/e/${set}` }] : [];
                const placed = mismatchesOf(entry(files), {
                    env,
                    files: [{ path, kind: "Secret", object: "sec", key: "k" }],
                });
                // The variable itself is not among the image's read variables here: only file findings count.
                assert.deepEqual(
                    placed.filter((m) => !m.startsWith("sets ")),
                    [],
                );
            }),
        );
    });

    it("an entry whose files were not read checks no mount", () => {
        const e = entry([]);
        if (e.facts.state === "read") delete e.facts.filesComplete;
        assert.deepEqual(mismatchesOf(e, { files: [{ path: "/s", kind: "Secret", object: "sec" }] }), []);
    });
});

describe("the evidence's queue rule, on generated containers", () => {
    const queue = fc.constantFrom("a", "b", "c", "d");
    const when = { env: "MODE", is: "worker", unset: "worker" };

    it("a published queue is unconsumed exactly when no consumer of its scope lists it (its list variable, else the defaults)", () => {
        fc.assert(
            fc.property(
                fc.uniqueArray(queue, { minLength: 1 }),
                fc.uniqueArray(queue),
                fc.option(fc.uniqueArray(queue, { minLength: 1 }), { nil: undefined }),
                fc.constantFrom("worker", "beat", undefined),
                fc.boolean(),
                (published, defaults, listed, mode, sameScope) => {
                    const pub = entry([], { publishes: published.map((name) => ({ name, at: AT })) });
                    const con = entry([], {
                        consumes: defaults.map((name) => ({ name, at: AT, listedIn: "QUEUES", when })),
                    });
                    const env = [
                        ...(listed ? [{ name: "QUEUES", value: listed.join(",") }] : []),
                        ...(mode ? [{ name: "MODE", value: mode }] : []),
                    ];
                    const found = unconsumedQueues([
                        { scope: "s1", entry: pub, view: { image: "example.org/x:v1", probes: [] } },
                        {
                            scope: sameScope ? "s1" : "s2",
                            entry: con,
                            view: { image: "example.org/x:v1", probes: [], env },
                        },
                    ]).map((u) => u.queue);
                    // The list variable replaces the queues the image consumes; an image that consumes none ignores it.
                    const consuming =
                        mode === "beat" || !sameScope || defaults.length === 0 ? [] : (listed ?? defaults);
                    assert.deepEqual(found.sort(), published.filter((q) => !consuming.includes(q)).sort());
                },
            ),
        );
    });
});

describe("the variables a container's own shell script reads", () => {
    it("are those it expands ($X, ${X}, and bare in $((...))), only for an inline shell script", () => {
        fc.assert(
            fc.property(variable, variable, variable, (a, b, c) => {
                const script = `echo "$${a}" "\${${b}:-x}"; n=$((1 + ${c} * 2))`;
                const got = scriptVariables({ command: ["/bin/bash", "-c", script] });
                for (const v of [a, b, c]) assert.ok(got.has(v), v);
                assert.equal(scriptVariables({ command: ["/usr/bin/run.sh", "-c", script] }).size, 0);
                assert.equal(scriptVariables({ command: ["sh"], args: ["-ec", script] }).has(a), true);
            }),
        );
    });
});
