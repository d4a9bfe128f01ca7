// The replaces a drifted object's replace brings along: the engine deletes a named Kubernetes object before creating
// it again, and first replaces every dependent whose diff, with the inputs that came from it unknown, asks for a
// replace. The report must name each of them, or an operator who reads "1 replace" gets eight. The listed cases are
// what the engine did (pulumi 3.259.0, pulumi-kubernetes 4.32.0, kube-apiserver 1.36.3) over one hand-edited ConfigMap.
import { strict as assert } from "assert";
import fc from "fast-check";
import { DependencyRecord, dependentReplacements } from "../../tools/drift/dependents";
import { ManagedObject } from "../../tools/drift/state";

const PROVIDER = "urn:pulumi:local::runbooks::pulumi:providers:kubernetes::cluster-local";

const KINDS: Record<string, { apiVersion: string; kind: string; type: string }> = {
    ConfigMap: { apiVersion: "v1", kind: "ConfigMap", type: "core/v1" },
    Secret: { apiVersion: "v1", kind: "Secret", type: "core/v1" },
    Service: { apiVersion: "v1", kind: "Service", type: "core/v1" },
    Deployment: { apiVersion: "apps/v1", kind: "Deployment", type: "apps/v1" },
    StatefulSet: { apiVersion: "apps/v1", kind: "StatefulSet", type: "apps/v1" },
    Job: { apiVersion: "batch/v1", kind: "Job", type: "batch/v1" },
    CronJob: { apiVersion: "batch/v1", kind: "CronJob", type: "batch/v1" },
    RoleBinding: { apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding", type: "rbac/v1" },
};

/** What the program sets, top-level key → the keys it sets below it (a string: a plain value). */
type Shape = Record<string, string[] | string>;

const SHAPES: Record<string, Shape> = {
    ConfigMap: { metadata: ["name", "namespace"], data: ["a"] },
    // The provider's check keeps stringData as data in the state's inputs.
    Secret: { metadata: ["name", "namespace"], data: ["x"], type: "Opaque" },
    Service: { metadata: ["name", "namespace"], spec: ["selector", "ports"] },
    Deployment: { metadata: ["name", "namespace"], spec: ["selector", "template"] },
    StatefulSet: { metadata: ["name", "namespace"], spec: ["selector", "serviceName", "template"] },
    Job: { metadata: ["name", "namespace"], spec: ["template"] },
    CronJob: { metadata: ["name", "namespace"], spec: ["schedule", "jobTemplate"] },
    RoleBinding: { metadata: ["name", "namespace"], roleRef: ["apiGroup", "kind", "name"], subjects: "list" },
};

const urnOf = (kind: string, name: string) =>
    `urn:pulumi:local::runbooks::kubernetes:${KINDS[kind].type}:${kind}::${name}`;

function objectOf(u: string): ManagedObject {
    const [, kind, name] = /:([A-Za-z]+)::([^:]+)$/.exec(u)!;
    const inputs = Object.fromEntries(
        Object.entries(SHAPES[kind]).map(([k, v]) => [
            k,
            typeof v === "string" ? v : Object.fromEntries(v.map((f) => [f, "x"])),
        ]),
    );
    return {
        urn: u,
        cluster: "local",
        system: "dials",
        apiVersion: KINDS[kind].apiVersion,
        kind,
        namespace: "ns",
        name,
        inputs,
        replaceOnChanges: [],
    };
}

function record(u: string, propertyDependencies: Record<string, string[]> = {}, dependencies: string[] = []) {
    return { urn: u, custom: true, provider: `${PROVIDER}::id`, propertyDependencies, dependencies };
}

const CM = urnOf("ConfigMap", "etl-config");
const replacedWith = (deps: [string, Record<string, string[]>][]) =>
    dependentReplacements([record(CM), ...deps.map(([u, d]) => record(u, d))], new Set([CM]), objectOf).map(
        (d) => d.urn,
    );

describe("drift: the replaces a replaced object brings along", function () {
    it("replaces what the engine replaced over a hand-edited ConfigMap, with the key and why", function () {
        const replaced = [
            [urnOf("Deployment", "spec-reader"), { spec: [CM] }],
            [urnOf("Deployment", "annotated"), { metadata: [CM] }],
            [urnOf("StatefulSet", "ss"), { spec: [CM] }],
            [urnOf("Job", "job"), { spec: [CM] }],
            [urnOf("ConfigMap", "derived"), { data: [CM] }],
            [urnOf("Secret", "by-data"), { data: [CM] }],
            [urnOf("Secret", "by-type"), { type: [CM] }],
            [urnOf("Service", "annotated"), { metadata: [CM] }],
            [urnOf("RoleBinding", "by-role"), { roleRef: [CM] }],
        ] as [string, Record<string, string[]>][];
        assert.deepEqual(
            replacedWith(replaced),
            replaced.map(([u]) => u),
        );
        const out = dependentReplacements(
            [record(CM), record(urnOf("Deployment", "d"), { spec: [CM], metadata: [] })],
            new Set([CM]),
            objectOf,
        );
        assert.deepEqual(out[0].because, [CM]);
        assert.deepEqual(
            out[0].keys.map((k) => k.key),
            ["spec"],
        );
        assert.match(out[0].keys[0].why, /spec\.selector/);
    });

    it("leaves what the engine left: a Service's spec, a CronJob's spec, a binding's subjects, a Secret's stringData", function () {
        assert.deepEqual(
            replacedWith([
                [urnOf("Service", "svc"), { spec: [CM] }],
                [urnOf("CronJob", "cj"), { spec: [CM] }],
                [urnOf("RoleBinding", "by-subject"), { subjects: [CM] }],
                // The state keeps a Secret's stringData as data: its recorded dependency names an input it lacks.
                [urnOf("Secret", "by-string-data"), { stringData: [CM] }],
            ]),
            [],
        );
    });

    it("a bare dependsOn, or a dependency on an object that is not replaced, replaces nothing (controls)", function () {
        const other = urnOf("ConfigMap", "other");
        const out = dependentReplacements(
            [
                record(CM),
                record(other),
                record(urnOf("Deployment", "a"), {}, [CM]),
                record(urnOf("Deployment", "b"), { spec: [other] }),
            ],
            new Set([CM]),
            objectOf,
        );
        assert.deepEqual(out, []);
    });

    it("walks on: what reads a replaced dependent is replaced in turn, in the state's order", function () {
        const secret = urnOf("Secret", "derived");
        const dep = urnOf("Deployment", "reader");
        const out = dependentReplacements(
            [record(CM), record(secret, { data: [CM] }), record(dep, { spec: [secret] })],
            new Set([CM]),
            objectOf,
        );
        assert.deepEqual(
            out.map((d) => [d.urn, d.because]),
            [
                [secret, [CM]],
                [dep, [secret]],
            ],
        );
    });

    it("every object of a replaced provider is replaced", function () {
        const dep = urnOf("Deployment", "any");
        const out = dependentReplacements([record(dep)], new Set([PROVIDER]), objectOf);
        assert.deepEqual(
            out.map((d) => d.urn),
            [dep],
        );
    });

    it("is closed under the engine's rule, over generated dependency graphs", function () {
        const kinds = Object.keys(KINDS);
        // The keys that replace when unknown, from the cases above.
        const replacing: Record<string, string[]> = {
            ConfigMap: ["metadata", "data"],
            Secret: ["metadata", "data", "type"],
            Service: ["metadata"],
            Deployment: ["metadata", "spec"],
            StatefulSet: ["metadata", "spec"],
            Job: ["metadata", "spec"],
            CronJob: ["metadata"],
            RoleBinding: ["metadata", "roleRef"],
        };
        const graph = fc.array(fc.constantFrom(...kinds), { minLength: 1, maxLength: 12 }).chain((ks) =>
            fc.tuple(
                fc.constant(ks),
                fc.tuple(
                    ...ks.map((k, i) =>
                        fc.dictionary(
                            fc.constantFrom(...Object.keys(SHAPES[k]), "stringData"),
                            fc.uniqueArray(fc.nat({ max: Math.max(0, i - 1) }), {
                                maxLength: i === 0 ? 0 : 3,
                            }),
                        ),
                    ),
                ),
                fc.uniqueArray(fc.nat({ max: ks.length - 1 }), { minLength: 1, maxLength: 2 }),
            ),
        );
        fc.assert(
            fc.property(graph, ([ks, deps, roots]) => {
                const urns = ks.map((k, i) => urnOf(k, `o${i}`));
                const resources: DependencyRecord[] = urns.map((u, i) =>
                    record(
                        u,
                        Object.fromEntries(
                            Object.entries(deps[i]).map(([key, ds]) => [key, ds.map((d) => urns[d])]),
                        ),
                    ),
                );
                const replaced = new Set(roots.map((r) => urns[r]));
                const out = dependentReplacements(resources, replaced, objectOf);
                const all = new Set([...replaced, ...out.map((d) => d.urn)]);
                urns.forEach((u, i) => {
                    if (replaced.has(u)) return;
                    const should = Object.entries(deps[i]).some(
                        ([key, ds]) => replacing[ks[i]].includes(key) && ds.some((d) => all.has(urns[d])),
                    );
                    assert.equal(
                        out.some((d) => d.urn === u),
                        should,
                        `${u}: ${JSON.stringify(deps[i])}`,
                    );
                });
            }),
            { numRuns: 200 },
        );
    });
});
