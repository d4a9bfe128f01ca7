import { strict as assert } from "assert";
import fc from "fast-check";
import * as ipaddr from "ipaddr.js";
import { Cluster, PodEndpoint, Source, connectionAllowed } from "../../components/shared/netpolEvaluate";
import { UNTRUSTED_EGRESS_POLICY } from "../../components/shared/egress";
import { noticesOfPlanFile } from "../../tools/plan/notices";
import { COMMITTED_STACKS, stackPlan } from "../fixtures/plans";
import { PlanNetwork, planNetwork, servicePods, stackClusters } from "../fixtures/planNetwork";

// Where code nobody reviewed runs (runbook 001: sandcastle's sandbox namespace; runbook 002 / systems.md §3: the PR
// jobs namespace), a pod reaches the internet and the cluster DNS, never the cluster, private networks or the
// node's link-local services (the metadata address). Checked with the NetworkPolicy evaluator over both plans.

/** The untrusted namespaces of each committed stack (their stack files' sandbox namespaces, Prow's jobs namespace). */
const UNTRUSTED = {
    prod: ["packit-prod-sandbox", "stream-prod-sandbox", "kubevirt-prow-jobs"],
    stage: ["packit-stg-sandbox", "stream-stg-sandbox", "staging-kubevirt-prow-jobs"],
} as const;

/** The cluster DNS pods as each platform runs them (OpenShift's dns-default serves on 5353; CoreDNS on 53). */
const DNS = {
    openshift: {
        namespace: "openshift-dns",
        labels: { "dns.operator.openshift.io/daemonset-dns": "default" },
        port: 5353,
    },
    kubernetes: { namespace: "kube-system", labels: { "k8s-app": "kube-dns" }, port: 53 },
} as const;

/** The cluster (by the plan's provider name) each namespace of the plan is on. */
function clusterOf(network: PlanNetwork, namespace: string): string {
    const cluster = network.namespaces.get(namespace);
    assert.ok(cluster, `namespace ${namespace} is not in the plan`);
    return cluster;
}

/** An in-cluster pod address (a pod network of the runbooks' clusters): never the internet. */
const POD_IP = "10.128.7.7";

function evaluation(network: PlanNetwork): Cluster {
    return { namespaces: {}, policies: network.policies };
}

/** A pod of `namespace` that none of the program's selectors names (what sandcastle or a job starts). */
const strangerIn = (namespace: string): PodEndpoint => ({ namespace, labels: { run: "untrusted-code" } });

/** What a stranger of `namespace` reaches that it must not: the problems, each named. */
function leaks(network: PlanNetwork, platform: keyof typeof DNS, namespace: string): string[] {
    const cluster = evaluation(network);
    const pod = strangerIn(namespace);
    const problems: string[] = [];
    const to = (what: string, destination: Source, port: number, protocol: "TCP" | "UDP", want: boolean) => {
        if (connectionAllowed(cluster, pod, destination, port, protocol) !== want)
            problems.push(`${namespace}: ${want ? "cannot reach" : "reaches"} ${what}`);
    };
    to("8.8.8.8:443 (the internet)", { ip: "8.8.8.8" }, 443, "TCP", true);
    const dns = DNS[platform];
    for (const protocol of ["UDP", "TCP"] as const)
        to(
            `the cluster DNS over ${protocol}`,
            { namespace: dns.namespace, labels: dns.labels, ip: POD_IP },
            dns.port,
            protocol,
            true,
        );
    to("10.1.2.3:443", { ip: "10.1.2.3" }, 443, "TCP", false);
    to("172.30.0.1:443 (a Service network)", { ip: "172.30.0.1" }, 443, "TCP", false);
    to("169.254.169.254:80 (the metadata address)", { ip: "169.254.169.254" }, 80, "TCP", false);
    const here = clusterOf(network, namespace);
    for (const service of network.services.filter((s) => s.cluster === here))
        for (const target of servicePods(network, service))
            for (const port of service.ports) {
                const number =
                    typeof port.targetPort === "number"
                        ? port.targetPort
                        : target.namedPorts?.[port.targetPort];
                if (number === undefined) continue;
                to(
                    `Service ${service.namespace}/${service.name}:${port.port}`,
                    { ...target, ip: POD_IP },
                    number,
                    "TCP",
                    false,
                );
            }
    return problems;
}

describe("egress of the namespaces that run untrusted code", function () {
    this.timeout(600_000);

    for (const stack of COMMITTED_STACKS) {
        describe(stack, () => {
            it("a pod there reaches the internet and DNS, and no private, link-local or in-cluster address", async () => {
                const network = planNetwork((await stackPlan(stack)).resources);
                const clusters = stackClusters(stack);
                const problems: string[] = [];
                for (const namespace of UNTRUSTED[stack]) {
                    const platform = clusters[clusterOf(network, namespace)].platform as keyof typeof DNS;
                    problems.push(...leaks(network, platform, namespace));
                }
                assert.deepEqual(problems, []);
            });

            it("each lock is an EGRESS LOCK notice on its system's page, naming every range its policy closes", async () => {
                const plan = await stackPlan(stack);
                const locks = noticesOfPlanFile(plan.files["notices.txt"] ?? "").filter(
                    (n) => n.kind === "EGRESS LOCK",
                );
                const policies = plan.resources.filter(
                    (r) =>
                        r.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy" &&
                        (r.inputs.metadata as { name?: string }).name === UNTRUSTED_EGRESS_POLICY,
                );
                const namespaceOf = (r: (typeof policies)[number]) =>
                    (r.inputs.metadata as { namespace: string }).namespace;
                assert.deepEqual(policies.map(namespaceOf).sort(), [...UNTRUSTED[stack]].sort());
                const clusterNetworks = new Set(
                    Object.values(stackClusters(stack)).flatMap(
                        (c) => (c as { clusterNetworks?: string[] }).clusterNetworks ?? [],
                    ),
                );
                for (const policy of policies) {
                    const ns = namespaceOf(policy);
                    const said = locks.filter((n) => n.line.includes(`: ${ns}: ${UNTRUSTED_EGRESS_POLICY} `));
                    assert.equal(said.length, 1, `${ns}: one EGRESS LOCK notice`);
                    const closed = JSON.stringify(policy.inputs).match(/"except":\[[^\]]*\]/g) ?? [];
                    const ranges = [
                        ...new Set(closed.flatMap((e) => JSON.parse(`{${e}}`).except as string[])),
                    ];
                    assert.ok(
                        ranges.length > 0,
                        `${ns}: the policy closes no range (the check proves nothing)`,
                    );
                    for (const range of ranges.filter((r) => !clusterNetworks.has(r)))
                        assert.ok(said[0].line.includes(range), `${ns}: the notice does not name ${range}`);
                }
            });

            it("any generated IPv4 address: open exactly when it is public unicast (private, shared, link-local, loopback closed)", async () => {
                const network = planNetwork((await stackPlan(stack)).resources);
                const cluster = evaluation(network);
                const closed = new Set([
                    "private",
                    "linkLocal",
                    "loopback",
                    "carrierGradeNat",
                    "unspecified",
                ]);
                for (const namespace of UNTRUSTED[stack]) {
                    const pod = strangerIn(namespace);
                    fc.assert(
                        fc.property(fc.ipV4(), fc.integer({ min: 1, max: 65535 }), (ip, port) => {
                            const range = ipaddr.parse(ip).range();
                            const open = connectionAllowed(cluster, pod, { ip }, port, "TCP");
                            if (closed.has(range)) return !open;
                            if (range === "unicast") return open;
                            return true;
                        }),
                        { numRuns: 500 },
                    );
                }
            });

            it("the PR jobs' declared paths stay open through their own egress policies", async () => {
                const network = planNetwork((await stackPlan(stack)).resources);
                const jobs = UNTRUSTED[stack][2];
                const greenhouse = network.services.find(
                    (s) => s.namespace === jobs.replace(/-jobs$/, "") && s.name.endsWith("greenhouse"),
                );
                assert.ok(greenhouse);
                const [target] = servicePods(network, greenhouse);
                const job = { namespace: jobs, labels: { "created-by-prow": "true" } };
                const destination = { ...target, ip: POD_IP };
                assert.equal(connectionAllowed(evaluation(network), job, destination, 8080, "TCP"), true);
                // The control: the untrusted namespace's own egress policy alone closes it.
                const without = network.policies.filter(
                    (p) => !(p.metadata.namespace === jobs && p.metadata.name.startsWith("egress-to-")),
                );
                assert.equal(
                    connectionAllowed({ namespaces: {}, policies: without }, job, destination, 8080, "TCP"),
                    false,
                );
            });
        });
    }
});
