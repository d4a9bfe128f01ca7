import { strict as assert } from "assert";
import { kubeconfigShape, namedEntry, serverOf } from "../../components/config/kubeconfig";
import { kubeconfigProblem } from "../fixtures/kubeconfigProblem";

// The one reading of a kubeconfig's structure: the stack's check of `kubeconfig-<cluster>` before a run, and the
// adoption report's loader (tools/test/adopt/kubeconfig.test.ts), both read it through these.

const GOOD = [
    "clusters:",
    "- name: psi",
    "  cluster:",
    "    server: https://api.psi.example:6443",
    "contexts:",
    "- name: deployer@psi",
    "  context: { cluster: psi, user: deployer }",
    "current-context: deployer@psi",
].join("\n");

describe("kubeconfig structure", () => {
    it("a usable kubeconfig, with or without the context the stack names", () => {
        assert.equal(kubeconfigProblem(GOOD), undefined);
        assert.equal(kubeconfigProblem(GOOD, "deployer@psi"), undefined);
    });

    it("says what is missing, never what the value holds", () => {
        const cases: [string, string][] = [
            ["clusters: [", "is not YAML, so it is not a kubeconfig"],
            ["- a list", "is not a kubeconfig: its content is not a YAML mapping"],
            ["contexts: []", "is not a kubeconfig: it has no clusters: entry"],
            [
                "clusters:\n- name: psi\n  cluster: { server: api.psi.example:6443 }",
                "is not a kubeconfig: no entry under clusters: names a server",
            ],
        ];
        for (const [text, reason] of cases) assert.ok(kubeconfigProblem(text)?.startsWith(reason), text);
        assert.equal(
            kubeconfigProblem(GOOD, "admin"),
            'has no context "admin" (the one the stack\'s cluster entry names)',
        );
    });

    it("lists that are missing or not lists are empty; entries that are not mappings have no name or server", () => {
        assert.equal(kubeconfigShape(["x"]), undefined);
        assert.deepEqual(kubeconfigShape({ clusters: "psi", contexts: { name: "x" } }), {
            clusters: [],
            contexts: [],
            users: [],
            currentContext: undefined,
        });
        assert.equal(namedEntry(["psi", null, [{ name: "psi" }]], "psi"), undefined);
        assert.deepEqual(namedEntry([{ name: "psi", cluster: {} }], "psi"), { name: "psi", cluster: {} });
        assert.equal(serverOf({ name: "psi", cluster: "https://x" }), undefined);
        assert.equal(serverOf({ cluster: { server: "https://x" } }), "https://x");
    });
});
