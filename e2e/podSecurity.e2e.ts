import * as assert from "assert";
import { existsSync } from "fs";
import * as https from "https";
import * as path from "path";
import { setTimeout as sleep } from "node:timers/promises";
import { KubeConfig } from "@kubernetes/client-node";
import { parse } from "yaml";
import {
    WORKFLOW_KINDS,
    WorkflowControllerSettings,
    isObj,
    listAt,
    objectAt,
} from "../components/thoth/station/modules/argoWorkflow";
import { workflowPods } from "../test/thoth/argoPod";
import { planStack } from "../tools/plan/run";
import { Kubectl } from "./kube";
import { BIN, ROOT, kwokCluster, kwokKubeconfig } from "./localStack";

// The platform's answer instead of a copy of it: the Pod Security Standards are what the API server's Pod Security
// admission enforces, so every pod the program would run is created with dryRun=All in a namespace that enforces the
// level the program claims for it, on a real kube-apiserver (kwok, 127.0.0.1). Only the API server is needed: the
// offline plans give the pods, test/thoth/argoPod.ts the pods Argo would build from the plans' Workflows; no engine runs.

type Json = Record<string, unknown>;

const CLUSTER_NAME = "runbooks-e2e-psa";
/** The committed stacks and the local one: what `npm run plan -- --stack <s>` renders. */
const STACKS = ["stage", "prod", "local"] as const;
/** The program's claim for a pod whose namespace carries no enforce label: restricted (components/shared/security.ts). */
const CLAIMED_LEVEL = "restricted";
const ENFORCE = "pod-security.kubernetes.io/enforce";
/** The kinds whose pod template becomes pods; anything else with a pod template fails the test until it is added. */
const TEMPLATE_KINDS = ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "DeploymentConfig"];

/** One pod the program would run, as the API server is asked about it. */
interface PodCase {
    /** Who makes it: `<stack> <kind> <namespace>/<name>` (and the Argo template). */
    id: string;
    /** The Pod Security level its namespace enforces (the program's claim for it). */
    level: string;
    metadata: Json;
    spec: Json;
}

/** The pod template of a workload (a CronJob's job's), if it has one. */
function podTemplateOf(o: Json): Json | undefined {
    const spec = objectAt(o, "spec");
    if (o.kind === "CronJob") return objectAt(objectAt(objectAt(spec, "jobTemplate"), "spec"), "template");
    return isObj(spec.template) && isObj(spec.template.spec) ? spec.template : undefined;
}

/**
 * A StatefulSet's pod spec as its controller makes the first pod: each volumeClaimTemplate becomes the volume of the
 * same name, on that pod's claim (kubernetes pkg/controller/statefulset/stateful_set_utils.go updateStorage).
 */
function withClaims(set: Json, spec: Json): Json {
    const claims = listAt(objectAt(set, "spec"), "volumeClaimTemplates").filter(isObj);
    const names = claims.map((c) => String(metadataOf(c).name));
    const volumes = listAt(spec, "volumes").filter((v) => !isObj(v) || !names.includes(String(v.name)));
    const claimName = (name: string) => `${name}-${String(metadataOf(set).name)}-0`;
    return {
        ...spec,
        volumes: [
            ...volumes,
            ...names.map((name) => ({ name, persistentVolumeClaim: { claimName: claimName(name) } })),
        ],
    };
}

const metadataOf = (o: Json) =>
    objectAt(o, "metadata") as { name?: string; namespace?: string; labels?: Json };
const idOf = (stack: string, o: Json) =>
    `${stack} ${String(o.kind)} ${metadataOf(o).namespace ?? ""}/${metadataOf(o).name ?? ""}`;

/** The settings of the Argo install whose controller builds the pods of `namespace`'s Workflows. */
function controllerOf(objects: readonly Json[], namespace: unknown): WorkflowControllerSettings | undefined {
    const config = objects.find(
        (o) =>
            o.kind === "ConfigMap" &&
            metadataOf(o).name === "workflow-controller-configmap" &&
            metadataOf(o).namespace === namespace,
    );
    return config && (parse(String(objectAt(config, "data").config)) as WorkflowControllerSettings);
}

/** The `--executor-image` the Argo controller of `namespace` puts into its pods (test/thoth/argoPod.ts leaves images out). */
function executorImage(objects: readonly Json[], namespace: string): string {
    for (const o of objects.filter((x) => x.kind === "Deployment" && metadataOf(x).namespace === namespace)) {
        const containers = listAt(objectAt(podTemplateOf(o) ?? {}, "spec"), "containers").filter(isObj);
        for (const args of containers.map((c) => listAt(c, "args").map(String))) {
            const i = args.indexOf("--executor-image");
            if (i >= 0) return args[i + 1];
        }
    }
    throw new Error(`no Argo controller in ${namespace} names its executor image`);
}

/** Every pod of one stack's plan: each workload's template, and each pod Argo would build from its Workflows. */
function stackPods(stack: string, objects: readonly Json[]): { pods: PodCase[]; problems: string[] } {
    const levels = new Map(
        objects
            .filter((o) => o.kind === "Namespace")
            .map((o) => [metadataOf(o).name, String(metadataOf(o).labels?.[ENFORCE] ?? CLAIMED_LEVEL)]),
    );
    const levelOf = (namespace: unknown) => levels.get(String(namespace)) ?? CLAIMED_LEVEL;
    const pods: PodCase[] = [];
    const problems: string[] = [];
    for (const o of objects) {
        const template = podTemplateOf(o);
        if (!template) continue;
        if (o.kind !== "CronJob" && !TEMPLATE_KINDS.includes(String(o.kind))) {
            problems.push(`${idOf(stack, o)}: a pod template of a kind this check does not know`);
            continue;
        }
        const { labels, annotations } = objectAt(template, "metadata");
        pods.push({
            id: idOf(stack, o),
            level: levelOf(metadataOf(o).namespace),
            metadata: { labels, annotations },
            spec:
                o.kind === "StatefulSet"
                    ? withClaims(o, objectAt(template, "spec"))
                    : objectAt(template, "spec"),
        });
    }
    for (const o of objects.filter((x) => WORKFLOW_KINDS.includes(String(x.kind)))) {
        const namespace = metadataOf(o).namespace;
        const settings = controllerOf(objects, namespace);
        if (!settings) {
            problems.push(`${idOf(stack, o)}: no Argo install in its namespace builds its pods`);
            continue;
        }
        pods.push(
            ...argoPods(
                `${idOf(stack, o)}`,
                o,
                settings,
                executorImage(objects, namespace!),
                levelOf(namespace),
            ),
        );
    }
    return { pods, problems };
}

/** The pods Argo would build for a Workflow-kind object, its executor's containers given the controller's image. */
function argoPods(
    id: string,
    o: Json,
    settings: WorkflowControllerSettings,
    image: string,
    level: string,
): PodCase[] {
    return workflowPods(o, settings).map((p) => {
        // A pod no plan can show (a podSpecPatch made at run time) fails the e2e: nobody could check it.
        if (!p.pod) throw new Error(`${id} template ${p.template}: ${p.unknowable}`);
        const withImage = (c: unknown) => (isObj(c) && c.image === undefined ? { ...c, image } : c);
        return {
            id: `${id} template ${p.template}`,
            level,
            metadata: { labels: { "workflows.argoproj.io/workflow": String(metadataOf(o).name) } },
            spec: {
                ...p.pod,
                initContainers: listAt(p.pod, "initContainers").map(withImage),
                containers: listAt(p.pod, "containers").map(withImage),
            },
        };
    });
}

/** A pod spec's containers and init containers. */
const containersOf = (spec: Json): Json[] =>
    [...listAt(spec, "initContainers"), ...listAt(spec, "containers")].filter(isObj);

/** Asserts that Pod Security refused pod `id`, naming `control`. */
function refusedFor(refused: ReadonlyMap<string, string>, id: string, control: RegExp): void {
    const why = refused.get(id) ?? "admitted";
    assert.match(why, /violates PodSecurity "restricted:latest"/, `${id}: ${why}`);
    assert.match(why, control, `${id}: ${why}`);
}

/** The namespace of this test that enforces `level`. */
const namespaceFor = (level: string) => `psa-${level}`;

/**
 * The API server's answer to creating each pod with dryRun=All: a refusal (HTTP code and message) by pod id, or
 * nothing. The pod is sent as plain JSON, not through the client's typed models, which drop fields they do not know
 * (a dropped field would be admitted unseen); fieldValidation=Strict refuses any field the server does not know.
 */
async function admission(kc: KubeConfig, pods: readonly PodCase[]): Promise<Map<string, string>> {
    const server = new URL(kc.getCurrentCluster()!.server);
    const refusals = new Map<string, string>();
    const ask = async (pod: PodCase, i: number): Promise<void> => {
        const opts: https.RequestOptions = {
            method: "POST",
            hostname: server.hostname,
            port: server.port,
            path: `/api/v1/namespaces/${namespaceFor(pod.level)}/pods?dryRun=All&fieldValidation=Strict`,
            headers: { "Content-Type": "application/json", Accept: "application/json" },
        };
        await kc.applyToHTTPSOptions(opts);
        const body = JSON.stringify({
            apiVersion: "v1",
            kind: "Pod",
            metadata: { ...pod.metadata, name: `pod-${i}` },
            spec: pod.spec,
        });
        const answer = await new Promise<{ code: number; text: string }>((resolve, reject) => {
            const req = https.request(opts, (res) => {
                let text = "";
                res.setEncoding("utf8");
                res.on("data", (d: string) => (text += d));
                res.on("end", () => resolve({ code: res.statusCode ?? 0, text }));
            });
            req.on("error", reject);
            req.end(body);
        });
        if (answer.code >= 200 && answer.code < 300) return;
        let message = answer.text;
        try {
            message = String((JSON.parse(answer.text) as { message?: unknown }).message ?? answer.text);
        } catch {
            // not a Status: its text is the message
        }
        refusals.set(pod.id, `HTTP ${answer.code}: ${message}`);
    };
    // A few requests at a time: the API server shares two cores with the rest of the run.
    const queue = pods.map((pod, i) => () => ask(pod, i));
    await Promise.all(
        Array.from({ length: 6 }, async () => {
            for (let next = queue.shift(); next; next = queue.shift()) await next();
        }),
    );
    return refusals;
}

/** A pod spec whose first container's securityContext the controls edit. */
type ControlSpec = Json & {
    securityContext: Json;
    containers: (Json & { securityContext: Json })[];
    volumes: Json[];
};

/** The spec of a pod every level admits: the controls' starting point. */
function compliantSpec(): ControlSpec {
    return {
        securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
        containers: [
            {
                name: "main",
                image: "registry.invalid/control:1",
                securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
            },
        ],
        volumes: [{ name: "config", configMap: { name: "x" } }],
    };
}

const main = (p: ControlSpec) => p.containers[0].securityContext;
/** A control pod: `spec` in the claimed level's namespace. */
const control = (id: string, spec: Json): PodCase => ({ id, level: CLAIMED_LEVEL, metadata: {}, spec });

/**
 * One way each of breaking the restricted profile (the controls the hand-written copy of it had), with what the
 * server's refusal names. Where validation alone would refuse the pod (privileged with allowPrivilegeEscalation false,
 * an unmasked /proc without a user namespace, a host process outside the host network) the pod is made valid first,
 * so that Pod Security is what refuses it.
 */
const BREAKS: Record<string, [(p: ControlSpec) => void, RegExp]> = {
    hostNetwork: [(p) => (p.hostNetwork = true), /host namespaces/],
    hostPID: [(p) => (p.hostPID = true), /host namespaces/],
    hostIPC: [(p) => (p.hostIPC = true), /host namespaces/],
    hostPath: [(p) => p.volumes.push({ name: "h", hostPath: { path: "/var/run/docker.sock" } }), /hostPath/],
    nfs: [(p) => p.volumes.push({ name: "n", nfs: { server: "s", path: "/" } }), /restricted volume types/],
    privileged: [
        (p) => {
            delete main(p).allowPrivilegeEscalation;
            main(p).privileged = true;
        },
        /privileged/,
    ],
    escalation: [(p) => delete main(p).allowPrivilegeEscalation, /allowPrivilegeEscalation != false/],
    escalationTrue: [(p) => (main(p).allowPrivilegeEscalation = true), /allowPrivilegeEscalation != false/],
    noDropAll: [(p) => (main(p).capabilities = { drop: ["NET_RAW"] }), /unrestricted capabilities/],
    addCapability: [
        (p) => (main(p).capabilities = { drop: ["ALL"], add: ["SYS_PTRACE"] }),
        /capabilities.*SYS_PTRACE/,
    ],
    rootAllowed: [(p) => delete p.securityContext.runAsNonRoot, /runAsNonRoot != true/],
    containerRoot: [(p) => (main(p).runAsNonRoot = false), /runAsNonRoot != true/],
    uidZero: [(p) => (p.securityContext.runAsUser = 0), /runAsUser=0/],
    noSeccomp: [(p) => delete p.securityContext.seccompProfile, /seccompProfile/],
    unconfined: [(p) => (main(p).seccompProfile = { type: "Unconfined" }), /seccompProfile/],
    hostPort: [(p) => (p.containers[0].ports = [{ containerPort: 80, hostPort: 80 }]), /hostPort/],
    procMount: [
        (p) => {
            p.hostUsers = false;
            main(p).procMount = "Unmasked";
        },
        /procMount/,
    ],
    sysctl: [(p) => (p.securityContext.sysctls = [{ name: "kernel.msgmax", value: "1" }]), /sysctls/],
    selinuxUser: [(p) => (p.securityContext.seLinuxOptions = { user: "system_u" }), /seLinuxOptions/],
    hostProcess: [
        (p) => {
            p.hostNetwork = true;
            p.securityContext.windowsOptions = { hostProcess: true };
        },
        /hostProcess/,
    ],
    initRoot: [
        (p) => (p.initContainers = [{ name: "init", image: "registry.invalid/control:1" }]),
        /container "init"/,
    ],
};

describe("Pod Security admission (restricted) admits every pod the program runs (kwok, 127.0.0.1)", function () {
    const missing = ["kubectl", "kube-apiserver", "kube-controller-manager", "etcd", "kwokctl"].filter(
        (b) => !existsSync(path.join(BIN, b)),
    );
    let started = false;
    let kc: KubeConfig;
    const planned: Record<string, { pods: PodCase[]; problems: string[]; objects: Json[] }> = {};

    before(async function () {
        if (missing.length > 0) {
            process.stdout.write(
                `      [psa] SKIPPED: toolchain incomplete, missing in ${BIN}: ${missing.join(", ")} (npm run e2e:tools)\n`,
            );
            this.skip();
        }
        // The offline plans first: each is the whole program under the recording mocks, no cluster involved.
        for (const stack of STACKS) {
            const t0 = Date.now();
            const plan = await planStack(stack, ROOT);
            const objects = Object.values(plan.kubernetes).flat() as Json[];
            planned[stack] = { ...stackPods(stack, objects), objects };
            process.stdout.write(
                `      [psa] plan of ${stack}: ${planned[stack].pods.length} pods in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`,
            );
        }
        kwokCluster(CLUSTER_NAME, "stop");
        started = true;
        kwokCluster(CLUSTER_NAME, "start");
        const kubectl = new Kubectl(kwokKubeconfig(CLUSTER_NAME));
        kc = new KubeConfig();
        kc.loadFromFile(kwokKubeconfig(CLUSTER_NAME));
        const pods = Object.values(planned).flatMap((p) => p.pods);
        const levels = [...new Set([CLAIMED_LEVEL, ...pods.map((p) => p.level)])];
        // Each pod's ServiceAccount must exist, or the ServiceAccount admission refuses it before Pod Security asks.
        const accounts = [
            ...new Set(pods.map((p) => p.spec.serviceAccountName ?? p.spec.serviceAccount).filter(Boolean)),
        ].map(String);
        const items = levels.flatMap((level) => [
            {
                apiVersion: "v1",
                kind: "Namespace",
                metadata: {
                    name: namespaceFor(level),
                    labels: { [ENFORCE]: level, [`${ENFORCE}-version`]: "latest" },
                },
            },
            ...accounts.map((name) => ({
                apiVersion: "v1",
                kind: "ServiceAccount",
                metadata: { name, namespace: namespaceFor(level) },
            })),
        ]);
        kubectl.ok(["apply", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "List", items }));
        // `default` comes from kube-controller-manager's ServiceAccount controller, shortly after the namespace.
        for (const level of levels) {
            const deadline = Date.now() + 60_000;
            while (kubectl.run(["get", "serviceaccount/default", "-n", namespaceFor(level)]).status !== 0) {
                if (Date.now() > deadline)
                    throw new Error(`no default ServiceAccount in ${namespaceFor(level)}`);
                await sleep(500);
            }
        }
    });

    after(function () {
        if (started) kwokCluster(CLUSTER_NAME, "stop");
    });

    for (const stack of STACKS) {
        it(`admits every pod of the ${stack} plan: each workload's template and each pod Argo would build`, async () => {
            const { pods, problems } = planned[stack];
            assert.deepEqual(problems, []);
            assert.ok(pods.length > 0, "the plan runs pods");
            assert.ok(
                pods.some((p) => p.id.includes(" template ")),
                "the plan holds Argo workflows whose pods are checked",
            );
            const refused = await admission(kc, pods);
            assert.deepEqual(
                [...refused].map(([id, why]) => `${id}: ${why}`),
                [],
                `the API server refuses ${refused.size} of ${pods.length} pods`,
            );
            const argo = pods.filter((p) => p.id.includes(" template ")).length;
            const levels = [...new Set(pods.map((p) => p.level))].join(", ");
            process.stdout.write(
                `      [psa] ${stack}: ${pods.length} pods admitted (${pods.length - argo} workload templates, ${argo} Argo pods) at ${levels}\n`,
            );
        });
    }

    it("refuses a pod broken in any one control of the standard (the check's controls)", async () => {
        const controls = Object.entries(BREAKS).map(([id, [breakIt]]) => {
            const spec = compliantSpec();
            breakIt(spec);
            return control(id, spec);
        });
        const refused = await admission(kc, [control("compliant", compliantSpec()), ...controls]);
        assert.equal(refused.get("compliant"), undefined, "the compliant starting point is admitted");
        for (const [control, [, names]] of Object.entries(BREAKS)) {
            refusedFor(refused, control, names);
        }
    });

    it("refuses every pod of the plans once made privileged, and once left to run as root (the check fails on them)", async () => {
        const pods = Object.values(planned).flatMap((p) => p.pods);
        const privileged = pods.map((pod) => {
            const spec = structuredClone(pod.spec);
            for (const c of containersOf(spec)) {
                // Validation alone refuses privileged with allowPrivilegeEscalation false: Pod Security must refuse it.
                const { allowPrivilegeEscalation: _, ...sc } = objectAt(c, "securityContext");
                c.securityContext = { ...sc, privileged: true };
            }
            return control(`privileged: ${pod.id}`, spec);
        });
        const root = pods.map((pod) => {
            const spec = structuredClone(pod.spec);
            for (const o of [spec, ...containersOf(spec)]) delete objectAt(o, "securityContext").runAsNonRoot;
            return control(`runAsNonRoot unset: ${pod.id}`, spec);
        });
        const refused = await admission(kc, [...privileged, ...root]);
        for (const p of privileged) refusedFor(refused, p.id, /privileged/);
        for (const p of root) refusedFor(refused, p.id, /runAsNonRoot != true/);
        process.stdout.write(
            `      [psa] ${privileged.length} privileged and ${root.length} root pods refused\n`,
        );
    });

    it("refuses the pods Argo would build under its default executor (docker: the node's socket as a hostPath)", async () => {
        const { objects } = planned.stage;
        const workflows = objects.filter((o) => WORKFLOW_KINDS.includes(String(o.kind)));
        const dockerPods = workflows.flatMap((workflow) => {
            const namespace = metadataOf(workflow).namespace!;
            const { containerRuntimeExecutor: _, ...docker } = controllerOf(objects, namespace)!;
            return argoPods(
                `docker: ${idOf("stage", workflow)}`,
                workflow,
                docker,
                executorImage(objects, namespace),
                CLAIMED_LEVEL,
            );
        });
        assert.ok(dockerPods.length > 0);
        const refused = await admission(kc, dockerPods);
        for (const p of dockerPods)
            refusedFor(refused, p.id, /volume "docker-sock" uses restricted volume type "hostPath"/);
    });
});
