import { blocksUp, imageChanges } from "../../adopt/imageChanges";
import * as assert from "assert";
import fc from "fast-check";
import { KubeObject, objectId } from "../../adopt/model";
import { buildReport, exitCode, renderReport } from "../../adopt/report";
import { inspectCluster } from "../../adopt/run";
import { LabelSelector, leftRunning, selectorArgument, selects } from "../../adopt/selectors";
import { FakeCluster, deployment, desired, live } from "./fixtures";
import { InspectOptions } from "../../adopt/run";

/** The takeover list of system `shop` (the fixtures' `desired`), as its stack declares it. */
function shopList(objects: Record<string, string>): InspectOptions {
    return { stack: "prod", lists: { shop: { objects } } };
}

// A workload whose selector the program would change cannot be adopted in place, and replacing it must never leave
// its pods running: the report lists every live ReplicaSet and pod the program's workload would not select.

const DEPLOYMENT_UID = "0c7a4f51-1111-2222-3333-444455556666"; // live() gives every object this uid

function replicaSet(name: string, uid: string, labels: Record<string, string>, owner?: string): KubeObject {
    return {
        apiVersion: "apps/v1",
        kind: "ReplicaSet",
        metadata: {
            name,
            namespace: "shop",
            uid,
            labels,
            ...(owner
                ? { ownerReferences: [{ kind: "Deployment", name: "web", uid: owner, controller: true }] }
                : {}),
        },
        spec: { selector: { matchLabels: labels } },
    };
}

function pod(
    name: string,
    labels: Record<string, string>,
    owner?: string,
    phase = "Running",
    namespace = "shop",
): KubeObject {
    return {
        apiVersion: "v1",
        kind: "Pod",
        metadata: {
            name,
            namespace,
            uid: `pod-${name}`,
            labels,
            ...(owner
                ? { ownerReferences: [{ kind: "ReplicaSet", name: "rs", uid: owner, controller: true }] }
                : {}),
        },
        status: { phase },
    };
}

const OLD = { app: "web", "pod-template-hash": "7d9f" };

/** Today's Deployment (selector app=web) with its current and an old, scaled-down ReplicaSet and their pods. */
function today(): KubeObject[] {
    return [
        live(deployment("web:v1")),
        replicaSet("web-7d9f", "rs-current", OLD, DEPLOYMENT_UID),
        replicaSet("web-5c4b", "rs-old", { app: "web", "pod-template-hash": "5c4b" }, DEPLOYMENT_UID),
        pod("web-7d9f-a", OLD, "rs-current"),
        pod("web-7d9f-b", OLD, "rs-current"),
        // Matched by the live selector though nothing owns it (orphaned by an earlier delete): it runs too.
        pod("web-stray", { app: "web" }),
        // Done, or another app's, or in another namespace: not the workload's running pods.
        pod("web-7d9f-done", OLD, "rs-current", "Succeeded"),
        pod("db-0", { app: "db" }),
        pod("web-elsewhere", { app: "web" }, undefined, "Running", "other"),
    ];
}

describe("adopt: workloads whose selector would change", function () {
    it("lists every live ReplicaSet and running pod of the old workload, each BLOCKING, with a checked, ordered replacement", async function () {
        const program = desired(deployment("web:v2", { "app.kubernetes.io/name": "web" }));
        const cluster = new FakeCluster(today());
        const r = await inspectCluster(
            "main",
            [program],
            cluster,
            8,
            new Map(),
            shopList({ "shop/Deployment/web": "adopt" }),
        );
        const f = r.findings[0];
        assert.equal(f.verdict, "blocking");
        assert.deepEqual(f.leftRunning, [
            "apps/v1/ReplicaSet/shop/web-7d9f",
            "apps/v1/ReplicaSet/shop/web-5c4b",
            "v1/Pod/shop/web-7d9f-a",
            "v1/Pod/shop/web-7d9f-b",
            "v1/Pod/shop/web-stray",
        ]);
        const reason = f.reasons.join("\n");
        assert.match(reason, /keep the live selector: declare it/);
        // The steps, in order: delete with the pods, check nothing is left, deploy at once.
        assert.match(
            reason,
            /1\) kubectl -n shop delete deployment web --cascade=foreground --wait=true .*2\) check that kubectl -n shop get replicasets,pods -l 'app=web' finds nothing; 3\) pulumi up at once/,
        );
        // --cascade=orphan is named only as what never to do.
        assert.doesNotMatch(reason.replace(/Never kubectl delete --cascade=orphan/, ""), /orphan/);

        const report = buildReport("prod", r.findings, r.leftBehind, [], r);
        assert.equal(report.counts.leftRunning, 5);
        // Six, besides an image the fixture changes to a release nobody recorded (tools/adopt/imageChanges.ts).
        assert.equal(report.blocking, 6 + imageChanges(r.findings).filter(blocksUp).length);
        assert.equal(exitCode(report), 2);
        const text = renderReport(report);
        assert.match(text, /5 BLOCKING: left running beside the program's pods/);
        assert.match(text, /\[BLOCKING: left running beside the program's pods\] v1\/Pod\/shop\/web-stray/);
    });

    it("the live selector kept: adopted in place, nothing left running, and ReplicaSets and pods are not even listed", async function () {
        const cluster = new FakeCluster(today());
        const r = await inspectCluster("main", [desired(deployment("web:v2"))], cluster);
        assert.equal(r.findings[0].verdict, "update");
        assert.equal(r.findings[0].leftRunning, undefined);
        assert.ok(!cluster.calls.some((c) => /^list (ReplicaSet|Pod) /.test(c)), cluster.calls.join("\n"));
        assert.equal(buildReport("prod", r.findings, r.leftBehind, [], r).counts.leftRunning, 0);
    });

    it("a StatefulSet's pods are its own (no ReplicaSets); pods the program's selector also selects are not left", function () {
        const set: KubeObject = {
            apiVersion: "apps/v1",
            kind: "StatefulSet",
            metadata: { name: "db", namespace: "shop", uid: "sts" },
            spec: { selector: { matchLabels: { app: "db" } } },
        };
        const program: KubeObject = {
            ...set,
            spec: { selector: { matchLabels: { "app.kubernetes.io/name": "db" } } },
        };
        const pods = [
            pod("db-0", { app: "db" }, "sts"),
            pod("db-1", { app: "db", "app.kubernetes.io/name": "db" }, "sts"),
        ];
        assert.deepEqual(
            leftRunning(set, program, [replicaSet("x", "x", { app: "db" })], pods).map(objectId),
            ["v1/Pod/shop/db-0"],
        );
    });

    it("generated: a pod is listed exactly when it runs, is the old workload's (owned or selected) and not the program's", function () {
        const label = fc.constantFrom("app", "tier", "pod-template-hash");
        const value = fc.constantFrom("web", "db", "a");
        const labels = fc.dictionary(label, value, { maxKeys: 3 });
        fc.assert(
            fc.property(
                fc.dictionary(label, value, { minKeys: 1, maxKeys: 2 }),
                fc.dictionary(label, value, { minKeys: 1, maxKeys: 2 }),
                fc.array(
                    fc.record({
                        labels,
                        owner: fc.constantFrom(undefined, "rs-current", "rs-other", DEPLOYMENT_UID),
                        phase: fc.constantFrom("Running", "Pending", "Succeeded"),
                    }),
                    { maxLength: 8 },
                ),
                (liveSel, programSel, specs) => {
                    const old = live(deployment("web:v1", liveSel));
                    const program = deployment("web:v1", programSel);
                    const sets = [replicaSet("web-1", "rs-current", liveSel, DEPLOYMENT_UID)];
                    const pods = specs.map((s, i) => pod(`p${i}`, s.labels, s.owner, s.phase));
                    const listed = new Set(leftRunning(old, program, sets, pods).map(objectId));
                    // A ReplicaSet the program's selector selects is taken over by the program's workload, pods and all.
                    const setIsOld = !selects({ matchLabels: programSel }, liveSel);
                    for (const p of pods) {
                        const labelsOf = p.metadata.labels as Record<string, string>;
                        const owner = ((p.metadata.ownerReferences ?? []) as { uid: string }[])[0]?.uid;
                        const oldOnes =
                            (owner === "rs-current" && setIsOld) ||
                            owner === DEPLOYMENT_UID ||
                            selects({ matchLabels: liveSel }, labelsOf);
                        const running = (p.status as { phase: string }).phase !== "Succeeded";
                        const programs = selects({ matchLabels: programSel }, labelsOf);
                        assert.equal(
                            listed.has(objectId(p)),
                            oldOnes && running && !programs,
                            p.metadata.name,
                        );
                    }
                },
            ),
        );
    });

    it("selects and prints selectors as the API server and kubectl -l read them", function () {
        const sel: LabelSelector = {
            matchLabels: { app: "hook" },
            matchExpressions: [
                { key: "tier", operator: "In", values: ["a", "b"] },
                { key: "legacy", operator: "DoesNotExist" },
                { key: "zone", operator: "NotIn", values: ["x"] },
                { key: "team", operator: "Exists" },
            ],
        };
        assert.equal(selectorArgument(sel), "app=hook,tier in (a,b),!legacy,zone notin (x),team");
        assert.ok(selects(sel, { app: "hook", tier: "a", team: "t" }));
        assert.ok(!selects(sel, { app: "hook", tier: "c", team: "t" }));
        assert.ok(!selects(sel, { app: "hook", tier: "a", team: "t", legacy: "1" }));
        assert.ok(!selects(sel, { app: "hook", tier: "a", team: "t", zone: "x" }));
        assert.ok(!selects(sel, { app: "hook", tier: "a" }));
        assert.ok(!selects({}, { app: "hook" }), "an empty selector selects nothing here");
        fc.assert(
            fc.property(
                fc.dictionary(fc.constantFrom("a", "b", "c"), fc.constantFrom("1", "2")),
                (labels) => {
                    // matchLabels selects exactly the label sets that contain it.
                    for (const [k, v] of Object.entries(labels)) {
                        assert.ok(selects({ matchLabels: { [k]: v } }, labels));
                        assert.ok(!selects({ matchLabels: { [k]: `${v}x` } }, labels));
                    }
                },
            ),
        );
    });
});

// OpenShift runs today's Thoth services as DeploymentConfigs; the program deploys a Deployment of the same name.
// The API server keeps both objects, so both would run: the old one must go first, with its pods.
describe("adopt: a live workload of another kind under the program's workload's name", function () {
    const DC_UID = "dc-user-api";
    function deploymentConfig(replicas = 1): KubeObject {
        return {
            apiVersion: "apps.openshift.io/v1",
            kind: "DeploymentConfig",
            metadata: { name: "web", namespace: "shop", uid: DC_UID },
            spec: {
                replicas,
                selector: { service: "web" },
                template: { metadata: { labels: { service: "web" } } },
            },
        };
    }
    function replicationController(name: string, uid: string): KubeObject {
        return {
            apiVersion: "v1",
            kind: "ReplicationController",
            metadata: {
                name,
                namespace: "shop",
                uid,
                labels: { service: "web", deploymentconfig: "web" },
                ownerReferences: [{ kind: "DeploymentConfig", name: "web", uid: DC_UID, controller: true }],
            },
            spec: { selector: { service: "web", deployment: name } },
        };
    }

    it("declared replaced: the DeploymentConfig is stopped right before the up (scaled to 0, its pods gone) and deleted after it, never left running beside the Deployment", async function () {
        const cluster = new FakeCluster(
            [
                deploymentConfig(),
                replicationController("web-3", "rc-3"),
                replicationController("web-2", "rc-2"),
                pod("web-3-x7k2q", { service: "web", deployment: "web-3" }, "rc-3"),
                pod(
                    "web-3-deploy",
                    { "openshift.io/deployer-pod-for.name": "web-3" },
                    undefined,
                    "Succeeded",
                ),
            ],
            { openshift: true },
        );
        const r = await inspectCluster(
            "psi",
            [desired(deployment("web:v2"))],
            cluster,
            8,
            new Map(),
            shopList({ "shop/DeploymentConfig/web": "replace with Deployment/web" }),
        );
        assert.deepEqual(r.takeovers[0].problems, []);
        const f = r.findings[0];
        assert.equal(f.verdict, "create");
        assert.equal(f.leftRunning, undefined);
        // Every pod of its selector (the latest ReplicationController's and any older one's) is waited for.
        assert.deepEqual(f.handover, {
            beforeUp: [
                "kubectl -n shop scale deploymentconfig web --replicas=0",
                "kubectl -n shop wait --for=delete pod -l 'service=web' --timeout=300s",
            ],
            afterUp: ["kubectl -n shop delete deploymentconfig web"],
        });
        assert.match(
            f.reasons.join("\n"),
            /replaces DeploymentConfig web with the program's Deployment web: right before step 4, in this order: 1\) kubectl -n shop scale deploymentconfig web --replicas=0; 2\) .*; 3\) pulumi up at once/,
        );
        const report = buildReport("prod", r.findings, r.leftBehind, [], r);
        assert.equal(report.blocking, 0);
    });

    it("generated: hands over (stops before the up, deletes after) exactly the pod-running workload of the program workload's namespace the takeover list declares replaced by it, unless it is that very object; none is left running beside it", async function () {
        const kinds = ["Deployment", "StatefulSet", "DaemonSet", "DeploymentConfig"] as const;
        await fc.assert(
            fc.asyncProperty(
                fc.constantFrom(...kinds.filter((k) => k !== "DeploymentConfig")),
                fc.constantFrom(...kinds),
                fc.constantFrom("web", "web-old"),
                fc.constantFrom("shop", "other"),
                fc.constantFrom("adopt", "replace", "leave", "unlisted"),
                async (programKind, liveKind, liveName, liveNamespace, decision) => {
                    const program: KubeObject = {
                        ...deployment("web:v2"),
                        apiVersion: "apps/v1",
                        kind: programKind,
                    };
                    const today: KubeObject = {
                        apiVersion: liveKind === "DeploymentConfig" ? "apps.openshift.io/v1" : "apps/v1",
                        kind: liveKind,
                        metadata: { name: liveName, namespace: liveNamespace, uid: "old" },
                        spec: {
                            selector:
                                liveKind === "DeploymentConfig"
                                    ? { app: "web" }
                                    : { matchLabels: { app: "web" } },
                        },
                    };
                    const text = {
                        adopt: "adopt",
                        replace: `replace with ${programKind}/web`,
                        leave: "leave running: another team's workload, theirs",
                    }[decision as "adopt" | "replace" | "leave"];
                    const r = await inspectCluster(
                        "c",
                        [desired(program)],
                        new FakeCluster([today], { openshift: true }),
                        8,
                        new Map(),
                        shopList(text ? { [`${liveNamespace}/${liveKind}/${liveName}`]: text } : {}),
                    );
                    // Only a live workload of the program's namespaces is read, and only a declared replacement of
                    // another object than the program's own is handed over (nothing is inferred from its name).
                    const twin =
                        liveNamespace === "shop" &&
                        decision === "replace" &&
                        !(liveKind === programKind && liveName === "web");
                    const where = `${programKind} beside live ${liveKind} ${liveNamespace}/${liveName}`;
                    assert.ok(!(r.findings[0].leftRunning ?? []).includes(objectId(today)), where);
                    const kind = liveKind.toLowerCase();
                    assert.equal(
                        (r.findings[0].handover?.afterUp ?? []).includes(
                            `kubectl -n ${liveNamespace} delete ${kind} ${liveName}`,
                        ),
                        twin,
                        where,
                    );
                    if (twin)
                        assert.ok(
                            r.findings[0].handover!.beforeUp.some((c) =>
                                c.startsWith(
                                    `kubectl -n ${liveNamespace} scale ${kind} ${liveName} --replicas=0`,
                                ),
                            ) ||
                                // Without a gap: the program's selector selects its pods (./handover.ts).
                                r.findings[0].reasons.some((x) =>
                                    x.includes("a request always finds a Ready pod"),
                                ),
                            where,
                        );
                },
            ),
            { numRuns: 60 },
        );
    });
});
