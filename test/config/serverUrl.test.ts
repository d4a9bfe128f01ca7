import { strict as assert } from "assert";
import { kubeconfigProblem } from "../fixtures/kubeconfigProblem";
import { KubeconfigError, loadKubeconfig } from "../../tools/adopt/kubeconfig";

// The stack's check of a kubeconfig secret (before a run) and the adoption report's loader read a cluster's server
// by one rule: a kubeconfig one accepts, the other never refuses for its server.

const kubeconfig = (server: string): string => `apiVersion: v1
kind: Config
clusters:
  - name: psi-api
    cluster: { server: ${JSON.stringify(server)} }
users:
  - name: deployer
    user: { token: sha256~token }
contexts:
  - name: deployer@psi
    context: { cluster: psi-api, user: deployer }
current-context: deployer@psi
`;

/** Whether the adoption report's loader refuses the kubeconfig because of its server. */
function adoptRefusesServer(text: string): boolean {
    try {
        loadKubeconfig("prod", "psi", { secret: "kubeconfig-psi", text });
        return false;
    } catch (err) {
        assert.ok(err instanceof KubeconfigError, String(err));
        return /server/.test(err.message);
    }
}

describe("a kubeconfig's server: one rule for the stack check and the adoption report", () => {
    const cases: [string, boolean][] = [
        ["https://api.ocp4.prod.psi.example:6443", true],
        ["http://127.0.0.1:6443", false],
        ["HTTPS://API.example:6443/", true],
        ["https://[::1]:6443", true],
        ["https://", false],
        ["https://ex ample:6443", false],
        ["api.ocp4.prod.psi.example:6443", false],
        ["ftp://api.example", false],
        ["https:api.example", false],
    ];
    for (const [server, usable] of cases) {
        it(`${JSON.stringify(server)} is ${usable ? "usable" : "refused"} by both`, () => {
            const text = kubeconfig(server);
            assert.equal(kubeconfigProblem(text) === undefined, usable, "stack check");
            assert.equal(!adoptRefusesServer(text), usable, "adoption report");
        });
    }
});
