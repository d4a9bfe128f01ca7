// Retained data survives the deletion of what contains it: a stateful object's Namespace is kept at least as
// firmly as the object, because deleting a namespace makes the namespace controller delete every claim inside it,
// retainOnDelete or not (issue 18, found by a forced destroy on the real engine).
import { strict as assert } from "assert";
import * as k8s from "@pulumi/kubernetes";
import { statefulReason } from "../../policy/rules/stateful";
import { Namespace } from "../../components/shared/namespace";
import { RETENTION_PENDING, secretsRead } from "../../e2e/kube";
import type { RecordedResource } from "../../tools/mocks/recorder";
import { ofType, resetRecorder, runWith, settled, stackSecrets, stackValues } from "../harness";
import { RecordedPlanResource, recordedResources, stackPlan } from "../fixtures/plans";
import { evaluatePart } from "../fixtures/part";
import { THOTH } from "../thoth/fixtures";
import { confirmImages, nameRouteAudiences } from "../placeholders";
import { thoth } from "../../components/thoth/index";
import { Thoth } from "../../components/thoth/thoth";
import { NAMESPACE, SECRET } from "../fixtures/resourceTypes";

/** What these checks read of a resource: a recorded one, or one of a committed stack's plan with its dependencies. */
type Resource = Pick<
    RecordedResource,
    "urn" | "type" | "name" | "inputs" | "protect" | "retainOnDelete" | "dependencies"
>;

/** Why an object holds data a delete would lose (the policy's rule, plus claim templates and kept objects). */
function holdsData(r: Resource): string | undefined {
    const reason = statefulReason(r.type, r.inputs);
    if (reason) return reason;
    const spec = r.inputs.spec as { volumeClaimTemplates?: unknown[] } | undefined;
    if (r.type === "kubernetes:apps/v1:StatefulSet" && (spec?.volumeClaimTemplates ?? []).length > 0) {
        return "has volume claim templates";
    }
    if (r.type.startsWith("kubernetes:") && r.retainOnDelete) return "is retained by its options";
    return undefined;
}

function metadata(r: Resource): { name?: string; namespace?: string } {
    return (r.inputs.metadata as { name?: string; namespace?: string } | undefined) ?? {};
}

interface Evaluated {
    resources: Resource[];
    /** metadata.name → the Namespace object the program creates. */
    namespaces: Map<string, Resource>;
    /** Stateful Kubernetes objects inside a namespace the program creates. */
    stateful: { object: Resource; namespace: Resource; reason: string }[];
}

function evaluate(resources: readonly Resource[]): Evaluated {
    const namespaces = new Map(
        resources.filter((r) => r.type === NAMESPACE).map((r) => [metadata(r).name ?? "", r]),
    );
    const stateful = resources.flatMap((object) => {
        const reason = holdsData(object);
        const namespace = namespaces.get(metadata(object).namespace ?? "");
        return reason && namespace ? [{ object, namespace, reason }] : [];
    });
    // runWith hands back the recorder's own list, which the next run refills: keep a copy.
    return { resources: [...resources], namespaces, stateful };
}

/** One Secret a retained workload reads, and what the program makes of it. */
export interface Credential {
    /** `<namespace>/<name>`. */
    id: string;
    /** The retained workloads that read it, as `<Kind> <name>`. */
    readers: string[];
    protect: boolean;
    retainOnDelete: boolean;
    /** The Secret the program creates, when it creates one (absent: someone else owns it, no destroy deletes it). */
    secret?: Resource;
    /** The generated values (@pulumi/random) its data is made from. */
    generated: Resource[];
}

/**
 * Every Secret a retained Kubernetes workload reads (env valueFrom, envFrom, volumes): a forced destroy leaves the
 * workload and its data, so what it reads must stay too. A database's data directory is initialised with its
 * credentials; a deleted Secret comes back with a new generated password the data does not know.
 */
export function credentialsOfRetained(resources: readonly Resource[]): Credential[] {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const found = new Map<string, Credential>();
    for (const reader of resources.filter((r) => r.type.startsWith("kubernetes:") && r.retainOnDelete)) {
        const kind = reader.type.split(":").pop()!;
        const { name, namespace } = metadata(reader);
        for (const secretName of secretsRead({ kind, spec: reader.inputs.spec })) {
            const id = `${namespace}/${secretName}`;
            let credential = found.get(id);
            if (!credential) {
                const secret = resources.find(
                    (r) =>
                        r.type === SECRET &&
                        metadata(r).name === secretName &&
                        metadata(r).namespace === namespace,
                );
                credential = {
                    id,
                    readers: [],
                    protect: false,
                    retainOnDelete: false,
                    secret,
                    generated: (secret?.dependencies ?? [])
                        .map((urn) => byUrn.get(urn))
                        .filter((r): r is Resource => r !== undefined && r.type.startsWith("random:")),
                };
                found.set(id, credential);
            }
            credential.readers.push(`${kind} ${name}`);
            credential.protect ||= reader.protect;
            credential.retainOnDelete ||= reader.retainOnDelete;
        }
    }
    return [...found.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** What a forced destroy would take from a retained workload: each Secret or generated value kept less firmly. */
export function weakerCredentials(credentials: Credential[]): string[] {
    return credentials.flatMap((c) =>
        [...(c.secret ? [c.secret] : []), ...c.generated]
            .filter((r) => (c.protect && !r.protect) || (c.retainOnDelete && !r.retainOnDelete))
            .map(
                (r) =>
                    `${r.type === SECRET ? `Secret ${c.id}` : `${r.type} ${r.name} (behind Secret ${c.id})`}: ` +
                    `protect ${r.protect}, retain ${r.retainOnDelete}, read by retained ${c.readers.join(", ")}`,
            ),
    );
}

/** A retained Kubernetes object that reads a Secret: where {@link credentialsOfRetained} starts. */
function retainedReader(r: Resource): boolean {
    return (
        r.type.startsWith("kubernetes:") &&
        r.retainOnDelete &&
        secretsRead({ kind: r.type.split(":").pop()!, spec: r.inputs.spec }).length > 0
    );
}

/**
 * The systems the production-tier variant of stage switches off (a third of stage's objects): their code retains no
 * workload (only claims, CRDs, OpenStack volumes), so no credential a retained workload reads is theirs, and none of
 * their objects can stand in for one: a Secret is found by its namespace, and a namespace is one system's (the
 * configuration refuses two systems in one), as a generated value is found through the Secret's dependencies.
 */
const WITHOUT_RETAINED_WORKLOADS = ["prow", "dials", "callysto"];

/** Thoth's parts beside the station, switched off in the variant: bots, tunnels and nodepool retain nothing. */
const THOTH_PARTS_OFF = ["bots", "ultrahooks", "nodepool"];
/** Their components, for finding their objects in prod's plan. */
const THOTH_COMPONENTS_OFF = ["Bots", "Ultrahooks", "ZuulNodepool"];

/** Whether the production-tier variant of stage leaves out what `r` is part of, in prod's plan. */
function leftOut(r: RecordedPlanResource): boolean {
    if (WITHOUT_RETAINED_WORKLOADS.includes(r.system)) return true;
    if (r.system !== "thoth") return false;
    const under = (component: string) => r.urn.includes(`$runbooks:thoth:${component}$`);
    // The configuration part's ConfigMaps and Secrets, the modules' own objects, are built with the graph.
    const configuration = /\$runbooks:thoth:StationModules\$kubernetes:core\/v1:(ConfigMap|Secret)::/.test(
        r.urn,
    );
    return (
        THOTH_COMPONENTS_OFF.some(under) ||
        (under("StationModules") && !under("KnowledgeGraph") && !configuration)
    );
}

const PENDING = RETENTION_PENDING;
const pending = (weaker: string): boolean =>
    PENDING.some((p) => weaker.startsWith("Secret ") && weaker.includes(`/${p}:`));

describe("retention of data with its namespace (stage and prod, program under the recording mocks)", function () {
    this.timeout(180_000);
    const stacks: Record<string, Evaluated> = {};

    before(async () => {
        // The committed stacks' plans (the run's global setup made them), with what their evaluation recorded of
        // each resource's dependencies: the generated values behind a Secret are reached through them.
        for (const stack of ["stage", "prod"] as const)
            stacks[stack] = evaluate(recordedResources(await stackPlan(stack)));
    });

    for (const stack of ["stage", "prod"]) {
        it(`${stack}: every Secret a retained workload reads, and every generated value behind it, is kept as firmly`, () => {
            const credentials = credentialsOfRetained(stacks[stack].resources);
            const weaker = weakerCredentials(credentials);
            assert.deepEqual(
                weaker.filter((w) => !pending(w)),
                [],
            );
            if (stack === "prod") {
                assert.deepEqual(
                    PENDING.filter((p) => !weaker.some((w) => pending(w) && w.includes(`/${p}:`))),
                    [],
                    "a pending Secret is retained now: remove it from PENDING",
                );
                // The databases whose data directories hold their credentials: Packit's and Stream's PostgreSQL
                // (postgres-secret) and Thoth's knowledge graph (postgresql).
                for (const id of [
                    "packit-prod/postgres-secret",
                    "stream-prod/postgres-secret",
                    "thoth-test-core/postgresql",
                ]) {
                    const c = credentials.find((x) => x.id === id);
                    assert.ok(c?.secret && c.retainOnDelete, `${id} is read by a retained workload`);
                }
            }
        });
    }

    it("stage at the production tier: the generated PostgreSQL passwords behind retained Secrets are kept too", async () => {
        // Every retained workload, and every Secret one reads, is in the variant: one the variant leaves out would
        // show in prod's plan, which deploys every system with production's protection.
        const prod = recordedResources(await stackPlan("prod"));
        const read = new Set(credentialsOfRetained(prod).map((c) => c.secret?.urn));
        const missed = prod
            .filter((r) => leftOut(r) && (retainedReader(r) || read.has(r.urn)))
            .map((r) => `${r.system}: ${r.type} ${metadata(r).namespace}/${metadata(r).name}`);
        assert.deepEqual(missed, [], "retained workloads, or Secrets they read, that the variant leaves out");
        // Thoth alone (as the program deploys it, test/fixtures/part.ts), then the
        // other systems that retain workloads (Packit, Stream) in one run of the program.
        // At the production tier its images are pinned as production requires (test/placeholders.ts).
        const production = (values: Record<string, unknown>) => {
            values.tier = "production";
            confirmImages(values);
            nameRouteAudiences(values);
        };
        const station = [
            ...(await evaluatePart(
                THOTH,
                thoth,
                "stage",
                (values) => {
                    production(values);
                    const parts = values.thoth as Record<string, { enabled: boolean } | undefined>;
                    for (const part of THOTH_PARTS_OFF) if (parts[part]) parts[part].enabled = false;
                },
                (config, context) => {
                    new Thoth("thoth", { config, context });
                },
            )),
        ];
        const values = stackValues("stage");
        production(values);
        for (const section of [...WITHOUT_RETAINED_WORKLOADS, "thoth"])
            (values[section] as { enabled: boolean }).enabled = false;
        // Stage adopts its running databases' passwords; generated ones are what this check must reach.
        for (const service of ["packit", "stream"])
            (values[service] as { postgres: { existingPassword: boolean } }).postgres.existingPassword =
                false;
        const credentials = credentialsOfRetained([
            ...station,
            ...(await runWith({ values, secrets: stackSecrets("stage", values) })),
        ]);
        // The variant reaches every kind of retained reader: Packit's and Stream's databases, Thoth's graph and Dgraph.
        for (const id of [
            "packit-stg/postgres-secret",
            "stream-stg/postgres-secret",
            "thoth-dgraph-stage/dgraph-tls",
            "thoth-graph-stage/postgresql",
        ])
            assert.ok(
                credentials.some((c) => c.id === id && c.secret),
                `${id} is read by a retained workload`,
            );
        const generated = credentials.flatMap((c) => c.generated.map((g) => `${c.id} ${g.type}`));
        // Stage generates Packit's and Stream's database passwords: the check reaches random values.
        assert.ok(generated.length >= 2, `generated values behind retained Secrets: ${generated.join(", ")}`);
        assert.deepEqual(
            weakerCredentials(credentials).filter((w) => !pending(w)),
            [],
        );
    });

    for (const stack of ["stage", "prod"]) {
        it(`${stack}: every stateful object's Namespace carries at least the object's protect and retainOnDelete`, () => {
            const { stateful } = stacks[stack];
            const weaker = stateful
                .filter(
                    ({ object, namespace }) =>
                        (object.protect && !namespace.protect) ||
                        (object.retainOnDelete && !namespace.retainOnDelete),
                )
                .map(
                    ({ object, namespace, reason }) =>
                        `${metadata(object).namespace}/${metadata(object).name} (${object.type}, ${reason}: ` +
                        `protect ${object.protect}, retain ${object.retainOnDelete}) is in a namespace with ` +
                        `protect ${namespace.protect}, retain ${namespace.retainOnDelete}`,
                );
            assert.deepEqual(weaker, []);
        });
    }

    it("prod: every stateful object and every namespace the program creates is protected and retained", () => {
        const { stateful, namespaces } = stacks.prod;
        // Claims of Packit, Stream, Prow and the Dgraph StatefulSet at least: the check is not vacuous.
        assert.ok(stateful.length >= 10, `only ${stateful.length} stateful objects in created namespaces`);
        // What the policy pack calls stateful must itself be kept (claim templates of cache-only workers need not).
        assert.deepEqual(
            stateful
                .filter(({ object }) => statefulReason(object.type, object.inputs) !== undefined)
                .filter(({ object }) => !(object.protect && object.retainOnDelete))
                .map(({ object }) => `${metadata(object).namespace}/${metadata(object).name}`),
            [],
            "stateful objects that a destroy could delete",
        );
        assert.deepEqual(
            [...namespaces.values()]
                .filter((ns) => !(ns.protect && ns.retainOnDelete))
                .map((ns) => metadata(ns).name),
            [],
            "production namespaces a destroy would delete with their data",
        );
        for (const ns of ["packit-prod", "stream-prod", "kubevirt-prow", "thoth-test-core"]) {
            assert.ok(
                stateful.some(({ namespace }) => metadata(namespace).name === ns),
                `${ns} holds stateful objects`,
            );
        }
    });

    it("stage: only namespaces holding kept data are protected, so the rest of a staging stack can be torn down", () => {
        const { namespaces, stateful } = stacks.stage;
        assert.ok(namespaces.size > 5);
        // Thoth's station keeps its long-lived data (knowledge graph, Dgraph) on every stack but a local one; Packit's
        // and Stream's running databases (postgres.claimName) are adopted: deleting the namespace would delete them.
        const holdingKept = new Set(
            stateful
                .filter(({ object }) => object.protect || object.retainOnDelete)
                .map(({ namespace }) => metadata(namespace).name),
        );
        assert.deepEqual(
            [...namespaces.values()]
                .filter((ns) => ns.protect || ns.retainOnDelete)
                .map((ns) => metadata(ns).name)
                .filter((name) => !holdingKept.has(name ?? "")),
            [],
        );
    });

    it("the Namespace block decides from the cluster: protected and retained only on a production cluster", async () => {
        resetRecorder();
        for (const production of [true, false]) {
            new Namespace(`retention-${production}`, {
                cluster: {
                    name: `retention-${production}`,
                    platform: "kubernetes",
                    provider: new k8s.Provider(`cluster-retention-${production}`, { kubeconfig: "{}" }),
                    skipIngressAwait: false,
                    production,
                },
                name: `retention-${production}`,
                app: { name: "x", partOf: "test", component: "test", version: "1" },
            });
        }
        await settled();
        const byName = (n: string) => ofType(NAMESPACE).find((r) => metadata(r).name === n)!;
        assert.deepEqual(
            [byName("retention-true").protect, byName("retention-true").retainOnDelete],
            [true, true],
        );
        assert.deepEqual(
            [byName("retention-false").protect, byName("retention-false").retainOnDelete],
            [false, false],
        );
    });
});
