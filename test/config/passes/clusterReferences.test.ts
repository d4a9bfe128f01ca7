import { strict as assert } from "assert";
import { clusterReferences } from "../../../components/config/passes/clusterReferences";
import { SystemRead } from "../../../components/config/passes/systems";
import { SectionBase } from "../../../components/config/system";
import { app, cloud, cluster } from "./fixtures";

const read = (section: string, parsed: SectionBase, broken: string[] = []): SystemRead => ({
    def: section === "cloud" ? cloud : app(section),
    parsed,
    raw: parsed,
    broken,
    problems: [],
});

describe("pass: every enabled Kubernetes-side system names a defined cluster", () => {
    const clusters = { psi: cluster(), ocp: cluster() };

    it("places each system on the cluster it names", () => {
        const a = read("a", { enabled: true, cluster: "psi" });
        const r = clusterReferences(
            [a, read("b", { enabled: false, cluster: "nowhere" }), read("cloud", { enabled: true })],
            {
                clusters,
                clusterNames: ["psi", "ocp"],
            },
        );
        assert.deepEqual(r.problems, []);
        assert.deepEqual(r.state, [{ system: a, cluster: "psi", fresh: false }]);
    });

    it("a near name is a typo: the message names it, no command sets it", () => {
        const r = clusterReferences([read("a", { enabled: true, cluster: "psii" })], {
            clusters,
            clusterNames: ["psi", "ocp"],
        });
        assert.deepEqual(r.problems, [
            {
                key: "runbooks:a.cluster",
                message:
                    'names cluster "psii", which is not in runbooks:clusters (known: psi, ocp); did you mean "psi"?',
            },
        ]);
        assert.deepEqual(r.state, []);
    });

    it("a name far from every cluster is the operator's decision: the fix repairs nothing", () => {
        const r = clusterReferences([read("a", { enabled: true, cluster: "elsewhere" })], {
            clusters,
            clusterNames: ["psi", "ocp"],
        });
        assert.match(
            r.problems[0].message,
            /names cluster "elsewhere", which is not in runbooks:clusters \(known: psi, ocp\); name one of them, or define it under runbooks:clusters/,
        );
        assert.equal(r.problems[0].fix, undefined);
    });

    it("a stack without clusters defines its first one, and the system is placed there for ownership", () => {
        const a = read("a", { enabled: true, cluster: "psi" });
        const r = clusterReferences([a], { clusters: {}, clusterNames: [] });
        assert.deepEqual(
            r.problems.map((p) => [p.key, p.fix]),
            [["runbooks:a.cluster", undefined]],
        );
        assert.deepEqual(r.state, [{ system: a, cluster: "psi", fresh: true }]);
    });

    it("a missing cluster key is required", () => {
        const r = clusterReferences([read("a", { enabled: true })], {
            clusters,
            clusterNames: ["psi", "ocp"],
        });
        assert.equal(
            r.problems[0].message,
            "is required: the cluster this system deploys to (known: psi, ocp)",
        );
    });

    it("a broken cluster key is its parse problem, and a broken cluster entry its entry's: neither is placed", () => {
        const broken = clusterReferences([read("a", { enabled: true, cluster: "psi" }, ["a.cluster"])], {
            clusters,
            clusterNames: ["psi"],
        });
        assert.deepEqual(broken, { state: [], problems: [] });
        const entry = clusterReferences([read("a", { enabled: true, cluster: "bad" })], {
            clusters,
            clusterNames: ["psi", "bad"],
        });
        assert.deepEqual(entry, { state: [], problems: [] });
    });

    it("clusters that are not a mapping: no reference is checked (that section's problem)", () => {
        assert.deepEqual(
            clusterReferences([read("a", { enabled: true, cluster: "psi" })], { clusters: {} }),
            {
                state: [],
                problems: [],
            },
        );
    });
});
