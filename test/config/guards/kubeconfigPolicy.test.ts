import { strict as assert } from "assert";
import { existsSync, mkdtempSync, rmSync } from "fs";
import fc from "fast-check";
import { tmpdir } from "os";
import * as path from "path";
import { stringify } from "yaml";
import { loadProgramConfig } from "../../../components/config/load";
import { ConfigError } from "../../../components/config/problems";
import { ConfigSource, memoryConfigSource } from "../../../components/config/source";
import { SYSTEMS } from "../../../components/systems";
import { KubeconfigError, loadKubeconfig } from "../../../tools/adopt/kubeconfig";
import { operatorCheckout, stackSecrets, stackValues } from "../../harness";

// Issue 38, finding 5: a kubeconfig's content is checked before any provider or client is made from it, by one
// policy for the stack check and `npm run adopt`: credential plugins only as reviewed, TLS never off in production,
// never a plain http:// server. Findings never quote a command's arguments or the file.

const SECRET_ARG = "curl-https-evil.example-sh";

function kubeconfig(opts: {
    user?: Record<string, unknown>;
    cluster?: Record<string, unknown>;
    server?: string;
}): string {
    return stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [
            {
                name: "psi-api",
                // psi's own server: the credential must reach the cluster the stack file names.
                cluster: {
                    server: opts.server ?? "https://api.ocp4.prod.psi.redhat.com:6443",
                    ...opts.cluster,
                },
            },
        ],
        users: [{ name: "deployer", user: opts.user ?? { token: "sha256~t" } }],
        contexts: [{ name: "deployer@psi", context: { cluster: "psi-api", user: "deployer" } }],
        "current-context": "deployer@psi",
    });
}

const EXEC = (marker: string) => ({
    exec: {
        apiVersion: "client.authentication.k8s.io/v1",
        command: "sh",
        args: ["-c", `touch ${marker} # ${SECRET_ARG}`],
    },
});
const AUTH_PROVIDER = {
    "auth-provider": { name: "gcp", config: { "cmd-path": "/bin/sh", "cmd-args": SECRET_ARG } },
};

/** A stack's whole validation with the kubeconfig of every cluster set to `text` (the real source decrypts it). */
function stackRun(
    stack: "stage" | "prod",
    text: string,
    edit: (v: Record<string, unknown>) => void = () => {},
) {
    const values = stackValues(stack);
    edit(values);
    const secrets = stackSecrets(stack);
    for (const k of Object.keys(secrets)) if (k.startsWith("kubeconfig-")) secrets[k] = text;
    const base = memoryConfigSource(values, secrets, { stack });
    const source: ConfigSource = { ...base, getValue: (k) => (k in secrets ? secrets[k] : base.getValue(k)) };
    try {
        return {
            config: loadProgramConfig(source, SYSTEMS, { root: operatorCheckout() }),
            problems: [] as string[],
        };
    } catch (err) {
        assert.ok(err instanceof ConfigError, String(err));
        return { config: undefined, problems: err.problems.map((p) => `${p.key}: ${p.message} | ${p.fix}`) };
    }
}

function adopt(stack: string, text: string, credentialCommand?: string): string | undefined {
    try {
        loadKubeconfig(stack, "psi", { secret: "kubeconfig-psi", text }, { credentialCommand });
        return undefined;
    } catch (err) {
        assert.ok(err instanceof KubeconfigError, String(err));
        return err.message;
    }
}

describe("guards: kubeconfig content policy (issue 38, finding 5)", function () {
    this.timeout(60000);
    let dir: string;
    beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), "kubeconfig-policy-"))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    for (const stack of ["stage", "prod"] as const) {
        it(`${stack}: an exec plugin and an auth-provider are refused, naming neither arguments nor file`, () => {
            for (const user of [EXEC(path.join(dir, "ran")), AUTH_PROVIDER]) {
                const { problems } = stackRun(stack, kubeconfig({ user }));
                const kube = problems.filter((p) => p.startsWith("runbooks:kubeconfig-"));
                assert.ok(kube.length > 0, problems.join("\n"));
                for (const p of kube) {
                    assert.match(p, /credentialCommand/);
                    assert.ok(!p.includes(SECRET_ARG) && !p.includes("touch"), p);
                }
            }
        });
    }

    it("a reviewed credentialCommand lets exactly that plugin through", () => {
        const text = kubeconfig({ user: EXEC(path.join(dir, "ran")) });
        const allowed = stackRun("stage", text, (v) => {
            for (const c of Object.values(v.clusters as Record<string, Record<string, unknown>>))
                c.credentialCommand = "sh";
        });
        assert.deepEqual(allowed.problems, []);
        const other = stackRun("stage", text, (v) => {
            for (const c of Object.values(v.clusters as Record<string, Record<string, unknown>>))
                c.credentialCommand = "kubelogin";
        });
        assert.ok(other.problems.length > 0);
    });

    it("insecure-skip-tls-verify: refused on prod, a notice on stage (every spelling YAML reads as true)", () => {
        fc.assert(
            fc.property(fc.constantFrom(true, "true", "True", "yes"), (on) => {
                const text = kubeconfig({ cluster: { "insecure-skip-tls-verify": on } });
                assert.ok(stackRun("prod", text).problems.some((p) => /insecure-skip-tls-verify/.test(p)));
                const stage = stackRun("stage", text);
                assert.deepEqual(stage.problems, []);
                assert.ok(stage.config!.notices.some((n) => /insecure-skip-tls-verify/.test(n.text)));
            }),
            { seed: 38, numRuns: 4 },
        );
    });

    it("a plain http:// server is refused, in any case", () => {
        for (const server of ["http://api.psi.example:6443", "HTTP://api.psi.example"]) {
            assert.ok(stackRun("stage", kubeconfig({ server })).problems.length > 0, server);
            assert.match(adopt("stage", kubeconfig({ server })) ?? "", /http|https/);
        }
    });

    it("npm run adopt applies the same policy before a client exists: the plugin never runs", () => {
        const marker = path.join(dir, "ran");
        const text = kubeconfig({ user: EXEC(marker) });
        const refused = adopt("stage", text);
        assert.match(refused ?? "", /credential plugin/);
        assert.ok(!refused!.includes(SECRET_ARG));
        assert.match(adopt("prod", kubeconfig({ user: AUTH_PROVIDER })) ?? "", /auth-provider/);
        assert.match(
            adopt("prod", kubeconfig({ cluster: { "insecure-skip-tls-verify": true } })) ?? "",
            /insecure-skip-tls-verify/,
        );
        assert.equal(adopt("stage", text, "sh"), undefined);
        assert.ok(!existsSync(marker), "the plugin ran");
    });
});
