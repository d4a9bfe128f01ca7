import * as assert from "assert";
import { execFile } from "child_process";
import { readFileSync } from "fs";
import * as path from "path";
import { promisify } from "util";
import { Report } from "../tools/adopt/report";
import { selects } from "../tools/adopt/selectors";
import { PACKIT_LIVE } from "../test/fixtures/live/packit";
import { packitWhereItRuns } from "../test/fixtures/live/fixes";
import { systemObjects } from "../test/fixtures/live/program";
import { liveStorageClasses, podReady } from "./firstDeploy";
import {
    adoptReport,
    applyToday,
    deletePodsInOrder,
    firstDeployCopy,
    ownCluster,
    printedPatches,
    printedStatefulSetTakeovers,
} from "./firstDeployCluster";
import { BIN } from "./localStack";
import { K8sObject } from "./render";

// The fix the report prints for Packit's worker StatefulSets (claim templates of packit/deployment's 2024 layout,
// immutable), carried out on a real API server and controller manager: the printed orphan delete, then the program's
// StatefulSets applied as the engine applies them (server-side). Each must take its running pods over and replace
// them one at a time, never without a Ready pod, its pods mounting the repository caches that hold data today.

const CLUSTER_NAME = "runbooks-e2e-orphan";
const exec = promisify(execFile);
const WORKERS = ["packit-worker-short-running", "packit-worker-long-running"];

describe("first deploy: the printed orphan delete of a StatefulSet (kwok, the adoption report)", function () {
    const ns = PACKIT_LIVE.namespace;
    const own = ownCluster(CLUSTER_NAME, "orphan", liveStorageClasses([PACKIT_LIVE]));
    const log = (line: string) => process.stdout.write(`      [orphan] ${line}\n`);

    /** The workers' StatefulSets, pods and claims, in one listing (async: the controller keeps working meanwhile). */
    async function listing(): Promise<K8sObject[]> {
        const { stdout } = await exec(
            path.join(BIN, "kubectl"),
            [
                "--kubeconfig",
                own.kubectl.kubeconfig,
                "get",
                "statefulsets.apps,pods,pvc",
                "-n",
                ns,
                "-o",
                "json",
            ],
            { maxBuffer: 64 * 1024 * 1024 },
        );
        const items = (JSON.parse(stdout) as { items: K8sObject[] }).items;
        if (recording) recorded.push(items);
        return items;
    }

    /** Every listing taken while the operator works: the samples the Ready-pod check reads. */
    const recorded: K8sObject[][] = [];
    let recording = false;

    const liveSelector = (name: string) => PACKIT_LIVE.workloads.find((w) => w.name === name)!.selector;
    const readyPods = (items: K8sObject[], name: string) =>
        items.filter(
            (o) =>
                o.kind === "Pod" &&
                podReady(o) &&
                selects(
                    { matchLabels: liveSelector(name) },
                    (o.metadata.labels ?? {}) as Record<string, string>,
                ),
        );
    const statefulSet = (items: K8sObject[], name: string) =>
        items.find((o) => o.kind === "StatefulSet" && o.metadata.name === name);
    const claimUid = (items: K8sObject[], name: string) =>
        items.find((o) => o.kind === "PersistentVolumeClaim" && o.metadata.name === name)?.metadata.uid;

    /** Waits until `done` holds of a listing, sampling every 300 ms; returns every listing seen. */
    async function watchUntil(
        done: (items: K8sObject[]) => boolean,
        seconds: number,
    ): Promise<K8sObject[][]> {
        const seen: K8sObject[][] = [];
        const deadline = Date.now() + seconds * 1000;
        for (;;) {
            const items = await listing();
            seen.push(items);
            if (done(items)) return seen;
            if (Date.now() > deadline) {
                const state = items
                    .filter((o) => o.kind !== "PersistentVolumeClaim")
                    .map(
                        (o) =>
                            `${o.kind} ${o.metadata.name}: ${JSON.stringify(o.status ?? {}).slice(0, 400)}`,
                    );
                assert.fail(`not settled after ${seconds} s:\n${state.join("\n")}`);
            }
            await new Promise((r) => setTimeout(r, 300));
        }
    }

    it("the printed orphan deletes, then the program's StatefulSets: each keeps a Ready pod throughout, takes its pods over and mounts the claims that hold data", async function () {
        const { kubectl, workDir } = own;
        applyToday(kubectl, PACKIT_LIVE);
        const settled = (items: K8sObject[]) =>
            WORKERS.every((w) => {
                const s = statefulSet(items, w)?.status as
                    | {
                          readyReplicas?: number;
                          updatedReplicas?: number;
                          currentRevision?: string;
                          updateRevision?: string;
                      }
                    | undefined;
                return (
                    s?.readyReplicas === 2 &&
                    s.updatedReplicas === 2 &&
                    s.currentRevision === s.updateRevision &&
                    readyPods(items, w).length === 2
                );
            });
        const today = (await watchUntil(settled, 120)).at(-1)!;
        const caches = [0, 1].map((i) => `packit-worker-repository-cache-packit-worker-long-running-${i}`);
        const cacheUids = caches.map((c) => claimUid(today, c));
        assert.ok(
            cacheUids.every((u) => u !== undefined),
            "today's repository caches exist",
        );
        const before: Record<string, string> = Object.fromEntries(
            WORKERS.map((w) => [w, String(statefulSet(today, w)!.metadata.uid)]),
        );

        // The report on the operator's copy with the fixes: only the workers' StatefulSets (and the database takeover,
        // which needs pods/exec kwok cannot serve) block; each blocking StatefulSet prints its orphan delete.
        const prepared = firstDeployCopy(kubectl, [PACKIT_LIVE], workDir);
        const copy = (own.copy = prepared.copy);
        const json = path.join(workDir, "report.json");
        await adoptReport(copy.dir, kubectl.kubeconfig, prepared.clusters, json);
        // The live strategies the report prints patches for (no pod rolls), as the first-deploy e2e applies them.
        for (const f of printedPatches(JSON.parse(readFileSync(json, "utf8")) as Report)) kubectl.ok(f.args);
        const res = await adoptReport(copy.dir, kubectl.kubeconfig, prepared.clusters, json);
        const report = JSON.parse(readFileSync(json, "utf8")) as Report;
        assert.equal(res.code, 2, res.out);
        const blocking = report.findings.filter(
            (f) => f.verdict === "blocking" || f.verdict === "data-at-risk",
        );
        assert.deepEqual(
            blocking.map((f) => f.id).sort(),
            WORKERS.map((w) => `apps/v1/StatefulSet/${ns}/${w}`).sort(),
            res.out,
        );
        const takeovers = WORKERS.map((w) =>
            printedStatefulSetTakeovers(report).find((t) => t.id === `apps/v1/StatefulSet/${ns}/${w}`)!,
        );
        // Per worker, its orphan delete and the pod deletes in the printed order (ordinal 0 up).
        assert.deepEqual(
            takeovers.map((t) => [t?.orphan.at(4), ...(t?.podDeletes ?? []).map((args) => args.at(-1))]),
            WORKERS.map((w) => [w, `${w}-0`, `${w}-1`]),
            res.out,
        );

        // Right before the deploy: the printed orphan deletes, then what the engine's first up sends for the workers
        // (server-side apply), then, once each StatefulSet exists, its printed pod deletes, each after the one before
        // is back from the new template and Ready.
        const program = (await systemObjects("prod", "packit", packitWhereItRuns))
            .map((d) => d.object)
            .filter((o) => o.kind === "StatefulSet");
        assert.deepEqual(program.map((o) => o.metadata.name).sort(), [...WORKERS].sort());
        recording = true;
        const t0 = Date.now();
        let operating = true;
        const operator = (async () => {
            try {
                for (const t of takeovers) await kubectl.okAsync(t.orphan);
                await kubectl.okAsync(
                    ["apply", "--server-side", "--field-manager=pulumi-kubernetes", "-f", "-"],
                    JSON.stringify({ apiVersion: "v1", kind: "List", items: program }),
                );
                // Control: left alone for 10 s, the controller gives no running pod the new template (it cannot
                // add a claim to a running pod): the printed pod deletes are what moves them.
                await new Promise((r) => setTimeout(r, 10_000));
                const stuck = await listing();
                for (const w of WORKERS) {
                    const revision = (
                        statefulSet(stuck, w)?.status as { updateRevision?: string } | undefined
                    )?.updateRevision;
                    assert.ok(revision, `${w}: the program's StatefulSet has no update revision`);
                    assert.deepEqual(
                        readyPods(stuck, w).filter(
                            (p) =>
                                (p.metadata.labels as Record<string, string>)["controller-revision-hash"] ===
                                revision,
                        ),
                        [],
                        `${w}: a pod took the new template without its delete`,
                    );
                }
                for (const [i, t] of takeovers.entries())
                    await deletePodsInOrder(kubectl, t, before[WORKERS[i]], listing);
            } finally {
                operating = false;
            }
        })();
        await watchUntil(() => !operating, 600);
        await operator;
        await watchUntil(settled, 60);
        recording = false;
        const seen = recorded;
        log(
            `${seen.length} samples in ${((Date.now() - t0) / 1000).toFixed(1)} s, from the orphan deletes until ` +
                "both StatefulSets ran the program's template",
        );

        for (const w of WORKERS) {
            const empty = seen.filter((items) => readyPods(items, w).length === 0);
            assert.equal(
                empty.length,
                0,
                `${w} had no Ready pod in ${empty.length} of ${seen.length} samples`,
            );
        }
        const after = seen.at(-1)!;
        for (const w of WORKERS) {
            const uid = statefulSet(after, w)!.metadata.uid;
            const pods = readyPods(after, w);
            const owners = pods.map(
                (p) => (p.metadata.ownerReferences as { uid: string }[] | undefined)?.[0]?.uid,
            );
            assert.deepEqual(owners, [uid, uid], `${w}: every pod is the new StatefulSet's`);
        }
        // The caches that hold data are the same claims, mounted by the new long-running pods.
        assert.deepEqual(
            caches.map((c) => claimUid(after, c)),
            cacheUids,
        );
        const longPods = readyPods(after, "packit-worker-long-running");
        const mounted = longPods.flatMap((p) =>
            (
                (p.spec as { volumes?: { persistentVolumeClaim?: { claimName: string } }[] }).volumes ?? []
            ).flatMap((v) => (v.persistentVolumeClaim ? [v.persistentVolumeClaim.claimName] : [])),
        );
        for (const c of caches) assert.ok(mounted.includes(c), `${c} not mounted: ${mounted.join(", ")}`);
    });
});
