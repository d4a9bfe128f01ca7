import * as assert from "assert";
import { spawnSync } from "child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { renderManifests } from "../tools/plan/render";
import { readStackFile } from "../tools/plan/stackfile";
import { Kubectl, diffedObjects, notReadyReason, podReferences } from "./kube";
import { missingSecrets } from "./local-secrets";
import {
    BIN,
    DecryptedConfig,
    E2E_CACHE,
    ROOT,
    STACK,
    STACK_FILE,
    StackCopy,
    insideWorkTree,
    localEnv,
} from "./localStack";
import { K8sObject, Rendered, objectId, renderStack, writeRendered } from "./render";

// `npm run e2e`: the local stack (Pulumi.local.yaml) rendered with its real test secrets and applied to a real
// kube-apiserver 1.36 (kwok cluster on 127.0.0.1, e2e/cluster.sh). What needs the real Pulumi engine (language
// host + provider plugins, not buildable here) is reported as pending, with the reason.

const CLUSTER_NAME = process.env.E2E_CLUSTER_NAME ?? "runbooks-e2e-local";
const READY_TIMEOUT_S = Number(process.env.E2E_READY_TIMEOUT ?? 240);
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
    const res = spawnSync("bash", [path.join(__dirname, "cluster.sh"), command], {
        encoding: "utf8",
        env: {
            ...process.env,
            E2E_CACHE,
            E2E_CLUSTER_NAME: CLUSTER_NAME,
            E2E_PV_CLASSES: localEnv().E2E_PV_CLASSES,
        },
        stdio: ["ignore", "pipe", "pipe"],
    });
    if (res.status !== 0) {
        throw new Error(
            `e2e/cluster.sh ${command} failed (exit ${res.status}):\n${res.stderr}\n${res.stdout}`,
        );
    }
}

function kubeconfigPath(): string {
    return path.join(E2E_CACHE, "kwok", "clusters", CLUSTER_NAME, "kubeconfig.yaml");
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function allObjects(rendered: Rendered): K8sObject[] {
    return Object.values(rendered.clusters).flat();
}

/** The three apply files: CRDs (then wait until established), namespaces, everything else. */
function writeApplyFiles(
    objects: K8sObject[],
    dir: string,
): { crds: string; namespaces: string; rest: string } {
    if (insideWorkTree(dir)) throw new Error(`unmasked apply files must not go into the work tree (${dir})`);
    const write = (name: string, list: K8sObject[]) => {
        const file = path.join(dir, name);
        writeFileSync(file, renderManifests(list), { mode: 0o600 });
        return file;
    };
    return {
        crds: write(
            "1-crds.yaml",
            objects.filter((o) => o.kind === "CustomResourceDefinition"),
        ),
        namespaces: write(
            "2-namespaces.yaml",
            objects.filter((o) => o.kind === "Namespace"),
        ),
        rest: write(
            "3-objects.yaml",
            objects.filter((o) => o.kind !== "CustomResourceDefinition" && o.kind !== "Namespace"),
        ),
    };
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
    return JSON.stringify(a) === JSON.stringify(b) ? [] : [at];
}

/** The forms a secret value can take in text (raw, JSON-escaped, base64-decoded), long enough to be unique. */
function secretNeedles(value: string): string[] {
    const forms = [value];
    const decoded = Buffer.from(value, "base64").toString("utf8");
    if (/^[A-Za-z0-9+/]+=*$/.test(value) && Buffer.from(decoded).toString("base64") === value)
        forms.push(decoded);
    const long = forms.filter((f) => f.trim().length >= 12);
    return [...new Set([...long, ...long.map((f) => JSON.stringify(f).slice(1, -1))])];
}

/** What the real-engine checks need that is not in the toolchain cache (the Go module proxy refuses them). */
function engineGaps(): string[] {
    const versions = Object.fromEntries(
        readFileSync(path.join(__dirname, "versions.env"), "utf8")
            .split("\n")
            .map((l) => /^([A-Z0-9_]+)=(.*)$/.exec(l.trim()))
            .filter((m): m is RegExpExecArray => m !== null)
            .map((m) => [m[1], m[2]]),
    );
    const gaps: string[] = [];
    if (!existsSync(path.join(BIN, "pulumi-language-nodejs"))) {
        gaps.push(
            `Node.js language host (${versions.PULUMI_LANGHOST_MODULE}@${versions.PULUMI_COMMIT.slice(0, 12)})`,
        );
    }
    for (const name of ["kubernetes", "random", "command", "openstack"]) {
        const prefix = name.toUpperCase();
        const version = versions[`${prefix}_PROVIDER_VERSION`];
        const dir = path.join(E2E_CACHE, "pulumi-home", "plugins", `resource-${name}-v${version}`);
        if (!existsSync(path.join(dir, `pulumi-resource-${name}`))) {
            gaps.push(`${name} ${version} provider (${versions[`${prefix}_PROVIDER_MODULE`]})`);
        }
    }
    return gaps;
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
            copy.setSecret("kubeconfig-local-openshift", kubeconfig);
            copy.setSecret("kubeconfig-local-kubernetes", kubeconfig);
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

    it("Pulumi.local.yaml holds an encrypted test value for every required secret and no plaintext one", function () {
        assert.deepEqual(
            missingSecrets().map((s) => s.key),
            [],
            "add the missing test values with: npm run e2e:secrets",
        );
        const committed = readFileSync(STACK_FILE, "utf8");
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
        const wanted = new Set(
            objects
                .filter((o) => o.kind === "Deployment" || o.kind === "StatefulSet")
                .map((o) => objectId(o)),
        );
        const namespaces = new Set(objects.filter((o) => o.kind === "Namespace").map((o) => o.metadata.name));
        let waiting: string[] = [];
        await timed("readiness (every workload Ready, every claim Bound)", async () => {
            const deadline = Date.now() + READY_TIMEOUT_S * 1000;
            for (;;) {
                const workloads = kubectl
                    .items(["deployments.apps,statefulsets.apps", "-A"])
                    .filter((o) => wanted.has(objectId(o)));
                const claims = kubectl
                    .items(["persistentvolumeclaims", "-A"])
                    .filter((o) => namespaces.has(o.metadata.namespace ?? ""));
                waiting = [
                    ...[...wanted]
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
                if (waiting.length === 0 || Date.now() > deadline) break;
                await sleep(2000);
            }
        });
        assert.deepEqual(waiting, [], `not Ready/Bound after ${READY_TIMEOUT_S} s`);
        process.stdout.write(`      [e2e] ${wanted.size} workloads Ready\n`);
        ready = true;
    });

    it("every Secret, ConfigMap, claim and service account a pod uses exists, with the keys it reads", function () {
        if (!ready) this.skip();
        const namespaces = new Set(objects.filter((o) => o.kind === "Namespace").map((o) => o.metadata.name));
        const live = kubectl
            .items(["secrets,configmaps,persistentvolumeclaims,serviceaccounts", "-A"])
            .filter((o) => namespaces.has(o.metadata.namespace ?? ""));
        const pods = kubectl.items(["pods", "-A"]).filter((o) => namespaces.has(o.metadata.namespace ?? ""));
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
        const namespaces = new Set(objects.filter((o) => o.kind === "Namespace").map((o) => o.metadata.name));
        const live = kubectl
            .items(["services,endpointslices.discovery.k8s.io,pods", "-A"])
            .filter((o) => namespaces.has(o.metadata.namespace ?? ""));
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
        const differing = [...after.keys()].filter(
            (id) => JSON.stringify(after.get(id)) !== JSON.stringify(before.get(id)),
        );
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

            const generations = () =>
                new Map(
                    kubectl
                        .items(["deployments.apps,statefulsets.apps", "-A"])
                        .map((o) => [objectId(o), (o.metadata as { generation?: number }).generation ?? 0]),
                );
            const genBefore = generations();
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
            const genAfter = generations();
            const rolled = [...genAfter.keys()].filter((id) => genAfter.get(id) !== genBefore.get(id));
            assert.deepEqual(rolled, ["apps/v1/Deployment/thoth-local-bots/review-manager"]);
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

    it("(e) no plaintext test secret in any ConfigMap, env value or other non-Secret object in the cluster", function () {
        if (!applied) this.skip();
        const namespaces = new Set(objects.filter((o) => o.kind === "Namespace").map((o) => o.metadata.name));
        const readBack = [
            ...kubectl
                .items([
                    "configmaps,deployments.apps,statefulsets.apps,cronjobs.batch,jobs.batch,pods,services," +
                        "serviceaccounts,roles.rbac.authorization.k8s.io,rolebindings.rbac.authorization.k8s.io," +
                        "ingresses.networking.k8s.io,routes.route.openshift.io,imagestreams.image.openshift.io",
                    "-A",
                ])
                .filter((o) => namespaces.has(o.metadata.namespace ?? "")),
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

    describe("checks of the real Pulumi engine", function () {
        const gaps = engineGaps();
        const reason =
            gaps.length > 0
                ? `the Go module proxy refuses (403) the modules of: ${gaps.join("; ")}`
                : "the engine tools are present, but these checks are not implemented yet";
        const short = gaps.length > 0 ? "no language host/provider plugins here" : "not implemented yet";
        before(function () {
            process.stdout.write(`      [e2e] engine checks SKIPPED: ${reason}\n`);
        });
        const engineCheck = (title: string) =>
            it(`${title} — SKIPPED (${short})`, function () {
                this.skip();
            });
        engineCheck(
            "pulumi up creates everything and every workload is Ready (pulumi preview of the real engine)",
        );
        engineCheck("a second pulumi preview --expect-no-changes passes");
        engineCheck(
            "one image tag change previews as exactly one update, no replacement, and pulumi up applies it",
        );
        engineCheck("pulumi stack export contains no plaintext secret value from config");
        engineCheck("pulumi destroy is refused while protected resources exist");
        engineCheck(
            "an interrupted pulumi up, then pulumi refresh and pulumi up, converges with nothing duplicated",
        );
        engineCheck(
            "the Callysto side previews against the OpenStack auth URL on loopback (delayed auth, no invokes)",
        );
    });
});
