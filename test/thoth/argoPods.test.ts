import { strict as assert } from "assert";
import fc from "fast-check";
import { parse } from "yaml";
import {
    RESTRICTED_VOLUME_TYPES,
    executorOf,
    podProblems,
    workflowPodViolations,
    workflowPods,
} from "./argoPod";
import {
    WORKFLOW_KINDS,
    WorkflowControllerSettings,
} from "../../components/thoth/station/modules/argoWorkflow";
import * as pulumi from "@pulumi/pulumi";
import { argoInstalls, controllerSettings } from "../../components/thoth/station/modules/argo";
import { PrescriptionsRefresh } from "../../components/thoth/station/modules/prescriptionsRefresh";
import { remoteTarget, restrictWorkflow } from "../../components/thoth/station/catalog/workflowCatalog";
import { answerKustomize } from "../../tools/mocks/recorder";
import { evaluateThoth } from "./parts";
import { thoth } from "../../components/thoth";
import { evaluatePart } from "../fixtures/part";
import { THOTH, planReads, planWorkflowAccount, stationModules } from "./fixtures";
import { COMMITTED_STACKS, manifestObjects, objectId, stackPlan } from "../fixtures/plans";

// Rendered manifests are read by path, as the plan holds them.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

const CRON_WORKFLOW = "kubernetes:argoproj.io/v1alpha1:CronWorkflow";

/** Every Kubernetes object a committed stack's plan renders for `kubectl apply`. */
async function plannedObjects(stack: (typeof COMMITTED_STACKS)[number]): Promise<Json[]> {
    const plan = await stackPlan(stack);
    return Object.entries(plan.files)
        .filter(([file]) => file.startsWith("kubernetes/"))
        .flatMap(([, text]) => manifestObjects<Json>(text).filter(Boolean));
}

/** The settings of each Argo install of a plan, by the namespace its controller watches. */
function controllersByNamespace(objects: readonly Json[]): Map<string, WorkflowControllerSettings> {
    return new Map(
        objects
            .filter((o) => o.kind === "ConfigMap" && o.metadata.name === "workflow-controller-configmap")
            .map((o) => [o.metadata.namespace, parse(o.data.config) as WorkflowControllerSettings]),
    );
}

/** A restricted-compliant pod: the starting point of the generated violations. */
function compliantPod(): Json {
    return {
        securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
        containers: [
            {
                name: "main",
                securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
            },
        ],
        volumes: [{ name: "config", configMap: { name: "x" } }],
    };
}

/**
 * One way each of breaking the restricted profile that the pre-check covers, applied to a compliant pod. The API
 * server's Pod Security admission refuses each of these and the Baseline controls the pre-check leaves to it (host
 * ports, /proc, sysctls, SELinux, Windows host processes): e2e/podSecurity.e2e.ts BREAKS.
 */
const BREAKS: Record<string, (pod: Json) => void> = {
    hostNetwork: (p) => (p.hostNetwork = true),
    hostPID: (p) => (p.hostPID = true),
    hostIPC: (p) => (p.hostIPC = true),
    hostPath: (p) => p.volumes.push({ name: "h", hostPath: { path: "/var/run/docker.sock" } }),
    nfs: (p) => p.volumes.push({ name: "n", nfs: { server: "s", path: "/" } }),
    privileged: (p) => (p.containers[0].securityContext.privileged = true),
    escalation: (p) => delete p.containers[0].securityContext.allowPrivilegeEscalation,
    escalationTrue: (p) => (p.containers[0].securityContext.allowPrivilegeEscalation = true),
    noDropAll: (p) => (p.containers[0].securityContext.capabilities.drop = ["NET_RAW"]),
    addCapability: (p) => (p.containers[0].securityContext.capabilities.add = ["SYS_PTRACE"]),
    rootAllowed: (p) => delete p.securityContext.runAsNonRoot,
    containerRoot: (p) => (p.containers[0].securityContext.runAsNonRoot = false),
    uidZero: (p) => (p.securityContext.runAsUser = 0),
    noSeccomp: (p) => delete p.securityContext.seccompProfile,
    unconfined: (p) => (p.containers[0].securityContext.seccompProfile = { type: "Unconfined" }),
    initRoot: (p) => (p.initContainers = [{ name: "init" }]),
};

describe("the offline pre-check of Argo's pods (podProblems; the API server's answer: e2e/podSecurity.e2e.ts)", () => {
    it("passes a compliant pod, however its compliant choices are spread between pod and containers", () => {
        fc.assert(
            fc.property(
                fc.constantFrom(...RESTRICTED_VOLUME_TYPES),
                fc.boolean(),
                fc.boolean(),
                fc.boolean(),
                (volumeType, nonRootOnContainer, seccompOnContainer, bindService) => {
                    const pod = compliantPod();
                    pod.volumes.push({ name: "v", [volumeType]: {} });
                    const sc = pod.containers[0].securityContext;
                    if (nonRootOnContainer) {
                        delete pod.securityContext.runAsNonRoot;
                        sc.runAsNonRoot = true;
                    }
                    if (seccompOnContainer) {
                        delete pod.securityContext.seccompProfile;
                        sc.seccompProfile = { type: "Localhost", localhostProfile: "p.json" };
                    }
                    if (bindService) sc.capabilities.add = ["NET_BIND_SERVICE"];
                    assert.deepEqual(podProblems(pod), []);
                },
            ),
        );
    });

    it("fails a pod broken in any one of the standard's controls it covers", () => {
        fc.assert(
            fc.property(fc.constantFrom(...Object.keys(BREAKS)), (control) => {
                const pod = compliantPod();
                BREAKS[control](pod);
                assert.notDeepEqual(podProblems(pod), [], control);
            }),
        );
    });
});

describe("Argo workflow pods (components/thoth/station/modules/argoPod.ts, v2.12.5's rules)", () => {
    const k8sapi: WorkflowControllerSettings = {
        containerRuntimeExecutor: "k8sapi",
        executor: {
            securityContext: {
                runAsNonRoot: true,
                allowPrivilegeEscalation: false,
                capabilities: { drop: ["ALL"] },
            },
        },
        workflowDefaults: {
            spec: { securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } } },
        },
    };
    const workflow = (template: Json): Json => ({
        kind: "Workflow",
        spec: {
            templates: [template, { name: "steps", steps: [[{ name: "a", template: template.name }]] }],
        },
    });
    const restricted = { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } };

    it("builds a wait container beside main, and an init container for scripts and input artifacts", () => {
        const [container]: Json[] = workflowPods(
            workflow({ name: "c", container: { image: "i", securityContext: restricted } }),
            k8sapi,
        );
        assert.deepEqual(
            container.pod!.containers.map((c: Json) => c.name),
            ["wait", "main"],
        );
        const [script]: Json[] = workflowPods(
            workflow({ name: "s", script: { image: "i", source: "x" } }),
            k8sapi,
        );
        assert.deepEqual(
            script.pod!.initContainers.map((c: Json) => c.name),
            ["init"],
        );
        const [resource]: Json[] = workflowPods(workflow({ name: "r", resource: { action: "get" } }), k8sapi);
        assert.deepEqual(
            resource.pod!.containers.map((c: Json) => c.name),
            ["main"],
            "a resource template's main container is the executor, without a wait container",
        );
    });

    it("passes a restricted template under k8sapi, and the docker default (hostPath docker.sock) fails it", () => {
        const wf = workflow({ name: "c", container: { image: "i", securityContext: restricted } });
        assert.deepEqual(workflowPodViolations(wf, k8sapi), []);
        const { containerRuntimeExecutor: _, ...unset } = k8sapi;
        for (const settings of [unset, { ...k8sapi, containerRuntimeExecutor: "docker" }]) {
            assert.equal(executorOf(settings), "docker");
            assert.match(workflowPodViolations(wf, settings).join("\n"), /docker-sock is a hostPath volume/);
        }
        assert.match(
            workflowPodViolations(wf, { ...k8sapi, containerRuntimeExecutor: "pns" }).join("\n"),
            /wait\): capabilities.add includes SYS_PTRACE/,
        );
    });

    it("fails a template the standard refuses, in its main container, sidecars or volumes", () => {
        const broken: Record<string, Json> = {
            privileged: {
                name: "p",
                container: { image: "i", securityContext: { ...restricted, privileged: true } },
            },
            unrestricted: { name: "u", container: { image: "i" } },
            sidecar: {
                name: "s",
                container: { image: "i", securityContext: restricted },
                sidecars: [{ name: "side", image: "i" }],
            },
            hostPath: {
                name: "h",
                container: {
                    image: "i",
                    securityContext: restricted,
                    volumeMounts: [{ name: "host", mountPath: "/h" }],
                },
                volumes: [{ name: "host", hostPath: { path: "/" } }],
            },
            rootPod: {
                name: "r",
                container: { image: "i", securityContext: restricted },
                securityContext: { runAsUser: 0 },
            },
            podSpecPatch: {
                name: "q",
                container: { image: "i", securityContext: restricted },
                podSpecPatch: '{"hostNetwork": true}',
            },
        };
        for (const [what, template] of Object.entries(broken)) {
            assert.notDeepEqual(workflowPodViolations(workflow(template), k8sapi), [], what);
        }
        const hostNetwork = workflow({ name: "c", container: { image: "i", securityContext: restricted } });
        hostNetwork.spec.hostNetwork = true;
        assert.match(workflowPodViolations(hostNetwork, k8sapi).join("\n"), /hostNetwork/);
    });

    it("gives a Workflow the controller's default securityContext only where it sets none", () => {
        const wf = workflow({ name: "c", container: { image: "i", securityContext: restricted } });
        wf.spec.securityContext = { runAsNonRoot: false };
        assert.match(workflowPodViolations(wf, k8sapi).join("\n"), /runAsNonRoot is not true/);
        const { workflowDefaults: _, ...noDefaults } = k8sapi;
        assert.match(
            workflowPodViolations(
                workflow({ name: "c", container: { image: "i", securityContext: restricted } }),
                noDefaults,
            ).join("\n"),
            /seccompProfile.type is unset/,
        );
    });
});

for (const stack of COMMITTED_STACKS) {
    describe(`every Argo workflow pod of the ${stack} plan`, () => {
        it("runs under an install with the executor the reference sets, and passes the pre-check", async () => {
            const objects = await plannedObjects(stack);
            const controllers = controllersByNamespace(objects);
            const workflows = objects.filter((o) => WORKFLOW_KINDS.includes(o.kind));
            assert.ok(workflows.length > 0, "the plan holds Workflow-kind objects to check");
            let pods = 0;
            const problems: string[] = [];
            for (const o of workflows) {
                const settings = controllers.get(o.metadata.namespace);
                if (!settings) {
                    problems.push(`${objectId(o)}: no Argo install in its namespace builds its pods`);
                    continue;
                }
                pods += workflowPods(o, settings).length;
                problems.push(...workflowPodViolations(o, settings).map((v) => `${objectId(o)}: ${v}`));
            }
            assert.deepEqual(problems, []);
            assert.ok(pods > 0, "at least one template becomes a pod");
            for (const [namespace, settings] of controllers) {
                assert.equal(executorOf(settings), "k8sapi", `the install of ${namespace}`);
            }
        });

        it("fails under the docker default and with a privileged template (the check's controls)", async () => {
            const objects = await plannedObjects(stack);
            const controllers = controllersByNamespace(objects);
            const workflows = objects.filter((o) => WORKFLOW_KINDS.includes(o.kind));
            for (const o of workflows) {
                const settings = controllers.get(o.metadata.namespace)!;
                const { containerRuntimeExecutor: _, ...docker } = settings;
                assert.match(workflowPodViolations(o, docker).join("\n"), /hostPath/, objectId(o));
                const privileged = structuredClone(o);
                const spec =
                    privileged.kind === "CronWorkflow" ? privileged.spec.workflowSpec : privileged.spec;
                const container = spec.templates.find((t: Json) => t.container).container;
                container.securityContext = { ...container.securityContext, privileged: true };
                assert.match(
                    workflowPodViolations(privileged, settings).join("\n"),
                    /privileged/,
                    objectId(o),
                );
            }
        });
    });
}

describe("the Argo installs' executors", () => {
    it("each install names the reference file that sets its executor", () => {
        for (const environment of ["stage", "test"] as const) {
            for (const plan of argoInstalls(environment)) {
                assert.equal(plan.executor.name, "k8sapi");
                assert.match(
                    plan.executor.source,
                    /^thoth-station\/thoth-application@f2cf35f51e9a1eaace66cb4c5a568f3e2ee02a8d:.+\/configmaps\.yaml/,
                );
            }
        }
    });
});

describe("prescriptions-refresh-job's CronWorkflows run under the backend install's controller (the tests' oracle)", () => {
    /** The six CronWorkflows as the stage stack registers them, and the backend install's settings. */
    const build = async () => {
        let controller: WorkflowControllerSettings | undefined;
        const resources = await evaluatePart(THOTH, thoth, "stage", undefined, (config, context) => {
            const namespace = "thoth-backend-stage";
            const [backend] = argoInstalls("stage");
            const shared = config.station!.modules!.shared;
            controller = controllerSettings(backend, namespace, shared, "openshift", "artifacts");
            new PrescriptionsRefresh("prescriptions", {
                config,
                context,
                namespace,
                namespaceRef: pulumi.output(namespace),
                image: "quay.io/thoth-station/prescriptions-refresh-job:v0.8.0",
                reads: planReads(namespace),
                account: planWorkflowAccount(namespace),
            });
        });
        return { crons: resources.filter((r) => r.type === CRON_WORKFLOW), controller: controller! };
    };

    it("the six pass the restricted standard under the install's settings", async () => {
        const { crons, controller } = await build();
        assert.equal(crons.length, 6);
        for (const c of crons)
            assert.deepEqual(workflowPodViolations({ kind: "CronWorkflow", ...c.inputs }, controller), []);
    });

    it("control: under the docker default each breaks it on the hostPath socket", async () => {
        const { crons, controller } = await build();
        const { containerRuntimeExecutor: _, ...docker } = controller;
        for (const c of crons) {
            const found = workflowPodViolations({ kind: "CronWorkflow", ...c.inputs }, docker);
            assert.ok(
                found.some((v) => /volume docker-sock is a hostPath volume/.test(v)),
                String(c.name),
            );
        }
    });
});

describe("the catalog's rendered Workflow-kind objects (restrictWorkflow, run by the catalog's transformation)", () => {
    const [backend] = argoInstalls("stage");
    const settings = controllerSettings(
        backend,
        "thoth-backend-stage",
        {
            deploymentName: "ocp4-stage",
            applicationVersion: "0.7.0",
            loggingNoJson: true,
            forkNamespace: "srcsops",
            ceph: { host: "https://s3.example.org/", bucket: "thoth", prefix: "data", publicBucket: "B" },
            kafka: { bootstrapServers: "k:443", protocol: "SSL", clientId: "c", topicRetentionTime: 1 },
            prometheus: {
                hostUrl: "https://p.example.org",
                pushgatewayHost: "pg.example.org",
                pushgatewayPort: 80,
            },
            solvers: ["solver-rhel-8-py38"],
            pulpHost: "pulp.example.org",
        },
        "openshift",
        "argo-artifact-repository-secrets",
    );
    // The shape of the reference's templates (thoth-application@f2cf35f core/base/argo-workflows/send-webhooks.yaml,
    // amun/base/argo-workflows/inspection-run.yaml): no securityContext anywhere, a podSpecPatch setting the account or
    // the main container's resources.
    const rendered = (template: Json): Json => ({
        apiVersion: "argoproj.io/v1alpha1",
        kind: "WorkflowTemplate",
        metadata: { name: "t", namespace: "thoth-backend-stage" },
        spec: { templates: [template] },
    });

    it("runs the reference's template shapes under the install's controller once their containers are restricted", () => {
        for (const template of [
            {
                name: "send",
                podSpecPatch: '{"serviceAccountName": "send-webhooks"}',
                container: { image: "i" },
            },
            {
                name: "run",
                podSpecPatch:
                    '{"containers": [{"name": "main", "resources": {"limits": {"cpu": "{{inputs.parameters.cpu}}"}}}]}',
                script: { image: "i", source: "x" },
                sidecars: [{ name: "side", image: "i" }],
            },
        ]) {
            const object = rendered(template);
            assert.notDeepEqual(
                workflowPodViolations(object, settings),
                [],
                "as rendered, the pods break it",
            );
            restrictWorkflow(object);
            assert.deepEqual(workflowPodViolations(object, settings), [], template.name);
        }
    });

    it("refuses what restricting cannot fix: a privileged container, a patch that makes one, a patch it cannot read", () => {
        const refusals = [
            { name: "p", container: { image: "i", securityContext: { privileged: true } } },
            {
                name: "q",
                container: { image: "i" },
                podSpecPatch: '{"containers": [{"name": "main", "securityContext": {"privileged": true}}]}',
            },
            { name: "h", container: { image: "i" }, podSpecPatch: '{"hostPID": true}' },
            { name: "r", container: { image: "i" }, podSpecPatch: "{{workflow.parameters.patch}}" },
        ];
        for (const template of refusals) {
            const object = rendered(template);
            restrictWorkflow(object);
            const found = workflowPodViolations(object, settings);
            assert.notDeepEqual(found, [], template.name);
            assert.ok(found.every((f) => f.startsWith("template ")));
        }
    });
});

describe("the catalog restricts what it renders, at preview and up", function () {
    this.timeout(120_000);
    const PIN = "f2cf35f51e9a1eaace66cb4c5a568f3e2ee02a8d";
    const REPO = "https://github.com/thoth-station/thoth-application";
    const WORKFLOW_TEMPLATE = "kubernetes:argoproj.io/v1alpha1:WorkflowTemplate";
    /** adviser's base rendering one WorkflowTemplate with `container` (it lands in thoth-backend-stage). */
    const renderAdviser = (container: Json) =>
        answerKustomize({
            [remoteTarget(REPO, "adviser/base", PIN)]: [
                {
                    apiVersion: "argoproj.io/v1alpha1",
                    kind: "WorkflowTemplate",
                    metadata: { name: "advise" },
                    spec: { templates: [{ name: "advise", container }] },
                },
            ],
        });
    const run = async (container: Json) => {
        renderAdviser(container);
        try {
            return await evaluateThoth("stage", { change: stationModules });
        } finally {
            answerKustomize();
        }
    };

    it("registers an upstream template with its containers restricted", async () => {
        const resources = await run({ image: "adviser:latest" });
        const advise = resources.find(
            (r) => r.type === WORKFLOW_TEMPLATE && (r.inputs.metadata as Json).name === "advise",
        );
        assert.ok(advise, "the rendered WorkflowTemplate is registered");
        assert.deepEqual((advise.inputs.spec as Json).templates[0].container.securityContext, {
            allowPrivilegeEscalation: false,
            capabilities: { drop: ["ALL"] },
        });
    });
});
