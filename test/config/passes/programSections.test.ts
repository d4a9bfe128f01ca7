import { strict as assert } from "assert";
import { programSections } from "../../../components/config/passes/programSections";
import { memoryConfigSource } from "../../../components/config/source";
import { onlyProblem } from "../../harness";

const none = { renamed: new Set<string>() };
const read = (values: Record<string, unknown>, stack = "stage") =>
    programSections(memoryConfigSource(values, {}, { stack }), none, { root: "/nonexistent" });

describe("pass: the program's own sections (tier, clusters, openstack)", () => {
    it("a missing tier is a problem that says what is allowed and that production protects", () => {
        const r = read({});
        assert.deepEqual(
            r.problems.map((p) => [p.key, p.fix]),
            [["runbooks:tier", undefined]],
        );
        assert.match(
            r.problems[0].message,
            /^is required: production protects .*; set it to production, staging or local$/,
        );
        assert.equal(r.state.tier, undefined);
    });

    it("a tier renamed from a foreign namespace is that key's problem, not a second one", () => {
        const r = programSections(
            memoryConfigSource({}, {}, { stack: "stage" }),
            { renamed: new Set(["tier"]) },
            {},
        );
        assert.deepEqual(r.problems, []);
    });

    it("production by tier, or by the stack's name whatever its file says", () => {
        assert.equal(read({ tier: "production" }).state.production, true);
        assert.equal(read({ tier: "staging" }).state.production, false);
        const prod = read({ tier: "staging" }, "prod");
        assert.equal(prod.state.production, true);
        onlyProblem(prod, "runbooks:tier");
    });

    it("cluster names are the ones written, even for an entry that is broken", () => {
        const r = read({
            tier: "staging",
            clusters: { psi: { platform: "openshift" }, bad: { platfrom: "x" } },
        });
        assert.deepEqual(r.state.clusterNames, ["psi", "bad"]);
        assert.equal(r.state.clusters.psi.platform, "openshift");
        assert.ok(r.state.clustersBroken.includes("clusters.bad.platfrom"), r.state.clustersBroken.join());
    });

    it("clusters that are not a mapping leave no cluster names at all", () => {
        const r = read({ tier: "staging", clusters: ["psi"] });
        assert.equal(r.state.clusterNames, undefined);
        assert.deepEqual(r.state.clusters, {});
        assert.ok(r.problems.some((p) => p.key === "runbooks:clusters"));
    });

    it("no clusters section is an empty set of clusters, not a problem", () => {
        const r = read({ tier: "local" });
        assert.deepEqual(r, {
            state: {
                tier: "local",
                production: false,
                clusters: {},
                clustersBroken: [],
                clusterNames: [],
                openstack: undefined,
            },
            problems: [],
        });
    });
});
