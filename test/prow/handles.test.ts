import { strict as assert } from "assert";
import { RecordedResource } from "../../tools/mocks/recorder";
import { k8sResources, runStack } from "./helpers";

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const READ_KINDS = ["Secret", "ConfigMap", "PersistentVolumeClaim", "ServiceAccount"];

/** `Kind namespace/name` of the objects a pod spec names: volumes and its service account. */
function namedBy(namespace: string, pod: Obj): string[] {
    const names = (pod.volumes ?? []).flatMap((v: Obj) =>
        v.secret
            ? [`Secret ${namespace}/${v.secret.secretName}`]
            : v.configMap
              ? [`ConfigMap ${namespace}/${v.configMap.name}`]
              : v.persistentVolumeClaim
                ? [`PersistentVolumeClaim ${namespace}/${v.persistentVolumeClaim.claimName}`]
                : [],
    );
    return [...names, `ServiceAccount ${namespace}/${pod.serviceAccountName}`].sort();
}

describe("prow objects wired by handles (issue 28)", function () {
    this.timeout(120000);

    for (const stack of ["stage", "prod"] as const) {
        it(`${stack}: each workload waits for exactly the Secrets, ConfigMaps, claim and account it names`, async () => {
            const recorded = await runStack(stack);
            const byUrn = new Map(recorded.map((r) => [r.urn, r]));
            const label = (r: RecordedResource) => {
                const o = r.inputs as Obj;
                return `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`;
            };
            const workloads = k8sResources(recorded).filter((r) =>
                ["Deployment", "CronJob"].includes((r.inputs as Obj).kind),
            );
            assert.ok(workloads.length > 10, "the environment's components were found");
            for (const w of workloads) {
                const o = w.inputs as Obj;
                const pod =
                    o.kind === "CronJob" ? o.spec.jobTemplate.spec.template.spec : o.spec.template.spec;
                const named = namedBy(o.metadata.namespace, pod);
                const waited = [...new Set(w.dependencies)]
                    .map((urn) => byUrn.get(urn))
                    .filter(
                        (r): r is RecordedResource =>
                            r !== undefined && READ_KINDS.includes((r.inputs as Obj).kind),
                    )
                    .map(label)
                    .sort();
                // An optional Secret nobody set is named (mounted optional) but not made: nothing to wait for.
                const made = new Set(k8sResources(recorded).map(label));
                assert.deepEqual(
                    waited,
                    named.filter((n) => made.has(n)),
                    `${label(w)}`,
                );
            }
        });
    }
});
