import * as assert from "assert";
import { spawn } from "child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { programClaims } from "../tools/adopt/claims";
import { DesiredObject, KubeObject, objectId } from "../tools/adopt/model";
import { FIELD_MANAGER } from "../tools/adopt/kube";
import { stackObjects } from "../tools/adopt/program";
import { Report } from "../tools/adopt/report";
import { Kubectl } from "./kube";
import { BIN, ROOT, kwokCluster, kwokKubeconfig } from "./localStack";

// `npm run adopt` against a real kube-apiserver (kwok cluster on 127.0.0.1): a hand-made "today" state of every
// Kubernetes-side system of the local stack, as its runbook's manifests would have left it, and the report must
// classify every object exactly. Read-only: the test checks that the report changed nothing.

const CLUSTER_NAME = "runbooks-e2e-adopt";
const STACK = "local";
const TODAY_MANAGER = "hand-made-runbook";

function cluster(command: "start" | "stop"): void {
    kwokCluster(CLUSTER_NAME, command);
}

/** Kinds whose objects the report must neither create nor delete (controllers make pods and ReplicaSets). */
const KINDS =
    "configmaps,secrets,persistentvolumeclaims,services,deployments.apps,statefulsets.apps,serviceaccounts,namespaces";

function find(objects: readonly DesiredObject[], id: string): KubeObject {
    const found = objects.find((d) => objectId(d.object) === id);
    if (!found) throw new Error(`the local stack has no ${id}`);
    return structuredClone(found.object);
}

/** Runs the real CLI with both clusters of the local stack pointing at the test cluster. */
function adopt(kubeconfig: string, json: string): Promise<{ code: number; out: string; seconds: number }> {
    const started = Date.now();
    const tsNode = require.resolve("ts-node/dist/bin.js");
    const args = [tsNode, "--transpile-only", "tools/adopt/cli.ts", "--stack", STACK, "--json", json];
    for (const c of ["local-openshift", "local-kubernetes"]) args.push("--kubeconfig", `${c}=${kubeconfig}`);
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    return new Promise((resolve) =>
        child.on("close", (code) =>
            resolve({ code: code ?? -1, out, seconds: (Date.now() - started) / 1000 }),
        ),
    );
}

describe("migration report (npm run adopt) on a real kube-apiserver (kwok, 127.0.0.1)", function () {
    const missing = ["kubectl", "kube-apiserver", "kube-controller-manager", "etcd", "kwokctl"].filter(
        (b) => !existsSync(path.join(BIN, b)),
    );
    let kubectl: Kubectl;
    let desired: DesiredObject[];
    let workDir: string;
    let started = false;
    const expected = new Map<string, string>();
    const leftovers: string[] = [];

    before(async function () {
        if (missing.length > 0) {
            process.stdout.write(
                `      [adopt] SKIPPED: toolchain incomplete, missing in ${BIN}: ${missing.join(", ")} (npm run e2e:tools)\n`,
            );
            this.skip();
        }
        workDir = mkdtempSync(path.join(tmpdir(), "runbooks-adopt-"));
        cluster("stop");
        started = true;
        cluster("start");
        kubectl = new Kubectl(kwokKubeconfig(CLUSTER_NAME));
        desired = (await stackObjects(STACK, ROOT)).kubernetes;
    });

    after(function () {
        if (started) cluster("stop");
        if (workDir) rmSync(workDir, { recursive: true, force: true });
    });

    /** The uid of every object of KINDS: what exists, independent of status updates by controllers. */
    function identities(): string[] {
        return kubectl
            .items([KINDS, "-A"])
            .map((o) => String(o.metadata.uid))
            .sort();
    }

    /** Applies hand-made objects as a runbook would have (kubectl, its own field manager) and records the expectation. */
    /** A core (v1) object only today's deployment has: what it holds beside its kind and name is `body`. */
    function leftover(
        kind: string,
        namespace: string,
        name: string,
        body: Record<string, unknown>,
    ): KubeObject {
        return { apiVersion: "v1", kind, metadata: { name, namespace }, ...body };
    }

    function today(objects: KubeObject[], verdict?: string): void {
        for (const o of objects) {
            if (verdict) expected.set(objectId(o), verdict);
            else leftovers.push(objectId(o));
        }
        kubectl.ok(
            ["apply", "--server-side", `--field-manager=${TODAY_MANAGER}`, "-f", "-"],
            JSON.stringify({ apiVersion: "v1", kind: "List", items: objects }),
        );
    }

    /**
     * The ReplicaSets and pods kube-controller-manager made for a hand-made Deployment (kwok does not run them, but
     * they exist as on a real cluster), once there are `replicas` pods; their ids, sorted.
     */
    async function controllerMade(namespace: string, selector: string, replicas: number): Promise<string[]> {
        const deadline = Date.now() + 60_000;
        for (;;) {
            const sets = kubectl.items(["replicasets.apps", "-n", namespace, "-l", selector]);
            const pods = kubectl.items(["pods", "-n", namespace, "-l", selector]);
            if (sets.length > 0 && pods.length >= replicas) {
                return [...sets, ...pods]
                    .map((o) =>
                        objectId({ ...o, apiVersion: o.kind === "Pod" ? "v1" : "apps/v1" } as KubeObject),
                    )
                    .sort();
            }
            if (Date.now() > deadline)
                throw new Error(
                    `no ReplicaSet and ${replicas} pod(s) for ${selector} in ${namespace} after 60 s`,
                );
            await new Promise((r) => setTimeout(r, 500));
        }
    }

    it("classifies every object of the hand-made state exactly, lists the leftovers, and exits 2", async function () {
        // Thoth: namespaces as the program makes them, but made by hand (another field manager on a cluster-wide
        // object: blocking); review-manager on an older image; Dgraph's headless Service made with a cluster IP
        // (immutable); a ConfigMap of the old deployment.
        today(
            [find(desired, "v1/Namespace//thoth-local-bots"), find(desired, "v1/Namespace//thoth-test-core")],
            "managed-elsewhere",
        );
        const reviewManager = find(desired, "apps/v1/Deployment/thoth-local-bots/review-manager");
        const rmContainers = (
            reviewManager.spec as { template: { spec: { containers: { image: string }[] } } }
        ).template.spec.containers;
        const programImage = rmContainers[0].image;
        rmContainers[0].image = "quay.io/aicoe/review-manager:v0.0.9";
        today([reviewManager], "update");
        const dgraph = find(desired, "v1/Service/thoth-test-core/dgraph");
        delete (dgraph.spec as Record<string, unknown>).clusterIP;
        today([dgraph], "blocking");
        today([leftover("ConfigMap", "thoth-local-bots", "thoth-legacy-settings", { data: { a: "1" } })]);

        // Packit: Redis made with another selector (immutable); its data in a claim of another name.
        today([find(desired, "v1/Namespace//packit-dev")], "managed-elsewhere");
        const redis = find(desired, "apps/v1/Deployment/packit-dev/redis");
        const spec = redis.spec as {
            selector: { matchLabels: Record<string, string> };
            template: { metadata: { labels: Record<string, string> } };
        };
        // Today's template (packit/deployment): selector and pod labels `name: redis` only, so the program's selector
        // selects none of its ReplicaSets and pods (one that did would take them over).
        spec.selector = { matchLabels: { name: "redis" } };
        spec.template.metadata.labels = { name: "redis" };
        // No ServiceAccount exists yet: without this the API server would refuse its pods.
        delete (spec.template as { spec?: Record<string, unknown> }).spec?.serviceAccountName;
        today([redis], "blocking");
        today([
            leftover("PersistentVolumeClaim", "packit-dev", "redis-data", {
                spec: {
                    accessModes: ["ReadWriteOnce"],
                    storageClassName: "standard",
                    resources: { requests: { storage: "1Gi" } },
                },
            }),
        ]);

        // Stream: its namespace, and a token Secret nobody manages any more.
        today([find(desired, "v1/Namespace//stream-dev")], "managed-elsewhere");
        today([leftover("Secret", "stream-dev", "stream-legacy-token", { stringData: { token: "old" } })]);

        // Prow: hook's Service selecting old pods (a mutable change); a retired Deployment left over.
        today([find(desired, "v1/Namespace//kubernetes-prow")], "managed-elsewhere");
        const hook = find(desired, "v1/Service/kubernetes-prow/hook");
        const programSelector = (hook.spec as { selector: Record<string, string> }).selector;
        (hook.spec as { selector: Record<string, string> }).selector = { app: "hook-v1" };
        today([hook], "update");
        // hook's Deployment as kustomize made it: selector and pod labels `app: hook` only. The program declares that
        // selector (components/prow/catalog.ts liveSelectorOf), so it is adopted in place: its pod labels change.
        const hookDeployment = find(desired, "apps/v1/Deployment/kubernetes-prow/hook");
        const hookSpec = hookDeployment.spec as {
            selector: { matchLabels: Record<string, string> };
            template: { metadata: Record<string, unknown>; spec: Record<string, unknown> };
        };
        assert.deepEqual(hookSpec.selector, { matchLabels: { app: "hook" } });
        hookDeployment.metadata.labels = { app: "hook" };
        hookSpec.template.metadata = { labels: { app: "hook" } };
        delete hookSpec.template.spec.serviceAccountName;
        today([hookDeployment], "update");
        today([
            {
                apiVersion: "apps/v1",
                kind: "Deployment",
                metadata: { name: "branchprotector", namespace: "kubernetes-prow" },
                spec: {
                    selector: { matchLabels: { app: "branchprotector" } },
                    template: {
                        metadata: { labels: { app: "branchprotector" } },
                        spec: {
                            containers: [
                                {
                                    name: "branchprotector",
                                    image: "gcr.io/k8s-prow/branchprotector:v20201020-a5b49bc903",
                                },
                            ],
                        },
                    },
                },
            },
        ]);

        // DIALS: its namespace (cluster-wide and another manager's, like every namespace above), the frontend
        // Service as the program makes it, the Redis broker claim made larger.
        today([find(desired, "v1/Namespace//cms-dials-local")], "managed-elsewhere");
        today([find(desired, "v1/Service/cms-dials-local/frontend")], "unchanged");
        const broker = find(desired, "v1/PersistentVolumeClaim/cms-dials-local/redis-etl-broker");
        (broker.spec as { resources: { requests: { storage: string } } }).resources.requests.storage = "2Gi";
        today([broker], "blocking");

        // The claim of another name must hold data (Bound) before the report runs.
        kubectl.run([
            "wait",
            "--for=jsonpath={.status.phase}=Bound",
            "-n",
            "packit-dev",
            "pvc/redis-data",
            "--timeout=60s",
        ]);
        const phase = kubectl.ok([
            "get",
            "pvc",
            "-n",
            "packit-dev",
            "redis-data",
            "-o",
            "jsonpath={.status.phase}",
        ]);
        if (phase !== "Bound") throw new Error(`claim packit-dev/redis-data is ${phase}, not Bound`);
        // Every claim the program would make in packit-dev is absent while redis-data holds data: all at risk.
        const packitClaims = programClaims(
            desired.filter((d) => d.object.metadata.namespace === "packit-dev").map((d) => d.object),
        );
        for (const c of packitClaims)
            expected.set(`v1/PersistentVolumeClaim/packit-dev/${c.name}`, "data-at-risk");
        assert.ok(expected.has("v1/PersistentVolumeClaim/packit-dev/redis-pvc"));

        const redisRunning = await controllerMade("packit-dev", "name=redis", 1);
        await controllerMade("kubernetes-prow", "app=hook", 1);

        const before = identities();
        const json = path.join(workDir, "report.json");
        const res = await adopt(kubectl.kubeconfig, json);
        assert.equal(res.code, 2, res.out);
        const report = JSON.parse(readFileSync(json, "utf8")) as Report;

        const actual = new Map(
            report.findings.filter((f) => f.verdict !== "create").map((f) => [f.id, f.verdict]),
        );
        assert.deepEqual(Object.fromEntries([...actual].sort()), Object.fromEntries([...expected].sort()));
        assert.equal(
            report.findings.filter((f) => f.verdict === "create").length,
            desired.length -
                [...expected.keys()].filter((id) => desired.some((d) => objectId(d.object) === id)).length,
        );
        assert.deepEqual(report.leftBehind.map((l) => l.id).sort(), [...leftovers].sort());

        const byId = (id: string) => report.findings.find((f) => f.id === id)!;
        assert.deepEqual(
            byId("apps/v1/Deployment/thoth-local-bots/review-manager").changes.filter((c) =>
                c.path.endsWith(".image"),
            ),
            [
                {
                    path: "spec.template.spec.containers[review-manager].image",
                    old: "quay.io/aicoe/review-manager:v0.0.9",
                    new: programImage,
                },
            ],
        );
        // Whether the API server drops the old selector key depends on the map's merge type: assert the new ones.
        const hookFinding = byId("v1/Service/kubernetes-prow/hook");
        assert.deepEqual(
            Object.fromEntries(
                hookFinding.changes
                    .filter((c) => c.path.startsWith("spec.selector.") && c.new !== undefined)
                    .map((c) => [c.path.slice("spec.selector.".length), c.new]),
            ),
            programSelector,
        );
        assert.match(
            byId("v1/Service/thoth-test-core/dgraph").reasons.join("\n"),
            /spec\.clusterIP is immutable/,
        );
        assert.match(
            byId("apps/v1/Deployment/packit-dev/redis").reasons.join("\n"),
            /spec\.selector is immutable[\s\S]*API server refuses the apply: .*immutable/,
        );
        // The selector change leaves today's ReplicaSet and pod running unless replaced in order: each listed, BLOCKING.
        assert.deepEqual(
            [...(byId("apps/v1/Deployment/packit-dev/redis").leftRunning ?? [])].sort(),
            redisRunning,
        );
        assert.match(
            byId("apps/v1/Deployment/packit-dev/redis").reasons.join("\n"),
            /1\) kubectl -n packit-dev delete deployment redis --cascade=foreground --wait=true .*-l 'name=redis' finds nothing; 3\) pulumi up at once/,
        );
        assert.equal(report.counts.leftRunning, redisRunning.length);
        for (const id of redisRunning)
            assert.ok(res.out.includes(`[BLOCKING: left running beside the program's pods] ${id}`), id);
        // The declared live selector: hook adopted in place, nothing left running.
        assert.equal(byId("apps/v1/Deployment/kubernetes-prow/hook").leftRunning, undefined);
        assert.ok(
            !byId("apps/v1/Deployment/kubernetes-prow/hook").changes.some((c) =>
                c.path.startsWith("spec.selector"),
            ),
        );
        assert.match(
            byId("v1/PersistentVolumeClaim/cms-dials-local/redis-etl-broker").reasons.join("\n"),
            /storage is immutable/,
        );
        assert.match(
            byId("v1/PersistentVolumeClaim/packit-dev/redis-pvc").reasons[0],
            /created EMPTY.*redis-data \(Bound/,
        );
        // Another field manager: named on the cluster-wide Namespace (blocking) and on namespaced objects (a warning);
        // the cluster's own managers (kube-controller-manager's revision annotation, status writers) are not named.
        assert.match(
            byId("v1/Namespace//packit-dev").reasons.join("\n"),
            new RegExp(`managed today by ${TODAY_MANAGER} .*kubectl patch namespace packit-dev`),
        );
        for (const id of [
            "v1/Service/cms-dials-local/frontend",
            "apps/v1/Deployment/thoth-local-bots/review-manager",
        ])
            assert.deepEqual(byId(id).otherManagers, [TODAY_MANAGER], id);
        assert.match(res.out, new RegExp(`\\[WARNING: also managed today by ${TODAY_MANAGER} `));

        // Read-only: no object appeared or went away, and the dry run's field manager owns nothing.
        assert.deepEqual(identities(), before, "the report created or deleted objects");
        const owned = kubectl
            .items([KINDS, "-A"])
            .filter((o) => JSON.stringify(o.metadata.managedFields ?? []).includes(FIELD_MANAGER));
        assert.deepEqual(
            owned.map((o) => objectId(o as KubeObject)),
            [],
            "the dry run persisted",
        );

        const counts = Object.entries(report.counts)
            .map(([k, v]) => `${k} ${v}`)
            .join(", ");
        process.stdout.write(
            `      [adopt] ${report.findings.length} objects: ${counts}; report wall time ${res.seconds.toFixed(1)} s\n`,
        );
    });
});
