import { strict as assert } from "assert";
import { ConfigError } from "../../components/config/problems";
import { Stack, Values, runSystem } from "../fixtures/system";
import { configErrorOf, onlyProblem } from "../harness";
import { recordingPins } from "../fixtures/runningReleases";
import { CLUSTER_KUBECONFIG, PROW, PROW_SECRET_VALUES, patchProw, toTesting } from "./helpers";

/** Runs the program expecting bad config: returns the ConfigError, after checking nothing was registered. */
const configError = (stack: Stack, change: (values: Values) => void, secrets?: Record<string, string>) =>
    configErrorOf(() => runSystem(PROW, stack, change, secrets));

function problem(err: ConfigError, key: string) {
    const found = err.problems.filter((p) => p.key === key);
    assert.equal(
        found.length,
        1,
        `expected one problem for ${key}, got: ${err.problems.map((p) => `${p.key}: ${p.message}`).join(" | ")}`,
    );
    return found[0];
}

describe("prow config errors", () => {
    it("refuses the takeover up until the live documents were compared in the adoption report; a local stack and a later up never ask (issue 68)", async () => {
        const adopting =
            (compared?: boolean, tier?: string) =>
            (values: Values): void => {
                const prow = values.prow as Record<string, unknown>;
                const clusters = values.clusters as Record<string, Record<string, unknown>>;
                const cluster = (prow.cluster as string | undefined) ?? "ibmcloud-prow";
                clusters[cluster] = { ...clusters[cluster], adoptExisting: true };
                if (compared !== undefined) prow.liveDocumentsCompared = compared;
                if (tier) values.tier = tier;
            };
        for (const stack of ["stage", "prod"] as const) {
            const err = await configError(stack, adopting());
            const p = problem(err, "runbooks:prow.liveDocumentsCompared");
            assert.match(
                p.message,
                /adoptExisting is on: this up replaces the live ConfigMaps .*config.*plugins.*label-config/,
            );
            assert.equal(p.fix, "npm run adopt --");
            assert.match(p.message, /then set it to true$/);
            // Confirmed: the takeover goes on.
            await runSystem(PROW, stack, await recordingPins(PROW, stack, adopting(true)));
        }
        // Control: the same takeover on a local stack (its documents are its own runs') is not asked.
        await runSystem(PROW, "stage", (v) => {
            toTesting()(v);
            adopting(undefined, "local")(v);
        });
    });

    it("refuses every malformed prow.jobsReach part at once, each at its full key; an entry as the report prints it passes", async () => {
        const err = await configError(
            "prod",
            patchProw({
                jobsReach: {
                    "Kubevirt-Prow/proxy": { port: 3128, targetPort: 3128, selector: { app: "proxy" } },
                    "kubevirt-prow/docker-mirror-proxy": {
                        port: 70000,
                        targetPort: "-http",
                        selector: { "a/b/c": "x", app: "-bad" },
                    },
                    "kubevirt-prow/empty": { port: 80, targetPort: 80, selector: {} },
                },
            }),
        );
        const keys = err.problems.map((p) => p.key).sort();
        for (const key of [
            "runbooks:prow.jobsReach.Kubevirt-Prow/proxy",
            "runbooks:prow.jobsReach.kubevirt-prow/docker-mirror-proxy.port",
            "runbooks:prow.jobsReach.kubevirt-prow/docker-mirror-proxy.targetPort",
            "runbooks:prow.jobsReach.kubevirt-prow/empty.selector",
        ])
            assert.ok(
                keys.some((k) => k.replace(/\["([^"]*)"\]/g, ".$1") === key),
                `${key} not among ${keys.join(", ")}`,
            );
        assert.ok(
            keys.some((k) => k.includes("docker-mirror-proxy") && k.includes("selector")),
            keys.join(", "),
        );
        await runSystem(
            PROW,
            "prod",
            patchProw({
                jobsReach: {
                    "kubevirt-prow/docker-mirror-proxy": {
                        port: 3128,
                        targetPort: "http",
                        selector: { app: "docker-mirror-proxy", "app.kubernetes.io/name": "true" },
                    },
                },
            }),
        );
    });

    it("prow.liveCallers: every malformed part is refused at once, each at its full key; then every call to no Service port of Prow's, its fix removing it; an entry as the report prints it passes", async () => {
        const keysOf = (e: { problems: readonly { key: string }[] }) =>
            e.problems.map((p) => p.key.replace(/\["([^"]*)"\]/g, ".$1")).sort();
        const malformed = await configError(
            "prod",
            patchProw({
                liveCallers: {
                    Coverage: { selector: { app: "prow-coverage" }, calls: { ghproxy: 80 } },
                    phased: { selector: {}, calls: { ghproxy: 70000 } },
                },
            }),
        );
        assert.deepEqual(keysOf(malformed), [
            "runbooks:prow.liveCallers.Coverage",
            "runbooks:prow.liveCallers.phased.calls.ghproxy",
            "runbooks:prow.liveCallers.phased.selector",
        ]);
        const err = await configError(
            "prod",
            patchProw({
                liveCallers: {
                    referee: {
                        selector: { app: "referee" },
                        calls: { ghproxy: 8888, "docker-mirror-proxy": 3128 },
                    },
                },
            }),
        );
        assert.deepEqual(keysOf(err), [
            "runbooks:prow.liveCallers.referee.calls.docker-mirror-proxy",
            "runbooks:prow.liveCallers.referee.calls.ghproxy",
        ]);
        const wrongPort = err.problems.find((p) => p.key.endsWith("ghproxy"))!;
        assert.match(
            wrongPort.message,
            /is no port of a Service Prow makes in kubevirt-prow: .*ghproxy \(80\), /,
        );
        assert.equal(wrongPort.fix, undefined);
        await runSystem(
            PROW,
            "prod",
            patchProw({
                liveCallers: { coverage: { selector: { app: "prow-coverage" }, calls: { ghproxy: 80 } } },
            }),
        );
    });

    it("rejects a prefix that is not a DNS label prefix, saying what is allowed", async () => {
        const err = await configError("stage", patchProw({ prefix: "Staging_" }));
        const p = problem(err, "runbooks:prow.prefix");
        assert.match(p.message, /lower-case letters, digits and '-'/);
        assert.equal(p.fix, undefined);
    });

    it("rejects a prefix that makes object names too long, naming them", async () => {
        const prefix = `${"s".repeat(39)}-`;
        const err = await configError(
            "stage",
            patchProw({ prefix, namespace: `${prefix}prow`, jobsNamespace: `${prefix}jobs` }),
        );
        const p = problem(err, "runbooks:prow.prefix");
        assert.match(p.message, new RegExp(`"${prefix}branch-protector" is longer than 52 characters`));
        assert.match(p.message, /is not a DNS label/);
    });

    it("rejects a negative replica count at its full key", async () => {
        const err = await configError("prod", patchProw({ components: { deck: { replicas: -1 } } }));
        const p = problem(err, "runbooks:prow.components.deck.replicas");
        assert.match(p.message, /must not be negative/);
        assert.equal(p.fix, undefined);
    });

    it("rejects an unknown component in the per-component map, listing the known ones", async () => {
        const err = await configError("prod", patchProw({ components: { dekc: { replicas: 2 } } }));
        const p = problem(err, "runbooks:prow.components.dekc");
        assert.match(p.message, /unknown setting "dekc".*deck, hook, prow-controller-manager/);
        // A rename keeps the settings written under the misspelt name; removing them would lose them.
        assert.equal(
            p.fix,
            "edit Pulumi.<stack>.yaml: rename runbooks:prow.components.dekc to runbooks:prow.components.deck",
        );
    });

    it("rejects an unknown environment with the example of a real one", async () => {
        const err = await configError("stage", patchProw({ environment: "ibmcloud-stage" }));
        const p = problem(err, "runbooks:prow.environment");
        assert.match(p.message, /ibmcloud-staging/);
        assert.equal(p.fix, undefined);
    });

    it("rejects scaling a single-instance component", async () => {
        const err = await configError("prod", patchProw({ components: { ghproxy: { replicas: 2 } } }));
        assert.match(problem(err, "runbooks:prow.components.ghproxy.replicas").message, /single instance/);
    });

    it("refuses a document key the merge refuses, by its full key, before anything is merged", async () => {
        // JSON, as the engine hands the program a structured value: `__proto__` stays an own key, as in the file.
        const config = JSON.parse(
            '{"tide": {"__proto__": {"polluted": true}}, "constructor": 1, "branch-protection": [{"prototype": {}}]}',
        ) as Record<string, unknown>;
        const err = await configError("stage", patchProw({ documents: { config } }));
        // `__proto__` is refused as it is in every section; the merge's own keys by the merge's reason.
        const proto = problem(err, "runbooks:prow.documents.config.tide.__proto__");
        assert.match(proto.message, /^the key "__proto__" is no setting/);
        assert.match(proto.message, /: remove it$/);
        for (const key of [
            "prow.documents.config.constructor",
            "prow.documents.config.branch-protection[0].prototype",
        ]) {
            const p = problem(err, `runbooks:${key}`);
            assert.match(p.message, /is not allowed: merged into Prow's config document/);
            assert.equal(p.fix, undefined);
        }
        assert.equal(({} as Record<string, unknown>).polluted, undefined);
    });

    it("rejects a request above its limit", async () => {
        const err = await configError(
            "prod",
            patchProw({ components: { hook: { resources: { requests: { memory: "2Gi" } } } } }),
        );
        assert.match(
            problem(err, "runbooks:prow.components.hook.resources").message,
            /memory request 2Gi is above the limit 1Gi/,
        );
    });

    it("rejects a prefixed environment whose namespace lacks the prefix", async () => {
        const err = await configError(
            "stage",
            patchProw({ namespace: "kubevirt-prow", jobsNamespace: "kubevirt-prow-jobs" }),
        );
        const p = problem(err, "runbooks:prow.namespace");
        assert.match(p.message, /lacks the prefix "staging-"/);
        assert.equal(p.fix, undefined);
        problem(err, "runbooks:prow.jobsNamespace");
    });

    it("rejects the same namespace for Prow and its jobs, and a derived jobs namespace that is too long", async () => {
        const same = await configError("prod", patchProw({ jobsNamespace: "kubevirt-prow" }));
        assert.match(problem(same, "runbooks:prow.jobsNamespace").message, /job pods must be kept apart/);
        const long = await configError(
            "prod",
            patchProw({ namespace: "p".repeat(60), jobsNamespace: undefined }),
        );
        assert.match(
            problem(long, "runbooks:prow.namespace").message,
            /jobs namespace "p{60}-jobs" is not a DNS label/,
        );
    });

    it("rejects staging values in the production environment", async () => {
        const err = await configError("prod", patchProw({ bucket: "staging-kubevirt-prow" }));
        assert.match(
            problem(err, "runbooks:prow.bucket").message,
            /staging resource in the production environment/,
        );
    });

    it("collects every problem at once", async () => {
        const err = await configError(
            "prod",
            patchProw({
                prefix: "Bad",
                components: { deck: { replicas: -2 }, nope: {} },
                bucket: "staging-bucket",
            }),
        );
        for (const key of [
            "runbooks:prow.prefix",
            "runbooks:prow.components.deck.replicas",
            "runbooks:prow.components.nope",
        ]) {
            problem(err, key);
        }
    });

    it("requires every secret in staging, each with its own fix", async () => {
        const err = await configError("stage", patchProw(), CLUSTER_KUBECONFIG);
        const keys = err.problems.map((p) => p.key).filter((k) => k.startsWith("runbooks:prow-"));
        assert.equal(keys.length, 14);
        assert.ok(!keys.includes("runbooks:prow-cat-api-key"));
        assert.equal(
            problem(err, "runbooks:prow-hmac-token").fix,
            "pulumi config set --secret prow-hmac-token --stack <stack> < hmac",
        );
    });

    it("tells a stack that still sets hook's image plugin API keys they are no longer used, with the rm of each", async () => {
        const err = await configError("stage", () => {}, {
            ...PROW_SECRET_VALUES,
            "prow-unsplash-api-key": "s3cret-unsplash",
            "prow-cat-api-key": "s3cret-cat",
        });
        for (const [key, path] of [
            ["prow-unsplash-api-key", "goose.key_path"],
            ["prow-cat-api-key", "cat.key_path"],
        ]) {
            const p = problem(err, `runbooks:${key}`);
            assert.match(p.message, /^is no longer used \(hook opens this key only at the plugins\.yaml /);
            assert.ok(p.message.includes(path), p.message);
            assert.equal(p.fix, undefined);
        }
        assert.equal(err.problems.length, 2, "nothing else is wrong with the stack");
    });

    it("keeps the ProwJob CRD with production and staging dry, refusing a staging stack that would own or act", async () => {
        const err = await configError("stage", patchProw({ manageCrd: true, dryRun: false }));
        assert.match(
            problem(err, "runbooks:prow.manageCrd").message,
            /production, whose stack owns the cluster-scoped ProwJob CRD/,
        );
        assert.equal(problem(err, "runbooks:prow.manageCrd").fix, undefined);
        assert.match(problem(err, "runbooks:prow.dryRun").message, /would act on real pull requests/);
        assert.equal(problem(err, "runbooks:prow.dryRun").fix, undefined);
    });

    it("refuses to generate kubevirtci-testing's GitHub token, naming the scope it needs", async () => {
        const err = await configError("stage", toTesting(), CLUSTER_KUBECONFIG);
        assert.match(
            onlyProblem(err, "runbooks:prow-oauth-token").message,
            /real GitHub token .* at most the read:user scope/,
        );
        assert.equal(
            err.problems[0].fix,
            "pulumi config set --secret prow-oauth-token --stack <stack> < oauth",
        );
    });
});
