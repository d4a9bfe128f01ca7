import * as assert from "node:assert/strict";
import fc from "fast-check";
import { labelSelectorMatches } from "../../../components/shared/labelSelector";
import { KubeObject } from "../../adopt/model";
import { nodeRefusal, placementChecks } from "../../adopt/placement";
import { buildReport, exitCode, renderReport } from "../../adopt/report";
import { inspectCluster } from "../../adopt/run";
import { FakeCluster, desired } from "./fixtures";

const CACHE = "ci.kubevirt.io/cachenode";

function node(
    name: string,
    labels: Record<string, string> = {},
    spec: { taints?: { key: string; value?: string; effect: string }[]; unschedulable?: boolean } = {},
): KubeObject {
    return { apiVersion: "v1", kind: "Node", metadata: { name, labels }, spec };
}

/** Prow's greenhouse as the program places it: on the cache node, tolerating its taint (components/prow). */
function greenhouse(podSpec: Record<string, unknown> = {}): KubeObject {
    return {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "greenhouse", namespace: "prow" },
        spec: {
            replicas: 1,
            selector: { matchLabels: { app: "greenhouse" } },
            template: {
                metadata: { labels: { app: "greenhouse" } },
                spec: {
                    containers: [{ name: "greenhouse", image: "greenhouse:1" }],
                    nodeSelector: { [CACHE]: "true" },
                    tolerations: [{ key: CACHE, operator: "Exists", effect: "NoSchedule" }],
                    ...podSpec,
                },
            },
        },
    };
}

const worker = node("worker-1", { "kubernetes.io/hostname": "worker-1" });
const cacheNode = node("cache-1", { [CACHE]: "true" }, { taints: [{ key: CACHE, effect: "NoSchedule" }] });

async function check(objects: KubeObject[], nodes: KubeObject[], options = {}) {
    return placementChecks(
        "iks",
        objects.map((o) => desired(o, "prow")),
        new FakeCluster(nodes, options),
    );
}

describe("adoption report: can a node run the program's pods (nodeSelector, node affinity, taints, cordons)", function () {
    it("the cache node, labelled and tainted as the caches tolerate, runs greenhouse: nothing reported", async function () {
        assert.deepEqual(await check([greenhouse()], [worker, cacheNode]), []);
    });

    it("no node labelled for the caches: BLOCKING, naming each node's reason and the label command with a node to choose", async function () {
        const [c, ...rest] = await check([greenhouse()], [worker, node("worker-2")]);
        assert.equal(rest.length, 0);
        assert.equal(c.state, "blocking");
        assert.equal(c.workload, "Deployment greenhouse");
        assert.match(
            c.problems[0],
            /no node of 2 can run its pods: lacks ci\.kubevirt\.io\/cachenode=true \(nodeSelector\): worker-1, worker-2/,
        );
        assert.match(c.problems[0], /kubectl label node <NODE> ci\.kubevirt\.io\/cachenode=true/);
        assert.match(c.problems[0], /nodes today: worker-1, worker-2/);
    });

    it("a labelled node whose taint the pods do not tolerate, or that is cordoned, runs nothing of it", async function () {
        const tainted = node(
            "cache-1",
            { [CACHE]: "true" },
            { taints: [{ key: "dedicated", value: "gpu", effect: "NoExecute" }] },
        );
        const [t] = await check([greenhouse()], [tainted]);
        assert.match(t.problems[0], /has taint dedicated=gpu:NoExecute, not tolerated/);
        const cordoned = node("cache-1", { [CACHE]: "true" }, { unschedulable: true });
        const [u] = await check([greenhouse()], [cordoned]);
        assert.match(u.problems[0], /is cordoned/);
        // PreferNoSchedule only scores: it never keeps a pod off.
        const soft = node(
            "cache-1",
            { [CACHE]: "true" },
            { taints: [{ key: "x", effect: "PreferNoSchedule" }] },
        );
        assert.deepEqual(await check([greenhouse()], [soft]), []);
    });

    it("required node affinity: one term must match; an empty term matches nothing; no label command is guessed", async function () {
        const affinity = (terms: unknown[]) => ({
            nodeSelector: {},
            affinity: {
                nodeAffinity: {
                    requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms },
                },
            },
        });
        const zoneA = { matchExpressions: [{ key: "zone", operator: "In", values: ["a"] }] };
        const zoned = node("n1", { zone: "a" });
        assert.deepEqual(await check([greenhouse(affinity([zoneA]))], [zoned]), []);
        const [c] = await check([greenhouse(affinity([{}]))], [zoned]);
        assert.match(c.problems[0], /matches no term of the required node affinity/);
        assert.doesNotMatch(c.problems[0], /kubectl label/);
    });

    it("a suspended CronJob runs no pod and is not judged; nodes it may not list give one not-verified row, only where a workload asks for nodes", async function () {
        const suspended: KubeObject = {
            apiVersion: "batch/v1",
            kind: "CronJob",
            metadata: { name: "nightly", namespace: "prow" },
            spec: {
                suspend: true,
                jobTemplate: {
                    spec: { template: { spec: { nodeSelector: { none: "x" }, containers: [] } } },
                },
            },
        };
        assert.deepEqual(await check([suspended], [worker]), []);
        const plain = greenhouse({ nodeSelector: {}, tolerations: [] });
        assert.deepEqual(await check([plain], [], { forbiddenLists: ["Node"] }), []);
        const [c, ...rest] = await check([greenhouse(), plain], [], { forbiddenLists: ["Node"] });
        assert.equal(rest.length, 0);
        assert.equal(c.state, "not-verified");
        assert.match(c.problems[0], /may not list the cluster's nodes: Deployment greenhouse \(prow\)/);
        const [none] = await check([greenhouse()], []);
        assert.match(none.problems[0], /lists no node/);
    });

    it("the report counts it as blocking and prints it, exit 2", async function () {
        const api = new FakeCluster([worker]);
        const r = await inspectCluster("iks", [desired(greenhouse(), "prow")], api);
        const report = buildReport("prod", r.findings, r.leftBehind, [], r);
        assert.equal(report.placements.length, 1);
        assert.equal(exitCode(report), 2);
        assert.match(
            renderReport(report),
            /\[BLOCKING: no node can run its pods\] Deployment greenhouse in prow \(cluster iks, prow\)/,
        );
    });

    it("holds for generated nodes and pods: refused exactly when an independent reading of the scheduler's filters refuses", function () {
        const keys = fc.constantFrom("a", "b", "zone", "size");
        const values = fc.constantFrom("1", "2", "10", "x");
        const labels = fc.dictionary(keys, values, { maxKeys: 3 });
        const requirement = fc.record({
            key: keys,
            operator: fc.constantFrom("In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"),
            values: fc.array(values, { minLength: 0, maxLength: 2 }),
        });
        const effect = fc.constantFrom("NoSchedule", "NoExecute", "PreferNoSchedule");
        const taint = fc.record({ key: keys, value: fc.option(values, { nil: undefined }), effect });
        const toleration = fc.record({
            key: fc.option(keys, { nil: undefined }),
            operator: fc.option(fc.constantFrom("Exists", "Equal"), { nil: undefined }),
            value: fc.option(values, { nil: undefined }),
            effect: fc.option(effect, { nil: undefined }),
        });
        const arb = fc.record({
            labels,
            taints: fc.array(taint, { maxLength: 2 }),
            unschedulable: fc.boolean(),
            nodeSelector: labels,
            terms: fc.option(fc.array(fc.array(requirement, { maxLength: 2 }), { maxLength: 2 }), {
                nil: undefined,
            }),
            tolerations: fc.array(toleration, { maxLength: 2 }),
        });
        // The reference: Gt/Lt by Number over decimal strings; the rest through the label selector the program
        // already shares (In/NotIn/Exists/DoesNotExist), taints by the API's field-by-field rule.
        const holds = (r: { key: string; operator: string; values: string[] }, l: Record<string, string>) => {
            if (r.operator === "Gt" || r.operator === "Lt") {
                if (
                    r.values.length !== 1 ||
                    !(r.key in l) ||
                    !/^\d+$/.test(l[r.key]) ||
                    !/^\d+$/.test(r.values[0])
                )
                    return false;
                return r.operator === "Gt"
                    ? Number(l[r.key]) > Number(r.values[0])
                    : Number(l[r.key]) < Number(r.values[0]);
            }
            return labelSelectorMatches({ matchExpressions: [r] }, l);
        };
        const tol = (
            t: { key?: string; operator?: string; value?: string; effect?: string },
            x: { key: string; value?: string; effect: string },
        ) =>
            (t.effect === undefined || t.effect === x.effect) &&
            (t.key === undefined || t.key === x.key) &&
            (t.operator === "Exists" || (t.value ?? "") === (x.value ?? ""));
        fc.assert(
            fc.property(arb, (g) => {
                const spec: Record<string, unknown> = {
                    containers: [],
                    nodeSelector: g.nodeSelector,
                    tolerations: g.tolerations,
                };
                if (g.terms)
                    spec.affinity = {
                        nodeAffinity: {
                            requiredDuringSchedulingIgnoredDuringExecution: {
                                nodeSelectorTerms: g.terms.map((e) => ({ matchExpressions: e })),
                            },
                        },
                    };
                const n = node("n", g.labels, { taints: g.taints, unschedulable: g.unschedulable });
                const expected =
                    Object.entries(g.nodeSelector).every(([k, v]) => g.labels[k] === v) &&
                    (g.terms === undefined ||
                        g.terms.some((e) => e.length > 0 && e.every((r) => holds(r, g.labels)))) &&
                    g.taints
                        .filter((x) => x.effect !== "PreferNoSchedule")
                        .every((x) => g.tolerations.some((t) => tol(t, x))) &&
                    (!g.unschedulable ||
                        g.tolerations.some((t) =>
                            tol(t, { key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" }),
                        ));
                assert.equal(nodeRefusal(spec, n) === undefined, expected, JSON.stringify(g));
            }),
            { numRuns: 2000, seed: 53 },
        );
    });
});
