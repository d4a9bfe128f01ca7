// The pack's workload rules on hand-made objects: which containers serve, budgets per workload, deadlines, CPU.
import { strict as assert } from "assert";
import { checkResources } from "../../policy/rules";
import type { PolicyInput } from "../../policy/rules/types";
import { templateLabels } from "../../policy/rules/podTemplate";
import {
    cpuRequests,
    cronJobDeadline,
    disruptionBudgets,
    readinessOnServing,
    serviceSelectsPods,
    servingContainers,
} from "../../policy/rules/workloads";

const CONTEXT = { production: true };
const PROVIDER = "urn:pulumi:prod::runbooks::pulumi:providers:kubernetes::cluster-psi";
let n = 0;

function obj(type: string, props: Record<string, unknown>, provider = PROVIDER): PolicyInput {
    return { type, props, urn: `urn:pulumi:prod::runbooks::${type}::r${n++}`, protect: false, provider };
}

const LABELS = { app: "web" };
const probe = { tcpSocket: { port: 8080 } };

function deployment(containers: Record<string, unknown>[], replicas = 1, namespace = "ns"): PolicyInput {
    return obj("kubernetes:apps/v1:Deployment", {
        metadata: { name: "web", namespace },
        spec: { replicas, template: { metadata: { labels: LABELS }, spec: { containers } } },
    });
}

function service(
    targetPort: unknown,
    selector: Record<string, string> = LABELS,
    namespace = "ns",
): PolicyInput {
    return obj("kubernetes:core/v1:Service", {
        metadata: { name: "web", namespace },
        spec: { selector, ports: [{ port: 80, targetPort }] },
    });
}

function budget(spec: Record<string, unknown>, namespace = "ns"): PolicyInput {
    return obj("kubernetes:policy/v1:PodDisruptionBudget", { metadata: { name: "web", namespace }, spec });
}

describe("policy rules of workloads", () => {
    const app = { name: "app", ports: [{ name: "http", containerPort: 8080 }] };
    const sidecar = { name: "sidecar", ports: [{ name: "metrics", containerPort: 9090 }] };

    it("readiness-on-serving: finds the targeted container by port name or number, in the Service's namespace only", () => {
        const w = deployment([app, sidecar]);
        assert.deepEqual([...servingContainers(w, [w, service("http")]).keys()], ["app"]);
        assert.deepEqual([...servingContainers(w, [w, service(9090)]).keys()], ["sidecar"]);
        // A number no container declares reaches the only container, and no container of two.
        const single = deployment([{ name: "only" }]);
        assert.deepEqual([...servingContainers(single, [single, service(8000)]).keys()], ["only"]);
        assert.deepEqual([...servingContainers(w, [w, service(8000)]).keys()], []);
        // Another namespace, another selector, an empty selector or another cluster: not served.
        assert.equal(servingContainers(w, [w, service("http", LABELS, "other")]).size, 0);
        assert.equal(servingContainers(w, [w, service("http", { app: "db" })]).size, 0);
        assert.equal(servingContainers(w, [w, service("http", {})]).size, 0);
        const elsewhere = { ...service("http"), provider: "urn:other" };
        assert.equal(servingContainers(w, [w, elsewhere]).size, 0);

        const violations = checkResources([w, service("http")], CONTEXT, [readinessOnServing]);
        assert.equal(violations.length, 1);
        assert.match(
            violations[0].message,
            /Deployment ns\/web: container "app" serves Service web port 80 but has no readinessProbe/,
        );
        const probed = deployment([{ ...app, readinessProbe: probe }, sidecar]);
        assert.deepEqual(checkResources([probed, service("http")], CONTEXT, [readinessOnServing]), []);
    });

    it("service-selects-pods: a Service whose selector picks no workload's pods in its namespace and cluster is refused", () => {
        const w = deployment([app]);
        const verdict = (svc: PolicyInput) =>
            checkResources([w, svc], CONTEXT, [serviceSelectsPods]).map((v) => v.message);
        assert.deepEqual(verdict(service("http")), []);
        // A Service without a selector (its endpoints are written by hand or by a controller) selects nothing by design.
        assert.deepEqual(verdict(service("http", {})), []);
        assert.match(
            verdict(service("http", { app: "db" }))[0],
            /Service ns\/web: its selector \{"app":"db"\} selects the pods of no workload/,
        );
        assert.equal(verdict(service("http", LABELS, "other")).length, 1);
        assert.equal(verdict({ ...service("http"), provider: "urn:other" }).length, 1);
        // Generated: a selector is satisfied exactly when each of its pairs is among the pod labels.
        for (let i = 0; i < 200; i++) {
            const pool = ["a", "b", "c", "d"];
            const pick = () =>
                Object.fromEntries(
                    pool.filter(() => Math.random() < 0.5).map((k) => [k, Math.random() < 0.5 ? "x" : "y"]),
                );
            const labels = pick();
            const selector = pick();
            const pod = obj("kubernetes:apps/v1:Deployment", {
                metadata: { name: "w", namespace: "ns" },
                spec: { template: { metadata: { labels }, spec: { containers: [app] } } },
            });
            const selects = Object.entries(selector).every(([k, v]) => labels[k] === v);
            const refused = checkResources([pod, service("http", selector)], CONTEXT, [
                serviceSelectsPods,
            ]).length;
            assert.equal(
                refused,
                Object.keys(selector).length === 0 || selects ? 0 : 1,
                JSON.stringify({ labels, selector }),
            );
        }
    });

    it("disruption-budgets: exactly one budget per multi-replica workload, never one that blocks a drain", () => {
        const w = deployment([app], 3);
        const ok = budget({ maxUnavailable: 1, selector: { matchLabels: LABELS } });
        assert.deepEqual(checkResources([w, ok], CONTEXT, [disruptionBudgets]), []);
        assert.deepEqual(checkResources([deployment([app], 1)], CONTEXT, [disruptionBudgets]), []);
        const none = checkResources([w], CONTEXT, [disruptionBudgets]);
        assert.match(none[0].message, /3 replicas and 0 PodDisruptionBudgets/);
        const two = checkResources([w, ok, budget({ maxUnavailable: 1, selector: {} })], CONTEXT, [
            disruptionBudgets,
        ]);
        assert.match(two[0].message, /3 replicas and 2 PodDisruptionBudgets/);
        const elsewhere = budget({ maxUnavailable: 1, selector: { matchLabels: LABELS } }, "other");
        assert.equal(checkResources([w, elsewhere], CONTEXT, [disruptionBudgets]).length, 1);
        const blocking = budget({
            minAvailable: 3,
            selector: { matchExpressions: [{ key: "app", operator: "In", values: ["web"] }] },
        });
        assert.match(
            checkResources([w, blocking], CONTEXT, [disruptionBudgets])[0].message,
            /never lets a drain evict/,
        );
    });

    it("cronjob-starting-deadline and cpu-requests", () => {
        const cron = (spec: Record<string, unknown>) =>
            obj("kubernetes:batch/v1:CronJob", {
                metadata: { name: "sync", namespace: "ns" },
                spec: {
                    schedule: "@daily",
                    ...spec,
                    jobTemplate: { spec: { template: { spec: { containers: [] } } } },
                },
            });
        assert.deepEqual(cronJobDeadline.check(cron({ startingDeadlineSeconds: 3600 }), CONTEXT), []);
        assert.deepEqual(cronJobDeadline.check(cron({}), CONTEXT), [
            "CronJob ns/sync: no spec.startingDeadlineSeconds (startingDeadlineFor in components/shared/scheduledJob.ts)",
        ]);
        const sized = (requests: Record<string, string>) => ({
            ...app,
            resources: { requests, limits: { memory: "1Gi" } },
        });
        assert.deepEqual(cpuRequests.check(deployment([sized({ cpu: "100m", memory: "1Gi" })]), CONTEXT), []);
        assert.deepEqual(cpuRequests.check(deployment([sized({ memory: "1Gi" })]), CONTEXT), [
            'Deployment ns/web: container "app" requests no CPU (spec.template.spec.containers[0].resources.requests.cpu)',
        ]);
    });
});

describe("the labels of a workload's pod template", () => {
    const labels = { app: "a" };
    const template = { metadata: { labels }, spec: { containers: [] } };

    it("are read under spec.template, and a CronJob's under its jobTemplate", () => {
        assert.deepEqual(templateLabels({ spec: { template } }), labels);
        assert.deepEqual(templateLabels({ spec: { jobTemplate: { spec: { template } } } }), labels);
    });

    it("control: an object without a pod template has none", () => {
        assert.deepEqual(templateLabels({ spec: { schedule: "@daily" } }), {});
    });
});
