import { TODAY_RELEASE } from "../../components/prow/release";
import * as pulumi from "@pulumi/pulumi";
import { strict as assert } from "assert";
import * as fc from "fast-check";
import { Namespace } from "../../components/shared/namespace";
import { ConfigMapHandle, SecretHandle } from "../../components/shared/handles";
import { COMPONENTS } from "../../components/prow/catalog";
import { Component, PROW_PART_OF, usesProwJobs } from "../../components/prow/component";
import { ProwConfig, prowSchema } from "../../components/prow/config";
import { ProwSection } from "../../components/prow/section";
import { ENVIRONMENT_NAMES, EnvironmentName } from "../../components/prow/environments";
import { prow } from "../../components/prow/index";
import { PROW_SECRETS, secretEntries } from "../../components/prow/secrets";
import { evaluatePart } from "../fixtures/part";
import { RecordedPlanResource, dependencyClosure, recordedResources, stackPlan } from "../fixtures/plans";
import { PROW, componentSpec } from "./helpers";

// The template of issue 40 for Prow: the check builds the section deploy reads (so deploy meets no Secret nobody
// provides), notices say what a plan cannot show, and objects wait only for what they use.

/** The parsed section of a minimal stack of `environment`, with `extra` settings. */
function section(environment: EnvironmentName, extra: Record<string, unknown> = {}): ProwConfig {
    return prowSchema.parse({
        enabled: true,
        cluster: "ibmcloud-prow",
        environment,
        release: TODAY_RELEASE,
        ...extra,
    });
}

/** The section the definition's check builds (the test fails where the check builds none). */
function checked(config: ProwConfig): ProwSection {
    const result = prow.check?.(config, { clusters: {} });
    assert.ok(result && !Array.isArray(result), "the check returns a section, not problems alone");
    assert.ok(result.section, `the check rejected ${config.environment}`);
    return result.section;
}

describe("prow section: what the check proves for deploy", () => {
    it("reads each Secret's values from where the secret specs say: the config exactly where a key is required", () => {
        for (const environment of ENVIRONMENT_NAMES) {
            const config = section(environment);
            const optional = new Map(prow.secrets(config).map((s) => [s.key, !!s.optional]));
            const planned = checked(config).secretSources;
            assert.deepEqual(
                planned.map((p) => p.def.name),
                PROW_SECRETS.map((d) => d.name),
                `${environment}: every Secret is planned once`,
            );
            for (const { def, entries, source } of planned) {
                for (const { configKey } of entries) {
                    assert.equal(
                        optional.get(configKey),
                        source.from !== "config",
                        `${environment}: ${configKey} is required exactly when ${def.name} is read from the config alone`,
                    );
                }
            }
        }
    });

    it("generates on a throw-away cluster every Secret but the ones that must be real there", () => {
        const planned = checked(section("kubevirtci-testing")).secretSources;
        for (const { def, source } of planned) {
            const expected = def.realInTest ? "config" : "configOrGenerated";
            assert.equal(source.from, expected, def.name);
        }
        for (const environment of ["ibmcloud-staging", "ibmcloud-production"] as const) {
            for (const { def, source } of checked(section(environment)).secretSources) {
                assert.equal(source.from, "config", `${environment}: ${def.name}`);
            }
        }
    });

    it("keeps the stack's settings in the section, so what reads a section reads the checked one alike", () => {
        for (const environment of ENVIRONMENT_NAMES) {
            const config = section(environment, {
                prefix: "x-",
                namespace: "x-prow",
                jobsNamespace: "x-jobs",
            });
            const built = checked(config);
            assert.deepEqual(prow.namespaces(built), prow.namespaces(config), `${environment}: namespaces`);
            assert.deepEqual(prow.hosts(built), prow.hosts(config), `${environment}: hosts`);
            assert.deepEqual(prow.secrets(built), prow.secrets(config), `${environment}: secrets`);
        }
    });

    it("builds the section from any valid override of the environment's names, with the check's problems beside it", () => {
        fc.assert(
            fc.property(
                fc.constantFrom(...ENVIRONMENT_NAMES),
                fc.stringMatching(/^[a-z]{1,8}-$/),
                (environment, prefix) => {
                    const config = section(environment, {
                        prefix,
                        namespace: `${prefix}prow`,
                        jobsNamespace: `${prefix}prow-jobs`,
                    });
                    const { resolved: env } = checked(config);
                    assert.equal(env.names.prefix, prefix);
                    assert.deepEqual(
                        { ...env.namespaces },
                        { prow: `${prefix}prow`, jobs: `${prefix}prow-jobs` },
                    );
                },
            ),
            { numRuns: 30 },
        );
    });
});

describe("prow notices", () => {
    it("names every generated Secret of a throw-away cluster, and none of the real ones", () => {
        const notices = (prow.notices?.(checked(section("kubevirtci-testing")), { tier: "local" }) ?? []).map(
            (n) => n.text,
        );
        const generated = notices.filter((n) => /^kubevirtci-testing generates each of /.test(n));
        assert.equal(generated.length, 1);
        for (const def of PROW_SECRETS) {
            const named = generated[0].includes(`prow-${def.name}`);
            assert.equal(named, !def.realInTest, def.name);
        }
    });

    // A rolled pod applies a rotated value it reads; it cannot tell GitHub, nor restart the job pods plank starts.
    for (const environment of ENVIRONMENT_NAMES) {
        it(`says, on ${environment}, what a rotation needs beyond the rollout, for exactly the Secrets that need it`, () => {
            assert.ok(prow.notices, "prow has notices");
            const config = checked(section(environment));
            const notices = prow.notices(config, { tier: "production" }).map((n) => n.text);
            const rotations = notices.filter((n) => n.startsWith("rotating "));
            for (const def of PROW_SECRETS) {
                const keys = secretEntries(def).map((e) => e.configKey);
                const own = rotations.filter((n) =>
                    n.includes(`(Secret ${config.resolved.names.name(def.name)})`),
                );
                assert.equal(own.length, def.rotation ? 1 : 0, def.name);
                const jobs = rotations.filter((n) =>
                    n.includes(` the ProwJob pods in ${config.resolved.namespaces.jobs} `),
                );
                assert.equal(jobs.length, 1);
                const listed = /^rotating (.*?): /.exec(jobs[0])![1].split(", ");
                assert.equal(
                    keys.every((k) => listed.includes(k)),
                    def.namespaces.includes("jobs"),
                    def.name,
                );
                for (const k of keys) if (def.rotation) assert.ok(own[0].includes(k), k);
            }
            const hmac = rotations.find((n) => n.includes("prow-hmac-token"))!;
            assert.ok(hmac.includes(config.resolved.refs.urls.hook), hmac);
        });
    }
});

describe("prow order: objects wait only for what they use", function () {
    this.timeout(300_000);

    it("starts a component after the ProwJob CRD exactly when its Roles grant it ProwJobs (prod, which owns the CRD)", async () => {
        const resources = recordedResources(await stackPlan("prod"));
        const byUrn = new Map(resources.map((r) => [r.urn, r]));
        const crd = resources.find(
            (r) => r.type.endsWith(":CustomResourceDefinition") && r.name === "prow-crd",
        );
        assert.ok(crd, "prod creates the ProwJob CRD");
        const waitsFor = (r: RecordedPlanResource): Set<string> => dependencyClosure(r, byUrn);
        const users = COMPONENTS.filter(usesProwJobs).map((c) => c.name);
        assert.ok(
            users.includes("prow-controller-manager") && !users.includes("ghproxy"),
            "the rule tells controllers from the rest",
        );
        for (const spec of COMPONENTS) {
            const controller = resources.filter(
                (r) =>
                    r.system === "prow" &&
                    /:(Deployment|CronJob)$/.test(r.type) &&
                    (r.inputs.metadata as { name: string }).name === spec.name,
            );
            assert.equal(controller.length, 1, `one Deployment or CronJob of ${spec.name}`);
            assert.equal(
                waitsFor(controller[0]).has(crd.urn),
                usesProwJobs(spec),
                `${spec.name} waits for the ProwJob CRD exactly when it uses ProwJobs`,
            );
        }
    });

    it("builds components alone: account, Roles and claim are placed by the Namespace they land in, the pods by the prow one", async () => {
        const resources = await evaluatePart(PROW, prow, "prod", undefined, (config, context) => {
            const { cluster } = context;
            const ns = (name: string, suffix: string) =>
                new Namespace(`prow-${suffix}`, {
                    cluster,
                    name,
                    app: { name, partOf: PROW_PART_OF, component: "namespace" },
                });
            const namespaces = {
                prow: ns(config.resolved.namespaces.prow, "namespace"),
                jobs: ns(config.resolved.namespaces.jobs, "jobs-namespace"),
            };
            const prowNs = config.resolved.namespaces.prow;
            // greenhouse owns a claim; hook has Roles in both namespaces.
            for (const name of ["greenhouse", "hook"] as const) {
                new Component(`prow-${name}`, {
                    config,
                    context,
                    spec: componentSpec(name),
                    namespaces,
                    reads: {
                        namespace: prowNs,
                        secret: (secret) => SecretHandle.existing(secret, prowNs),
                        configMap: (configMap) => ConfigMapHandle.existing(configMap, prowNs),
                    },
                    restartKey: pulumi.output("checksum-key"),
                });
            }
        });
        const namespaceUrns = resources
            .filter((r) => r.type === "kubernetes:core/v1:Namespace")
            .map((r) => r.urn);
        assert.equal(namespaceUrns.length, 2);
        const namespaceUrn = new Map(
            resources
                .filter((r) => r.type === "kubernetes:core/v1:Namespace")
                .map((r) => [(r.inputs.metadata as { name: string }).name, r.urn]),
        );
        const of = (type: string) => resources.filter((r) => r.type === type);
        // Each object is placed with the reference of the Namespace it lands in: its metadata comes from that one.
        for (const r of [
            ...of("kubernetes:core/v1:ServiceAccount"),
            ...of("kubernetes:rbac.authorization.k8s.io/v1:Role"),
            ...of("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding"),
            ...of("kubernetes:core/v1:PersistentVolumeClaim"),
        ]) {
            const urn = namespaceUrn.get((r.inputs.metadata as { namespace: string }).namespace);
            assert.ok(urn, `${r.name} is in a namespace of the test`);
            assert.ok((r.propertyDependencies.metadata ?? []).includes(urn), `${r.name} is placed by ${urn}`);
        }
        assert.equal(
            of("kubernetes:rbac.authorization.k8s.io/v1:Role").length,
            2,
            "hook's Roles in prow and jobs",
        );
        const [claim] = of("kubernetes:core/v1:PersistentVolumeClaim");
        assert.ok(
            claim.protect && claim.retainOnDelete,
            "prod protects and retains greenhouse's cache claim",
        );
        for (const deployment of of("kubernetes:apps/v1:Deployment")) {
            assert.equal((deployment.inputs.metadata as { namespace: string }).namespace, "kubevirt-prow");
            assert.ok(
                deployment.dependencies.includes(namespaceUrns[0]),
                `${deployment.name} is placed by the prow Namespace's name`,
            );
        }
    });
});
