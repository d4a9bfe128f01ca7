import * as assert from "assert";
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { KubeconfigError, KubeconfigSource, loadKubeconfig } from "../../adopt/kubeconfig";

// A kubeconfig the report cannot use is one line naming the cluster's source (the --kubeconfig argument or the
// stack secret's key) and the fix; a secret's content is never quoted.

const TOKEN = "sha256~s3cr3t-token-value";

const GOOD = `apiVersion: v1
kind: Config
clusters:
  - name: psi-api
    cluster: { server: "https://api.ocp4.prod.psi.example:6443" }
users:
  - name: deployer
    user: { token: ${TOKEN} }
contexts:
  - name: deployer@psi
    context: { cluster: psi-api, user: deployer }
current-context: deployer@psi
`;

describe("adopt: kubeconfig errors", function () {
    let dir: string;
    before(() => (dir = mkdtempSync(path.join(tmpdir(), "adopt-kubeconfig-"))));
    after(() => rmSync(dir, { recursive: true, force: true }));

    function file(name: string, text: string): KubeconfigSource {
        const p = path.join(dir, name);
        writeFileSync(p, text);
        return { file: p };
    }
    const secret = (text: string): KubeconfigSource => ({ secret: "kubeconfig-psi", text });

    /** The error of loading `source` for cluster psi of stack prod (optionally with a configured context). */
    function error(source: KubeconfigSource, context?: string): string {
        try {
            loadKubeconfig("prod", "psi", source, { context });
        } catch (err) {
            assert.ok(err instanceof KubeconfigError, `not a KubeconfigError: ${String(err)}`);
            assert.doesNotMatch(err.message, /\n/, "one line");
            assert.ok(!err.message.includes(TOKEN), "the kubeconfig's content is never printed");
            return err.message;
        }
        throw new Error("no error");
    }

    it("a good file or secret loads, with the configured context or the current one", function () {
        const kc = loadKubeconfig("prod", "psi", file("good.yaml", GOOD));
        assert.equal(kc.getCurrentCluster()?.server, "https://api.ocp4.prod.psi.example:6443");
        assert.equal(
            loadKubeconfig("prod", "psi", secret(GOOD), { context: "deployer@psi" }).getCurrentContext(),
            "deployer@psi",
        );
    });

    it("not YAML: names the file and the line; for the secret only its key and the position", function () {
        const broken = `clusters:\n  - name: psi\n    cluster: {server: [\ntoken: ${TOKEN}\n`;
        const src = file("broken.yaml", broken);
        const fromFile = error(src);
        assert.match(
            fromFile,
            new RegExp(
                `^the kubeconfig \\(--kubeconfig psi=${(src as { file: string }).file}\\) is not YAML \\(line \\d+, column \\d+`,
            ),
        );
        assert.match(
            fromFile,
            /; fix the file, or pass --kubeconfig psi=<path of the cluster's kubeconfig>$/,
        );
        const fromSecret = error(secret(broken));
        assert.match(
            fromSecret,
            /^the kubeconfig \(stack secret kubeconfig-psi\) is not YAML \(line \d+, column \d+\)/,
        );
        assert.match(
            fromSecret,
            /pulumi config set --stack prod --secret kubeconfig-psi < kubeconfig\.yaml$/,
        );
        assert.match(error(secret("just a sentence, not a kubeconfig")), /is not a kubeconfig/);
    });

    it("no cluster, no server, or a server that is not a URL", function () {
        assert.match(
            error(secret(GOOD.replace(/clusters:\n(.*\n){2}/, "clusters: []\n"))),
            /has no cluster \(clusters: is missing or empty\)/,
        );
        assert.match(
            error(file("noserver.yaml", GOOD.replace(/server: "[^"]*"/, "insecure-skip-tls-verify: true"))),
            /has no server for its cluster "psi-api"/,
        );
        const notUrl = GOOD.replace(/server: "[^"]*"/, 'server: "api.psi:6443 "');
        assert.match(
            error(secret(notUrl)),
            /a server that is not an https:\/\/ URL \(expected https:\/\/<host>:<port>\)/,
        );
    });

    it("no usable context: names it and the stack setting that selects one", function () {
        const setContext = "pulumi config set --stack prod --path clusters.psi.context <context name>";
        const none = error(secret(GOOD.replace(/current-context: .*\n/, "")));
        assert.match(none, /names no current-context; name the context to use: /);
        assert.ok(none.endsWith(setContext));
        const wrong = error(secret(GOOD), "admin@psi");
        assert.match(
            wrong,
            /has no context "admin@psi" \(clusters\.psi\.context of the stack names "admin@psi"\)/,
        );
        assert.ok(wrong.endsWith(setContext));
        assert.match(
            error(secret(GOOD.replace("cluster: psi-api,", "cluster: other,"))),
            /context "deployer@psi" names no cluster listed under clusters:/,
        );
    });

    it("a file that cannot be read", function () {
        assert.match(
            error({ file: path.join(dir, "absent.yaml") }),
            /^the kubeconfig \(--kubeconfig psi=.*absent\.yaml\) cannot be read \(ENOENT\); pass --kubeconfig psi=/,
        );
    });
});
