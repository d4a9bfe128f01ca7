import { strict as assert } from "assert";
import { Placement } from "../../../components/config/passes/clusterReferences";
import { clusterIdentities } from "../../../components/config/passes/clusterIdentities";
import { SystemRead } from "../../../components/config/passes/systems";
import { ClustersConfig } from "../../../components/config/program";
import { memoryConfigSource } from "../../../components/config/source";
import { caData } from "../../fixtures/testCas";
import { app, cluster } from "./fixtures";
import { onlyProblem } from "../../harness";

const KUBECONFIG = (server: string, ca?: number) =>
    [
        "clusters:",
        "- name: c",
        "  cluster:",
        `    server: ${server}`,
        ...(ca !== undefined ? [`    certificate-authority-data: ${caData(ca)}`] : []),
        "contexts:",
        "- name: ctx",
        "  context: {cluster: c, user: u}",
        "users:",
        "- name: u",
        "  user: {token: t}",
        "current-context: ctx",
    ].join("\n");

/** A source that hands out secrets' decrypted text, as the real one does (pulumi.Config.get). */
const decrypting = (secretValues: Record<string, string>) => ({
    ...memoryConfigSource({}, secretValues),
    getValue: (key: string) => secretValues[key],
});
const a: SystemRead = {
    def: app("a"),
    parsed: { enabled: true, cluster: "psi" },
    raw: {},
    broken: [],
    problems: [],
};
const placed = (fresh = false): Placement => ({ system: a, cluster: "psi", fresh });
const base = (clusters: ClustersConfig = { psi: cluster() }) => ({
    production: false,
    clusters,
    placements: [placed()],
    placeholders: false,
    otherStacks: () => [],
});

describe("pass: cluster identities (issue 52 item 1)", () => {
    it("a kubeconfig that is not one is refused before a provider fails on it; a cluster placed fresh reads none", () => {
        const bad = clusterIdentities(decrypting({ "kubeconfig-psi": "just text" }), base());
        onlyProblem(bad, "runbooks:kubeconfig-psi");
        assert.match(
            bad.problems[0].message,
            /^is not a kubeconfig: .*Set the kubeconfig file of that cluster$/,
        );
        const good = clusterIdentities(
            decrypting({ "kubeconfig-psi": KUBECONFIG("https://api.example.org:6443") }),
            base(),
        );
        assert.deepEqual(good.problems, []);
        const fresh = clusterIdentities(decrypting({ "kubeconfig-psi": "just text" }), {
            ...base(),
            placements: [placed(true)],
        });
        assert.deepEqual(fresh.problems, []);
    });

    it("the credential decides the marks; the stack file's apiServer and pinned CA are checked against it", () => {
        const text = KUBECONFIG("https://API.example.org.:6443/", 0);
        const read = clusterIdentities(decrypting({ "kubeconfig-psi": text }), base());
        assert.deepEqual(read.problems, []);
        assert.equal(read.state.marks.psi.server, "api.example.org:6443");
        assert.match(read.state.marks.psi.ca ?? "", /^[0-9a-f]{64}$/);
        const other = clusterIdentities(
            decrypting({ "kubeconfig-psi": text }),
            base({ psi: { ...cluster(), apiServer: "api.elsewhere.example.org:6443" } }),
        );
        onlyProblem(other, "runbooks:clusters.psi.apiServer");
        // Control: the same entry without a kubeconfig to check it against says nothing.
        assert.deepEqual(
            clusterIdentities(
                decrypting({}),
                base({ psi: { ...cluster(), apiServer: "api.elsewhere.example.org:6443" } }),
            ).problems,
            [],
        );
        const pinnedCa = clusterIdentities(
            decrypting({ "kubeconfig-psi": KUBECONFIG("https://api.example.org:6443", 1) }),
            base({
                psi: {
                    ...cluster(),
                    identity: { uid: "3f6c2a7e-1d2b-4c5e-9f80-7a1b2c3d4e5f", ca: read.state.marks.psi.ca },
                },
            }),
        );
        onlyProblem(pinnedCa, "runbooks:clusters.psi.identity.ca");
    });

    it("production and the local stacks must pin each cluster: listed by the plan, a problem of a real run", () => {
        for (const stack of ["prod", "local"]) {
            const source = { ...decrypting({}), stack };
            const real = clusterIdentities(source, { ...base(), stack });
            onlyProblem(real, "runbooks:clusters.psi.identity.uid");
            assert.match(
                real.problems[0].fix ?? "",
                /kubectl .*get namespace kube-system -o jsonpath='\{\.metadata\.uid\}'/,
            );
            const plan = clusterIdentities(source, { ...base(), stack, placeholders: true });
            assert.deepEqual(plan.problems, []);
            assert.deepEqual(
                plan.state.operatorValues.map((p) => p.key),
                ["runbooks:clusters.psi.identity.uid"],
            );
        }
        // Control: stage need not pin.
        assert.deepEqual(
            clusterIdentities({ ...decrypting({}), stack: "stage" }, { ...base(), stack: "stage" }).problems,
            [],
        );
    });
});
