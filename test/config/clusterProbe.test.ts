import { strict as assert } from "assert";
import {
    LiveIdentity,
    ProbeError,
    ReadLiveIdentity,
    ruleWrites,
    verifyClusterIdentities,
} from "../../components/config/clusterProbe";
import { ConfigError } from "../../components/config/problems";
import { cluster } from "./passes/fixtures";

// Issue 52 item 1, the engine's side: before anything is written, each cluster's live identity (read through the
// stack's credential) is compared with the one its committed stack file pins. The reader is injected here; the e2e
// runs the real one against a live cluster (e2e/local.e2e.ts).

const PINNED = "3f6c2a7e-1d2b-4c5e-9f80-7a1b2c3d4e5f";
const OTHER = "9b8e7d6c-5a4b-4c3d-8e2f-1a0b9c8d7e6f";
const reads =
    (live: LiveIdentity | Error): ReadLiveIdentity =>
    async () => {
        if (live instanceof Error) throw live;
        return live;
    };

async function problems(
    live: LiveIdentity | Error,
    entry: Record<string, unknown>,
    others: Parameters<typeof verifyClusterIdentities>[0]["otherStacks"] = () => [],
): Promise<string[]> {
    try {
        await verifyClusterIdentities(
            {
                stack: "stage",
                clusters: { psi: { ...cluster(), ...entry } },
                used: ["psi"],
                marks: { psi: { server: "api.example.org:6443" } },
                kubeconfig: () => "kubeconfig text",
                otherStacks: others,
            },
            reads(live),
        );
        return [];
    } catch (err) {
        assert.ok(err instanceof ConfigError, String(err));
        return err.problems.map((p) => `${p.key}: ${p.message}`);
    }
}

describe("the engine's identity probe (issue 52 item 1)", () => {
    it("the pinned cluster passes; another one stops the run at the pin's key", async () => {
        assert.deepEqual(await problems({ uid: PINNED }, { identity: { uid: PINNED } }), []);
        const wrong = await problems({ uid: OTHER }, { identity: { uid: PINNED } });
        assert.equal(wrong.length, 1);
        assert.match(
            wrong[0],
            /^runbooks:clusters\.psi\.identity\.uid: pins cluster 3f6c.*reaches a cluster whose kube-system namespace has uid 9b8e/,
        );
    });

    it("OpenShift's clusterID, where pinned, must match too", async () => {
        const pin = { identity: { uid: PINNED, clusterID: OTHER } };
        assert.deepEqual(await problems({ uid: PINNED, clusterID: OTHER }, pin), []);
        const missing = await problems({ uid: PINNED }, pin);
        assert.match(missing[0], /^runbooks:clusters\.psi\.identity\.clusterID: /);
    });

    it("a probe that cannot read the cluster stops the run, quoting nothing of the credential", async () => {
        const out = await problems(new ProbeError("the API server answered HTTP 403"), {
            identity: { uid: PINNED },
        });
        assert.equal(out.length, 1);
        assert.match(out[0], /^runbooks:kubeconfig-psi: could not be checked: .*HTTP 403/);
        assert.ok(!out[0].includes("kubeconfig text"));
    });

    it("an unpinned entry that reaches a cluster another stack pins, which it was taken not to be, stops", async () => {
        const prod = () => [
            {
                stack: "prod",
                production: true,
                clusters: [
                    {
                        name: "psi",
                        marks: { server: "api.prod.example.org:6443", uid: OTHER },
                        grants: { namespaces: {}, hosts: {}, clusterScoped: {} },
                    },
                ],
                values: {},
            },
        ];
        const out = await problems({ uid: OTHER }, {}, prod);
        assert.equal(out.length, 1);
        assert.match(
            out[0],
            /^runbooks:clusters\.psi\.identity\.uid: is not pinned, .*Pulumi\.prod\.yaml pins as "psi"/,
        );
        // Control: a cluster nobody pins passes unpinned.
        assert.deepEqual(await problems({ uid: PINNED }, {}, prod), []);
    });

    describe("a declared read-only context (issue 85)", () => {
        const prod = () => [
            {
                stack: "prod",
                production: true,
                clusters: [
                    {
                        name: "psi",
                        marks: { server: "api.example.org:6443" },
                        grants: { namespaces: { "prod-ns": "thoth" }, hosts: {}, clusterScoped: {} },
                    },
                ],
                values: {},
            },
        ];
        /** The run's problems when the server says the viewer may write in `writes` and cannot tell for `unknown`. */
        const run = async (
            writes: string[],
            unknown: string[] = [],
            actsAs?: { users: string[]; groups: string[] },
        ) => {
            const asked: string[][] = [];
            try {
                await verifyClusterIdentities(
                    {
                        stack: "stage",
                        clusters: {
                            psi: {
                                ...cluster(),
                                identity: { uid: PINNED },
                                namespaces: { "stage-ns": "thoth" },
                                readOnlyContexts: ["viewer"],
                            },
                        },
                        used: ["psi"],
                        marks: { psi: { server: "api.example.org:6443" } },
                        kubeconfig: () => "kubeconfig text",
                        otherStacks: prod,
                    },
                    reads({ uid: PINNED }),
                    async (_k, context, namespaces) => {
                        asked.push([context, ...namespaces]);
                        return {
                            writable: namespaces.filter((n) => writes.includes(n)),
                            unknown: namespaces.filter((n) => unknown.includes(n)),
                            ...(actsAs ? { actsAs } : {}),
                        };
                    },
                );
                return { asked, problems: [] as string[] };
            } catch (err) {
                assert.ok(err instanceof ConfigError, String(err));
                return { asked, problems: err.problems.map((p) => `${p.key}: ${p.message}`) };
            }
        };

        it("a rule writes when it may change an object: not the reviews every user may create, nor get/list/watch", () => {
            const rule = (verbs: string[], resources?: string[]) => ({ verbs, resources });
            for (const r of [
                rule(["get", "list", "watch"], ["pods", "configmaps"]),
                rule(["create"], ["selfsubjectaccessreviews", "selfsubjectrulesreviews"]),
                rule(["create"], ["selfsubjectreviews"]),
            ])
                assert.equal(ruleWrites(r), false, JSON.stringify(r));
            for (const r of [
                rule(["create"], ["configmaps"]),
                rule(["*"], ["*"]),
                rule(["patch"]),
                rule(["escalate", "bind"], ["roles"]),
                rule(["create"], ["selfsubjectreviews", "secrets"]),
            ])
                assert.equal(ruleWrites(r), true, JSON.stringify(r));
        });

        it("one that only reads passes, asked about this stack's namespaces and those the cluster's other stacks grant", async () => {
            const out = await run([]);
            assert.deepEqual(out.problems, []);
            assert.deepEqual(out.asked, [["viewer", "prod-ns", "stage-ns"]]);
        });

        it("one the API server takes for another stack's service account stops the run at the secret, unnamed", async () => {
            const theirs = await run([], [], { users: ["system:serviceaccount:prod-ns:viewer"], groups: [] });
            assert.equal(theirs.problems.length, 1);
            assert.match(
                theirs.problems[0],
                /^runbooks:kubeconfig-psi: context "viewer" reaches the API server as a service account of a namespace that stack "prod" grants/,
            );
            assert.ok(!theirs.problems[0].includes("prod-ns"));
            const own = await run([], [], { users: ["system:serviceaccount:stage-ns:viewer"], groups: [] });
            assert.deepEqual(own.problems, []);
        });

        it("one that may write, or whose rights the server cannot list, stops the run at its key, another stack's namespace unnamed", async () => {
            const own = await run(["stage-ns"]);
            assert.equal(own.problems.length, 1);
            assert.match(
                own.problems[0],
                /^runbooks:clusters\.psi\.readOnlyContexts\[0\]: .*may write in namespace "stage-ns"/,
            );
            const theirs = await run(["prod-ns"], ["stage-ns"]);
            assert.match(theirs.problems[0], /may write in a namespace stack "prod" grants/);
            assert.match(theirs.problems[0], /could not list in namespace "stage-ns"/);
            assert.ok(!theirs.problems[0].includes("prod-ns"));
        });
    });
});
