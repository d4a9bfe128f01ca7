import { strict as assert } from "assert";
import { Placement } from "../../../components/config/passes/clusterReferences";
import { secrets } from "../../../components/config/passes/secrets";
import { SystemRead } from "../../../components/config/passes/systems";
import { memoryConfigSource } from "../../../components/config/source";
import { SectionBase } from "../../../components/config/system";
import type { SecretValueRule } from "../../../components/shared/secretValueRule";
import { SystemDefinition } from "../../../components/config/systemDefinition";
import { OPENSTACK, app, cloud, cluster } from "./fixtures";
import { onlyProblem } from "../../harness";

const read = (section: string, parsed: SectionBase): SystemRead => ({
    def: section === "cloud" ? cloud : app(section),
    parsed,
    raw: parsed,
    broken: [],
    problems: [],
});
const a = read("a", { enabled: true, cluster: "psi" });
const placed = (fresh = false): Placement => ({ system: a, cluster: "psi", fresh });
const input = { systems: [app("a"), app("b"), cloud], clusters: { psi: cluster() } };

describe("pass: secrets wanted, set and encrypted", () => {
    it("wants an enabled system's secrets and its cluster's kubeconfig; reports each required one missing", () => {
        const r = secrets(memoryConfigSource({}), { ...input, read: [a], placements: [placed()] });
        assert.deepEqual(
            r.state.specs.map((s) => s.key),
            ["a-token", "a-optional", "kubeconfig-psi"],
        );
        assert.deepEqual(
            r.problems.map((p) => [p.key, p.fix]),
            [
                ["runbooks:a-token", "pulumi config set --secret a-token --stack <stack>"],
                [
                    "runbooks:kubeconfig-psi",
                    "pulumi config set --secret kubeconfig-psi --stack <stack> < kubeconfig.yaml",
                ],
            ],
        );
    });

    it("the offline plan stands in for a missing secret and lists it, instead of stopping", () => {
        const r = secrets(memoryConfigSource({}), {
            ...input,
            read: [a],
            placements: [placed()],
            placeholderSecret: (s) => `[${s.key}]`,
        });
        assert.deepEqual(r.problems, []);
        assert.deepEqual(
            r.state.unset.map((s) => s.key),
            ["a-token", "kubeconfig-psi"],
        );
        assert.equal(r.state.placeholders.get("a-token"), "[a-token]");
    });

    it("a switched-off system's secrets are declared (kept if set) but not wanted", () => {
        const r = secrets(memoryConfigSource({}), {
            ...input,
            read: [read("b", { enabled: false })],
            placements: [],
        });
        assert.deepEqual(r, {
            state: {
                specs: [],
                unset: [],
                todo: [],
                declared: r.state.declared,
                placeholders: new Map(),
            },
            problems: [],
        });
        assert.deepEqual([...r.state.declared.keys()], ["b-token", "b-optional"]);
    });

    it("a declared secret or one named after a system, stored in plain text, is leaked: rotate and encrypt", () => {
        const r = secrets(
            memoryConfigSource({ "a-token": "t", "b-old": "t", "a-optional": "o" }, { "b-new": "s" }),
            {
                ...input,
                read: [a],
                placements: [],
            },
        );
        assert.deepEqual(
            r.problems.map((p) => [p.key, p.message.split(":")[0]]),
            [
                ["runbooks:a-optional", "is a secret but is stored in plain text in the stack file"],
                ["runbooks:a-token", "is a secret but is stored in plain text in the stack file"],
                [
                    "runbooks:b-old",
                    "looks like a secret of this system but is stored in plain text in the stack file",
                ],
            ],
        );
    });

    it("a cluster placed fresh wants no kubeconfig yet (its content is the clusterIdentities pass's)", () => {
        const fresh = secrets(memoryConfigSource({}, { "a-token": "t" }), {
            ...input,
            read: [a],
            placements: [placed(true)],
        });
        assert.deepEqual(fresh.problems, []);
        assert.deepEqual(
            fresh.state.specs.map((s) => s.key),
            ["a-token", "a-optional"],
        );
    });

    it("an enabled OpenStack-side system wants the openstack section and its credential", () => {
        const on = read("cloud", { enabled: true });
        const without = secrets(memoryConfigSource({}), { ...input, read: [on], placements: [] });
        onlyProblem(without, "runbooks:openstack.authUrl");
        const openstack = { ...OPENSTACK, userName: "u" };
        const withIt = secrets(memoryConfigSource({ openstack: {} }), {
            ...input,
            read: [on],
            placements: [],
            openstack,
        });
        onlyProblem(withIt, "runbooks:openstack-password");
        const off = secrets(memoryConfigSource({ openstack: {} }), {
            ...input,
            read: [],
            placements: [],
            openstack,
        });
        assert.deepEqual(off.problems, []);
        assert.ok(off.state.declared.has("openstack-password"));
    });
});

describe("pass: secrets held to what their reader accepts (SecretSpec.accepts)", () => {
    const digits: SecretValueRule = {
        accepted: "decimal digits",
        why: "the reader parses a number (example: its source, line 1)",
        admits: (v) => /^[0-9]+$/.test(v),
    };
    const ruled: SystemDefinition = {
        ...app("r"),
        secrets: () => [
            { key: "r-pin", description: "pin", today: "gopass", example: "1234", accepts: digits },
            {
                key: "r-file",
                description: "file",
                today: "gopass",
                example: "pin.txt",
                fromFile: true,
                accepts: digits,
            },
        ],
    };
    const run = (enabled: boolean, text?: Record<string, string>) => {
        const values = { "r-pin": "12a9", "r-file": "9876" };
        const base = memoryConfigSource({}, values);
        const source = text ? { ...base, secretText: (k: string) => text[k] } : base;
        const r: SystemRead = { def: ruled, parsed: { enabled }, raw: {}, broken: [], problems: [] };
        return secrets(source, { systems: [ruled], clusters: {}, read: [r], placements: [] }).problems;
    };

    it("a set value the reader refuses is a problem naming the key, what is accepted and why, never the value", () => {
        const problems = run(true, { "r-pin": "12a9", "r-file": "x7q" });
        assert.deepEqual(
            problems.map((p) => [p.key, p.fix]),
            [
                ["runbooks:r-pin", "pulumi config set --secret r-pin --stack <stack>"],
                ["runbooks:r-file", "pulumi config set --secret r-file --stack <stack> < pin.txt"],
            ],
        );
        for (const p of problems) {
            assert.match(
                p.message,
                /accepts only decimal digits: the reader parses a number \(example: its source, line 1\)/,
            );
            for (const value of ["12a9", "x7q"]) assert.ok(!p.message.includes(value));
        }
    });

    it("accepted values, a switched-off system's, and a source without the text (the offline plan) are no problem", () => {
        assert.deepEqual(run(true, { "r-pin": "1234", "r-file": "0" }), []);
        assert.deepEqual(run(false, { "r-pin": "12a9", "r-file": "x" }), []);
        assert.deepEqual(run(true), []);
    });
});
