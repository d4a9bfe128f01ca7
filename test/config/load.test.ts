import { strict as assert } from "assert";
import { z } from "zod";
import { loadProgramConfig } from "../../components/config/load";
import { ConfigError } from "../../components/config/problems";
import { memoryConfigSource } from "../../components/config/source";
import { SystemDefinition, defineSystem, registered } from "../../components/config/systemDefinition";
import { k8sName } from "../../components/config/fields";
import { SYSTEMS } from "../../components/systems";
import { onlyProblem, recorder, runWith, stackSecrets, stackValues } from "../harness";

// A second, minimal system so namespace clashes between two systems can be provoked without depending on
// any other system's schema.
const other = defineSystem<{ enabled: boolean; cluster?: string; namespace: string }, "kubernetes">({
    section: "other",
    title: "Other",
    target: "kubernetes",
    schema: z.object({ enabled: z.boolean(), cluster: k8sName("psi"), namespace: k8sName("other") }).strict(),
    namespaces: (c) => [{ namespace: c.namespace, key: "other.namespace" }],
    hosts: () => [],
    clusterScoped: () => [],
    secrets: () => [
        { key: "other-token", description: "token", today: "gopass other/token", example: "t0k3n" },
    ],
    deploy: () => ({}),
});
const third = defineSystem<{ enabled: boolean; cluster?: string; replicas: number }, "kubernetes">({
    section: "third",
    title: "Third",
    target: "kubernetes",
    schema: z
        .object({
            enabled: z.boolean(),
            cluster: k8sName("psi"),
            replicas: z.number().meta({ example: "2" }),
        })
        .strict(),
    namespaces: () => [],
    hosts: () => [],
    clusterScoped: () => [],
    secrets: () => [],
    deploy: () => ({}),
});
const systems: SystemDefinition[] = [...SYSTEMS, registered(other), registered(third)];

const secrets = stackSecrets("prod");

function problemsOf(fn: () => unknown): ConfigError {
    try {
        fn();
    } catch (err) {
        assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
        return err;
    }
    assert.fail("expected a ConfigError");
}

describe("config validation", () => {
    it("accepts both committed stack files when their secrets are set", () => {
        for (const stack of ["stage", "prod"] as const) {
            const cfg = loadProgramConfig(
                memoryConfigSource(stackValues(stack), stackSecrets(stack)),
                SYSTEMS,
            );
            assert.ok(cfg.enabled.length > 0);
        }
    });

    it("reports a missing secret, a wrong type, an unknown system and a namespace clash in one error", async () => {
        const values = stackValues("prod");
        values.third = { enabled: true, cluster: "psi", replicas: "two" };
        values.thot = { enabled: true };
        values.other = { enabled: true, cluster: "psi", namespace: "aicoe" };
        const { "thoth-ultrahook-aicoe-api-key": _dropped, ...rest } = secrets;
        const withoutOne = { ...rest, "other-token": "t" };
        const err = problemsOf(() => loadProgramConfig(memoryConfigSource(values, withoutOne), systems));
        const keys = err.problems.map((p) => p.key).sort();
        assert.deepEqual(keys, [
            "runbooks:other.namespace",
            "runbooks:third.replicas",
            "runbooks:thot",
            "runbooks:thoth-ultrahook-aicoe-api-key",
        ]);
        assert.match(
            err.message,
            /pulumi config set --secret thoth-ultrahook-aicoe-api-key --stack <stack>\n/,
        );
        assert.match(err.message, /third\.replicas: expected number, received string/);
        assert.match(err.message, /runbooks:thot: unknown key/);
        assert.match(
            err.message,
            /namespace "aicoe" on cluster "psi" is claimed by thoth and other; thoth comes first .* keeps it, other moves/,
        );
        // Only the later side moves: thoth's namespace was never wrong; which namespace other takes is the operator's.
        assert.doesNotMatch(err.message, /pulumi config set --path other\.namespace/);
        assert.doesNotMatch(err.message, /at .*\.ts:\d+/, "no stack trace in the message");

        // The same mistakes through the program register nothing at all.
        await assert.rejects(
            runWith({ values, secrets: withoutOne, systems }),
            (e: unknown) => e instanceof ConfigError && e.problems.length === 4,
        );
        assert.equal(recorder.resources.length, 0);
    });

    it("requires the tier and a known cluster, and a kubeconfig for every cluster in use", () => {
        const values = stackValues("stage");
        delete values.tier;
        (values.thoth as { cluster: string }).cluster = "nowhere";
        const err = problemsOf(() => loadProgramConfig(memoryConfigSource(values, {}), SYSTEMS));
        const byKey = new Map(err.problems.map((p) => [p.key, p]));
        assert.match(byKey.get("runbooks:tier")!.message, /set it to production, staging or local$/);
        assert.match(
            byKey.get("runbooks:thoth.cluster")!.message,
            /cluster "nowhere", which is not in runbooks:clusters/,
        );
    });

    it("asks for every kubeconfig of clusters in use, but not for unused clusters", () => {
        const err = problemsOf(() =>
            loadProgramConfig(memoryConfigSource(stackValues("stage"), {}), SYSTEMS),
        );
        const keys = err.problems.map((p) => p.key);
        assert.ok(keys.includes("runbooks:kubeconfig-psi"));
        assert.ok(
            !keys.includes("runbooks:kubeconfig-cern-paas") || SYSTEMS.some((s) => s.section === "dials"),
        );
        const fix = err.problems.find((p) => p.key === "runbooks:kubeconfig-psi")!.fix;
        assert.equal(fix, "pulumi config set --secret kubeconfig-psi --stack <stack> < kubeconfig.yaml");
    });

    it("rejects a secret stored in plain text", () => {
        const { "kubeconfig-psi": plain, ...others } = secrets;
        const values = { ...stackValues("prod"), "kubeconfig-psi": plain };
        const err = problemsOf(() => loadProgramConfig(memoryConfigSource(values, others), SYSTEMS));
        assert.deepEqual(
            err.problems.map((p) => [p.key, p.fix]),
            [
                [
                    "runbooks:kubeconfig-psi",
                    "pulumi config set --secret kubeconfig-psi --stack <stack> < kubeconfig.yaml",
                ],
            ],
        );
        assert.match(err.problems[0].message, /plain text/);
    });

    it("rejects a settings section stored as a secret without also blaming what depends on it", () => {
        const values = stackValues("prod");
        delete values.clusters;
        const err = problemsOf(() =>
            loadProgramConfig(memoryConfigSource(values, { ...secrets, clusters: "{}" }), SYSTEMS),
        );
        assert.match(onlyProblem(err, "runbooks:clusters").message, /stored as a secret/);
    });

    it("flags unknown fields inside a section, saying it is ignored and to remove it", () => {
        const values = stackValues("prod");
        (values.thoth as Record<string, unknown>).ultrahok = {};
        const err = problemsOf(() => loadProgramConfig(memoryConfigSource(values, secrets), SYSTEMS));
        const p = err.problems.find((x) => x.key === "runbooks:thoth.ultrahok")!;
        assert.match(p.message, /unknown setting "ultrahok"/);
        assert.match(p.message, /it is ignored: remove it$/);
        assert.equal(p.fix, undefined);
    });

    it("keeps a switched-off part's secret without complaint, but not in plain text", () => {
        const values = stackValues("prod");
        assert.doesNotThrow(() =>
            loadProgramConfig(
                memoryConfigSource(values, { ...secrets, "thoth-old-bot-token": "x" }),
                SYSTEMS,
            ),
        );
        const err = problemsOf(() =>
            loadProgramConfig(
                memoryConfigSource({ ...values, "thoth-old-bot-token": "x" }, secrets),
                SYSTEMS,
            ),
        );
        assert.match(
            onlyProblem(err, "runbooks:thoth-old-bot-token").fix ?? "",
            /^pulumi config set --secret thoth-old-bot-token/,
        );
    });

    it("fills missing secrets with placeholders only when asked (offline plan)", () => {
        const cfg = loadProgramConfig(memoryConfigSource(stackValues("prod"), {}), SYSTEMS, {
            placeholderSecret: (s) => `placeholder-${s.key}`,
        });
        assert.ok(cfg.secrets.require("kubeconfig-psi"));
        assert.throws(() => cfg.secrets.require("never-declared"), /not declared/);
    });
});
