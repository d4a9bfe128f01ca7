import { strict as assert } from "assert";
import fc from "fast-check";
import { checkPlan } from "../../policy/offline";
import { RULES } from "../../policy/rules";
import { defaultDenyIngress } from "../../policy/rules/network";
import type { PolicyInput } from "../../policy/rules/types";
import type { PlanResource } from "../../tools/plan/render";
import { COMMITTED_STACKS, stackPlan } from "../fixtures/plans";

const ctx = { production: false };
const object = (kind: string, name: string, namespace?: string, spec?: unknown): PolicyInput => ({
    type:
        kind === "NetworkPolicy"
            ? "kubernetes:networking.k8s.io/v1:NetworkPolicy"
            : `kubernetes:core/v1:${kind}`,
    urn: `urn:pulumi:s::runbooks::kubernetes:core/v1:${kind}::${namespace ?? ""}-${name}`,
    protect: false,
    props: { metadata: { name, ...(namespace ? { namespace } : {}) }, ...(spec ? { spec } : {}) },
});
const deny = (namespace: string, spec: unknown = { podSelector: {}, policyTypes: ["Ingress"] }) =>
    object("NetworkPolicy", "default-deny-ingress", namespace, spec);

describe("policy: default-deny-ingress", () => {
    it("accepts a deny of the program's own pods in any namespace, one the stack creates included (issue 68), and no deny of other pods", () => {
        const own = {
            podSelector: { matchLabels: { "app.kubernetes.io/managed-by": "pulumi" } },
            policyTypes: ["Ingress"],
        };
        const shared = [object("ConfigMap", "x", "shared"), deny("shared", own)];
        assert.deepEqual(defaultDenyIngress.checkStack(shared, ctx), []);
        const created = [object("Namespace", "mine"), object("ConfigMap", "x", "mine"), deny("mine", own)];
        assert.deepEqual(defaultDenyIngress.checkStack(created, ctx), []);
        const other = { ...own, podSelector: { matchLabels: { app: "web" } } };
        assert.equal(
            defaultDenyIngress.checkStack([object("ConfigMap", "x", "s"), deny("s", other)], ctx).length,
            1,
        );
    });

    it("flags each namespace written without a default deny, once, and passes one with it", () => {
        const resources = [
            object("Namespace", "a"),
            object("ConfigMap", "x", "a"),
            object("ConfigMap", "y", "b"),
        ];
        const flagged = defaultDenyIngress.checkStack(resources, ctx).map((v) => v.message.split(" ")[1]);
        assert.deepEqual(flagged, ["a", "b"]);
        assert.deepEqual(defaultDenyIngress.checkStack([...resources, deny("a"), deny("b")], ctx), []);
    });

    it("counts only a policy that selects every pod for ingress and admits nothing", () => {
        const base = [object("ConfigMap", "x", "a")];
        for (const spec of [
            { podSelector: { matchLabels: { app: "db" } }, policyTypes: ["Ingress"] },
            { podSelector: {}, policyTypes: ["Egress"] },
            { podSelector: {}, policyTypes: ["Ingress"], ingress: [{}] },
            {
                podSelector: { matchExpressions: [{ key: "a", operator: "Exists" }] },
                policyTypes: ["Ingress"],
            },
        ])
            assert.equal(
                defaultDenyIngress.checkStack([...base, deny("a", spec)], ctx).length,
                1,
                JSON.stringify(spec),
            );
        // Unset policyTypes isolates for ingress, as the API defaults it.
        assert.deepEqual(defaultDenyIngress.checkStack([...base, deny("a", { podSelector: {} })], ctx), []);
    });

    it("flags exactly the namespaces whose default deny is missing (generated)", () => {
        fc.assert(
            fc.property(
                fc.uniqueArray(fc.constantFrom("a", "b", "c", "d"), { minLength: 1 }),
                fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
                (namespaces, has) => {
                    const resources = namespaces.flatMap((ns, i) => [
                        object("Secret", "s", ns),
                        ...(has[i] ? [deny(ns)] : []),
                    ]);
                    const flagged = defaultDenyIngress
                        .checkStack(resources, ctx)
                        .map((v) => v.message.split(" ")[1]);
                    assert.deepEqual(
                        flagged,
                        namespaces.filter((_, i) => !has[i]),
                    );
                },
            ),
        );
    });

    for (const stack of COMMITTED_STACKS) {
        it(`fails the ${stack} plan when any namespace's default deny is removed`, async function () {
            this.timeout(600_000);
            const resources: PlanResource[] = (await stackPlan(stack)).resources;
            const denies = resources.filter((r) => r.name.endsWith("-netpol-default-deny-ingress"));
            assert.ok(denies.length > 0);
            assert.deepEqual(
                checkPlan(stack, resources).filter((v) => v.rule === defaultDenyIngress.name),
                [],
            );
            for (const removed of denies) {
                const namespace = (removed.inputs.metadata as { namespace: string }).namespace;
                const violations = checkPlan(
                    stack,
                    resources.filter((r) => r !== removed),
                    RULES,
                ).filter((v) => v.rule === defaultDenyIngress.name);
                assert.equal(violations.length, 1, namespace);
                assert.match(
                    violations[0].message,
                    new RegExp(`^namespace ${namespace} has no default-deny`),
                );
            }
        });
    }
});
