import * as assert from "assert";
import { execFile } from "child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { promisify } from "util";
import { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import { KubeObject, at, objectId } from "../tools/adopt/model";
import { Report } from "../tools/adopt/report";
import { PLUGINS, externalPlugins, pluginService, servicesLeftRunning } from "../tools/adopt/keptPlugins";
import { blocksUp, imageChanges } from "../tools/adopt/imageChanges";
import { readStackFile } from "../tools/plan/stackfile";
import { DIALS_LIVE } from "../test/fixtures/live/dials";
import { DIALS_TODAY } from "../test/fixtures/live/dialsToday";
import { PACKIT_LIVE } from "../test/fixtures/live/packit";
import { encodeHeader } from "../test/fixtures/dumps";
import { DATA_SUBDIR } from "../tools/adopt/databases";
import { PodFiles, podFilesystem } from "./podFiles";
import { PROW_LIVE } from "../test/fixtures/live/prow";
import { PACKIT_TODAY } from "../test/fixtures/live/packitToday";
import { PROW_TODAY } from "../test/fixtures/live/prowToday";
import { THOTH_LIVE } from "../test/fixtures/live/thoth";
import { classification, deniedFlows, externalDeleted, liveIds } from "../test/fixtures/live/checks";
import { LiveSystem, liveObjects } from "../test/fixtures/live/types";
import { detectToolchain, engineStack } from "./engine";
import {
    PlannedStep,
    Sample,
    Watched,
    liveStorageClasses,
    lostPods,
    plannedLosses,
    printedKubectl,
    recreated,
    sample,
    selectorsChanged,
    stackStorageClasses,
    watchedOf,
} from "./firstDeploy";
import { Kubectl } from "./kube";
import { BIN, E2E_CACHE, ROOT, StackCopy, kwokCluster, kwokKubeconfig } from "./localStack";
import { K8sObject } from "./render";
import {
    FIRST_DEPLOY_STACK as STACK,
    adoptReport,
    applyToday,
    carryDeploymentConfigScales,
    clusterSetup,
    deletePodsInOrder,
    firstDeployCopy,
    printedConfigSets,
    printedReleaseRecords,
    upGateRefusals,
    printedPatches,
    printedStatefulSetTakeovers,
} from "./firstDeployCluster";

// The documented first deploy (docs/operate/first-deploy.md) over production as the teams' own deployment
// repositories describe it (test/fixtures/live), on the real engine: today's objects applied by the teams' tool, the
// adoption report on that cluster, the report's fixes (test/fixtures/live/fixes.ts, the ones the offline tests use),
// then ONE `pulumi up` with adoption on, watched from the API server while it runs.

/**
 * Every Kubernetes system of the prod stack, with DIALS, Prow and Packit in each layout production has had:
 * cms-DQM/dials@9fd1394, kubevirt/project-infra@145ec5a and packit/deployment@1f79bca (test/fixtures/live/dials.ts,
 * prow.ts, packit.ts), and today's @42c2c5f, @2c863fd and @1c48cd8 (dialsToday.ts, v1.12.0's renamed Secret keys and
 * nginx ImageStream; prowToday.ts, production-only workloads beside Prow; packitToday.ts, valkey and no tokman).
 * Each layout is its own cluster and its own documented first deploy.
 */
const LAYOUTS: readonly {
    title: string;
    cluster: string;
    proved: readonly LiveSystem[];
    /**
     * The systems whose committed pins are older than the release this layout runs: the report must block on exactly
     * their images (a takeover never rolls production back, issue 82) and the first deploy stops there.
     */
    rollsBack: readonly string[];
}[] = [
    {
        title: "first deploy over production as it runs (kwok, real engine)",
        cluster: "runbooks-e2e-first",
        proved: [DIALS_LIVE, PROW_LIVE, PACKIT_LIVE, THOTH_LIVE],
        rollsBack: [],
    },
    {
        title: "first deploy over production with today's DIALS, Prow and Packit (cms-DQM/dials@42c2c5f, kubevirt/project-infra@2c863fd, packit/deployment@1c48cd8; kwok, real engine)",
        cluster: "runbooks-e2e-today",
        proved: [DIALS_TODAY, PROW_TODAY, PACKIT_TODAY, THOTH_LIVE],
        // Today's Prow runs v20260819-7593870dc, which the stacks pin (issue 82): nothing rolls back.
        rollsBack: [],
    },
];

/**
 * The files the report's database takeover reads in today's PostgreSQL pods (`<mount>/userdata/PG_VERSION`), which
 * kwok has none of (e2e/podFiles.ts): the major version the live server's image names (sclorg postgresql-<major>).
 */
function dataVersionFiles(systems: readonly LiveSystem[]): PodFiles {
    const files: Record<string, Record<string, string>> = {};
    for (const live of systems)
        for (const w of live.workloads) {
            const major = /postgresql-(\d+)/.exec(w.containers[0]?.image ?? "")?.[1];
            for (const mount of Object.values(w.mountPaths ?? {}))
                if (major)
                    (files[live.namespace] ??= {})[`${mount}/${DATA_SUBDIR}/PG_VERSION`] = `${major}\n`;
        }
    return files;
}

const exec = promisify(execFile);

/** The longest a Recreate workload may be without a Ready pod while kwok swaps its one pod (seconds). */
const MAX_SWAP_SECONDS = 30;

for (const { title, cluster: CLUSTER_NAME, proved: PROVED, rollsBack: ROLLS_BACK } of LAYOUTS)
    describe(title, function () {
        const tools = detectToolchain(["kubernetes", "random"]);
        const missing = ["kubectl", "kube-apiserver", "kube-controller-manager", "etcd", "kwokctl"].filter(
            (b) => !existsSync(path.join(BIN, b)),
        );
        let kubectl: Kubectl;
        let copy: StackCopy | undefined;
        let stack: Stack;
        let workDir: string;
        let started = false;
        let report: Report;
        /** The StatefulSets handed over by the report's printed orphan delete, with their printed pod deletes. */
        let takeovers: ReturnType<typeof printedStatefulSetTakeovers> = [];
        /** The live workloads of another kind the report hands over (its printed commands around the up), by id. */
        let handovers: { id: string; beforeUp: string[]; afterUp: string[] }[] = [];
        /** The report exited 0 after its fixes: the documented first deploy may go on. */
        let go = false;
        /** Why the documented first deploy stops at the report in this layout, as it must (`rollsBack`). */
        let stopped: string | undefined;
        const watched: Watched[] = [];
        const samples: Sample[] = [];
        const steps: PlannedStep[] = [];
        const uids = new Map<string, string>();
        const log = (line: string) => process.stdout.write(`      [first] ${line}\n`);
        const timings: string[] = [];
        async function timed<T>(phase: string, fn: () => T | Promise<T>): Promise<T> {
            const t = Date.now();
            try {
                return await fn();
            } finally {
                const s = ((Date.now() - t) / 1000).toFixed(1);
                timings.push(`${phase} ${s} s`);
                log(`${phase}: ${s} s`);
            }
        }

        before(async function () {
            const lacking = [...missing.map((b) => `${b} in ${BIN}`), ...tools.missing];
            if (lacking.length > 0) {
                log(`SKIPPED: toolchain incomplete, missing: ${lacking.join("; ")} (npm run e2e:tools)`);
                this.skip();
            }
            workDir = mkdtempSync(path.join(tmpdir(), "runbooks-first-"));
            const classes = [
                "standard",
                ...new Set([
                    ...liveStorageClasses(PROVED),
                    ...stackStorageClasses(readStackFile(STACK, ROOT).values),
                ]),
            ];
            await timed("cluster", () => {
                kwokCluster(CLUSTER_NAME, "stop");
                started = true;
                kwokCluster(
                    CLUSTER_NAME,
                    "start",
                    classes,
                    podFilesystem(path.join(workDir, "kwok"), dataVersionFiles(PROVED)),
                );
            });
            kubectl = new Kubectl(kwokKubeconfig(CLUSTER_NAME));
            // What the clusters' administrators provide before any first deploy (Thoth's Argo CRDs and ClusterRoles).
            const setup = clusterSetup(PROVED.map((l) => l.system));
            if (setup.length > 0)
                kubectl.ok(
                    ["apply", "-f", "-"],
                    JSON.stringify({ apiVersion: "v1", kind: "List", items: setup }),
                );
            // Production's IKS cluster has the cache node Prow's caches are placed on (components/prow/environments.ts
            // IBM_CACHE_NODE); the one kwok node stands for it too (its taint is left out: every other pod runs there).
            kubectl.ok(["label", "node", "kwok-node-0", "ci.kubevirt.io/cachenode=true"]);
        });

        after(function () {
            if (process.env.E2E_KEEP !== "1") {
                if (started) kwokCluster(CLUSTER_NAME, "stop");
                copy?.dispose();
                if (workDir) rmSync(workDir, { recursive: true, force: true });
            }
            if (timings.length > 0) log(`timings: ${timings.join(", ")}`);
        });

        /** Lists the watched kinds and pods once (async, so the engine's output keeps flowing while it runs). */
        async function listing(): Promise<K8sObject[]> {
            const { stdout } = await exec(
                path.join(BIN, "kubectl"),
                [
                    "--kubeconfig",
                    kubectl.kubeconfig,
                    "get",
                    "deployments.apps,statefulsets.apps,deploymentconfigs.apps.openshift.io,replicationcontrollers,pods",
                    "-A",
                    "-o",
                    "json",
                ],
                {
                    maxBuffer: 256 * 1024 * 1024,
                    env: { ...process.env, KUBECACHEDIR: path.join(E2E_CACHE, "kube-cache") },
                },
            );
            return (JSON.parse(stdout) as { items: K8sObject[] }).items;
        }

        /** Until every watched workload with replicas has a Ready pod its live selector selects (kwok makes them Ready). */
        async function allReady(timeoutMs: number): Promise<Sample> {
            const deadline = Date.now() + timeoutMs;
            for (;;) {
                const s = sample(watched, await listing());
                // A StatefulSet handed over by the printed orphan delete is another object by design: its pods count.
                const handedOver = new Set(takeovers.map((t) => t.id));
                const down = watched.filter(
                    (w) => w.replicas > 0 && (handedOver.has(w.id) ? s.pods[w.id] : s.ready[w.id]) === 0,
                );
                if (down.length === 0) return s;
                if (Date.now() > deadline)
                    throw new Error(
                        `not Ready after ${timeoutMs / 1000} s: ${down.map((w) => `${w.id} (${s.why[w.id]})`).join(", ")}`,
                    );
                await new Promise((r) => setTimeout(r, 1000));
            }
        }

        it("today: every live object of DIALS, Prow, Packit and Thoth, applied as their teams apply them, runs with Ready pods", async function () {
            await timed("today applied", async () => {
                for (const live of PROVED) applyToday(kubectl, live);
            });
            const items = await listing();
            for (const live of PROVED)
                for (const w of live.workloads) {
                    const id = `${w.kind === "DeploymentConfig" ? "apps.openshift.io/v1" : "apps/v1"}/${w.kind}/${live.namespace}/${w.name}`;
                    const o = items.find(
                        (x) =>
                            x.kind === w.kind &&
                            x.metadata.namespace === live.namespace &&
                            x.metadata.name === w.name,
                    );
                    assert.ok(o, `${id} was not created`);
                    uids.set(id, String(o.metadata.uid));
                    watched.push(watchedOf(live, w, String(o.metadata.uid)));
                }
            await timed("today Ready", () => allReady(120_000));
            log(
                `${watched.length} live workloads running, ${watched.filter((w) => w.replicas > 0).length} with pods`,
            );
        });

        it("the report on that cluster, after the fixes the offline tests apply: every live object adopted, replaced with a reason, or named and left alone; nothing blocks but the rollbacks the layout names", async function () {
            // Prow's greenhouse claim was made without a class, so it has the cluster's default one: the report asks for
            // the live class (storage is immutable), which the operator reads from the claim.
            const greenhouse = kubectl
                .ok([
                    "get",
                    "pvc",
                    "-n",
                    "kubevirt-prow",
                    "greenhouse",
                    "-o",
                    "jsonpath={.spec.storageClassName}",
                ])
                .trim();
            const prepared = await timed("prod copy prepared", () =>
                firstDeployCopy(
                    kubectl,
                    PROVED,
                    workDir,
                    (values) =>
                        ((
                            values.prow as { storage: { greenhouse: { storageClass: string } } }
                        ).storage.greenhouse.storageClass = greenhouse),
                ),
            );
            copy = prepared.copy;
            const clusters = prepared.clusters;
            const json = path.join(workDir, "report.json");
            // The dump of each database taken over, as runbook 001's pg_dump writes it, made now (the report reads its
            // header: a custom-format archive of a server of the data's major version, under a day old).
            const dumps: Record<string, string> = {};
            for (const [namespace, files] of Object.entries(dataVersionFiles(PROVED))) {
                const major = Object.values(files)[0].trim();
                dumps[namespace] = path.join(workDir, `${namespace}-postgres.dump`);
                writeFileSync(
                    dumps[namespace],
                    encodeHeader({
                        archive: [1, 14],
                        made: new Date(),
                        database: "packit",
                        server: `${major}.10`,
                    }),
                );
            }
            /** `npm run adopt` on the cluster as it is now; the report it wrote. */
            const adopt = async (phase: string) => {
                const r = await timed(phase, () =>
                    adoptReport(copy!.dir, kubectl.kubeconfig, clusters, json, dumps),
                );
                report = JSON.parse(readFileSync(json, "utf8")) as Report;
                return r;
            };
            let res = await adopt("npm run adopt");
            // The fixes the report prints on the cluster and in the stack (docs/operate/first-deploy.md step 3): its
            // patches, the stop of each live holder of a role the program adds, its settings run as printed with the real
            // CLI, and its release records (every running release the up's gate asks for, as printed; where a live tag
            // names none, with the release the operator read: kwok pods have no image digests to read, so production is
            // taken to run the pin). Then the report again, until it prints none: a fix can bring the next one into view
            // (a patched workload's image change is read only once its other blockers are gone).
            const applyPrinted = async (phase: string): Promise<void> => {
                for (let round = 1; round <= 3; round++) {
                    const fixes = printedPatches(report);
                    const settings = [...printedConfigSets(report, STACK), ...printedReleaseRecords(report)];
                    if (fixes.length + settings.length === 0) return;
                    for (const f of fixes) kubectl.ok(f.args);
                    for (const args of settings) copy!.pulumi(args);
                    log(
                        `applied the report's ${fixes.length} printed patches and stops (${fixes.map((f) => f.what).join(", ")}) and its ${settings.length} settings (${settings.map((a) => a.find((x) => x.startsWith("prow.") || x.includes("."))).join(", ")})`,
                    );
                    res = await adopt(`${phase} (round ${round})`);
                }
            };
            await applyPrinted("npm run adopt after its fixes");
            // Right before the up (step 4): the StatefulSets the report hands over by an orphan delete (its pods keep
            // running); their printed pod deletes follow during the up. Then the report once more.
            takeovers = printedStatefulSetTakeovers(report);
            if (takeovers.length > 0) {
                for (const t of takeovers) kubectl.ok(t.orphan);
                log(
                    `ran the report's ${takeovers.length} orphan deletes: ${takeovers.map((t) => t.id).join(", ")}`,
                );
                res = await adopt("npm run adopt (after the orphan deletes)");
                await applyPrinted("npm run adopt after the orphan deletes and its fixes");
            }
            const orphaned = new Set(takeovers.map((t) => t.id));
            // The up starts PostgreSQL on a claim only with the report that found the takeover ready
            // (packit.postgres.takeoverReport, thoth.station.modules.postgresql.takeoverReport).
            copy.configure({
                paths: {
                    "packit.postgres.takeoverReport": json,
                    "thoth.station.modules.postgresql.takeoverReport": json,
                },
            });
            const problems: string[] = [];
            for (const live of PROVED) {
                const c = classification(live, report);
                problems.push(
                    // An orphaned StatefulSet is gone until the up makes the program's: not in the report by design.
                    ...c.problems.filter((p) => !orphaned.has(p.split(": ")[0])),
                    ...externalDeleted(live, report).map((id) => `${id}: deleted, used outside`),
                );
                log(
                    `${live.system}: ${c.adopted.length} adopted, ${c.replaced.length} replaced, ${c.leftAlone.length} left alone (${c.leftAlone.join(", ") || "none"})`,
                );
            }
            assert.deepEqual(problems, [], res.out);
            const rollbacks = imageChanges(report.findings, report.running, report.records).filter(blocksUp);
            if (ROLLS_BACK.length > 0) {
                // The one thing left blocking is the rollback: every image of those systems, and nothing else.
                assert.equal(res.code, 2, res.out);
                assert.deepEqual(
                    [...new Set(rollbacks.map((c) => `${c.system} older: ${c.older}`))],
                    ROLLS_BACK.map((system) => `${system} older: true`),
                    res.out,
                );
                assert.equal(report.blocking, rollbacks.length, res.out);
                stopped = `the report blocks the takeover of ${ROLLS_BACK.join(", ")}: ${rollbacks.length} containers would roll back to an older release`;
                log(stopped);
                return;
            }
            assert.deepEqual(rollbacks, [], res.out);
            assert.equal(res.code, 0, res.out);
            handovers = report.findings.flatMap((f) => (f.handover ? [{ id: f.id, ...f.handover }] : []));
            log(
                `the report hands ${handovers.length} workloads of another kind over: ${handovers.map((h) => h.id.split("/").at(-1)).join(", ")}`,
            );
            go = true;
        });

        it("ONE pulumi up with adoption on: no live workload is ever without a Ready pod, every selector kept, nothing used outside deleted", async function () {
            // The provider waits up to 10 minutes for a rollout: a stuck one fails with its own message, not mocha's.
            this.timeout(900_000);
            if (stopped) this.skip();
            assert.ok(copy && go, "the report did not say go: no up");
            const clusters = readStackFile(STACK, copy.dir).values.clusters as Record<
                string,
                { platform?: string }
            >;
            const paths: Record<string, string> = {};
            for (const [cluster, c] of Object.entries(clusters)) {
                paths[`clusters.${cluster}.adoptExisting`] = "true";
                // No ingress controller runs here, so no Ingress ever gets an address (e2e/README.md): the provider's
                // await would wait 10 minutes for it, as the local stack's skipIngressAwait says.
                if (c.platform === "kubernetes") paths[`clusters.${cluster}.skipIngressAwait`] = "true";
            }
            copy.configure({ paths });
            // The report's printed records, run as printed, are every record the up's release gate asks for.
            const refused = upGateRefusals(copy.dir, STACK);
            assert.deepEqual(
                refused.map((p) => p.key),
                [],
                `the up's release gate asks for records the report did not print:\n${refused.map((p) => `${p.key}: ${p.message}`).join("\n")}`,
            );
            // What is watched is the cluster, not the state on the way: one state write at the end (StackCopy.checkpoints).
            copy.checkpoints = "at-end";
            stack = await engineStack(copy, tools);
            let output = "";
            let done = false;
            const watcher = (async () => {
                while (!done) {
                    samples.push(sample(watched, await listing()));
                    await new Promise((r) => setTimeout(r, 500));
                }
            })();
            // Right before the up (step 4), watched: the report's printed handover commands, in their order (a single
            // writer of another kind scaled to 0, its pods gone); the scale reaches the pods as OpenShift's controller
            // carries it, here by carryDeploymentConfigScales.
            const scaled = new Set<string>();
            const handedAt = Date.now();
            let upReturned = 0;
            await timed("handover commands before the up", async () => {
                for (const h of handovers)
                    for (const command of h.beforeUp) {
                        await kubectl.okAsync(printedKubectl(command));
                        if (/ scale deploymentconfig /.test(command)) {
                            carryDeploymentConfigScales(kubectl, h.id.split("/")[3]);
                            scaled.add(handedOver(watched, [h])[0].id);
                        }
                    }
            });
            const onEvent = (e: EngineEvent) => {
                const m = e.resourcePreEvent?.metadata;
                if (m)
                    steps.push({
                        op: m.op,
                        urn: m.urn,
                        type: m.type,
                        inputs: (m.new?.inputs ?? m.old?.inputs) as Record<string, unknown> | undefined,
                    });
            };
            // The operator, while the up waits for each StatefulSet handed over by an orphan delete: its printed pod
            // deletes, one at a time (the controller cannot give a running pod the new claims).
            const operator = (async () => {
                for (const t of takeovers)
                    await deletePodsInOrder(kubectl, t, uids.get(t.id)!, listing, 600_000);
            })().then(
                () => undefined,
                (err: unknown) => String(err),
            );
            let result: string;
            try {
                result = await timed("pulumi up (adoption on)", () =>
                    stack.up({ onOutput: (s) => (output += s), onEvent }).then(
                        (r) => r.summary.result,
                        (err: unknown) => `failed: ${String(err).slice(-4000)}`,
                    ),
                );
            } finally {
                upReturned = Date.now();
                done = true;
                await watcher;
            }
            writeFileSync(path.join(workDir, "up.log"), output);
            assert.equal(result, "succeeded", output.split("\n").slice(-60).join("\n"));
            const deletes = await operator;
            assert.equal(deletes, undefined, `the printed pod deletes: ${deletes}`);
            // Kwok finishes rollouts in seconds: watch until the workloads settle, then take the last look.
            const last = await timed("settled", () => allReady(120_000));
            samples.push(last);

            // A single writer handed over by the printed scale to 0 is down from the scale until the up's pod is Ready:
            // one pod, never two, like a Recreate swap.
            const recreate = new Set([...PROVED.flatMap((live) => [...recreated(live, steps)]), ...scaled]);
            const orphaned = new Set(takeovers.map((t) => t.id));
            const watch = lostPods(watched, samples, recreate, orphaned);
            const losses = [...watch.lost, ...PROVED.flatMap((live) => plannedLosses(live, steps))];
            assert.deepEqual(losses, [], `${samples.length} samples`);
            // A Recreate workload's swap is one pod's stop and start: seconds here, never the rollout's whole time. A
            // single writer scaled to 0 before the up is down for what the report says: from the scale until the up (which
            // waits for its pod to be Ready) returns, and never after (one sample's slack).
            const upEnded = (upReturned - handedAt) / 1000;
            const long = Object.entries(watch.gaps).filter(([id, seconds]) =>
                scaled.has(id) ? seconds > upEnded + 1 : seconds > MAX_SWAP_SECONDS,
            );
            assert.deepEqual(
                long,
                [],
                `Recreate swaps longer than ${MAX_SWAP_SECONDS} s, handovers past the up's end`,
            );
            const swaps = Object.entries(watch.gaps)
                .map(([id, seconds]) => `${id.split("/").slice(-1)[0]} ≤ ${seconds.toFixed(1)} s`)
                .join(", ");
            log(
                `Recreate (one pod, never two) swapped without a Ready pod: ${swaps || "none"}; handed over by a scale to 0 ${upEnded.toFixed(1)} s before the up returned: ${[...scaled].map((id) => id.split("/").at(-1)).join(", ") || "none"}`,
            );
            const items = await listing();
            assert.deepEqual(selectorsChanged(watched, items), []);

            // Every live object is still there: adopted in place (same uid), or named and left alone by the report.
            const live = kubectl.items([
                "all,configmaps,secrets,persistentvolumeclaims,routes.route.openshift.io,imagestreams.image.openshift.io,deploymentconfigs.apps.openshift.io",
                "-A",
            ]);
            const present = new Set(live.map((o) => objectId(o as unknown as KubeObject)));
            const gone = PROVED.flatMap((l) => liveIds(l)).filter((id) => !present.has(id));
            assert.deepEqual(gone, []);
            for (const [id, uid] of uids) {
                const o = live.find((x) => objectId(x as unknown as KubeObject) === id);
                // A StatefulSet handed over by the printed orphan delete is the program's new one, by design.
                if (orphaned.has(id)) assert.notEqual(o?.metadata.uid, uid, `${id} was not handed over`);
                else assert.equal(o?.metadata.uid, uid, `${id} is another object after the up`);
            }
            const ops = steps.reduce<Record<string, number>>(
                (acc, s) => ((acc[s.op] = (acc[s.op] ?? 0) + 1), acc),
                {},
            );
            log(
                `up: ${JSON.stringify(ops)}; ${samples.length} samples of ${watched.length} live workloads, none lost (no Ready pod outside a Recreate swap, none deleted or replaced); every live selector kept`,
            );
        });

        it("every flow between live objects (test/fixtures/live flows) is admitted by the NetworkPolicies the API server holds after the up; control: without the policies that admit, they are denied", function () {
            if (stopped) this.skip();
            assert.ok(steps.length > 0, "the up step did not run");
            // What the server holds, not what the program meant: the policies and the workloads' templates as applied.
            const onServer = kubectl
                .items(["networkpolicies.networking.k8s.io,deployments.apps,statefulsets.apps", "-A"])
                .map((o) => ({ cluster: "", system: "", object: o as unknown as KubeObject }));
            const denied = PROVED.flatMap((live) => deniedFlows(live, onServer));
            assert.deepEqual(denied, []);
            const flows = PROVED.reduce((n, l) => n + l.flows.length, 0);
            const policies = onServer.filter((d) => d.object.kind === "NetworkPolicy").length;
            log(`${flows} live flows admitted by the ${policies} NetworkPolicies on the server`);
            const denyOnly = onServer.filter(
                (d) =>
                    d.object.kind !== "NetworkPolicy" ||
                    ((at(d.object, "spec", "ingress") ?? []) as unknown[]).length === 0,
            );
            assert.ok(
                PROVED.flatMap((live) => deniedFlows(live, denyOnly)).length > 0,
                "control: with only the policies that admit nothing, no flow was denied",
            );
        });

        it("every live ConfigMap the up adopts holds the program's keys as planned and keeps every other key it had (server-side apply writes only what the program owns)", function () {
            if (stopped) this.skip();
            assert.ok(steps.length > 0, "the up step did not run");
            const planned = new Map<string, Record<string, string>>();
            for (const step of steps)
                if (step.type === "kubernetes:core/v1:ConfigMap") {
                    const i = step.inputs as {
                        metadata: { name: string; namespace: string };
                        data?: Record<string, string>;
                    };
                    planned.set(`${i.metadata.namespace}/${i.metadata.name}`, i.data ?? {});
                }
            const written: string[] = [];
            const kept: string[] = [];
            const wrong: string[] = [];
            for (const live of PROVED)
                for (const o of liveObjects(live).filter((x) => x.kind === "ConfigMap")) {
                    const ns = o.metadata.namespace ?? "";
                    const id = `${ns}/${o.metadata.name}`;
                    const mine = planned.get(id);
                    if (!mine) continue;
                    const server = JSON.parse(
                        kubectl.ok(["get", "configmap", o.metadata.name, "-n", ns, "-o", "json"]),
                    ) as { data?: Record<string, string> };
                    for (const [key, value] of Object.entries(mine))
                        if (server.data?.[key] === value) written.push(`${id} ${key}`);
                        else wrong.push(`${id} ${key}: not the program's value`);
                    for (const [key, value] of Object.entries((o.data ?? {}) as Record<string, string>))
                        if (key in mine) continue;
                        else if (server.data?.[key] === value) kept.push(`${id} ${key}`);
                        else wrong.push(`${id} ${key}: its live value is gone`);
                }
            assert.deepEqual(wrong, []);
            assert.ok(written.length > 0, "no live ConfigMap was adopted");
            log(
                `adopted ConfigMaps: ${written.length} keys as planned, ${kept.length} live keys kept (${kept.join(", ") || "none"})`,
            );
        });

        it("what the takeover list leaves running keeps its plugins.yaml entries: hook still calls each external plugin left running, at its live endpoint", function () {
            if (stopped) this.skip();
            assert.ok(steps.length > 0, "the up step did not run");
            const leftServices = servicesLeftRunning(report.takeovers);
            // A plugin the program serves itself (its rehearse, at its own Service) is the program's entry, not one kept.
            const programServices = new Set(
                steps
                    .filter((st) => st.type === "kubernetes:core/v1:Service")
                    .map((st) => {
                        const m = (st.inputs as { metadata: { name: string; namespace: string } }).metadata;
                        return `${m.namespace}/${m.name}`;
                    }),
            );
            const called: string[] = [];
            const lost: string[] = [];
            for (const live of PROVED)
                for (const o of liveObjects(live).filter(
                    (x) => x.kind === "ConfigMap" && at(x, "data", PLUGINS),
                )) {
                    const ns = o.metadata.namespace ?? "";
                    const server = JSON.parse(
                        kubectl.ok(["get", "configmap", o.metadata.name, "-n", ns, "-o", "json"]),
                    ) as { data?: Record<string, string> };
                    const after = externalPlugins(server.data?.[PLUGINS]);
                    for (const [repo, entries] of Object.entries(externalPlugins(at(o, "data", PLUGINS))))
                        for (const e of entries) {
                            if (!leftServices.has(pluginService(e, ns) ?? "")) continue;
                            const same = (after[repo] ?? []).filter((a) => a.name === e.name);
                            if (same.some((a) => programServices.has(pluginService(a, ns) ?? ""))) continue;
                            const still = same.some((a) => a.endpoint === e.endpoint);
                            (still ? called : lost).push(`${repo} ${e.name} ${e.endpoint ?? ""}`);
                        }
                }
            assert.deepEqual(lost, []);
            // Today's Prow leaves coverage, phased, referee and test-subset running (test/fixtures/live/takeovers.ts).
            if (PROVED.includes(PROW_TODAY)) assert.equal(called.length, 5, called.join("\n"));
            log(
                `external plugins left running, still in plugins.yaml after the up: ${called.join(", ") || "none"}`,
            );
        });

        it("control: the plan with one live selector dropped (the program's own selector) fails, naming the workload that loses its pods", function () {
            if (stopped) this.skip();
            assert.ok(steps.length > 0, "the up step did not run");
            const DIALS = PROVED.find((s) => s.system === "dials")!;
            const dropped = structuredClone(steps);
            const flower = dropped.find(
                (s) =>
                    (
                        s.inputs as
                            { kind?: string; metadata?: { name?: string; namespace?: string } } | undefined
                    )?.kind === "Deployment" &&
                    (s.inputs as { metadata: { name: string; namespace: string } }).metadata.name ===
                        "flower" &&
                    (s.inputs as { metadata: { namespace: string } }).metadata.namespace === DIALS.namespace,
            )!;
            assert.ok(flower, "the up planned no Deployment flower");
            (flower.inputs as { spec: { selector: unknown } }).spec.selector = {
                matchLabels: { "app.kubernetes.io/name": "flower", "app.kubernetes.io/instance": "flower" },
            };
            const losses = plannedLosses(DIALS, dropped);
            assert.equal(losses.length, 1, losses.join("\n"));
            assert.match(losses[0], /^Deployment flower: its live selector \{"app":"flower"\}/);
            // And on the watch: a workload re-selected by a new object counts as having lost its pods.
            const replaced = watched.find((w) => w.id === `apps/v1/Deployment/${DIALS.namespace}/flower`)!;
            const after = sample([{ ...replaced, uid: "another-object" }], []);
            assert.deepEqual(Object.keys(after.why), [replaced.id]);
            assert.match(
                lostPods([replaced], [after], new Set([replaced.id])).lost[0],
                /^apps\/v1\/Deployment\/cms-dials-prod\/flower \(dials\) had no Ready pod/,
            );
        });

        it("step 5, the report's printed deletes of the workloads handed over: today's pods go with them, the program's stay Ready under the same selector", async function () {
            if (stopped) this.skip();
            assert.ok(steps.length > 0, "the up step did not run");
            assert.ok(handovers.length > 0, "the report handed nothing over");
            for (const h of handovers) for (const command of h.afterUp) kubectl.ok(printedKubectl(command));
            const mine = handedOver(watched, handovers);
            const settled = await timed("step 5 settled", async () => {
                const deadline = Date.now() + 120_000;
                for (;;) {
                    const items = await listing();
                    const left = items.filter(
                        (o) =>
                            (o.kind === "DeploymentConfig" ||
                                o.kind === "ReplicationController" ||
                                o.kind === "Pod") &&
                            mine.some(
                                (w) =>
                                    o.metadata.namespace === w.namespace &&
                                    (o.kind === "DeploymentConfig"
                                        ? o.metadata.name === w.name
                                        : [
                                              (o.metadata.labels as Record<string, string> | undefined)
                                                  ?.deploymentconfig,
                                              (o.metadata.labels as Record<string, string> | undefined)?.[
                                                  "openshift.io/deployment-config.name"
                                              ],
                                          ].includes(w.name)),
                            ),
                    );
                    if (left.length === 0) return items;
                    if (Date.now() > deadline)
                        throw new Error(
                            `still there: ${left.map((o) => `${o.kind} ${o.metadata.name}`).join(", ")}`,
                        );
                    await new Promise((r) => setTimeout(r, 1000));
                }
            });
            const readyPods = sample(mine, settled).pods;
            const down = mine.filter((w) => w.replicas > 0 && readyPods[w.id] === 0);
            assert.deepEqual(
                down.map((w) => w.id),
                [],
                "no Ready pod under the live selector after step 5",
            );
            log(
                `step 5: ${mine.length} DeploymentConfigs deleted with their pods; the program's pods Ready under each live selector`,
            );
        });
    });

/** The watched DeploymentConfigs the report hands over (a handover's id names the live object it stops). */
function handedOver(watched: readonly Watched[], handovers: readonly { id: string }[]): Watched[] {
    return watched.filter(
        (w) =>
            w.kind === "DeploymentConfig" &&
            handovers.some((h) => h.id.endsWith(`/${w.namespace}/${w.name}`)),
    );
}
