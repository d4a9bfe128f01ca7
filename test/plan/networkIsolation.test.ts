import { strict as assert } from "assert";
import { DEFAULT_DENY_POLICY } from "../../components/shared/network";
import { COMMITTED_STACKS, stackPlan } from "../fixtures/plans";
import { networkProblems, planNetwork, referencedPaths, stackClusters } from "../fixtures/planNetwork";

describe("network isolation of the committed plans", function () {
    this.timeout(600_000);

    for (const stack of COMMITTED_STACKS) {
        describe(stack, () => {
            it("every namespace the program writes has a default deny of ingress", async () => {
                const network = planNetwork((await stackPlan(stack)).resources);
                const denied = new Set(
                    network.policies
                        .filter(
                            (p) =>
                                p.metadata.name === DEFAULT_DENY_POLICY &&
                                Object.keys(p.spec.podSelector).length === 0 &&
                                p.spec.policyTypes?.includes("Ingress") &&
                                (p.spec.ingress ?? []).length === 0,
                        )
                        .map((p) => p.metadata.namespace),
                );
                const missing = [...network.namespaces.keys()].filter((ns) => !denied.has(ns));
                assert.deepEqual(missing, []);
            });

            it("admits every path the pods' references name, no unrelated namespace, and the router to exactly the exposed Services", async () => {
                const network = planNetwork((await stackPlan(stack)).resources);
                // The oracle finds paths in every system's text: an empty list would prove nothing.
                const paths = referencedPaths(network);
                assert.ok(paths.length >= 10, `only ${paths.length} referenced paths found`);
                assert.deepEqual(networkProblems(network, stackClusters(stack)), []);
            });

            it("fails, naming the path, when one reference's policy is deleted (the control)", async () => {
                const network = planNetwork((await stackPlan(stack)).resources);
                const clusters = stackClusters(stack);
                for (const path of referencedPaths(network)) {
                    const name = `allow-to-${path.service.name}`;
                    const without = {
                        ...network,
                        policies: network.policies.filter(
                            (p) =>
                                !(
                                    p.metadata.namespace === path.service.namespace &&
                                    p.metadata.name === name
                                ),
                        ),
                    };
                    const problems = networkProblems(without, clusters);
                    const named = `denied: ${path.from.what} → Service ${path.service.namespace}/${path.service.name}:${path.port.port}`;
                    assert.ok(
                        problems.includes(named),
                        `removing ${path.service.namespace}/${name}: ${problems.join("; ")}`,
                    );
                }
            });
        });
    }
});
