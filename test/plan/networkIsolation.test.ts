import { strict as assert } from "assert";
import { DEFAULT_DENY_POLICY } from "../../components/shared/network";
import { COMMITTED_STACKS, stackPlan } from "../fixtures/plans";
import { networkProblems, planNetwork, referencedPaths, stackClusters } from "../fixtures/planNetwork";

describe("network isolation of the committed plans", function () {
    this.timeout(600_000);

    for (const stack of COMMITTED_STACKS) {
        describe(stack, () => {
            it("every namespace the program writes has a default deny of ingress over every pod the program runs there, and no other", async () => {
                const resources = (await stackPlan(stack)).resources;
                const network = planNetwork(resources);
                const problems: string[] = [];
                for (const ns of network.namespaces.keys()) {
                    const deny = network.policies.find(
                        (p) =>
                            p.metadata.namespace === ns &&
                            p.metadata.name === DEFAULT_DENY_POLICY &&
                            p.spec.policyTypes?.includes("Ingress") &&
                            (p.spec.ingress ?? []).length === 0,
                    );
                    if (!deny) {
                        problems.push(`${ns}: no default deny`);
                        continue;
                    }
                    const labels = deny.spec.podSelector.matchLabels ?? {};
                    // The program's own pods, in every namespace (issue 68): a deny of every pod would cut off the
                    // workloads a first deploy leaves running there, and nothing admits them again.
                    if (labels["app.kubernetes.io/managed-by"] !== "pulumi")
                        problems.push(
                            `${ns}: its deny selects ${JSON.stringify(labels)}, not only the program's pods`,
                        );
                    for (const pod of network.pods.filter((p) => p.namespace === ns))
                        if (!Object.entries(labels).every(([k, v]) => pod.labels[k] === v))
                            problems.push(`${ns}: ${pod.what} is not isolated by the default deny`);
                }
                assert.deepEqual(problems, []);
            });

            it("protects no NetworkPolicy (they hold no data; a protected one would stop the up that removes its Service)", async () => {
                const protectedPolicies = (await stackPlan(stack)).resources
                    .filter((r) => r.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy" && r.protect)
                    .map((r) => r.name);
                assert.deepEqual(protectedPolicies, []);
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
                const paths = referencedPaths(network);
                for (const path of paths) {
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
                    const problems = networkProblems(without, clusters, paths);
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
