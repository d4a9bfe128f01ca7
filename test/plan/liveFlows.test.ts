import { strict as assert } from "assert";
import type { PlanResource } from "../../tools/plan/render";
import type { Cluster, PodEndpoint } from "../../components/shared/netpolEvaluate";
import { COMMITTED_STACKS, stackPlan } from "../fixtures/plans";
import { PlanNetwork, PlanPod, PlanService, admitted, planNetwork } from "../fixtures/planNetwork";

// Flows between live objects that no text of the plan shows, each a fact of the systems' own sources: the
// path test (networkIsolation.test.ts) finds the hosts the plan's texts name, so these are checked here, with the
// same evaluator, over both committed plans.

/** One flow: who calls, which Service port, and where the name is written. */
interface LiveFlow {
    why: string;
    from: (network: PlanNetwork, resources: readonly PlanResource[]) => PodEndpoint[];
    service: (network: PlanNetwork) => PlanService | undefined;
    /** The Service port, by number (what the callers connect to). */
    port: number;
}

/** The Prow namespaces and name prefix of each committed stack (systems.md §3: production, ibmcloud-staging). */
const PROW = {
    prod: { prow: "kubevirt-prow", jobs: "kubevirt-prow-jobs", prefix: "" },
    stage: { prow: "staging-kubevirt-prow", jobs: "staging-kubevirt-prow-jobs", prefix: "staging-" },
} as const;

/**
 * The plan's pods that are given key `key` of Secret `secret` of their own namespace: a volume of the whole Secret, a
 * volume whose items name the key, or a variable read from it. A pod given other keys of the Secret never reads this
 * one (packit-service-fedmsg mounts only fedora.toml of packit-config, and no code of it opens packit-service.yaml:
 * facts/evidence/packit/packit-service-fedmsg@prod.yaml).
 */
function readersOfSecretKey(
    network: PlanNetwork,
    resources: readonly PlanResource[],
    secret: string,
    key: string,
): PlanPod[] {
    return network.pods.filter((pod) => {
        const [kind, where] = pod.what.split(" ");
        const [namespace, name] = where.split("/");
        const r = resources.find(
            (x) =>
                x.type.endsWith(`:${kind}`) &&
                (x.inputs.metadata as { name: string; namespace?: string }).name === name &&
                (x.inputs.metadata as { namespace?: string }).namespace === namespace,
        );
        return r !== undefined && givesKey(r.inputs.spec, secret, key);
    });
}

/** Whether some part of `value` (a workload's spec) hands key `key` of Secret `secret` to a container. */
function givesKey(value: unknown, secret: string, key: string): boolean {
    if (Array.isArray(value)) return value.some((v) => givesKey(v, secret, key));
    if (typeof value !== "object" || value === null) return false;
    const o = value as Record<string, unknown>;
    if (o.secretName === secret) {
        const items = Array.isArray(o.items) ? (o.items as { key?: unknown }[]) : [];
        if (items.length === 0 || items.some((i) => i.key === key)) return true;
    }
    if (o.name === secret && o.key === key) return true;
    return Object.values(o).some((v) => givesKey(v, secret, key));
}

function serviceNamed(network: PlanNetwork, namespace: string, name: string): PlanService | undefined {
    return network.services.find((s) => s.namespace === namespace && s.name === name);
}

function flowsOf(stack: keyof typeof PROW): LiveFlow[] {
    const prow = PROW[stack];
    const flows: LiveFlow[] = [];
    for (const ns of stack === "prod" ? ["packit-prod"] : ["packit-stg"]) {
        flows.push({
            why: `${ns}: packit-service.yaml (Secret packit-config) names tokman by authentication.github.com.tokman_instance_url (ogr)`,
            from: (network, resources) =>
                readersOfSecretKey(network, resources, "packit-config", "packit-service.yaml").filter(
                    (p) => p.namespace === ns,
                ),
            service: (network) => serviceNamed(network, ns, "tokman"),
            port: 80,
        });
    }
    flows.push({
        why: `${prow.prow}: ghproxy pushes its metrics to --push-gateway (kubevirt/project-infra ghproxy deployment)`,
        from: (network) =>
            network.pods.filter((p) => p.what === `Deployment ${prow.prow}/${prow.prefix}ghproxy`),
        service: (network) => serviceNamed(network, prow.prow, `${prow.prefix}pushgateway`),
        port: 80,
    });
    flows.push({
        why: `${prow.jobs}: PR jobs' bazel reads http://bazel-cache.${prow.prow}.svc.cluster.local:8080 (kubevirt/kubevirt automation/test.sh), greenhouse's pods`,
        from: () => [{ namespace: prow.jobs, labels: { "created-by-prow": "true" } }],
        service: (network) => serviceNamed(network, prow.prow, `${prow.prefix}greenhouse`),
        port: 80,
    });
    return flows;
}

/** The flows of `flows` the plan's policies deny, each named; a flow whose ends are missing from the plan, too. */
export function deniedLiveFlows(
    network: PlanNetwork,
    resources: readonly PlanResource[],
    flows: LiveFlow[],
): string[] {
    const cluster: Cluster = { namespaces: {}, policies: network.policies };
    const problems: string[] = [];
    for (const flow of flows) {
        const service = flow.service(network);
        const port = service?.ports.find((p) => p.port === flow.port);
        const sources = flow.from(network, resources);
        if (!service || !port || sources.length === 0) {
            problems.push(`not in the plan: ${flow.why}`);
            continue;
        }
        for (const source of sources)
            if (!admitted(cluster, network, source, service, port))
                problems.push(
                    `denied: ${"what" in source ? (source as PlanPod).what : `pods ${JSON.stringify(source.labels)} of ${source.namespace}`} → Service ${service.namespace}/${service.name}:${port.port} (${flow.why})`,
                );
    }
    return problems;
}

describe("flows between live objects that no text of the plan names", function () {
    this.timeout(600_000);

    for (const stack of COMMITTED_STACKS) {
        it(`${stack}: the policies admit every one (tokman, ghproxy's pushgateway, the PR jobs' bazel cache)`, async () => {
            const resources = (await stackPlan(stack)).resources;
            const network = planNetwork(resources);
            const flows = flowsOf(stack as keyof typeof PROW);
            assert.deepEqual(deniedLiveFlows(network, resources, flows), []);
            // The control: without the policies that admit them, each flow is named as denied.
            const bare = { ...network, policies: network.policies.filter((p) => !p.spec.ingress?.length) };
            assert.equal(
                deniedLiveFlows(bare, resources, flows).filter((p) => p.startsWith("denied: ")).length >=
                    flows.length,
                true,
            );
        });
    }
});
