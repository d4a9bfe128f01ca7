import { testCluster } from "../fixtures/cluster";
import { strict as assert } from "assert";
import { ClusterContext } from "../../components/shared/cluster";
import { PlainConfigMap } from "../../components/shared/configMap";
import { PersistentVolumeClaim } from "../../components/shared/persistentVolumeClaim";
import { sized } from "../../components/shared/resources";
import { ScheduledJob } from "../../components/shared/scheduledJob";
import { ConfigSecret } from "../../components/shared/secret";
import { Workload, WorkloadArgs } from "../../components/shared/workload";
import { RecordedResource } from "../../tools/mocks/recorder";
import { field, k8sObject, resetRecorder, settled } from "../harness";

// The escape hatch of the shared components (SST's transform): a callback edits a resource's arguments before it
// is made; without one, what is made is exactly what it was.

let serial = 0;
const cluster = (): ClusterContext => testCluster("transform");

const app = (name: string) => ({ name, partOf: "test", component: "c" });

function workloadArgs(c: ClusterContext, name: string, transform?: WorkloadArgs["transform"]): WorkloadArgs {
    return {
        cluster: c,
        namespace: "ns",
        app: app(name),
        replicas: 2,
        containers: [{ name: "c", image: "i:1", resources: sized("10m", "16Mi", "10m", "16Mi") }],
        service: { ports: [{ name: "http", port: 80 }] },
        ...(transform ? { transform } : {}),
    };
}

/** A recorded object's inputs without what differs by name alone. */
function shape(r: RecordedResource): string {
    return JSON.stringify(r.inputs).replace(/"(plain|edited)"/g, '"x"');
}

describe("transform seams of the shared components", () => {
    beforeEach(resetRecorder);

    it("each Workload transform edits its resource; with none (or one that edits nothing) nothing changes", async () => {
        const c = cluster();
        new Workload(`transform-w-${++serial}`, workloadArgs(c, "plain"));
        new Workload(
            `transform-w-${++serial}`,
            workloadArgs(c, "edited", {
                deployment: () => undefined,
                service: () => undefined,
                podSpec: () => undefined,
                disruptionBudget: () => undefined,
            }),
        );
        new Workload(
            `transform-w-${++serial}`,
            workloadArgs(c, "changed", {
                podSpec: (spec) => ({ ...spec, priorityClassName: "high" }),
                deployment: (args, opts) => {
                    args.metadata = { ...args.metadata, annotations: { "example.com/owner": "team" } };
                    opts.ignoreChanges = ["spec.replicas"];
                },
                service: (args) => ({ ...args, spec: { ...args.spec, sessionAffinity: "ClientIP" } }),
                disruptionBudget: (args) => ({ ...args, spec: { ...args.spec, maxUnavailable: 2 } }),
            }),
        );
        await settled();
        for (const type of [
            "kubernetes:apps/v1:Deployment",
            "kubernetes:core/v1:Service",
            "kubernetes:policy/v1:PodDisruptionBudget",
        ]) {
            assert.equal(shape(k8sObject(type, "edited", "ns")), shape(k8sObject(type, "plain", "ns")), type);
        }
        const d = k8sObject("kubernetes:apps/v1:Deployment", "changed", "ns");
        assert.equal(field(d.inputs, "spec.template.spec.priorityClassName"), "high");
        assert.deepEqual(field(d.inputs, "metadata.annotations"), { "example.com/owner": "team" });
        assert.deepEqual(d.ignoreChanges, ["spec.replicas"]);
        const svc = k8sObject("kubernetes:core/v1:Service", "changed", "ns");
        assert.equal(field(svc.inputs, "spec.sessionAffinity"), "ClientIP");
        const pdb = k8sObject("kubernetes:policy/v1:PodDisruptionBudget", "changed", "ns");
        assert.equal(field(pdb.inputs, "spec.maxUnavailable"), 2);
    });

    it("a StatefulSet's, a CronJob's and the blocks' transforms edit what they make", async () => {
        const c = cluster();
        const annotate = <T extends { metadata?: unknown }>(args: T): T => ({
            ...args,
            metadata: { ...(args.metadata as object), annotations: { edited: "yes" } },
        });
        new Workload(`transform-s-${++serial}`, {
            ...workloadArgs(c, "set"),
            kind: "StatefulSet",
            replicas: 1,
            service: { ports: [], headless: true },
            transform: { statefulSet: annotate },
        });
        new ScheduledJob(`transform-j-${++serial}`, {
            cluster: c,
            namespace: "ns",
            app: app("job"),
            schedule: "@daily",
            containers: [{ name: "c", image: "i:1", resources: sized("10m", "16Mi", "10m", "16Mi") }],
            transform: { cronJob: annotate, podSpec: (spec) => ({ ...spec, priorityClassName: "low" }) },
        });
        const opts = { provider: c.provider };
        new ConfigSecret(
            `transform-sec-${++serial}`,
            { namespace: "ns", name: "s", app: app("s"), data: { k: "v" }, transform: annotate },
            opts,
        );
        new PlainConfigMap(
            `transform-cm-${++serial}`,
            { namespace: "ns", name: "m", app: app("m"), data: { k: "v" }, transform: annotate },
            opts,
        );
        new PersistentVolumeClaim(
            `transform-pvc-${++serial}`,
            {
                namespace: "ns",
                name: "d",
                app: app("d"),
                storage: "1Gi",
                protectStateful: false,
                transform: annotate,
            },
            opts,
        );
        await settled();
        for (const [type, name] of [
            ["kubernetes:apps/v1:StatefulSet", "set"],
            ["kubernetes:batch/v1:CronJob", "job"],
            ["kubernetes:core/v1:Secret", "s"],
            ["kubernetes:core/v1:ConfigMap", "m"],
            ["kubernetes:core/v1:PersistentVolumeClaim", "d"],
        ]) {
            assert.deepEqual(
                field(k8sObject(type, name, "ns").inputs, "metadata.annotations"),
                { edited: "yes" },
                type,
            );
        }
        const job = k8sObject("kubernetes:batch/v1:CronJob", "job", "ns");
        assert.equal(field(job.inputs, "spec.jobTemplate.spec.template.spec.priorityClassName"), "low");
    });

    it("stops a Secret's or ConfigMap's transform that replaces the content its handle and checksum come from", () => {
        const c = cluster();
        const opts = { provider: c.provider };
        assert.throws(
            () =>
                new ConfigSecret(
                    `transform-sec-${++serial}`,
                    {
                        namespace: "ns",
                        name: "s",
                        app: app("s"),
                        data: { k: "v" },
                        transform: (a) => ({ ...a, stringData: { other: "x" } }),
                    },
                    opts,
                ),
            /Secret s: its transform replaced the content/,
        );
        assert.throws(
            () =>
                new PlainConfigMap(
                    `transform-cm-${++serial}`,
                    {
                        namespace: "ns",
                        name: "m",
                        app: app("m"),
                        data: { k: "v" },
                        transform: (a) => ({ ...a, data: {} }),
                    },
                    opts,
                ),
            /ConfigMap m: its transform replaced the content/,
        );
    });
});
