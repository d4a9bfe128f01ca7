// The replaces a drifted object's replace brings along: the engine deletes a named Kubernetes object before creating
// it again, and first replaces every dependent whose diff, with the inputs that came from it unknown, asks for a
// replace. The report must name each of them, or an operator who reads "1 replace" gets eight.
import { strict as assert } from "assert";
import fc from "fast-check";
import { DependencyRecord, dependentReplacements } from "../../tools/drift/dependents";
import { ManagedObject } from "../../tools/drift/state";

const PROVIDER = "urn:pulumi:local::runbooks::pulumi:providers:kubernetes::cluster-local";
const urn = (kind: string, name: string) => `urn:pulumi:local::runbooks::kubernetes:core/v1:${kind}::${name}`;

const KINDS: Record<string, { apiVersion: string; kind: string }> = {
    ConfigMap: { apiVersion: "v1", kind: "ConfigMap" },
    Secret: { apiVersion: "v1", kind: "Secret" },
    Deployment: { apiVersion: "apps/v1", kind: "Deployment" },
    Service: { apiVersion: "v1", kind: "Service" },
    Role: { apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role" },
};

function objectOf(u: string): ManagedObject {
    const [, kind, name] = /:([A-Za-z]+)::([^:]+)$/.exec(u)!;
    return {
        urn: u,
        cluster: "local",
        system: "dials",
        ...KINDS[kind],
        namespace: "ns",
        name,
        inputs: {},
        replaceOnChanges: [],
    };
}

function record(u: string, propertyDependencies: Record<string, string[]> = {}, dependencies: string[] = []) {
    return { urn: u, custom: true, provider: `${PROVIDER}::id`, propertyDependencies, dependencies };
}

const CM = urn("ConfigMap", "etl-config");

describe("drift: the replaces a replaced object brings along", function () {
    it("a Deployment whose spec names a replaced ConfigMap is replaced too, with the key and why", function () {
        const dep = urn("Deployment", "etl");
        const out = dependentReplacements(
            [record(CM), record(dep, { spec: [CM], metadata: [] })],
            new Set([CM]),
            objectOf,
        );
        assert.deepEqual(
            out.map((d) => [d.urn, d.because, d.keys.map((k) => k.key)]),
            [[dep, [CM], ["spec"]]],
        );
        assert.match(out[0].keys[0].why, /selector/);
    });

    it("a bare dependsOn, or a dependency on an object that is not replaced, replaces nothing (controls)", function () {
        const other = urn("ConfigMap", "other");
        const out = dependentReplacements(
            [
                record(CM),
                record(other),
                record(urn("Deployment", "a"), {}, [CM]),
                record(urn("Deployment", "b"), { spec: [other] }),
            ],
            new Set([CM]),
            objectOf,
        );
        assert.deepEqual(out, []);
    });

    it("walks on: what reads a replaced dependent is replaced in turn, in the state's order", function () {
        const secret = urn("Secret", "derived");
        const dep = urn("Deployment", "reader");
        const out = dependentReplacements(
            [record(CM), record(secret, { stringData: [CM] }), record(dep, { spec: [secret] })],
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
        const provider = `${PROVIDER}`;
        const dep = urn("Deployment", "any");
        const out = dependentReplacements([record(dep)], new Set([provider]), objectOf);
        assert.deepEqual(
            out.map((d) => d.urn),
            [dep],
        );
    });

    it("is exactly the closure the engine computes, over generated dependency graphs", function () {
        const kinds = Object.keys(KINDS);
        const keysOf: Record<string, string[]> = {
            ConfigMap: ["metadata", "data"],
            Secret: ["metadata", "stringData", "type"],
            Deployment: ["metadata", "spec"],
            Service: ["metadata", "spec"],
            Role: ["metadata", "rules"],
        };
        // A key at or above one of the kind's force-new paths (components of the provider's diff.go list).
        const forceNew = (kind: string, key: string) =>
            key === "metadata" ||
            (kind === "ConfigMap" && key === "data") ||
            (kind === "Secret" && key !== "metadata") ||
            ((kind === "Deployment" || kind === "Service") && key === "spec");
        const graph = fc.array(fc.constantFrom(...kinds), { minLength: 1, maxLength: 12 }).chain((ks) =>
            fc.tuple(
                fc.constant(ks),
                fc.tuple(
                    ...ks.map((k, i) =>
                        fc.dictionary(
                            fc.constantFrom(...keysOf[k]),
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
                const urns = ks.map((k, i) => urn(k, `o${i}`));
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
                // Each one reported reads a replaced resource through a key that replaces it, and every resource
                // that does so is reported: the set is closed under the engine's rule.
                urns.forEach((u, i) => {
                    if (replaced.has(u)) return;
                    const why = Object.entries(deps[i]).filter(
                        ([key, ds]) => forceNew(ks[i], key) && ds.some((d) => all.has(urns[d])),
                    );
                    assert.equal(
                        out.some((d) => d.urn === u),
                        why.length > 0,
                        `${u}: ${JSON.stringify(deps[i])}`,
                    );
                });
            }),
            { numRuns: 200 },
        );
    });
});
