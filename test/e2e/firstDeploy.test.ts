// The checks of the first-deploy e2e (e2e/firstDeploy.e2e.ts) on small inputs: the watch must catch a workload that
// was deleted, replaced or left without a Ready pod, and let a Recreate swap through only as the same object.
import { strict as assert } from "assert";
import { parse } from "yaml";
import {
    Watched,
    editedStackText,
    lostPods,
    plannedLosses,
    printedKubectl,
    recreated,
    sample,
    todayManifests,
} from "../../e2e/firstDeploy";
import { DIALS_LIVE } from "../fixtures/live/dials";
import { THOTH_LIVE } from "../fixtures/live/thoth";
import { K8sObject } from "../../e2e/render";

const web: Watched = {
    system: "shop",
    id: "apps/v1/Deployment/shop/web",
    kind: "Deployment",
    namespace: "shop",
    name: "web",
    selector: { app: "web" },
    replicas: 1,
    uid: "u1",
};

const deployment = (uid: string): K8sObject => ({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", namespace: "shop", uid },
});
const pod = (labels: Record<string, string>, ready: boolean): K8sObject => ({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: `web-${Math.random()}`, namespace: "shop", labels },
    status: { conditions: [{ type: "Ready", status: ready ? "True" : "False" }] },
});

describe("e2e first deploy: the watch and the plan checks", function () {
    it("a sample counts Ready pods the live selector selects, on the same object only", function () {
        const ok = sample(
            [web],
            [deployment("u1"), pod({ app: "web", extra: "x" }, true), pod({ app: "web" }, false)],
        );
        assert.equal(ok.ready[web.id], 1);
        assert.deepEqual(ok.why, {});
        assert.equal(sample([web], [pod({ app: "web" }, true)]).why[web.id], "deleted");
        assert.match(sample([web], [deployment("u2"), pod({ app: "web" }, true)]).why[web.id], /^replaced/);
        // Pods the program labels otherwise are not the live workload's pods.
        assert.match(
            sample([web], [deployment("u1"), pod({ name: "web" }, true)]).why[web.id],
            /no Ready pod/,
        );
    });

    it("lostPods names every loss; a Recreate swap on the same object is a gap, a replacement still a loss", function () {
        const up = sample([web], [deployment("u1"), pod({ app: "web" }, true)], 1000);
        const swap = sample([web], [deployment("u1")], 2000);
        const back = sample([web], [deployment("u1"), pod({ app: "web" }, true)], 3500);
        assert.match(
            lostPods([web], [up, swap, back]).lost[0],
            /^apps\/v1\/Deployment\/shop\/web \(shop\) had no Ready pod in 1 of 3 samples, first at \+1\.0 s/,
        );
        const recreate = lostPods([web], [up, swap, back], new Set([web.id]));
        assert.deepEqual(recreate, { lost: [], gaps: { [web.id]: 2.5 } });
        const replaced = sample([web], [deployment("u2"), pod({ app: "web" }, true)], 2000);
        assert.equal(lostPods([web], [up, replaced, back], new Set([web.id])).lost.length, 1);
        // A workload with no replicas has no pods to lose.
        assert.deepEqual(lostPods([{ ...web, replicas: 0 }], [swap]).lost, []);
    });

    it("plannedLosses names a planned replacement and a planned selector that is not the live one", function () {
        const flower = DIALS_LIVE.workloads.find((w) => w.name === "flower")!;
        const inputs = (selector: Record<string, string>) => ({
            apiVersion: "apps/v1",
            kind: "Deployment",
            metadata: { name: "flower", namespace: DIALS_LIVE.namespace },
            spec: {
                selector: { matchLabels: selector },
                strategy: { type: "Recreate" },
                template: { metadata: { labels: { ...flower.podLabels, extra: "x" } } },
            },
        });
        const step = (op: string, selector: Record<string, string>) => ({
            op,
            urn: "urn:flower",
            type: "t",
            inputs: inputs(selector),
        });
        assert.deepEqual(plannedLosses(DIALS_LIVE, [step("create", flower.selector)]), []);
        assert.match(
            plannedLosses(DIALS_LIVE, [step("replace", flower.selector)])[0],
            /^Deployment flower: the engine planned replace/,
        );
        assert.match(
            plannedLosses(DIALS_LIVE, [step("create", { other: "x" })])[0],
            /^Deployment flower: its live selector/,
        );
        assert.deepEqual(
            [...recreated(DIALS_LIVE, [step("create", flower.selector)])],
            [`apps/v1/Deployment/${DIALS_LIVE.namespace}/flower`],
        );
    });

    it("today's manifests: no server-assigned fields, controllers left to the cluster, a ReplicationController per DeploymentConfig", function () {
        const objects = todayManifests(THOTH_LIVE);
        for (const o of objects) {
            assert.equal((o.metadata as { uid?: string }).uid, undefined);
            assert.equal((o as { status?: unknown }).status, undefined);
            assert.ok(!["Pod", "ReplicaSet"].includes(o.kind), o.kind);
        }
        const dcs = THOTH_LIVE.workloads.filter((w) => w.kind === "DeploymentConfig").length;
        assert.ok(dcs > 0);
        assert.equal(objects.filter((o) => o.kind === "ReplicationController").length, dcs);
    });

    it("editedStackText changes only the sections that differ and keeps encrypted values and comments", function () {
        const text = [
            "# top comment",
            "config:",
            "  runbooks:tier: production",
            "  runbooks:a:",
            "    x: 1 # why",
            "  runbooks:b:",
            "    y: 2",
            "  runbooks:s:",
            "    secure: v1:abc",
            "",
        ].join("\n");
        const out = editedStackText(
            text,
            { tier: "production", a: { x: 1 }, b: { y: 2 } },
            {
                tier: "production",
                a: { x: 1 },
                b: { y: 3 },
            },
        );
        assert.match(out, /# top comment/);
        assert.match(out, /x: 1 # why/);
        assert.deepEqual(parse(out).config, {
            "runbooks:tier": "production",
            "runbooks:a": { x: 1 },
            "runbooks:b": { y: 3 },
            "runbooks:s": { secure: "v1:abc" },
        });
    });
    it("a printed kubectl command is the arguments the operator's shell gives kubectl: quotes removed, nothing else split", function () {
        assert.deepEqual(
            printedKubectl(
                "kubectl -n graph wait --for=delete pod -l 'name=db,tier in (a,b)' --timeout=300s",
            ),
            ["-n", "graph", "wait", "--for=delete", "pod", "-l", "name=db,tier in (a,b)", "--timeout=300s"],
        );
        assert.throws(() => printedKubectl("oc -n graph scale dc/db --replicas=0"), /not a kubectl command/);
    });

    it("a DeploymentConfig's ReplicationController is OpenShift's first rollout: owned pods carry its selector and the rollout labels", function () {
        for (const rc of todayManifests(THOTH_LIVE).filter((o) => o.kind === "ReplicationController")) {
            const spec = rc.spec as {
                selector: Record<string, string>;
                template: { metadata: { labels: Record<string, string> } };
            };
            const dc = THOTH_LIVE.workloads.find((w) => `${w.name}-1` === rc.metadata.name)!;
            assert.deepEqual(spec.selector, {
                ...dc.selector,
                deploymentconfig: dc.name,
                deployment: rc.metadata.name,
            });
            for (const [k, v] of Object.entries(spec.selector))
                assert.equal(spec.template.metadata.labels[k], v, k);
        }
    });
});
