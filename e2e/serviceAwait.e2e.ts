import * as assert from "assert";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { EngineEvent, LocalWorkspace, PulumiCommand, Stack } from "@pulumi/pulumi/automation";
import { SERVICE_AWAIT_ANNOTATIONS, podServiceArgs } from "../components/shared/service";
import { detectToolchain, pulumiCommandOf } from "./engine";
import { Kubectl } from "./kube";
import { kwokCluster, kwokKubeconfig } from "./localStack";

// The program leaves a Service's readiness to the workload it selects (components/shared/service.ts): the provider's
// Service await is skipped. What that must not cost, proved on the real engine and provider: a workload whose pods
// never come still fails the `up` (its own await), and the Service no longer holds back what refers to it for the
// ten seconds the provider's await adds after its endpoints settle (a control with the await kept shows them).

const CLUSTER_NAME = "runbooks-e2e-await";
/** How long the broken workload's own await may take before the up fails (the provider's default is 10 minutes). */
const ROLLOUT_TIMEOUT = "40s";
/** The provider's settle time after an Endpoints event (pulumi-kubernetes@a03ff6b provider/pkg/await/service.go). */
const SETTLE_SECONDS = 10;

type Case = { namespace: string; broken: boolean; serviceAnnotations: Record<string, string> };

/** One Deployment, the Service over its pods as the program writes it, and a ConfigMap naming the Service's host. */
function program(kubeconfig: string, c: Case): () => Promise<void> {
    return async () => {
        const provider = new k8s.Provider("kwok", { kubeconfig: readFileSync(kubeconfig, "utf8") });
        const opts = { provider };
        const ns = new k8s.core.v1.Namespace("ns", { metadata: { name: c.namespace } }, opts);
        // A quota of no pods: the ReplicaSet's creates are refused, as for a pod the cluster can never run.
        const quota = c.broken
            ? [
                  new k8s.core.v1.ResourceQuota(
                      "no-pods",
                      {
                          metadata: { name: "no-pods", namespace: ns.metadata.name },
                          spec: { hard: { pods: "0" } },
                      },
                      opts,
                  ),
              ]
            : [];
        const app = { name: "web", partOf: "await-proof" };
        const selector = { "app.kubernetes.io/name": "web" };
        new k8s.apps.v1.Deployment(
            "web",
            {
                metadata: { name: "web", namespace: ns.metadata.name },
                spec: {
                    replicas: 1,
                    selector: { matchLabels: selector },
                    template: {
                        metadata: { labels: selector },
                        spec: {
                            containers: [
                                {
                                    name: "web",
                                    image: "registry.invalid/web:1",
                                    ports: [{ containerPort: 8080 }],
                                },
                            ],
                        },
                    },
                },
            },
            { ...opts, dependsOn: quota, customTimeouts: { create: ROLLOUT_TIMEOUT } },
        );
        const args = podServiceArgs({
            name: "web",
            namespace: ns.metadata.name,
            app,
            spec: { selector, ports: [{ name: "http", port: 80, targetPort: 8080 }] },
        });
        const service = new k8s.core.v1.Service(
            "web",
            { ...args, metadata: { ...args.metadata, annotations: c.serviceAnnotations } },
            opts,
        );
        new k8s.core.v1.ConfigMap(
            "client",
            {
                metadata: { name: "client", namespace: ns.metadata.name },
                data: { url: pulumi.interpolate`http://${service.metadata.name}.${c.namespace}.svc` },
            },
            opts,
        );
    };
}

/** Seconds from a resource's pre-event to its outputs event, by type token, of one up's engine events. */
function stepSeconds(events: readonly EngineEvent[]): Map<string, number> {
    const started = new Map<string, number>();
    const took = new Map<string, number>();
    for (const e of events) {
        const urn = e.resourcePreEvent?.metadata.urn ?? e.resOutputsEvent?.metadata.urn;
        if (!urn) continue;
        const type = urn.split("::")[2];
        if (e.resourcePreEvent) started.set(urn, e.timestamp);
        else if (started.has(urn)) took.set(type, e.timestamp - started.get(urn)!);
    }
    return took;
}

describe("a Service's readiness is its workload's (real engine, kwok, 127.0.0.1)", function () {
    const tools = detectToolchain(["kubernetes"]);
    let workDir: string;
    let kubectl: Kubectl;
    let started = false;
    let pulumiCommand: PulumiCommand;

    before(async function () {
        if (tools.missing.length > 0) {
            process.stdout.write(
                `      [await] SKIPPED: missing ${tools.missing.join("; ")} (npm run e2e:tools)\n`,
            );
            this.skip();
        }
        workDir = mkdtempSync(path.join(tmpdir(), "runbooks-await-"));
        mkdirSync(path.join(workDir, "tmp"));
        kwokCluster(CLUSTER_NAME, "stop");
        started = true;
        kwokCluster(CLUSTER_NAME, "start");
        kubectl = new Kubectl(kwokKubeconfig(CLUSTER_NAME));
        pulumiCommand = await pulumiCommandOf(tools);
    });

    after(function () {
        if (started) kwokCluster(CLUSTER_NAME, "stop");
        if (workDir) rmSync(workDir, { recursive: true, force: true });
    });

    async function stackFor(c: Case): Promise<Stack> {
        const backend = path.join(workDir, c.namespace);
        return LocalWorkspace.createOrSelectStack(
            {
                stackName: "proof",
                projectName: `await-${c.namespace}`,
                program: program(kubectl.kubeconfig, c),
            },
            {
                pulumiCommand,
                pulumiHome: tools.pulumiHome,
                envVars: {
                    PATH: `${tools.cliDir}${path.delimiter}${process.env.PATH ?? ""}`,
                    PULUMI_BACKEND_URL: `file://${backend}`,
                    PULUMI_CONFIG_PASSPHRASE: "await-proof",
                    // The provider writes its kubeconfig to temporary files: they go with the work directory.
                    TMPDIR: path.join(workDir, "tmp"),
                },
                workDir: mkdtempSync(path.join(workDir, "ws-")),
            },
        );
    }

    async function up(c: Case): Promise<{ ok: boolean; output: string; steps: Map<string, number> }> {
        rmSync(path.join(workDir, c.namespace), { recursive: true, force: true });
        mkdirSync(path.join(workDir, c.namespace), { recursive: true });
        const stack = await stackFor(c);
        const events: EngineEvent[] = [];
        try {
            const res = await stack.up({ onEvent: (e) => events.push(e) });
            return { ok: true, output: res.stdout, steps: stepSeconds(events) };
        } catch (e) {
            return { ok: false, output: String(e), steps: stepSeconds(events) };
        }
    }

    it("a workload whose pods never come fails the up on its own await; the Service and its referrer are created", async function () {
        const res = await up({
            namespace: "broken",
            broken: true,
            serviceAnnotations: { ...SERVICE_AWAIT_ANNOTATIONS },
        });
        assert.equal(
            res.ok,
            false,
            `the up passed with a Deployment that has no pod:\n${res.output.slice(-2000)}`,
        );
        assert.match(res.output, /apps\/v1:Deployment.*web|Deployment.*"?web"?/);
        assert.match(kubectl.ok(["get", "service", "web", "-n", "broken", "-o", "name"]), /service\/web/);
        assert.match(
            kubectl.ok(["get", "configmap", "client", "-n", "broken", "-o", "name"]),
            /configmap\/client/,
        );
        assert.equal(kubectl.ok(["get", "pods", "-n", "broken", "-o", "name"]).trim(), "", "no pod may run");
    });

    it(`a healthy workload: its Service is created without the provider's ${SETTLE_SECONDS} s settle; with the await kept (control) it takes them`, async function () {
        const skipped = await up({
            namespace: "healthy",
            broken: false,
            serviceAnnotations: { ...SERVICE_AWAIT_ANNOTATIONS },
        });
        assert.ok(skipped.ok, skipped.output.slice(-2000));
        const awaited = await up({ namespace: "awaited", broken: false, serviceAnnotations: {} });
        assert.ok(awaited.ok, awaited.output.slice(-2000));
        const service = "kubernetes:core/v1:Service";
        const fast = skipped.steps.get(service);
        const slow = awaited.steps.get(service);
        process.stdout.write(`      [await] Service step: ${fast} s skipped, ${slow} s awaited (control)\n`);
        assert.ok(fast !== undefined && slow !== undefined, "both ups report the Service's step");
        assert.ok(
            slow >= SETTLE_SECONDS,
            `the control's Service took ${slow} s: the provider's await no longer settles`,
        );
        assert.ok(fast < SETTLE_SECONDS, `the Service took ${fast} s with its await skipped`);
    });
});
