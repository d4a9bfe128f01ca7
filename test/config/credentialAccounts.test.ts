import { strict as assert } from "assert";
import { readFileSync } from "fs";
import * as path from "path";
import fc from "fast-check";
import { parse } from "yaml";
import { verifyClusterIdentities } from "../../components/config/clusterProbe";
import { accountNamespaces, kubeconfigActsAs } from "../../components/config/credentialAccounts";
import { ConfigError, ConfigProblem } from "../../components/config/problems";
import { otherStacks } from "../../components/config/stacks";
import { repoRoot } from "../../tools/root";
import { unsignedJwt } from "../fixtures/tokens";
import { stackRun } from "./guards/identityCases";

// Issue 85 part 3: who a credential acts as is part of the stack's identity. A stage kubeconfig whose token is a
// production namespace's service account, that impersonates one, or whose client certificate names one, is refused
// at the secret's key, offline from what the kubeconfig says and on the engine from what the API server answers.

const ROOT = repoRoot();
const CLUSTER = "cern-paas";
const SECRET = `kubeconfig-${CLUSTER}`;

/** Namespaces a committed stack grants on a cluster of its file, read here from the YAML, not by the program. */
function grantsOf(stack: string, cluster: string): string[] {
    const file = parse(readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8")) as {
        config: Record<string, Record<string, { namespaces?: Record<string, string> }>>;
    };
    return Object.keys(file.config["runbooks:clusters"][cluster]?.namespaces ?? {});
}
const PROD = grantsOf("prod", CLUSTER);
const STAGE = grantsOf("stage", CLUSTER);

const CERT = readFileSync(path.join(__dirname, "../../../test/fixtures/serviceAccountClient.pem")).toString(
    "base64",
);

/** A kubeconfig of stage's DIALS cluster whose user is `user`. */
function kubeconfig(user: Record<string, unknown>): string {
    return JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: "paas", cluster: { server: "https://api.paas.okd.cern.ch:6443" } }],
        contexts: [{ name: "paas", context: { cluster: "paas", user: "me" } }],
        users: [{ name: "me", user }],
        "current-context": "paas",
    });
}

/** Stage's problems with `text` as its DIALS cluster's kubeconfig secret (the real source decrypts it). */
const stageProblems = (text: string): ConfigProblem[] => stackRun("stage", { [CLUSTER]: text }).problems;

const actingAs = (problems: ConfigProblem[]) =>
    problems.filter((p) => /service account of a/.test(p.message));

/** Each way a kubeconfig user names a service account of namespace `ns`. */
const WAYS: Record<string, (ns: string) => Record<string, unknown>> = {
    "a token's subject": (ns) => ({ token: unsignedJwt({ sub: `system:serviceaccount:${ns}:deployer` }) }),
    "a legacy token's namespace claim": (ns) => ({
        token: unsignedJwt({ sub: "x", "kubernetes.io/serviceaccount/namespace": ns }),
    }),
    "a bound token's namespace claim": (ns) => ({
        token: unsignedJwt({ "kubernetes.io": { namespace: ns } }),
    }),
    "impersonation (as)": (ns) => ({ token: "opaque", as: `system:serviceaccount:${ns}:builder` }),
    "impersonated groups (as-groups)": (ns) => ({
        token: "opaque",
        "as-groups": [`system:serviceaccounts:${ns}`],
    }),
};

describe("whom a credential acts as (issue 85 part 3)", function () {
    this.timeout(120_000);

    it("the fixtures are what the rule is about: production grants namespaces on the cluster, stage others", () => {
        assert.ok(PROD.length > 0 && STAGE.length > 0);
        assert.deepEqual(
            PROD.filter((n) => STAGE.includes(n)),
            [],
        );
    });

    for (const [way, user] of Object.entries(WAYS)) {
        it(`stage acting as production's service account by ${way} is refused at its secret, without the namespace`, () => {
            const problems = actingAs(stageProblems(kubeconfig(user(PROD[0]))));
            assert.deepEqual(
                problems.map((p) => p.key),
                [`runbooks:${SECRET}`],
            );
            assert.match(problems[0].message, /stack "prod" grants on this cluster/);
            assert.ok(!problems[0].message.includes(PROD[0]), problems[0].message);
            assert.equal(problems[0].fix, undefined);
        });
    }

    it("a client certificate naming production's service account is refused too", () => {
        assert.deepEqual(accountNamespaces(kubeconfigActsAs({ "client-certificate-data": CERT })), [
            "cms-dials-prod",
        ]);
        assert.equal(actingAs(stageProblems(kubeconfig({ "client-certificate-data": CERT }))).length, 1);
    });

    it("stage's own accounts, another namespace's and a user that is no service account plan", () => {
        for (const user of [
            WAYS["a token's subject"](STAGE[0]),
            WAYS["impersonation (as)"]("ci-deployers"),
            { token: "opaque", as: "system:admin" },
            { token: unsignedJwt({ sub: "alice@example.org" }) },
            { token: "not-a-jwt" },
        ]) {
            assert.deepEqual(stageProblems(kubeconfig(user)), [], JSON.stringify(user));
        }
    });

    it("generated: refused exactly when some way names a namespace another committed stack grants there", () => {
        const names = fc.oneof(
            fc.constantFrom(...PROD, ...STAGE),
            fc.stringMatching(/^[a-z][a-z0-9-]{1,20}$/),
        );
        fc.assert(
            fc.property(
                fc.array(fc.tuple(fc.constantFrom(...Object.keys(WAYS)), names), {
                    minLength: 1,
                    maxLength: 3,
                }),
                (chosen) => {
                    // One user entry holding every chosen way (a later `token` wins, as in a mapping).
                    const user = Object.assign({}, ...chosen.map(([way, ns]) => WAYS[way](ns))) as Record<
                        string,
                        unknown
                    >;
                    const named = accountNamespaces(kubeconfigActsAs(user));
                    const refused = actingAs(stageProblems(kubeconfig(user))).length > 0;
                    assert.equal(
                        refused,
                        named.some((n) => PROD.includes(n)),
                        JSON.stringify(user),
                    );
                },
            ),
            { numRuns: 25 },
        );
    });

    it("on the engine: the API server's answer (SelfSubjectReview) is checked by the same rule", async () => {
        const probe = async (username: string, groups: string[] = []): Promise<string[]> => {
            try {
                await verifyClusterIdentities(
                    {
                        stack: "stage",
                        clusters: { [CLUSTER]: {} } as never,
                        used: [CLUSTER],
                        marks: { [CLUSTER]: {} },
                        kubeconfig: () => "kubeconfig text",
                        otherStacks: () => otherStacks("stage", ROOT),
                    },
                    async () => ({ uid: "u", actsAs: { users: [username], groups } }),
                );
                return [];
            } catch (err) {
                assert.ok(err instanceof ConfigError, String(err));
                return err.problems.map((p) => p.key);
            }
        };
        // An exec plugin's credential says nothing offline; the server names the account it maps to.
        assert.deepEqual(await probe(`system:serviceaccount:${PROD[0]}:deployer`), [`runbooks:${SECRET}`]);
        assert.deepEqual(await probe("oidc:alice", [`system:serviceaccounts:${PROD[0]}`]), [
            `runbooks:${SECRET}`,
        ]);
        assert.deepEqual(await probe(`system:serviceaccount:${STAGE[0]}:deployer`), []);
    });
});
