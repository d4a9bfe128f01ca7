import { strict as assert } from "assert";
import { Placement } from "../../../components/config/passes/clusterReferences";
import { claimsOf, ownership } from "../../../components/config/passes/ownership";
import { SystemRead } from "../../../components/config/passes/systems";
import { ConfigProblem } from "../../../components/config/problems";
import { AppConfig, app, cluster } from "./fixtures";
import { onlyProblem } from "../../harness";

const read = (
    section: string,
    parsed: AppConfig,
    raw: unknown = parsed,
    broken: string[] = [],
): SystemRead => ({
    def: app(section),
    parsed,
    raw,
    broken,
    problems: [],
});
/** System `section` read with its namespace "apps" on psi (as `raw` was written, with `broken` keys). */
const inApps = (section: string, raw?: unknown, broken?: string[]): SystemRead =>
    read(section, { enabled: true, cluster: "psi", namespace: "apps" }, raw, broken);
const placed = (system: SystemRead, fresh = false): Placement => ({ system, cluster: "psi", fresh });
const base = {
    production: false,
    systems: [app("a"), app("b")],
    clustersBroken: [],
    clusterNames: ["psi"],
    found: [] as ConfigProblem[],
    otherStacks: () => [],
};

describe("pass: namespace and host ownership", () => {
    describe("a partial configuration (no stack, no grants)", () => {
        it("two systems writing one namespace: the later one moves, the first keeps it", () => {
            const r = ownership({
                ...base,
                clusters: { psi: cluster() },
                placements: [placed(inApps("a")), placed(inApps("b"))],
                otherStacks: () => assert.fail("a partial configuration reads no other stack"),
            });
            assert.deepEqual(r.problems, [
                {
                    key: "runbooks:b.namespace",
                    message:
                        'namespace "apps" on cluster "psi" is claimed by a and b; a comes first in the program\'s system order and keeps it, b moves to a namespace of its own, granted to it',
                },
            ]);
        });

        it("a broken namespace key clashes with nothing", () => {
            const r = ownership({
                ...base,
                clusters: { psi: cluster() },
                placements: [placed(inApps("a")), placed(inApps("b", {}, ["b.namespace"]))],
            });
            assert.deepEqual(r.problems, []);
        });
    });

    describe("a whole stack", () => {
        // Stack stage with system a in namespace apps on psi, which grants nothing unless `over` says so.
        const onStage = (over: Partial<Parameters<typeof ownership>[0]>) =>
            ownership({
                ...base,
                stack: "stage",
                clusters: { psi: cluster() },
                placements: [placed(inApps("a"))],
                ...over,
            });
        it("asks for the grant a system's namespace needs, and accepts one it has", () => {
            const missing = onStage({});
            assert.deepEqual(
                missing.problems.map((p) => [p.key, p.fix]),
                [["runbooks:clusters.psi.namespaces.apps", undefined]],
            );
            const granted = onStage({ clusters: { psi: cluster({ namespaces: { apps: "a" } }) } });
            assert.deepEqual(granted.problems, []);
        });

        it("a key another pass already fixes is checked once that fix is made", () => {
            const decided = { key: "runbooks:clusters.psi.namespaces.apps", message: "x", fix: "y" };
            const r = onStage({ found: [decided] });
            assert.deepEqual(r.problems, []);
        });

        it("a cluster the same run defines grants nothing yet: what its system writes is asked for", () => {
            const r = onStage({ clusters: {}, clusterNames: [], placements: [placed(inApps("a"), true)] });
            onlyProblem(r, "runbooks:clusters.psi.namespaces.apps");
        });

        it("clusters that are not a mapping: nothing to check against", () => {
            const r = onStage({ clusters: {}, clusterNames: undefined });
            assert.deepEqual(r.problems, []);
        });
    });

    describe("what a system writes", () => {
        it("a namespace the key holds itself is the key's; a broken one (refused at its key) counts for nothing", () => {
            const a = inApps("a");
            assert.deepEqual(claimsOf(a).namespaces, [{ value: "apps", key: "a.namespace", settable: true }]);
            const broken = inApps("a", { namespace: "Apps" }, ["a.namespace"]);
            assert.deepEqual(claimsOf(broken).namespaces, []);
        });
    });
});
