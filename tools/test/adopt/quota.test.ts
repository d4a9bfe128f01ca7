import * as assert from "node:assert/strict";
import fc from "fast-check";
import { KubeObject } from "../../adopt/model";
import { formatAmount, milli, podAmounts, quotaVerdict, quotaWorkload } from "../../adopt/quota";
import { resourcesKeyOf } from "../../adopt/resourceKeys";
import { COMMITTED_STACKS, stackPlan } from "../../../test/fixtures/plans";
import { buildReport, exitCode, renderReport } from "../../adopt/report";
import { inspectCluster } from "../../adopt/run";
import { FakeCluster, desired } from "./fixtures";

type Resources = { requests?: Record<string, string>; limits?: Record<string, string> };

function workload(
    name: string,
    opts: { replicas?: number; recreate?: boolean; maxSurge?: number | string; resources?: Resources[] } = {},
): KubeObject {
    const containers = (opts.resources ?? [{ requests: { cpu: "100m", memory: "128Mi" } }]).map((r, i) => ({
        name: `${name}-${i}`,
        image: `${name}:1`,
        resources: r,
    }));
    return {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name, namespace: "shop" },
        spec: {
            replicas: opts.replicas ?? 1,
            selector: { matchLabels: { app: name } },
            strategy: opts.recreate
                ? { type: "Recreate" }
                : { type: "RollingUpdate", rollingUpdate: { maxSurge: opts.maxSurge ?? "25%" } },
            template: { metadata: { labels: { app: name } }, spec: { containers } },
        },
    };
}

/** A live pod of Deployment `owner` (through its ReplicaSet), or of nothing the program runs. */
function pod(name: string, owner: string, resources: Resources): KubeObject {
    return {
        apiVersion: "v1",
        kind: "Pod",
        metadata: {
            name,
            namespace: "shop",
            ownerReferences: [{ kind: "ReplicaSet", name: `${owner}-5d8f`, controller: true }],
        },
        spec: { containers: [{ name: "c", image: "x", resources }] },
        status: { phase: "Running" },
    };
}

function replicaSet(owner: string): KubeObject {
    return {
        apiVersion: "apps/v1",
        kind: "ReplicaSet",
        metadata: {
            name: `${owner}-5d8f`,
            namespace: "shop",
            ownerReferences: [{ kind: "Deployment", name: owner, controller: true }],
        },
    };
}

function quota(hard: Record<string, string>, used: Record<string, string>): KubeObject {
    return {
        apiVersion: "v1",
        kind: "ResourceQuota",
        metadata: { name: "compute", namespace: "shop" },
        spec: { hard },
        status: { hard, used },
    };
}

function limitRange(container: Record<string, Record<string, string>>): KubeObject {
    return {
        apiVersion: "v1",
        kind: "LimitRange",
        metadata: { name: "defaults", namespace: "shop" },
        spec: { limits: [{ type: "Container", ...container }] },
    };
}

async function check(program: KubeObject[], live: KubeObject[]) {
    const r = await inspectCluster(
        "main",
        program.map((o) => desired(o)),
        new FakeCluster(live),
    );
    const report = buildReport("prod", r.findings, r.leftBehind, [], r);
    return { quotas: r.quotas, report, text: renderReport(report) };
}

describe("adopt: the program's pods against the namespaces' ResourceQuotas", () => {
    it("a quota that fits once the replaced pods are gone: fits, nothing blocks", async () => {
        const { quotas, report } = await check(
            [
                workload("web", { replicas: 2 }),
                workload("db", { recreate: true, resources: [{ requests: { cpu: "1" } }] }),
            ],
            [
                quota({ "requests.cpu": "1500m", pods: "4" }, { "requests.cpu": "1", pods: "2" }),
                // today's web and db pods: they go away with the deploy
                pod("web-a", "web", { requests: { cpu: "500m" } }),
                pod("db-a", "db", { requests: { cpu: "500m" } }),
                replicaSet("web"),
                replicaSet("db"),
            ],
        );
        assert.deepEqual(
            quotas.map((q) => [q.namespace, q.quota, q.state, q.problems]),
            [["shop", "compute", "fits", []]],
        );
        assert.equal(report.blocking, 0);
    });

    it("a DeploymentConfig handed over side by side keeps its pods' usage until step 5; one scaled to 0 first (Recreate) frees it", async () => {
        /** Today's pod of DeploymentConfig `name`, through its first rollout's ReplicationController. */
        const dcPod = (name: string): KubeObject[] => [
            {
                ...pod(`${name}-1-a`, name, { requests: { cpu: "500m" } }),
                metadata: {
                    name: `${name}-1-a`,
                    namespace: "shop",
                    ownerReferences: [{ kind: "ReplicationController", name: `${name}-1`, controller: true }],
                },
            },
            {
                apiVersion: "v1",
                kind: "ReplicationController",
                metadata: {
                    name: `${name}-1`,
                    namespace: "shop",
                    ownerReferences: [{ kind: "DeploymentConfig", name, controller: true }],
                },
            },
        ];
        const live = (name: string) => [
            quota({ "requests.cpu": "1" }, { "requests.cpu": "500m" }),
            ...dcPod(name),
        ];
        const beside = await check(
            [workload("api", { resources: [{ requests: { cpu: "600m" } }] })],
            live("api"),
        );
        // 500m stays (today's pod runs until step 5) + 600m for the program's pod: over 1.
        assert.equal(beside.quotas[0].state, "warning", beside.text);
        assert.match(beside.quotas[0].problems.join("\n"), /of which 0 by pods/);
        const scaled = await check(
            [workload("db", { recreate: true, resources: [{ requests: { cpu: "600m" } }] })],
            live("db"),
        );
        assert.equal(scaled.quotas[0].state, "fits", scaled.text);
    });

    it("a Recreate workload that does not fit: BLOCKING with the numbers, the stack key and the quota to raise", async () => {
        const { quotas, report, text } = await check(
            [workload("db", { recreate: true, resources: [{ requests: { cpu: "100m", memory: "512Mi" } }] })],
            [
                quota({ "requests.memory": "1Gi" }, { "requests.memory": "1280Mi" }),
                pod("db-a", "db", { requests: { memory: "512Mi" } }),
                pod("other-a", "other", { requests: { memory: "768Mi" } }),
                replicaSet("db"),
                replicaSet("other"),
            ],
        );
        assert.equal(quotas[0].state, "blocking");
        assert.match(
            quotas[0].problems.join("\n"),
            /requests\.memory: hard 1Gi; used today 1280Mi, of which 512Mi by pods the deploy replaces, so 768Mi stays; the program's pods need 512Mi: 1280Mi in all, 256Mi over\. Deployment db delete their pod before starting the new one/,
        );
        assert.match(
            quotas[0].problems[0],
            /raise spec\.hard\["requests\.memory"\] of ResourceQuota compute in namespace shop to at least 1280Mi/,
        );
        assert.equal(report.blocking, 1);
        assert.equal(exitCode(report), 2);
        assert.match(text, /\[BLOCKING: does not fit the quota\] ResourceQuota shop\/compute/);
    });

    it("names the stack key that sizes the container (a Prow component)", () => {
        const hook = workload("hook", { recreate: true });
        (
            hook.spec as { template: { spec: { containers: { name: string }[] } } }
        ).template.spec.containers[0].name = "hook";
        const v = quotaVerdict({
            namespace: "prow",
            quota: quota({ "requests.cpu": "50m" }, {}),
            workloads: [quotaWorkload(hook, "prow")!],
            defaults: { requests: {}, limits: {} },
            replaced: [],
        });
        assert.equal(v.state, "blocking");
        assert.match(
            v.problems[0],
            /lower it by 50m through prow\.components\.hook\.resources \(Deployment hook\)/,
        );
    });

    it("only the rollout surge exceeds it: a warning that names the rollout, not blocking", async () => {
        const { quotas, report, text } = await check(
            [
                workload("web", { replicas: 2, resources: [{ requests: { cpu: "250m" } }] }),
                workload("db", { recreate: true, resources: [{ requests: { cpu: "100m" } }] }),
            ],
            [quota({ "requests.cpu": "600m" }, {})],
        );
        assert.equal(quotas[0].state, "warning");
        assert.match(
            quotas[0].problems[0],
            /the program's pods need 600m, 600m in all, which fits; the rollout of Deployment web adds 1 surge pod\(s\) \(250m\): 850m, 250m over/,
        );
        assert.equal(report.blocking, 0);
        assert.match(text, /\[WARNING: a rollout would stall\]/);
    });

    it("a LimitRange default is what a container without a limit gets: a quota on limits counts it", async () => {
        const program = [
            workload("db", { recreate: true, replicas: 2, resources: [{ requests: { cpu: "100m" } }] }),
        ];
        const hard = quota({ "limits.cpu": "1", "requests.memory": "1Gi" }, {});
        const without = await check(program, [hard]);
        assert.equal(without.quotas[0].state, "blocking");
        assert.match(
            without.quotas[0].problems.join("\n"),
            /containers db-0 set no limits\.cpu and no LimitRange gives a default/,
        );
        // default (no defaultRequest): the memory request defaults to the default limit, 2 × 600Mi > 1Gi.
        const defaulted = await check(program, [
            hard,
            limitRange({ default: { cpu: "400m", memory: "600Mi" } }),
        ]);
        assert.equal(defaulted.quotas[0].state, "blocking");
        const problems = defaulted.quotas[0].problems.join("\n");
        assert.doesNotMatch(problems, /limits\.cpu/);
        assert.match(
            problems,
            /requests\.memory: hard 1Gi; .* the program's pods need 1200Mi: 1200Mi in all, 176Mi over/,
        );
        const fits = await check(program, [
            hard,
            limitRange({ default: { cpu: "400m", memory: "1Gi" }, defaultRequest: { memory: "256Mi" } }),
        ]);
        assert.equal(fits.quotas[0].state, "fits");
    });

    it("init containers count by Kubernetes' effective-request rule, sidecars add", () => {
        const w = quotaWorkload(
            workload("job", { recreate: true, resources: [{ requests: { cpu: "300m" } }] }),
        )!;
        w.spec.initContainers = [
            { name: "proxy", restartPolicy: "Always", resources: { requests: { cpu: "200m" } } },
            { name: "migrate", resources: { requests: { cpu: "400m" } } },
        ];
        const v = quotaVerdict({
            namespace: "shop",
            quota: quota({ "requests.cpu": "599m" }, {}),
            workloads: [w],
            defaults: { requests: {}, limits: {} },
            replaced: [],
        });
        // max(300m + 200m sidecar, 400m init + 200m sidecar started before it) = 600m: over 599m by 1m.
        assert.match(v.problems[0], /the program's pods need 600m: 600m in all, 1m over/);
    });

    it("quantities: every m/k/M/G/Ki/Mi/Gi and plain number reads as its value and formats back to it", () => {
        const factor: Record<string, number> = {
            "": 1,
            m: 1e-3,
            k: 1e3,
            M: 1e6,
            G: 1e9,
            Ki: 1024,
            Mi: 1024 ** 2,
            Gi: 1024 ** 3,
        };
        fc.assert(
            fc.property(
                fc.nat(100_000),
                fc.constantFrom(...Object.keys(factor)),
                fc.constantFrom("requests.cpu", "limits.memory", "pods"),
                (n, s, resource) => {
                    const m = milli(`${n}${s}`)!;
                    assert.equal(m, Math.round(n * factor[s] * 1000));
                    if (resource === "pods" && m % 1000 !== 0) return;
                    if (resource === "limits.memory" && m % 1000 !== 0) return;
                    assert.equal(milli(formatAmount(resource, m)), m);
                },
            ),
        );
        assert.equal(milli("0.1"), 100);
        assert.equal(milli("lots"), undefined);
    });

    it("generated quotas and workloads: the verdict is the arithmetic", () => {
        const arbWorkload = fc.record({
            replicas: fc.nat(3),
            recreate: fc.boolean(),
            maxSurge: fc.nat(2),
            cpus: fc.array(fc.integer({ min: 1, max: 900 }), { minLength: 1, maxLength: 3 }),
        });
        fc.assert(
            fc.property(
                fc.array(arbWorkload, { minLength: 1, maxLength: 4 }),
                fc.integer({ min: 0, max: 6000 }),
                fc.integer({ min: 0, max: 3000 }),
                fc.array(fc.integer({ min: 0, max: 900 }), { maxLength: 3 }),
                (ws, hard, used, replacedCpu) => {
                    const objects = ws.map((w, i) =>
                        workload(`w${i}`, {
                            replicas: w.replicas,
                            recreate: w.recreate,
                            maxSurge: w.maxSurge,
                            resources: w.cpus.map((c) => ({ requests: { cpu: `${c}m` } })),
                        }),
                    );
                    const replaced = replacedCpu.map((c, i) =>
                        pod(`old-${i}`, "w0", { requests: { cpu: `${c}m` } }),
                    );
                    const v = quotaVerdict({
                        namespace: "shop",
                        quota: quota({ "requests.cpu": `${hard}m` }, { "requests.cpu": `${used}m` }),
                        workloads: objects.map((o) => quotaWorkload(o)!),
                        defaults: { requests: {}, limits: {} },
                        replaced,
                    });
                    const perPod = ws.map((w) => w.cpus.reduce((a, b) => a + b, 0));
                    const staying = Math.max(0, used - replacedCpu.reduce((a, b) => a + b, 0));
                    const steady = ws.reduce((n, w, i) => n + w.replicas * perPod[i], 0);
                    const surge = Math.max(
                        0,
                        ...ws.map((w, i) => (w.recreate || w.replicas === 0 ? 0 : w.maxSurge * perPod[i])),
                    );
                    const expected =
                        staying + steady + surge <= hard
                            ? "fits"
                            : staying + steady > hard && ws.some((w) => w.recreate && w.replicas > 0)
                              ? "blocking"
                              : "warning";
                    assert.equal(v.state, expected);
                    if (expected !== "fits") {
                        const need = staying + steady + (staying + steady > hard ? 0 : surge);
                        assert.match(
                            v.problems[0],
                            new RegExp(`at least ${formatAmount("requests.cpu", need)},`),
                        );
                    }
                },
            ),
        );
    });

    it("a CronJob counts one run (none while suspended), a Job its parallelism", () => {
        const template = { spec: { containers: [{ name: "c", resources: { requests: { cpu: "1" } } }] } };
        const cron = (suspend: boolean) =>
            quotaWorkload({
                apiVersion: "batch/v1",
                kind: "CronJob",
                metadata: { name: "nightly", namespace: "shop" },
                spec: { suspend, concurrencyPolicy: "Forbid", jobTemplate: { spec: { template } } },
            })!;
        assert.deepEqual([cron(false).pods, cron(true).pods], [1, 0]);
        const job = quotaWorkload({
            apiVersion: "batch/v1",
            kind: "Job",
            metadata: { name: "once", namespace: "shop" },
            spec: { parallelism: 2, template },
        })!;
        assert.deepEqual([job.pods, job.surge, job.recreate], [2, 0, false]);
    });

    for (const stack of COMMITTED_STACKS) {
        it(`${stack}: every pod of the plan requests cpu and memory and limits memory; each resources key is its system's`, async function () {
            this.timeout(120_000);
            const plan = await stackPlan(stack);
            // The plan's Kubernetes objects with the system (config section) each belongs to.
            const objects = plan.resources
                .filter((r) => r.type.startsWith("kubernetes:") && typeof r.inputs.kind === "string")
                .map((r) => ({ system: r.system, o: r.inputs as KubeObject }));
            const unset: string[] = [];
            const keys = new Set<string>();
            let pods = 0;
            for (const { system, o } of objects) {
                const w = quotaWorkload(o, system);
                if (!w) continue;
                pods++;
                const { unset: missing } = podAmounts(w.spec, { requests: {}, limits: {} });
                for (const r of ["requests.cpu", "requests.memory", "limits.memory"])
                    if (missing[r])
                        unset.push(`${w.name} (${o.metadata.namespace}): ${r} of ${missing[r].join(", ")}`);
                for (const c of [...(w.spec.initContainers ?? []), ...(w.spec.containers ?? [])]) {
                    const key = resourcesKeyOf(system, c);
                    if (!key) continue;
                    keys.add(key);
                    // the key is under the system's own section, and names this container's sizing there
                    assert.equal(key.split(".")[0], system, `${w.name} container ${c.name} is given ${key}`);
                }
            }
            assert.ok(pods > 20, `${pods} workloads read from the ${stack} plan`);
            assert.deepEqual(unset, []);
            assert.ok(
                [...keys].some((k) => k.startsWith("prow.components.")),
                [...keys].join(", "),
            );
        });
    }
});
