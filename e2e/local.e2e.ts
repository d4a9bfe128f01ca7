import { setTimeout as sleep } from "node:timers/promises";
import { isDeepStrictEqual } from "node:util";
import { PLACEHOLDER } from "../components/shared/placeholder";
import * as assert from "assert";
import { spawn, spawnSync } from "child_process";
import { createHash } from "crypto";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { renderManifests } from "../tools/plan/render";
import { readStackFile } from "../tools/plan/stackfile";
import {
    Kubectl,
    RETENTION_PENDING,
    diffedObjects,
    notReadyReason,
    podReferences,
    secretsRead,
    writeProwJob,
} from "./kube";
import { missingSecrets } from "./local-secrets";
import { Stack } from "@pulumi/pulumi/automation";
import {
    checkpointAtEnd,
    detectToolchain,
    engineCli,
    engineEnv,
    engineSkipLine,
    engineStack,
    exportState,
    processesOf,
    stackLocks,
    changedOps,
} from "./engine";
import {
    Checkpoint,
    LiveSecret,
    SecretEntry,
    changedLines,
    duplicateUrns,
    foundSecrets,
    generatedSecretValues,
    pendingOperations,
    secretNeedles,
    uidsOf,
    unsearchable,
} from "./state";
import {
    BIN,
    CALLYSTO_STACK,
    DecryptedConfig,
    LOCAL_STACKS,
    ROOT,
    STACK,
    StackCopy,
    holderOf,
    kwokCluster,
    kwokKubeconfig,
    pinnedImages,
    productionTierPaths,
    E2E_METRICS_AUDIENCE,
    stackFile,
} from "./localStack";
import { K8sObject, Rendered, objectId, renderStack, writeApplyFiles, writeRendered } from "./render";
import { KubeConfig } from "@kubernetes/client-node";
import { memoryConfigSource } from "../components/config/source";
import { SYSTEMS } from "../components/systems";
import { runbookTables } from "../tools/conformance/load";
import { KubeCluster } from "../tools/drift/kube";
import { clusterController } from "../tools/drift/managers";
import { checkDrift } from "../tools/drift/run";
import { Checkpoint as DriftCheckpoint, managedObjects } from "../tools/drift/state";
import { recordProgram } from "../tools/plan/run";
import {
    DRIFT_NAMESPACE,
    generateEdits,
    editCommands,
    HandEdit,
    handEdits,
    printedProcedure,
    reportedProblem,
    runShell,
    runDrift,
    watchWorkloads,
} from "./drift";
import {
    NORMALISATIONS,
    PlannedResource,
    PreviewJson,
    planPreviewDifferences,
    previewResources,
} from "./planPreview";
import { OFF_IN_COPIES, prepareCommittedCopy } from "./stackCopies";

// `npm run e2e`: the local stack (Pulumi.local.yaml) rendered with its real test secrets and applied to a real
// kube-apiserver 1.36 (kwok cluster on 127.0.0.1, e2e/cluster.sh); then the same stack on the real Pulumi engine,
// driven by the Automation API, wherever the CLI, the Node.js language host and the lockfile's provider plugins
// are installed (otherwise those checks skip with one line naming what is missing).

const CLUSTER_NAME = process.env.E2E_CLUSTER_NAME ?? "runbooks-e2e-local";
const READY_TIMEOUT_S = Number(process.env.E2E_READY_TIMEOUT ?? 240);
/** `--parallel` of the first engine `pulumi up` (e2e/bench-up.sh sets it); unset or 0: the engine's default. */
const ENGINE_PARALLEL = Number(process.env.E2E_ENGINE_PARALLEL ?? 0) || undefined;
/** The image change of check (d): a bot image used by exactly one workload. */
const IMAGE_KEY = "thoth.bots.review-manager.image";
const NEW_IMAGE = "quay.io/aicoe/review-manager:v0.1.1";

const timings: [string, number][] = [];
async function timed<T>(phase: string, fn: () => T | Promise<T>): Promise<T> {
    const start = Date.now();
    try {
        return await fn();
    } finally {
        const seconds = (Date.now() - start) / 1000;
        timings.push([phase, seconds]);
        process.stdout.write(`      [e2e] ${phase}: ${seconds.toFixed(1)} s\n`);
    }
}

function cluster(command: "start" | "stop"): void {
    kwokCluster(CLUSTER_NAME, command);
}

function kubeconfigPath(): string {
    return kwokKubeconfig(CLUSTER_NAME);
}

function allObjects(rendered: Rendered): K8sObject[] {
    return Object.values(rendered.clusters).flat();
}

/** An object's file name in `kubectl diff` output: `<group>.<version>.<Kind>.<namespace>.<name>`. */
function diffName(id: string): string {
    const [kind, namespace, name] = id.split("/").slice(-3);
    const apiVersion = id.split("/").slice(0, -3).join(".");
    return [apiVersion, kind, namespace, name].filter((p) => p !== "").join(".");
}

/** Leaf paths whose values differ between two JSON values. */
function changedPaths(a: unknown, b: unknown, at = ""): string[] {
    if (typeof a === "object" && a !== null && typeof b === "object" && b !== null) {
        const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
        return [...keys].flatMap((k) =>
            changedPaths(
                (a as Record<string, unknown>)[k],
                (b as Record<string, unknown>)[k],
                Array.isArray(a) ? `${at}[${k}]` : at ? `${at}.${k}` : k,
            ),
        );
    }
    return isDeepStrictEqual(a, b) ? [] : [at];
}

/** The committed stack files (bytes): the e2e works on copies, and nothing it runs may rewrite them. */
function committedStackFiles(): Map<string, string> {
    return new Map(
        readdirSync(ROOT)
            .filter((f) => /^Pulumi\..*\.ya?ml$/.test(f))
            .map((f) => [
                f,
                createHash("sha256")
                    .update(readFileSync(path.join(ROOT, f)))
                    .digest("hex"),
            ]),
    );
}
const committedBefore = committedStackFiles();

/**
 * Waits (kubectl's own waiting: `rollout status`, `wait --for=jsonpath`) until every Deployment/StatefulSet of
 * `objects` is rolled out and Ready and every claim in their namespaces Bound; then says what is still waiting, why.
 */
async function waitReady(
    kubectl: Kubectl,
    objects: K8sObject[],
): Promise<{ waiting: string[]; workloads: number }> {
    const wanted = objects.filter((o) => o.kind === "Deployment" || o.kind === "StatefulSet");
    const namespaces = new Set(objects.filter((o) => o.kind === "Namespace").map((o) => o.metadata.name));
    const deadline = Date.now() + READY_TIMEOUT_S * 1000;
    const timeout = () => `--timeout=${Math.max(1, Math.ceil((deadline - Date.now()) / 1000))}s`;
    // Failures are not checked here: the pass below names each object still waiting and its reason.
    for (const w of wanted) {
        const ref = `${w.kind.toLowerCase()}/${w.metadata.name}`;
        kubectl.run(["rollout", "status", "-n", w.metadata.namespace ?? "", ref, timeout()]);
    }
    for (const ns of namespaces) {
        if (kubectl.items(["persistentvolumeclaims", "-n", ns]).length === 0) continue;
        kubectl.run(["wait", "--for=jsonpath={.status.phase}=Bound", "pvc", "--all", "-n", ns, timeout()]);
    }
    const ids = new Set(wanted.map((o) => objectId(o)));
    const workloads = kubectl
        .items(["deployments.apps,statefulsets.apps", "-A"])
        .filter((o) => ids.has(objectId(o)));
    const claims = kubectl
        .items(["persistentvolumeclaims", "-A"])
        .filter((o) => namespaces.has(o.metadata.namespace ?? ""));
    const waiting = [
        ...[...ids]
            .filter((id) => !workloads.some((w) => objectId(w) === id))
            .map((id) => `${id}: not found`),
        ...workloads
            .map((w) => [objectId(w), notReadyReason(w)])
            .filter(([, reason]) => reason !== undefined)
            .map(([id, reason]) => `${id}: ${reason}`),
        ...claims
            .filter((c) => (c.status as { phase?: string } | undefined)?.phase !== "Bound")
            .map((c) => `${objectId(c)}: ${(c.status as { phase?: string }).phase}`),
    ];
    return { waiting, workloads: ids.size };
}

/** Waits (`kubectl wait --for=delete`) until none of these namespaces exists; returns those still there. */
/** The live objects of `kinds` (kubectl's comma list) in the namespaces `rendered` declares: the cluster's own left out. */
function liveIn(kubectl: Kubectl, rendered: readonly K8sObject[], kinds: string): K8sObject[] {
    const namespaces = new Set(rendered.filter((o) => o.kind === "Namespace").map((o) => o.metadata.name));
    return kubectl.items([kinds, "-A"]).filter((o) => namespaces.has(o.metadata.namespace ?? ""));
}

/** The generation of every live Deployment and StatefulSet, by object id: what a rollout raises. */
function workloadGenerations(kubectl: Kubectl): Map<string, number> {
    return new Map(
        kubectl
            .items(["deployments.apps,statefulsets.apps", "-A"])
            .map((o) => [objectId(o), (o.metadata as { generation?: number }).generation ?? 0]),
    );
}

/** The workloads rolled since `before` (a {@link workloadGenerations} reading): their generation changed. */
function rolledSince(kubectl: Kubectl, before: Map<string, number>): string[] {
    const now = workloadGenerations(kubectl);
    return [...now.keys()].filter((id) => now.get(id) !== before.get(id));
}

async function waitNamespacesGone(kubectl: Kubectl, names: string[], timeoutS = 180): Promise<string[]> {
    if (names.length > 0)
        kubectl.run([
            "wait",
            "--for=delete",
            ...names.map((n) => `namespace/${n}`),
            `--timeout=${timeoutS}s`,
        ]);
    const live = new Set(kubectl.items(["namespaces"]).map((n) => n.metadata.name));
    return names.filter((n) => live.has(n));
}

/** The local stack's values at the production tier, with its placeholder images pinned as production requires. */
function productionTier(values: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = { ...structuredClone(values), tier: "production" };
    for (const [path_, image] of Object.entries(pinnedImages(values))) {
        const [at, key] = holderOf(out, path_);
        at[key] = image;
    }
    const [at, key] = holderOf(out, E2E_METRICS_AUDIENCE.path);
    at[key] = { allowFrom: E2E_METRICS_AUDIENCE.allowFrom };
    return out;
}

describe("local stack on a real kube-apiserver (kwok, 127.0.0.1)", function () {
    let kubectl: Kubectl;
    let copy: StackCopy | undefined;
    let workDir: string | undefined;
    let config: DecryptedConfig;
    let rendered: Rendered;
    let files: { crds: string; namespaces: string; rest: string };
    let objects: K8sObject[];
    let started = false;
    let applied = false;
    let ready = false;

    before(async function () {
        const missing = ["kubectl", "kube-apiserver", "etcd", "kwokctl", "pulumi"].filter(
            (b) => !existsSync(path.join(BIN, b)),
        );
        if (missing.length > 0) {
            throw new Error(`missing in ${BIN}: ${missing.join(", ")}; run npm run e2e:tools first`);
        }
        workDir = mkdtempSync(path.join(tmpdir(), "runbooks-e2e-"));
        await timed("cluster start", () => {
            // A cluster of this name left by an interrupted run would carry its objects into this one.
            cluster("stop");
            started = true;
            cluster("start");
        });
        kubectl = new Kubectl(kubeconfigPath());
        await timed("kubeconfig secrets set + config decrypted (pulumi CLI)", () => {
            copy = StackCopy.create();
            // Self-contained (certificates inline), as a user would set it from their own cluster.
            const kubeconfig = kubectl.ok(["config", "view", "--raw", "--flatten", "--minify"]);
            copy.configure({
                secrets: {
                    "kubeconfig-local-openshift": kubeconfig,
                    "kubeconfig-local-kubernetes": kubeconfig,
                },
                paths: copy.clusterPins(kubectl.kubeSystemUid()),
            });
            config = copy.decrypt();
        });
        rendered = await timed("render (program under the recording mocks, real test secrets)", () =>
            renderStack(config),
        );
        objects = allObjects(rendered);
        writeRendered(rendered, path.join(workDir, "rendered"));
        files = writeApplyFiles(objects, workDir);
        process.stdout.write(
            `      [e2e] ${rendered.resources} resources, ${objects.length} Kubernetes objects ` +
                `(${Object.entries(rendered.clusters)
                    .map(([c, o]) => `${c}: ${o.length}`)
                    .join(", ")})\n`,
        );
    });

    after(async function () {
        copy?.dispose();
        if (workDir && process.env.E2E_KEEP === "1") {
            process.stdout.write(`      [e2e] kept the manifests (TEST secrets in clear) in ${workDir}\n`);
        } else if (workDir) rmSync(workDir, { recursive: true, force: true });
        if (started) await timed("cluster stop", () => cluster("stop"));
        process.stdout.write(
            `\n      [e2e] phase times: ${timings.map(([p, s]) => `${p} ${s.toFixed(1)} s`).join("; ")}\n`,
        );
    });

    it("each local stack file holds an encrypted test value for every required secret and no plaintext one", function () {
        for (const stack of LOCAL_STACKS) {
            assert.deepEqual(
                missingSecrets(stack).map((s) => s.key),
                [],
                `Pulumi.${stack}.yaml: add the missing test values with: npm run e2e:secrets`,
            );
        }
        const committed = readFileSync(stackFile(STACK), "utf8");
        const leaked = Object.entries(config.secrets)
            .filter(([, value]) => secretNeedles(value).some((n) => committed.includes(n)))
            .map(([key]) => key);
        assert.deepEqual(leaked, [], "secret values in plain text in Pulumi.local.yaml");
        // The kubeconfigs were set on the temporary copy only.
        const file = readStackFile(STACK, ROOT);
        const keys = [...file.secureKeys, ...Object.keys(file.values)];
        assert.deepEqual(
            keys.filter((k) => k.startsWith("kubeconfig-")),
            [],
            "a kubeconfig reached the committed stack file",
        );
    });

    it("pulumi stack init leaves every committed stack file byte-identical apart from an added encryptionsalt", function () {
        // The operator's first command on stage and prod: a rewrite there is a diff nobody made.
        const committed = spawnSync("git", ["ls-files", "Pulumi.*.yaml"], { cwd: ROOT, encoding: "utf8" })
            .stdout.split("\n")
            .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
            .filter((s): s is string => s !== undefined);
        assert.ok(committed.includes("prod") && committed.includes("stage") && committed.includes(STACK));
        const rewrites: string[] = copy!.initRewrites.map((l) => `Pulumi.${STACK}.yaml ${l}`);
        for (const stack of committed.filter((s) => s !== STACK)) {
            const c = StackCopy.create(stack);
            try {
                rewrites.push(...c.initRewrites.map((l) => `Pulumi.${stack}.yaml ${l}`));
            } finally {
                c.dispose();
            }
        }
        assert.deepEqual(rewrites, [], "pulumi stack init rewrote committed stack files");
    });

    it("no committed Callysto SSH key: both halves are made for each run, on the temporary copy only", function () {
        const file = readStackFile(CALLYSTO_STACK, ROOT);
        assert.ok(!file.secureKeys.includes("callysto-ssh-private-key"), "a private key is committed");
        const keypair = (file.values.callysto as { keypair?: { publicKey?: string } } | undefined)?.keypair;
        assert.equal(keypair?.publicKey, PLACEHOLDER, "a public key is committed");
        assert.ok(
            (config.values.callysto as { enabled?: boolean } | undefined)?.enabled === false,
            "the local stack needs no OpenStack plugin: Callysto is in Pulumi.local-callysto.yaml",
        );
    });

    it("every Ingress of the local stack skips the provider's await (clusters.local-kubernetes.skipIngressAwait)", function () {
        const ingresses = objects.filter((o) => o.kind === "Ingress");
        assert.ok(ingresses.length > 0, "the local stack renders Ingresses (Prow on local-kubernetes)");
        assert.deepEqual(
            ingresses
                .filter(
                    (o) =>
                        (o.metadata.annotations as Record<string, string> | undefined)?.[
                            "pulumi.com/skipAwait"
                        ] !== "true",
                )
                .map(objectId),
            [],
        );
    });

    it("renders every Kubernetes object to an explicit cluster provider, none claimed twice on the shared cluster", function () {
        assert.deepEqual(Object.keys(rendered.clusters).sort(), ["local-kubernetes", "local-openshift"]);
        const ids = objects.map(objectId);
        const twice = ids.filter((id, i) => ids.indexOf(id) !== i);
        assert.deepEqual(twice, [], "objects rendered by both cluster providers would fight on one cluster");
    });

    it("(a) server-side apply (strict field validation) of every object succeeds: CRDs, namespaces, the rest", async function () {
        await timed("first apply", () => {
            const crds = kubectl.apply([files.crds]);
            assert.equal(crds.status, 0, `CRDs rejected:\n${crds.stderr}`);
            const names = objects
                .filter((o) => o.kind === "CustomResourceDefinition")
                .map((o) => o.metadata.name);
            if (names.length > 0) {
                kubectl.ok([
                    "wait",
                    "--for=condition=established",
                    "--timeout=60s",
                    ...names.map((n) => `crd/${n}`),
                ]);
            }
            const namespaces = kubectl.apply([files.namespaces]);
            assert.equal(namespaces.status, 0, `namespaces rejected:\n${namespaces.stderr}`);
            const rest = kubectl.apply([files.rest]);
            assert.equal(rest.status, 0, `objects rejected by the API server:\n${rest.stderr}`);
            const applied_ = [crds, namespaces, rest].map((r) => r.stdout).join("");
            const count = applied_.split("\n").filter((l) => / serverside-applied$/.test(l)).length;
            assert.equal(count, objects.length, "every rendered object is applied once");
            const warnings = [crds, namespaces, rest].flatMap((r) =>
                r.stderr.split("\n").filter((l) => l.startsWith("Warning:")),
            );
            assert.deepEqual(warnings, [], "the API server warned about applied objects");
        });
        applied = true;
    });

    it("(b) every Deployment and StatefulSet becomes Ready and every PersistentVolumeClaim binds", async function () {
        if (!applied) this.skip();
        const result = await timed("readiness (every workload Ready, every claim Bound)", () =>
            waitReady(kubectl, objects),
        );
        assert.deepEqual(result.waiting, [], `not Ready/Bound after ${READY_TIMEOUT_S} s`);
        process.stdout.write(`      [e2e] ${result.workloads} workloads Ready\n`);
        ready = true;
    });

    it("every Secret, ConfigMap, claim and service account a pod uses exists, with the keys it reads", function () {
        if (!ready) this.skip();
        const live = liveIn(kubectl, objects, "secrets,configmaps,persistentvolumeclaims,serviceaccounts");
        const pods = liveIn(kubectl, objects, "pods");
        assert.ok(pods.length > 0, "no pods to check");
        const problems = new Set<string>();
        for (const pod of pods) {
            const ns = pod.metadata.namespace!;
            for (const ref of podReferences(pod)) {
                const target = live.find(
                    (o) => o.kind === ref.kind && o.metadata.namespace === ns && o.metadata.name === ref.name,
                );
                const owner = `${ns}/${pod.metadata.name.replace(/-[a-z0-9]{5,10}(-[a-z0-9]{5})?$/, "")}`;
                if (!target) problems.add(`${owner}: ${ref.kind} ${ref.name} does not exist`);
                else if (ref.key && !(ref.key in ((target.data as object | undefined) ?? {}))) {
                    problems.add(`${owner}: ${ref.kind} ${ref.name} has no key ${ref.key}`);
                }
            }
        }
        assert.deepEqual([...problems].sort(), [], "a kubelet could not start these pods");
        process.stdout.write(`      [e2e] ${pods.length} pods checked\n`);
    });

    it("every Service has Ready endpoints on its ports; every Route and Ingress names a Service port that exists", function () {
        if (!ready) this.skip();
        const live = liveIn(kubectl, objects, "services,endpointslices.discovery.k8s.io,pods");
        const services = live.filter((o) => o.kind === "Service");
        const problems: string[] = [];
        for (const svc of services) {
            const spec = svc.spec as { selector?: Record<string, string> };
            if (!spec.selector || Object.keys(spec.selector).length === 0) continue;
            const ns = svc.metadata.namespace;
            const selected = live.filter(
                (p) =>
                    p.kind === "Pod" &&
                    p.metadata.namespace === ns &&
                    Object.entries(spec.selector!).every(
                        ([k, v]) => (p.metadata.labels as Record<string, string> | undefined)?.[k] === v,
                    ),
            );
            // Endpoints list a pod only when its labels match and every named targetPort exists in it.
            const endpoints = live
                .filter(
                    (e) =>
                        e.kind === "EndpointSlice" &&
                        e.metadata.namespace === ns &&
                        (e.metadata.labels as Record<string, string>)["kubernetes.io/service-name"] ===
                            svc.metadata.name,
                )
                .flatMap((e) => (e as { endpoints?: { conditions?: { ready?: boolean } }[] }).endpoints ?? [])
                .filter((e) => e.conditions?.ready);
            if (selected.length === 0) problems.push(`${ns}/${svc.metadata.name}: selects no pod`);
            else if (endpoints.length === 0) {
                problems.push(
                    `${ns}/${svc.metadata.name}: selects ${selected.length} pod(s) but has no Ready endpoint`,
                );
            }
        }
        const servicePort = (
            ns: string,
            name: string,
            port: string | number | undefined,
        ): string | undefined => {
            const svc = services.find((s) => s.metadata.namespace === ns && s.metadata.name === name);
            if (!svc) return `Service ${name} does not exist`;
            const ports = (
                svc.spec as { ports?: { name?: string; port: number; targetPort?: number | string }[] }
            ).ports;
            const found = (ports ?? []).some(
                (p) => port === undefined || p.name === port || p.port === port || p.targetPort === port,
            );
            return found ? undefined : `Service ${name} has no port ${port}`;
        };
        for (const o of objects) {
            const ns = o.metadata.namespace ?? "";
            if (o.kind === "Route") {
                const spec = o.spec as { to: { name: string }; port?: { targetPort: string | number } };
                const p = servicePort(ns, spec.to.name, spec.port?.targetPort);
                if (p) problems.push(`Route ${ns}/${o.metadata.name}: ${p}`);
            }
            if (o.kind === "Ingress") {
                const spec = o.spec as {
                    rules?: {
                        http?: {
                            paths: {
                                backend: {
                                    service: { name: string; port: { name?: string; number?: number } };
                                };
                            }[];
                        };
                    }[];
                };
                for (const path_ of (spec.rules ?? []).flatMap((r) => r.http?.paths ?? [])) {
                    const { name, port } = path_.backend.service;
                    const p = servicePort(ns, name, port.name ?? port.number);
                    if (p) problems.push(`Ingress ${ns}/${o.metadata.name}: ${p}`);
                }
            }
        }
        assert.deepEqual(problems, []);
        const routes = objects.filter((o) => o.kind === "Route" || o.kind === "Ingress").length;
        process.stdout.write(`      [e2e] ${services.length} Services, ${routes} Routes/Ingresses checked\n`);
    });

    it("every pod meets the restricted Pod Security Standard (what OpenShift's restricted SCC also demands)", function () {
        if (!ready) this.skip();
        const violations: string[] = [];
        for (const ns of objects.filter((o) => o.kind === "Namespace").map((o) => o.metadata.name)) {
            // A server-side dry run of the enforce label lists every existing pod that would be refused.
            const res = kubectl.run([
                "label",
                "--dry-run=server",
                "--overwrite",
                `namespace/${ns}`,
                "pod-security.kubernetes.io/enforce=restricted",
            ]);
            assert.equal(res.status, 0, res.stderr);
            violations.push(
                ...res.stderr
                    .split("\n")
                    .filter((l) => l.startsWith("Warning:") && !l.includes("violate the new PodSecurity"))
                    .map((l) => `${ns}: ${l.slice("Warning: ".length)}`),
            );
        }
        assert.deepEqual(violations, []);
    });

    it("(c) a second apply changes nothing: kubectl diff --server-side exits 0", async function () {
        if (!applied) this.skip();
        const res = await timed("second apply (server-side diff)", () =>
            kubectl.diff([files.crds, files.namespaces, files.rest]),
        );
        assert.equal(
            res.status,
            0,
            `a second apply would change: ${diffedObjects(res.stdout).join(", ") || res.stderr}\n${res.stdout.slice(0, 4000)}`,
        );
    });

    it(`(d) changing one image tag (${IMAGE_KEY}) changes one object's image and rolls exactly that workload`, async function () {
        if (!ready) this.skip();
        const fileBefore = readFileSync(copy!.stackFile, "utf8").split("\n");
        copy!.setPath(IMAGE_KEY, NEW_IMAGE);
        const fileAfter = readFileSync(copy!.stackFile, "utf8").split("\n");
        // The CLI edits the stack file in place: one line, comments and layout kept.
        assert.equal(fileAfter.length, fileBefore.length);
        assert.deepEqual(
            fileAfter.filter((l, i) => l !== fileBefore[i]),
            [`        image: ${NEW_IMAGE}`],
        );
        const changed = await timed(
            "second render (image tag changed with pulumi config set --path)",
            async () => allObjects(await renderStack(copy!.decrypt())),
        );
        const before = new Map(objects.map((o) => [objectId(o), o]));
        const after = new Map(changed.map((o) => [objectId(o), o]));
        assert.deepEqual([...after.keys()].sort(), [...before.keys()].sort(), "no object added or removed");
        const differing = [...after.keys()].filter((id) => !isDeepStrictEqual(after.get(id), before.get(id)));
        const changes = differing.flatMap((id) =>
            changedPaths(before.get(id), after.get(id)).map((p) => `${id} ${p}`),
        );
        const imageChanges = changes.filter((c) => /\.image$/.test(c));
        assert.deepEqual(imageChanges, [
            "apps/v1/Deployment/thoth-local-bots/review-manager spec.template.spec.containers[0].image",
        ]);
        // Besides the image, only the workload's own version label (pod template and metadata) may change:
        // Services, Routes and Secrets carry no version, so a release touches exactly one object.
        assert.deepEqual(differing, ["apps/v1/Deployment/thoth-local-bots/review-manager"]);
        const otherChanges = changes.filter((c) => !imageChanges.includes(c));
        assert.ok(
            otherChanges.every(
                (c) =>
                    c.endsWith('["app.kubernetes.io/version"]') || c.endsWith(".app.kubernetes.io/version"),
            ),
            `unexpected changes: ${otherChanges.join(", ")}`,
        );

        const dir = mkdtempSync(path.join(tmpdir(), "runbooks-e2e-change-"));
        try {
            const next = writeApplyFiles(changed, dir);
            const diff = kubectl.diff([next.crds, next.namespaces, next.rest]);
            assert.equal(diff.status, 1, `kubectl diff should find one change:\n${diff.stderr}`);
            // The API server sees exactly the objects the two renders differ in.
            assert.deepEqual(diffedObjects(diff.stdout), differing.map(diffName).sort());

            const genBefore = workloadGenerations(kubectl);
            await timed("image change apply + rollout", async () => {
                const res = kubectl.apply([next.crds, next.namespaces, next.rest]);
                assert.equal(res.status, 0, res.stderr);
                kubectl.ok([
                    "rollout",
                    "status",
                    "-n",
                    "thoth-local-bots",
                    "deployment/review-manager",
                    `--timeout=${READY_TIMEOUT_S}s`,
                ]);
            });
            assert.deepEqual(rolledSince(kubectl, genBefore), [
                "apps/v1/Deployment/thoth-local-bots/review-manager",
            ]);
            const live = kubectl.items(["deployments.apps", "-n", "thoth-local-bots"]);
            const rm = live.find((d) => d.metadata.name === "review-manager")!;
            const spec = rm.spec as { template: { spec: { containers: { image: string }[] } } };
            assert.equal(spec.template.spec.containers[0].image, NEW_IMAGE);
            assert.equal(notReadyReason(rm), undefined);
            objects = changed;
            files = next;
            const again = kubectl.diff([files.crds, files.namespaces, files.rest]);
            assert.equal(
                again.status,
                0,
                `after the change, another apply would change: ${again.stdout.slice(0, 2000)}`,
            );
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });

    for (const stack of ["stage", "prod"]) {
        it(`pulumi config set of one plain key in a copy of Pulumi.${stack}.yaml changes exactly that key's line (flow mappings, comments, quoting kept)`, function () {
            const c = StackCopy.create(stack);
            try {
                // After `stack init`, which may add the copy's encryptionsalt: only the config set is measured.
                const before = readFileSync(c.stackFile, "utf8");
                const key = "thoth.station.modules.catalog.ref";
                const line = before.split("\n").find((l) => /^\s+ref: [0-9a-f]{40}$/.test(l));
                assert.ok(line, `Pulumi.${stack}.yaml sets ${key}`);
                // Control: the module list right below it is in the flow-mapping form a rewrite would expand.
                assert.match(before, /^\s+- \{name: [a-z-]+, path: /m);
                const value = "abcdef0123456789abcdef0123456789abcdef01";
                c.setPath(key, value);
                const changed = changedLines(before, readFileSync(c.stackFile, "utf8"));
                assert.deepEqual(changed, {
                    removed: [line],
                    added: [line.replace(/ref: .*/, `ref: ${value}`)],
                });
            } finally {
                c.dispose();
            }
        });
    }

    it("(e) no plaintext test secret in any ConfigMap, env value or other non-Secret object in the cluster", function () {
        if (!applied) this.skip();
        const readBack = [
            ...liveIn(
                kubectl,
                objects,
                "configmaps,deployments.apps,statefulsets.apps,cronjobs.batch,jobs.batch,pods,services," +
                    "serviceaccounts,roles.rbac.authorization.k8s.io,rolebindings.rbac.authorization.k8s.io," +
                    "ingresses.networking.k8s.io,routes.route.openshift.io,imagestreams.image.openshift.io",
            ),
            ...kubectl.items(["namespaces,customresourcedefinitions"]),
        ];
        assert.ok(readBack.some((o) => o.kind === "ConfigMap") && readBack.some((o) => o.kind === "Pod"));
        const leaks: string[] = [];
        for (const obj of readBack) {
            const text = JSON.stringify(obj);
            for (const [key, value] of Object.entries(config.secrets)) {
                if (secretNeedles(value).some((n) => text.includes(n)))
                    leaks.push(`${objectId(obj)} holds ${key}`);
            }
        }
        assert.deepEqual(leaks, []);
        assert.ok(Object.keys(config.secrets).length > 40, "the check ran over the stack's secrets");
    });

    it("(f) deleting what a forced destroy of production deletes leaves its data; without retention it is lost", async function () {
        if (!ready) this.skip();
        // The same configuration at the production tier tells what a forced destroy (`pulumi state unprotect --all`,
        // `pulumi destroy`) keeps: retainOnDelete objects are only dropped from the state.
        const production = await timed("production-tier render", () =>
            renderStack({ values: productionTier(config.values), secrets: config.secrets }),
        );
        const prodObjects = allObjects(production);
        const namespaces = prodObjects.filter((o) => o.kind === "Namespace").map((o) => o.metadata.name);
        assert.deepEqual(
            namespaces.filter((n) => !production.retained.has(`v1/Namespace//${n}`)),
            [],
            "production retains every namespace it creates",
        );
        const retainedSets = prodObjects.filter(
            (o) => o.kind === "StatefulSet" && production.retained.has(objectId(o)),
        );
        const isData = (claim: K8sObject): boolean =>
            production.retained.has(objectId(claim)) ||
            retainedSets.some(
                (sts) =>
                    sts.metadata.namespace === claim.metadata.namespace &&
                    (
                        (sts.spec as { volumeClaimTemplates?: { metadata: { name: string } }[] })
                            .volumeClaimTemplates ?? []
                    ).some((t) => claim.metadata.name.startsWith(`${t.metadata.name}-${sts.metadata.name}-`)),
            );
        const claims = () =>
            kubectl
                .items(["persistentvolumeclaims", "-A"])
                .filter((c) => namespaces.includes(c.metadata.namespace ?? ""));
        const data = claims().filter(isData);
        assert.ok(
            data.length >= 3,
            `the local stack has production data to keep (found ${data.length} claims)`,
        );
        const dir = mkdtempSync(path.join(tmpdir(), "runbooks-e2e-destroy-"));
        try {
            await timed("delete what a forced production destroy deletes", () => {
                const file = path.join(dir, "deleted.yaml");
                const deleted = prodObjects.filter((o) => !production.retained.has(objectId(o)));
                writeFileSync(file, renderManifests(deleted), { mode: 0o600 });
                // All deletes sent first, then one wait for all of them: the cluster removes them concurrently,
                // where `delete --wait` waits for each object in turn (83 s for the local stack's ~400).
                kubectl.ok(["delete", "-f", file, "--ignore-not-found", "--wait=false"]);
                kubectl.ok(["wait", "--for=delete", "-f", file, "--timeout=180s"]);
            });
            const kept = claims();
            const pvs = kubectl.items(["persistentvolumes"]);
            const lost = data
                .map((c) => {
                    const live = kept.find((k) => objectId(k) === objectId(c));
                    if (!live) return `${objectId(c)}: deleted`;
                    if ((live.status as { phase?: string }).phase !== "Bound")
                        return `${objectId(c)}: not Bound`;
                    const volume = (live.spec as { volumeName?: string }).volumeName;
                    const pv = pvs.find((v) => v.metadata.name === volume);
                    const ref = (pv?.spec as { claimRef?: { name: string; namespace: string } } | undefined)
                        ?.claimRef;
                    return pv && ref?.name === c.metadata.name && ref.namespace === c.metadata.namespace
                        ? undefined
                        : `${objectId(c)}: its volume ${volume} is gone or no longer bound to it`;
                })
                .filter((l): l is string => l !== undefined);
            assert.deepEqual(lost, [], "production data lost by a forced destroy");
            process.stdout.write(`      [e2e] ${data.length} production claims and their volumes kept\n`);

            // The same namespaces without retention (what stage, or production before issue 18, did): the namespace
            // controller deletes every claim inside, retained or not.
            await timed("delete the namespaces as an unprotected destroy does", async () => {
                kubectl.ok(["delete", "namespace", ...namespaces, "--ignore-not-found", "--wait=false"]);
                assert.deepEqual(await waitNamespacesGone(kubectl, namespaces), [], "namespaces not deleted");
            });
            assert.deepEqual(
                claims().map(objectId),
                [],
                "deleting a namespace deletes its claims: this is what namespace retention prevents",
            );
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });

    describe("the real Pulumi engine (Automation API, file backend, test passphrase)", function () {
        const tools = detectToolchain(["kubernetes", "random"]);
        const callystoTools = detectToolchain(["openstack", "command", "random"]);
        const copies: StackCopy[] = [];
        let engineObjects: K8sObject[] = [];
        const log = (line: string) => process.stdout.write(`      [engine] ${line}\n`);

        before(function () {
            const skipped = engineSkipLine(tools, callystoTools);
            if (skipped) process.stdout.write(`      [e2e] ${skipped}\n`);
            engineObjects = objects;
        });
        beforeEach(function () {
            if (tools.missing.length > 0) this.skip();
        });
        after(() => copies.forEach((c) => c.dispose()));

        /** A fresh cluster (nothing left by the previous scenario) and a new copy of the stack pointed at it. */
        async function scenario(
            label: string,
            values: Record<string, string> = {},
            checkpoints: StackCopy["checkpoints"] = "every-step",
        ) {
            await timed(`${label}: fresh cluster`, () => {
                cluster("stop");
                cluster("start");
            });
            kubectl = new Kubectl(kubeconfigPath());
            const c = StackCopy.create(STACK);
            c.checkpoints = checkpoints;
            copies.push(c);
            const kubeconfig = kubectl.ok(["config", "view", "--raw", "--flatten", "--minify"]);
            c.configure({
                secrets: {
                    "kubeconfig-local-openshift": kubeconfig,
                    "kubeconfig-local-kubernetes": kubeconfig,
                },
                // The scenario's values last: one may pin a cluster to another identity.
                paths: { ...c.clusterPins(kubectl.kubeSystemUid()), ...values },
            });
            return { copy: c, stack: await engineStack(c, tools) };
        }

        /** Engine output goes to a file in the copy; a failure shows its end. */
        function outputTo(c: StackCopy, name: string): { onOutput: (s: string) => void; tail: () => string } {
            let text = "";
            return {
                onOutput: (chunk: string) => {
                    text += chunk;
                    writeFileSync(path.join(c.dir, `${name}.log`), text);
                },
                tail: () => text.split("\n").slice(-40).join("\n"),
            };
        }

        const kubernetesUrns = (cp: Checkpoint) =>
            (cp.deployment?.resources ?? []).filter(
                (r) => r.type.startsWith("kubernetes:") && !r.type.startsWith("kubernetes:index"),
            );

        it("a kubeconfig of the local cluster under another cluster's pinned identity is refused before any create; the right pin previews", async function () {
            // Another cluster's identity: a uid this kwok cluster's kube-system namespace does not have.
            const other = "0be7a70e-0000-4000-8000-00000000e2e0";
            const wrong = await scenario("engine identity", {
                "clusters.local-openshift.identity.uid": other,
            });
            const out = outputTo(wrong.copy, "up-wrong-identity");
            const refused = await timed("engine: up refused (wrong identity)", () =>
                wrong.stack.up({ onOutput: out.onOutput }).then(
                    () => undefined,
                    (err: unknown) => String(err),
                ),
            );
            assert.ok(refused !== undefined, `up succeeded under another cluster's identity:\n${out.tail()}`);
            assert.match(refused, /runbooks:clusters\.local-openshift\.identity\.uid/, out.tail());
            assert.match(
                refused,
                /pins cluster 0be7a70e-0000-4000-8000-00000000e2e0, but kubeconfig-local-openshift reaches/,
            );
            // Nothing was created: no Kubernetes resource in the state, and not one of the stack's namespaces live.
            const state = exportState(wrong.copy, tools).checkpoint;
            assert.deepEqual(
                kubernetesUrns(state).map((r) => r.urn),
                [],
                "a refused run left Kubernetes resources in the state",
            );
            const namespaces = engineObjects
                .filter((o) => o.kind === "Namespace")
                .map((o) => o.metadata.name);
            const live = kubectl.items(["namespaces"]).map((o) => o.metadata.name);
            assert.deepEqual(
                namespaces.filter((n) => live.includes(n)),
                [],
                "a refused run created namespaces",
            );
            // Control: the same copy pinned to the cluster its kubeconfig reaches previews.
            wrong.copy.setPath("clusters.local-openshift.identity.uid", kubectl.kubeSystemUid());
            const right = await timed("engine: preview (right identity)", () => wrong.stack.preview());
            assert.ok((right.changeSummary.create ?? 0) > 0, "the right identity previews creates");
            log(
                `refused under another identity before any create; ${right.changeSummary.create} creates previewed under the right one`,
            );
        });

        /**
         * The engine's preview of `copy` (`phase` names it) against the offline plan's recorded resources: the same
         * URNs and inputs, the first 40 differences shown. Returns how many resources the preview has.
         */
        async function assertPlanIsPreview(
            copy: StackCopy,
            recorded: readonly PlannedResource[],
            phase: string,
        ): Promise<number> {
            const preview = await timed(
                phase,
                () => JSON.parse(engineCli(copy, tools, ["preview", "--json"])) as PreviewJson,
            );
            const previewed = previewResources(preview);
            const differences = planPreviewDifferences(
                recorded.map((r) => ({ urn: r.urn, type: r.type, inputs: r.inputs })),
                previewed,
            );
            assert.deepEqual(differences.slice(0, 40), [], `${differences.length} differences`);
            return previewed.length;
        }

        let main: { copy: StackCopy; stack: Stack } | undefined;
        let edits: HandEdit[] = [];

        it("the offline plan of the fresh local stack is the engine's preview, object by object (URNs and inputs)", async function () {
            main = await scenario("engine local");
            const config = main.copy.decrypt();
            const recorded = await timed("offline plan (recording mocks)", () =>
                recordProgram(STACK, memoryConfigSource(config.values, config.secrets)),
            );
            const previewed = await assertPlanIsPreview(
                main.copy,
                recorded,
                "engine: preview --json (fresh stack)",
            );
            assert.ok(previewed > 500, `only ${previewed} resources in the preview`);
            log(
                `${previewed} resources: same URNs and inputs (normalised: ${NORMALISATIONS.map((n) => n.name).join("; ")})`,
            );
        });

        for (const committed of ["stage", "prod"]) {
            it(`the offline plan of a copy of the committed ${committed} stack is the engine's preview, object by object`, async function () {
                // The committed file as it is, against this cluster: its credentials and secrets are test values,
                // and a production copy is pinned and committed as an operator's checkout is (e2e/stackCopies.ts).
                const kubeconfig = kubectl.ok(["config", "view", "--raw", "--flatten", "--minify"]);
                const prepared = await timed(`${committed} copy prepared (pulumi CLI)`, () =>
                    prepareCommittedCopy(committed, kubeconfig, kubectl.kubeSystemUid()),
                );
                copies.push(prepared.copy);
                const config = prepared.copy.decrypt();
                // Every operator value of the committed file (ids of live objects, the digests running today) has a
                // test value by now (e2e/operatorValues.ts), so a refusal here is a failure, never a skip.
                const recorded = await timed(`offline plan of ${committed} (recording mocks)`, () =>
                    // Read from the copy's directory, as the engine's run there reads it: the other stacks' files
                    // it compares with are the copy's (none), not the work tree's committed ones.
                    recordProgram(
                        committed,
                        memoryConfigSource(config.values, config.secrets, { stack: committed }),
                        { root: prepared.copy.dir },
                    ),
                );
                const previewed = await assertPlanIsPreview(
                    prepared.copy,
                    recorded,
                    `engine: preview --json (${committed} copy)`,
                );
                assert.ok(previewed > 100, `only ${previewed} resources in the preview`);
                log(
                    `${committed}: ${previewed} resources, same URNs and inputs (given: ${prepared.secrets.length} test secrets, ${prepared.operatorValues.length} operator values, ${prepared.set.length} paths; off: ${OFF_IN_COPIES.map((o) => o.path).join(", ")})`,
                );
            });
        }

        it("pulumi up creates every object of the render, and every workload becomes Ready", async function () {
            main = main ?? (await scenario("engine local"));
            const out = outputTo(main.copy, "up");
            const res = await timed("engine: pulumi up (local)", () =>
                main!.stack.up({ onOutput: out.onOutput, parallel: ENGINE_PARALLEL }),
            );
            assert.equal(res.summary.result, "succeeded", out.tail());
            const changes = res.summary.resourceChanges ?? {};
            assert.deepEqual(
                Object.keys(changes).filter((k) => k !== "create"),
                [],
                JSON.stringify(changes),
            );
            const state = (await main.stack.exportStack()) as Checkpoint;
            assert.equal(
                kubernetesUrns(state).length,
                engineObjects.length,
                "one state entry per rendered object",
            );
            const ready = await timed("engine: readiness", () => waitReady(kubectl, engineObjects));
            assert.deepEqual(ready.waiting, []);
            log(`${changes.create} created, ${ready.workloads} workloads Ready`);
            // This up is the timed one (e2e/bench-up.sh) and wrote its state after every step, as a user's does. The
            // checks that follow on this copy are about objects and the final state: one write per operation.
            checkpointAtEnd(main.copy, main.stack);
        });

        it("a second pulumi preview --expect-no-changes passes, with and without --refresh", async function () {
            if (!main) this.skip();
            const plain = await timed("engine: preview --expect-no-changes", () =>
                main!.stack.preview({ expectNoChanges: true }),
            );
            const refreshed = await timed("engine: preview --refresh --expect-no-changes", () =>
                main!.stack.preview({ expectNoChanges: true, refresh: true }),
            );
            for (const r of [plain, refreshed]) {
                assert.deepEqual(changedOps(r.changeSummary), [], JSON.stringify(r.changeSummary));
            }
        });

        /** `npm run drift` of the main stack, its JSON report written into the copy. */
        const drift = (name: string) =>
            timed(`npm run drift (${name})`, () =>
                runDrift(
                    main!.copy.dir,
                    engineEnv(main!.copy, tools),
                    STACK,
                    path.join(main!.copy.dir, `drift-${name}.json`),
                ),
            );

        it("npm run drift reports nothing after a clean up; with the cluster's controllers unlisted it reports their fields (control)", async function () {
            if (!main) this.skip();
            const clean = await drift("clean");
            assert.equal(clean.code, 0, clean.out);
            assert.deepEqual(
                [clean.report.drifted.length, clean.report.unmanaged.length, clean.report.missing.length],
                [0, 0, 0],
            );
            const checked = Object.values(clean.report.checked).reduce((a, b) => a + b, 0);
            assert.equal(checked, engineObjects.length, "every managed object read");
            // Control: the same check with no controller listed finds what the cluster itself wrote.
            const kc = new KubeConfig();
            kc.loadFromFile(kubeconfigPath());
            const { checkpoint } = exportState(main.copy, tools);
            const unlisted = await checkDrift({
                stack: STACK,
                objects: managedObjects(
                    checkpoint as DriftCheckpoint,
                    SYSTEMS.map((s) => s.section),
                ),
                ownedNamespaces: new Map(),
                tables: runbookTables(),
                preview: { steps: new Map() },
                kubectl: () => "kubectl",
                connect: () => new KubeCluster(kc),
                controllers: [],
            });
            const managers = new Set(unlisted.drifted.flatMap((d) => d.changes.map((c) => c.manager)));
            assert.ok(
                unlisted.drifted.length > 0,
                "no controller wrote any managed object: the control proves nothing",
            );
            assert.deepEqual(
                [...managers].filter((m) => !clusterController(m)),
                [],
                "managers that are no listed controller",
            );
            log(
                `clean: ${checked} objects, 0 drift; control without the list: ${unlisted.drifted.length} objects by ${[...managers].join(", ")}`,
            );
        });

        // Issue 83: the ProwJob check through verify's own CLI over the deployed local stack: the deploy's time from
        // the state the up wrote, Prow's kubeconfig from the stack secret, the namespace from the rendered config. The
        // hosts' checks fail here (no DNS answers the local names); only the ProwJob line is asserted.
        it("npm run verify reads the ProwJobs since the up the state records: none fails, a success since passes", async function () {
            if (!main) this.skip();
            const prowJobLine = () => {
                const res = spawnSync(
                    process.execPath,
                    [
                        path.join(ROOT, "dist", "tools", "verify", "cli.js"),
                        ...["--stack", STACK, "--system", "prow", "--prowjob-wait", "0"],
                        ...["--dns-server", "127.0.0.1:9", "--timeout", "2000"],
                    ],
                    {
                        cwd: main!.copy.dir,
                        env: { ...process.env, ...engineEnv(main!.copy, tools) },
                        encoding: "utf8",
                    },
                );
                const line = res.stdout.split("\n").find((l) => / prow: a ProwJob in /.test(l));
                assert.ok(
                    line,
                    `verify printed no ProwJob line (exit ${res.status}):\n${res.stdout}${res.stderr}`,
                );
                return line!;
            };
            const written = exportState(main.copy, tools).checkpoint as {
                deployment?: { manifest?: { time?: string } };
            };
            const upAt = new Date(written.deployment!.manifest!.time!).toISOString();
            const none = prowJobLine();
            assert.match(none, /^FAIL prow: a ProwJob in kubernetes-prow-jobs /);
            assert.ok(
                none.includes(`no ProwJob started since ${upAt} (0 older)`),
                `${none}\nexpected since ${upAt}`,
            );
            writeProwJob(kubectl, "kubernetes-prow-jobs", "after-the-up", {
                state: "success",
                startTime: new Date().toISOString(),
            });
            const passed = prowJobLine();
            assert.match(
                passed,
                /^PASS prow: .* periodic-after-the-up \(periodic, ProwJob after-the-up\) started .* and succeeded/,
            );
            log(`verify after the up: ${none.slice(0, 160)} ... then ${passed.slice(0, 160)}`);
        });

        it("npm run drift reports each of nineteen hand edits in its first round with its object, manager, field and the engine's verdict", async function () {
            if (!main) this.skip();
            const ns = ["-n", DRIFT_NAMESPACE];
            const etl = kubectl
                .items(["configmaps", ...ns])
                .find((o) => o.metadata.name === "dials-etl-configmap")!;
            const secret = kubectl
                .items(["secrets", ...ns])
                .find((o) => o.metadata.name === "redis-web-cache")!;
            const deployment = (name: string) =>
                JSON.parse(kubectl.ok(["get", `deployment/${name}`, ...ns, "-o", "json"])) as {
                    spec: { replicas: number };
                };
            const indexer = deployment("csc-indexer");
            // The manager the provider applies the object with, as the state records it (what drift compares with).
            const state = (await main.stack.exportStack()).deployment as {
                resources: {
                    type: string;
                    outputs?: { metadata?: { name?: string; namespace?: string }; __fieldManager?: string };
                }[];
            };
            const programManager = state.resources.find(
                (r) =>
                    r.type === "kubernetes:apps/v1:Deployment" &&
                    r.outputs?.metadata?.name === "csc-indexer" &&
                    r.outputs.metadata.namespace === DRIFT_NAMESPACE,
            )?.outputs?.__fieldManager;
            assert.ok(programManager, "the state records the program's field manager of csc-indexer");
            edits = handEdits({
                configMapKey: Object.keys(etl.data as object).sort()[0],
                replicas: deployment("common-redbeat").spec.replicas,
                secretKey: Object.keys(secret.data as object).sort()[0],
                programManager: programManager,
                indexerReplicas: indexer.spec.replicas,
            });
            assert.equal(edits.length, 19);
            for (const e of edits) for (const c of editCommands(e)) kubectl.ok(c);
            const found = await drift("edited");
            assert.equal(found.code, 2, found.out);
            // The hand-changed Service port (a second port named "redis") and the rollout undo (a conflict with
            // kubectl) stop the engine's preview; drift reads past both, so every verdict is in this first round.
            assert.ok(
                found.report.engineStoppedAt.includes(`Service ${DRIFT_NAMESPACE}/redis-web-cache`),
                found.out,
            );
            assert.deepEqual(
                edits.map((e) => reportedProblem(found.report, e)).filter((p) => p),
                [],
                found.out,
            );
            // Nothing but the edits is drift, missing or unmanaged; what else the engine changes is named with its step.
            const edited = new Set(edits.map((e) => e.object));
            assert.deepEqual(
                [
                    ...found.report.drifted.map(
                        (d) => `${d.object.kind} ${d.object.namespace}/${d.object.name}`,
                    ),
                    ...found.report.unmanaged.map((u) => `${u.kind} ${u.namespace}/${u.name}`),
                    ...found.report.missing.map((m) => m.object),
                ].filter((o) => !edited.has(o)),
                [],
            );
            // Every object with fields others added and no replace gets a dry-run-proved command, none is refused.
            assert.deepEqual(
                found.report.removals.filter((r) => !r.command).map((r) => `${r.object}: ${r.refused}`),
                [],
            );
            assert.ok(printedProcedure(found.out).length >= 2, found.out);
            log(found.out.split("\n").join("\n      [engine]   "));
        });

        /**
         * The report's procedure followed as printed until drift exits 0, while the API server is watched: at most
         * three rounds, each printing a procedure no earlier round printed, no workload absent or long without a
         * Ready pod, and the engine's own refreshed preview clean at the end.
         */
        async function followProcedure(name: string): Promise<string> {
            const env = engineEnv(main!.copy, tools);
            const namespaces = [
                ...new Set([DRIFT_NAMESPACE, ...edits.flatMap((e) => (e.namespace ? [e.namespace] : []))]),
            ];
            const listed = async () => {
                const items = await Promise.all(
                    namespaces.map(
                        async (n) =>
                            (
                                JSON.parse(
                                    await kubectl.okAsync([
                                        "get",
                                        "deployments,statefulsets",
                                        "-n",
                                        n,
                                        "-o",
                                        "json",
                                    ]),
                                ) as {
                                    items: object[];
                                }
                            ).items,
                    ),
                );
                return JSON.stringify({ items: items.flat() });
            };
            const baseline = (
                JSON.parse(await listed()) as { items: { kind: string; metadata: { name: string } }[] }
            ).items.map((o) => `${o.kind} ${o.metadata.name}`);
            // The objects made by hand: the report names them and leaves the decision; the operator removes them.
            for (const e of edits)
                if (e.remove) kubectl.ok([...e.remove, "-n", e.namespace ?? DRIFT_NAMESPACE]);
            let report = await drift(`${name}-round-1`);
            const watch = watchWorkloads(listed, baseline);
            const printed: string[] = [];
            let seen: Awaited<ReturnType<typeof watch.stop>> | undefined;
            try {
                for (let round = 1; report.code !== 0; round++) {
                    assert.ok(round <= 3, `${name}: no convergence after 3 rounds:\n${report.out}`);
                    const commands = printedProcedure(report.out);
                    assert.ok(commands.length > 0, `${name}: drift, but nothing to run:\n${report.out}`);
                    assert.ok(
                        !printed.includes(commands.join("\n")),
                        `${name}: round ${round} printed an earlier round's procedure:\n${report.out}`,
                    );
                    printed.push(commands.join("\n"));
                    for (const command of commands) {
                        // An operator confirms the up's preview; the e2e says yes (the only word it adds to what is printed).
                        const line = command.replace(/^((?:\w+=\S+ )*)pulumi up /, "$1pulumi up --yes ");
                        const res = await timed(`${name}, round ${round}: ${line.slice(0, 60)}`, () =>
                            runShell(line, main!.copy.dir, env),
                        );
                        const errors = res.out.split("\n").filter((l) => /error|failed|conflict/i.test(l));
                        assert.equal(
                            res.code,
                            0,
                            `${line}\n${errors.slice(0, 40).join("\n")}\n${res.out.slice(-1500)}`,
                        );
                    }
                    report = await drift(`${name}-round-${round + 1}`);
                }
            } finally {
                seen = await watch.stop();
            }
            assert.deepEqual(seen.absent, [], `${name}: a workload was absent while the procedure ran`);
            assert.deepEqual(
                seen.unready.filter((u) => u.seconds > 60),
                [],
                `${name}: a workload had no Ready pod for longer than a rollout`,
            );
            const check = await timed(`engine: preview --refresh --expect-no-changes after ${name}`, () =>
                main!.stack.preview({ expectNoChanges: true, refresh: true }),
            );
            assert.deepEqual(changedOps(check.changeSummary), []);
            const ready = await waitReady(kubectl, engineObjects);
            assert.deepEqual(ready.waiting, []);
            return `${name}: converged in ${printed.length} rounds, ${seen.polls} polls of the API server, ${seen.unready.length} rollouts without a Ready pod (longest ${Math.max(0, ...seen.unready.map((u) => u.seconds)).toFixed(1)} s); ${ready.workloads} workloads Ready`;
        }

        it("the report's procedure, run as printed, restores the program's state with no workload lost, watched from the API server", async function () {
            // Two drift reads, the forced and the plain up, a third read and the converged preview: 770 s measured on 2
            // cores loaded by other work, past the suite's 10-minute default.
            this.timeout(1_800_000);
            if (!main || edits.length === 0) this.skip();
            log(await followProcedure("all edits"));
        });

        // Issue 87 item 4: edits generated from the classes (e2e/drift.ts EDIT_CLASSES) over every namespaced object of
        // the render, not drawn from the list above. Seeds: E2E_DRIFT_SEEDS (comma-separated) or three fixed ones.
        const seeds = (process.env.E2E_DRIFT_SEEDS ?? "87,88,89").split(",").map(Number);
        it(`generated hand edits (seeds ${seeds.join(", ")}): each set named in its first round and converged within three rounds`, async function () {
            // Measured on 2 loaded cores: one seed is ~12 minutes (two drift reads, the forced and the plain up, the
            // converged preview), so the suite's 10-minute default stopped the first seed mid-up and left its lock.
            this.timeout(seeds.length * 1_200_000);
            if (!main) this.skip();
            const listed = edits;
            // Where the program leaves a field to others, as the state records it: drift's own source for `ignored`.
            const checkpoint = (await main.stack.exportStack()) as DriftCheckpoint;
            const ignoreOf = new Map(
                managedObjects(checkpoint, []).map((m) => [
                    `${m.kind} ${m.namespace}/${m.name}`,
                    m.ignoreChanges,
                ]),
            );
            assert.ok(
                [...ignoreOf.values()].some((i) => i.length > 0),
                "the state records the program's ignoreChanges (Packit's triggered images)",
            );
            const ignored = (o: K8sObject) =>
                ignoreOf.get(`${o.kind} ${o.metadata.namespace}/${o.metadata.name}`) ?? [];
            try {
                for (const seed of seeds) {
                    edits = generateEdits(engineObjects, seed, 6, ignored);
                    log(`seed ${seed}: ${edits.map((e) => `${e.label} (${e.object})`).join("; ")}`);
                    for (const e of edits) for (const c of editCommands(e)) kubectl.ok(c);
                    const first = await drift(`seed-${seed}`);
                    // A field the program leaves to others is named and is no drift (exit 0 when all are such).
                    assert.equal(first.code, edits.every((e) => e.state === "ignored") ? 0 : 2, first.out);
                    assert.deepEqual(
                        edits.map((e) => reportedProblem(first.report, e, false)).filter((p) => p),
                        [],
                        `seed ${seed}: ${edits.map((e) => e.label).join("; ")}\n${first.out}`,
                    );
                    log(await followProcedure(`seed ${seed}`));
                }
            } finally {
                edits = listed;
            }
        });

        it(`one config line (${IMAGE_KEY}) previews as exactly one update, no replace, and up rolls only that workload`, async function () {
            if (!main) this.skip();
            await main.stack.setConfig(`runbooks:${IMAGE_KEY}`, { value: NEW_IMAGE }, true);
            const preview = await timed("engine: preview of the image change", () =>
                main!.stack.preview({ diff: true }),
            );
            const { same, ...changed } = preview.changeSummary;
            assert.deepEqual(
                changed,
                { update: 1 },
                `changes besides one update: ${JSON.stringify(preview.changeSummary)}`,
            );
            assert.ok((same ?? 0) > 0);
            assert.match(preview.stdout, /review-manager/);
            const before = workloadGenerations(kubectl);
            const res = await timed("engine: up of the image change", () => main!.stack.up());
            assert.deepEqual(
                Object.fromEntries(
                    Object.entries(res.summary.resourceChanges ?? {}).filter(
                        ([k]) => changedOps({ [k]: 1 }).length > 0,
                    ),
                ),
                { update: 1 },
            );
            assert.deepEqual(rolledSince(kubectl, before), [
                "apps/v1/Deployment/thoth-local-bots/review-manager",
            ]);
        });

        it("pulumi stack export (secrets encrypted, as a user runs it) holds no secret value: config secrets, kubeconfigs and generated ones", async function () {
            if (!main) this.skip();
            const secrets = main.copy.decrypt().secrets;
            // Generated values (@pulumi/random, service-account tokens): what the live Secrets hold that the render
            // (fake random values) did not.
            const rendered = new Set(
                engineObjects
                    .filter((o) => o.kind === "Secret")
                    .flatMap((o) => [
                        ...Object.values((o.stringData as Record<string, string> | undefined) ?? {}),
                        ...Object.values((o.data as Record<string, string> | undefined) ?? {}).map((v) =>
                            Buffer.from(v, "base64").toString("utf8"),
                        ),
                    ]),
            );
            const live = liveIn(kubectl, engineObjects, "secrets") as unknown as LiveSecret[];
            const { generated, filledByKubernetes } = generatedSecretValues(live, rendered);
            const entries: SecretEntry[] = [...Object.entries(secrets), ...generated];
            const plain = await timed("engine: stack export (plain)", () => exportState(main!.copy, tools));
            assert.deepEqual(
                foundSecrets(plain.text, [...entries, ...filledByKubernetes]),
                [],
                "secret values in clear in the state",
            );
            // Control: the same search over the decrypted export finds every config and generated value, so an
            // empty list above means encrypted, not "searched for the wrong thing". (Token Secrets are filled by
            // Kubernetes after the provider recorded them: the state need not hold their values.)
            const decrypted = await timed("engine: stack export --show-secrets (control)", () =>
                exportState(main!.copy, tools, { showSecrets: true }),
            );
            const shown = new Set(foundSecrets(decrypted.text, entries));
            assert.deepEqual(
                entries.map(([label]) => label).filter((l) => !shown.has(l)),
                [],
                "the decrypted export lacks these values: the check above could not have found them either",
            );
            assert.deepEqual(unsearchable(entries), [], "values too short to be searched for");
            assert.ok(
                Object.keys(secrets).length > 40 && generated.length > 0,
                "the check ran over config and generated secrets",
            );
            log(
                `${Object.keys(secrets).length} config secrets, ${generated.length} generated values and ` +
                    `${filledByKubernetes.length} token values none in clear; the config and generated ones ` +
                    `all in the decrypted export (${decrypted.text.length} bytes vs ${plain.text.length} plain)`,
            );
        });

        it("pulumi destroy of the local (unprotected) stack succeeds", async function () {
            if (!main) this.skip();
            const res = await timed("engine: destroy (local)", () => main!.stack.destroy());
            assert.equal(res.summary.result, "succeeded");
        });

        let prod: { copy: StackCopy; stack: Stack } | undefined;
        let prodState: Checkpoint = {};

        it("pulumi destroy of a production-tier copy is refused while protected resources exist, and deletes nothing", async function () {
            prod = await scenario(
                "engine production",
                { tier: "production", ...productionTierPaths(config.values) },
                "at-end",
            );
            const up = await timed("engine: pulumi up (production tier)", () => prod!.stack.up());
            assert.equal(up.summary.result, "succeeded");
            prodState = exportState(prod.copy, tools).checkpoint;
            const namespaces = engineObjects
                .filter((o) => o.kind === "Namespace")
                .map((o) => o.metadata.name);
            const live = () =>
                kubectl
                    .items(["all,persistentvolumeclaims,secrets,configmaps", "-A"])
                    .filter((o) => namespaces.includes(o.metadata.namespace ?? "")).length;
            const before = live();
            // As a user runs it: the CLI's preview step refuses before anything is deleted.
            await timed("engine: destroy refused", () =>
                assert.throws(
                    () => engineCli(prod!.copy, tools, ["destroy", "--yes"]),
                    /protect/i,
                    "destroy of a protected production stack succeeded",
                ),
            );
            assert.equal(live(), before, "a refused destroy deleted objects");
        });

        it("a forced destroy (pulumi state unprotect --all, then destroy) keeps the production data and its namespaces", async function () {
            if (!prod) this.skip();
            const resources = prodState.deployment?.resources ?? [];
            // The credentials of retained workloads (a database's data directory was initialised with them): each
            // Secret one reads, with its data now, must be there unchanged after the destroy.
            const retainedReaders = resources.filter(
                (r) => r.retainOnDelete && /^kubernetes:(apps|batch)\/v1:/.test(r.type),
            );
            const credentialIds = [
                ...new Set(
                    retainedReaders.flatMap((r) =>
                        secretsRead({ kind: r.type.split(":").pop()!, spec: r.outputs?.spec })
                            .filter((name) => !RETENTION_PENDING.includes(name))
                            .map((name) => `${r.outputs?.metadata?.namespace ?? ""}/${name}`),
                    ),
                ),
            ].sort();
            const secretData = () =>
                new Map(
                    kubectl
                        .items(["secrets", "-A"])
                        .map((o) => [
                            `${o.metadata.namespace}/${o.metadata.name}`,
                            JSON.stringify(o.data ?? {}),
                        ]),
                );
            const credentialsBefore = secretData();
            assert.deepEqual(
                credentialIds.filter((id) => !credentialsBefore.has(id)),
                [],
                "Secrets a retained workload reads do not exist before the destroy",
            );
            for (const db of ["postgres-secret", "postgresql"]) {
                assert.ok(
                    credentialIds.some((id) => id.endsWith(`/${db}`)),
                    `a retained database reads ${db}: ${credentialIds.join(", ")}`,
                );
            }
            const idOf = (r: (typeof resources)[number]) =>
                `v1/PersistentVolumeClaim/${r.outputs?.metadata?.namespace ?? ""}/${r.outputs?.metadata?.name ?? ""}`;
            const claimsInState = resources.filter(
                (r) => r.type === "kubernetes:core/v1:PersistentVolumeClaim",
            );
            const retainedClaims = claimsInState.filter((r) => r.retainOnDelete).map(idOf);
            assert.ok(retainedClaims.length > 0, "the production-tier copy retains claims");
            // Production data: the retained claims and the claims of StatefulSet templates (not in the state).
            const deletable = new Set(claimsInState.filter((r) => !r.retainOnDelete).map(idOf));
            const data = kubectl
                .items(["persistentvolumeclaims", "-A"])
                .map(objectId)
                .filter((id) => !deletable.has(id));
            await timed("engine: state unprotect --all + destroy", async () => {
                engineCli(prod!.copy, tools, ["state", "unprotect", "--all", "--yes"]);
                const res = await prod!.stack.destroy();
                assert.equal(res.summary.result, "succeeded");
            });
            await sleep(10_000); // the namespace controller would have emptied a deleted namespace by now
            const liveNamespaces = kubectl.items(["namespaces"]).map((n) => n.metadata.name);
            const prodNamespaces = engineObjects
                .filter((o) => o.kind === "Namespace")
                .map((o) => o.metadata.name);
            assert.deepEqual(
                prodNamespaces.filter((n) => !liveNamespaces.includes(n)),
                [],
                "namespaces deleted",
            );
            const claimsAfter = kubectl.items(["persistentvolumeclaims", "-A"]);
            assert.deepEqual(
                data.filter((id) => !claimsAfter.some((c) => objectId(c) === id)),
                [],
                "production claims deleted by a forced destroy",
            );
            assert.deepEqual(
                claimsAfter.filter((c) => (c.status as { phase?: string }).phase !== "Bound").map(objectId),
                [],
            );
            const credentialsAfter = secretData();
            assert.deepEqual(
                credentialIds.filter((id) => credentialsAfter.get(id) !== credentialsBefore.get(id)),
                [],
                "a forced destroy deleted or changed the credentials of a retained database",
            );
            log(
                `${data.length} production claims (${retainedClaims.length} retained by the program) kept Bound; ` +
                    `${credentialIds.length} Secrets read by retained workloads kept unchanged`,
            );
        });

        /** A state a recovery or a way back must leave: nothing pending, nothing twice, one entry per rendered object. */
        function assertSoundState(state: Checkpoint): void {
            assert.deepEqual(pendingOperations(state), [], "pending operations left");
            assert.deepEqual(duplicateUrns(state), [], "a resource recorded twice");
            assert.equal(
                kubernetesUrns(state).length,
                engineObjects.length,
                "one state entry per rendered object",
            );
        }

        /** Converged: a preview (`phase` names it) has nothing to change, and every rendered workload is Ready. */
        async function assertConverged(stack: Stack, phase: string): Promise<void> {
            const clean = await timed(phase, () => stack.preview({ expectNoChanges: true }));
            assert.deepEqual(changedOps(clean.changeSummary), []);
            assert.deepEqual((await waitReady(kubectl, engineObjects)).waiting, []);
        }

        /** adoptExisting on every cluster of the local stack (on, or back off). */
        async function adoption(stack: Stack, on: boolean): Promise<void> {
            for (const cl of ["local-openshift", "local-kubernetes"]) {
                await stack.setConfig(`runbooks:clusters.${cl}.adoptExisting`, { value: String(on) }, true);
            }
        }

        it("an up killed midway, then npm run recover (plugins, stale lock, refresh, adoption up on a copy of the stack file, clear pending creates, up, preview) leaves a clean state", async function () {
            const { copy: c, stack } = await scenario("engine interrupted");
            // Killed like a lost CI runner: SIGKILL, no chance to write the state or drop the lock.
            await timed("engine: up killed while an awaited create runs", async () => {
                const child = spawn(
                    path.join(tools.cliDir!, "pulumi"),
                    ["up", "--yes", "--skip-preview", "--non-interactive", "--stack", STACK],
                    {
                        cwd: c.dir,
                        env: { ...process.env, ...engineEnv(c, tools) },
                        detached: true,
                        stdio: ["ignore", "pipe", "pipe"],
                    },
                );
                // Killed while a Kubernetes create has run for a while and not ended (a Deployment or StatefulSet
                // waiting for its pods, a claim for its volume): the kill lands on a create the engine has begun and not
                // recorded. A component stays "creating" until its children are done, and its pending record is only
                // state, so only the provider's objects count. A fixed delay sometimes left nothing pending.
                let created = 0;
                let pending = "";
                const running = new Map<string, number>();
                child.stdout!.on("data", (d: Buffer) => {
                    const lines = (pending + d.toString()).split("\n");
                    pending = lines.pop() ?? "";
                    for (const line of lines) {
                        const step = /(kubernetes:\S+:\S+) (\S+) (creating|created)\b/.exec(line);
                        if (!step) continue;
                        const key = `${step[1]} ${step[2]}`;
                        if (step[3] === "creating") running.set(key, running.get(key) ?? Date.now());
                        else {
                            running.delete(key);
                            created++;
                        }
                    }
                });
                const exited = new Promise((resolve) => child.on("exit", resolve));
                const deadline = Date.now() + 180_000;
                const longRunning = () => [...running.values()].some((t) => Date.now() - t >= 500);
                while (!(created >= 20 && longRunning()) && Date.now() < deadline) await sleep(100);
                process.kill(-child.pid!, "SIGKILL");
                await exited;
                log(`killed after ${created} creates`);
            });
            assert.ok(stackLocks(c).length > 0, "the killed up left its lock");
            const leftover = processesOf(c);
            log(
                `${leftover.length} processes of the killed run left: ${leftover.map((p) => p.cmd.split(" ")[0]).join(", ")}`,
            );
            const pendingAfterKill = pendingOperations(exportState(c, tools).checkpoint);
            // Without pending creates the scenario would not test their recovery (acceptance measured 6).
            assert.ok(pendingAfterKill.length > 0, "the kill left no pending create: kill earlier");
            log(`${pendingAfterKill.length} pending operations after the kill`);
            // The README's recovery is one command, run as an operator runs it in the project directory.
            const recoverCmd = (...flags: string[]) =>
                spawnSync(
                    process.execPath,
                    [path.join(c.dir, "dist", "tools", "recover", "cli.js"), "--stack", STACK, ...flags],
                    {
                        cwd: c.dir,
                        env: { ...process.env, ...engineEnv(c, tools) },
                        encoding: "utf8",
                        maxBuffer: 64 * 1024 * 1024,
                    },
                );
            // It names the plugins the kill left and ends them only when asked.
            const asked = await timed("engine: npm run recover (plugins left: stops)", () => recoverCmd());
            assert.equal(asked.status, 1, `${asked.stdout}\n${asked.stderr}`);
            assert.match(asked.stderr, /--kill-plugins/);
            // The program the language host ran (node) may end by itself once its engine is gone, so it is named
            // when it still runs; the plugins never end by themselves and must all be named, and nothing else.
            const named = new Set([...asked.stdout.matchAll(/pid (\d+): /g)].map((m) => Number(m[1])));
            const plugins = leftover.filter((p) =>
                /^pulumi-(resource|language)-/.test(path.basename(p.cmd.split(" ")[0])),
            );
            assert.ok(plugins.length > 0, "the kill left no plugin: the check would prove nothing");
            assert.deepEqual(
                plugins.filter((p) => !named.has(p.pid)).map((p) => p.cmd),
                [],
                "recover did not name these plugins of the killed run",
            );
            assert.deepEqual(
                [...named].filter((pid) => !leftover.some((p) => p.pid === pid)),
                [],
                "recover named processes the kill did not leave",
            );
            const stillThere = processesOf(c).map((p) => p.pid);
            assert.ok(
                stackLocks(c).length > 0 && plugins.every((p) => stillThere.includes(p.pid)),
                "recover changed something before it stopped",
            );
            const recovered = await timed("engine: npm run recover --kill-plugins", () =>
                recoverCmd("--kill-plugins"),
            );
            log(recovered.stdout.trimEnd().split("\n").join("\n      [engine]   "));
            assert.equal(recovered.status, 0, `${recovered.stdout}\n${recovered.stderr}`);
            assert.match(recovered.stdout, /removed the stale lock/);
            assert.match(recovered.stdout, /adoptExisting: true/);
            assert.match(recovered.stdout, /recovered stack local/);
            assert.deepEqual(processesOf(c), [], "processes of the killed run still running after recover");
            assert.deepEqual(stackLocks(c), [], "the stale lock is still there");
            // Adoption was set on a copy only: the committed file still does not set it.
            for (const cl of ["local-openshift", "local-kubernetes"]) {
                await assert.rejects(
                    stack.getConfig(`runbooks:clusters.${cl}.adoptExisting`, true),
                    /not found|missing/i,
                );
            }
            // And a second run has nothing to do: it refuses, changing nothing.
            const again = recoverCmd();
            assert.equal(again.status, 1);
            assert.match(again.stderr, /nothing to recover/);
            assertSoundState(exportState(c, tools).checkpoint);
            const deployments = engineObjects.filter(
                (o) => o.kind === "Deployment" && ((o.spec as { replicas?: number }).replicas ?? 1) > 0,
            ).length;
            const replicaSets = kubectl
                .items(["replicasets.apps", "-A"])
                .filter((r) => ((r.spec as { replicas?: number }).replicas ?? 0) > 0);
            assert.equal(
                replicaSets.length,
                deployments,
                "one live ReplicaSet per Deployment: nothing rolled twice",
            );
            await assertConverged(stack, "engine: preview --expect-no-changes after recovery");
        });

        it("destroy, then up again: the README's way back (one adoption up) converges and reuses the retained objects (same uid)", async function () {
            const { copy: c, stack } = await scenario("engine destroy then up", {}, "at-end");
            const first = await timed("engine: pulumi up", () => stack.up());
            assert.equal(first.summary.result, "succeeded");
            const before = exportState(c, tools).checkpoint;
            const retained = (before.deployment?.resources ?? []).filter(
                (r) => r.retainOnDelete && r.type.startsWith("kubernetes:"),
            );
            const retainedUids = uidsOf({ deployment: { resources: retained } });
            // The local stack retains the ProwJob CRD in every tier (deleting it would delete every ProwJob).
            assert.ok(retainedUids.size > 0, "the local stack retains objects a destroy leaves");
            const destroyed = await timed("engine: pulumi destroy", () => stack.destroy());
            assert.equal(destroyed.summary.result, "succeeded");
            // Control: without adoption, the next up stops on the first retained object (acceptance: the CRD).
            await timed("engine: up without adoption fails", () =>
                assert.rejects(() => stack.up(), /already exists/, "an up over retained objects succeeded"),
            );
            await timed("engine: way back (adoption up, adoption off, up)", async () => {
                await adoption(stack, true);
                const adopted = await stack.up();
                assert.equal(adopted.summary.result, "succeeded");
                await adoption(stack, false);
                const off = await stack.up();
                assert.equal(off.summary.result, "succeeded");
            });
            const after = exportState(c, tools).checkpoint;
            const afterUids = uidsOf(after);
            assert.deepEqual(
                [...retainedUids].filter(([id, uid]) => afterUids.get(id) !== uid).map(([id]) => id),
                [],
                "retained objects recreated instead of taken over",
            );
            assertSoundState(after);
            await assertConverged(stack, "engine: preview --expect-no-changes after the way back");
            log(`${retainedUids.size} retained objects taken over with their uid`);
        });

        it("the Callysto stack (local-callysto) previews against the OpenStack auth URL on loopback", async function () {
            if (callystoTools.missing.length > 0) this.skip();
            const c = StackCopy.create(CALLYSTO_STACK);
            copies.push(c);
            c.setRunTimeValues();
            const stack = await engineStack(c, callystoTools);
            const res = await timed("engine: preview (local-callysto)", () => stack.preview());
            assert.ok((res.changeSummary.create ?? 0) > 0);
            assert.deepEqual(
                Object.keys(res.changeSummary).filter((k) => k !== "create"),
                [],
            );
        });
    });
});

describe("after the e2e", function () {
    it("the committed stack files are byte-identical to what they were before it ran", function () {
        const after = committedStackFiles();
        assert.deepEqual(
            [...new Set([...committedBefore.keys(), ...after.keys()])].filter(
                (f) => committedBefore.get(f) !== after.get(f),
            ),
            [],
            "the e2e (or a pulumi command it ran) changed a committed stack file",
        );
    });
});
