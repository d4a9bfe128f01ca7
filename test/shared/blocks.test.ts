import { strict as assert } from "assert";
import { Namespace } from "../../components/shared/namespace";
import { ScheduledJob } from "../../components/shared/scheduledJob";
import { fixedSize, sized } from "../../components/shared/resources";
import { httpProbe } from "../../components/shared/probes";
import { statefulOptions } from "../../components/shared/protect";
import { Workload } from "../../components/shared/workload";
import { field, k8sObject, ofType, resetRecorder, settled } from "../harness";
import { testCluster } from "../fixtures/cluster";

// A cluster of the test's own per object: the fixture's providers never share a name.
const cluster = (platform: "openshift" | "kubernetes") => testCluster("blocks", platform);

const app = { name: "web", partOf: "test", component: "frontend", version: "1.0" };

function web(platform: "openshift" | "kubernetes"): Workload {
    return new Workload(`blocks-${platform}-web`, {
        cluster: cluster(platform),
        namespace: "ns",
        app,
        replicas: 2,
        containers: [
            {
                name: "web",
                image: "quay.io/example/web:1.0",
                ports: [{ name: "http", containerPort: 8080 }],
                resources: sized("50m", "64Mi", "200m", "128Mi"),
                readinessProbe: httpProbe("/healthz", "http"),
            },
        ],
        service: { ports: [{ name: "http", port: 8080, targetPort: "http" }] },
        expose: [{ host: "web.example.org", servicePort: "http", tls: { termination: "edge" } }],
    });
}

describe("shared building blocks", () => {
    beforeEach(resetRecorder);

    it("a workload on OpenShift gets a Deployment, a Service and an edge Route redirecting HTTP", async () => {
        web("openshift");
        await settled();
        const d = k8sObject("kubernetes:apps/v1:Deployment", "web", "ns");
        assert.equal(field(d.inputs, "spec.replicas"), 2);
        assert.deepEqual(field(d.inputs, "spec.selector.matchLabels"), {
            "app.kubernetes.io/name": "web",
            "app.kubernetes.io/instance": "web",
        });
        assert.equal(field(d.inputs, "spec.template.spec.securityContext.runAsNonRoot"), true);
        assert.equal(
            field(d.inputs, "spec.template.spec.securityContext.runAsUser"),
            undefined,
            "OpenShift assigns the UID",
        );
        assert.equal(
            field(d.inputs, "spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation"),
            false,
        );
        assert.equal(field(d.inputs, "spec.template.spec.containers[0].resources.limits.memory"), "128Mi");
        assert.equal(
            field(d.inputs, "spec.template.metadata.labels")!["app.kubernetes.io/version" as never],
            "1.0",
        );
        const svc = k8sObject("kubernetes:core/v1:Service", "web", "ns");
        assert.equal(field(svc.inputs, "metadata.labels")!["app.kubernetes.io/version" as never], undefined);
        assert.deepEqual(field(svc.inputs, "spec.ports"), [
            { name: "http", port: 8080, targetPort: "http", protocol: "TCP" },
        ]);
        const route = k8sObject("kubernetes:route.openshift.io/v1:Route", "web", "ns");
        assert.deepEqual(field(route.inputs, "spec.tls"), {
            termination: "edge",
            insecureEdgeTerminationPolicy: "Redirect",
        });
        assert.equal(field(route.inputs, "spec.to.name"), "web");
        assert.equal(ofType("kubernetes:networking.k8s.io/v1:Ingress").length, 0);
    });

    it("the same workload on Kubernetes gets an Ingress and a fixed non-root UID", async () => {
        web("kubernetes");
        await settled();
        const ing = k8sObject("kubernetes:networking.k8s.io/v1:Ingress", "web", "ns");
        assert.deepEqual(field(ing.inputs, "spec.rules[0].http.paths[0].backend"), {
            service: { name: "web", port: { name: "http" } },
        });
        assert.equal(ofType("kubernetes:route.openshift.io/v1:Route").length, 0);
        const d = k8sObject("kubernetes:apps/v1:Deployment", "web", "ns");
        assert.equal(field(d.inputs, "spec.template.spec.securityContext.runAsUser"), 1001);
    });

    it("TLS material given to an exposure is secret in the Route", async () => {
        const c = cluster("openshift");
        new Workload("blocks-tls", {
            cluster: c,
            namespace: "ns",
            app: { name: "tls", partOf: "test" },
            containers: [{ name: "c", image: "quay.io/x/y:1", resources: fixedSize(undefined, "64Mi") }],
            service: { ports: [{ name: "https", port: 8443 }] },
            expose: [
                {
                    host: "tls.example.org",
                    servicePort: "https",
                    tls: { termination: "reencrypt", certificate: "CERT", key: "KEY" },
                },
            ],
        });
        await settled();
        const route = k8sObject("kubernetes:route.openshift.io/v1:Route", "tls", "ns");
        assert.deepEqual(route.secretPaths.sort(), ["spec.tls.certificate", "spec.tls.key"]);
    });

    it("a StatefulSet carries its claim templates and refuses them on a Deployment", async () => {
        const c = cluster("openshift");
        new Workload("blocks-sts", {
            cluster: c,
            namespace: "ns",
            app: { name: "worker", partOf: "test", version: "2.0" },
            kind: "StatefulSet",
            containers: [{ name: "w", image: "quay.io/x/w:1", resources: fixedSize("400m", "896Mi") }],
            volumeClaimTemplates: [{ name: "vol", size: "3Gi" }],
        });
        await settled();
        const sts = k8sObject("kubernetes:apps/v1:StatefulSet", "worker", "ns");
        assert.equal(field(sts.inputs, "spec.serviceName"), "worker");
        // A release changes the workload's version label but never its claim templates (immutable).
        assert.equal(field(sts.inputs, "metadata.labels")!["app.kubernetes.io/version" as never], "2.0");
        assert.equal(
            field(sts.inputs, "spec.volumeClaimTemplates[0].metadata.labels")![
                "app.kubernetes.io/version" as never
            ],
            undefined,
        );
        assert.equal(
            field(sts.inputs, "spec.volumeClaimTemplates[0].spec.resources.requests.storage"),
            "3Gi",
        );
        assert.throws(
            () =>
                new Workload("blocks-bad", {
                    cluster: c,
                    namespace: "ns",
                    app: { name: "bad", partOf: "test" },
                    containers: [{ name: "w", image: "quay.io/x/w:1", resources: fixedSize("1", "1Gi") }],
                    volumeClaimTemplates: [{ name: "vol", size: "1Gi" }],
                }),
            /need kind StatefulSet/,
        );
    });

    it("a scheduled job defaults to Forbid and Never and keeps its schedule", async () => {
        new ScheduledJob("blocks-cron", {
            cluster: cluster("openshift"),
            namespace: "ns",
            app: { name: "nightly", partOf: "test" },
            schedule: "@daily",
            containers: [{ name: "job", image: "quay.io/x/job:1", resources: fixedSize("100m", "64Mi") }],
        });
        await settled();
        const cj = k8sObject("kubernetes:batch/v1:CronJob", "nightly", "ns");
        assert.equal(field(cj.inputs, "spec.schedule"), "@daily");
        assert.equal(field(cj.inputs, "spec.concurrencyPolicy"), "Forbid");
        assert.equal(field(cj.inputs, "spec.jobTemplate.spec.template.spec.restartPolicy"), "Never");
    });

    it("a namespace binds roles to service accounts of the right namespace", async () => {
        new Namespace("blocks-ns", {
            cluster: cluster("openshift"),
            name: "sandbox",
            app: { name: "sandbox", partOf: "test" },
            roleBindings: [
                {
                    name: "edit",
                    role: { kind: "ClusterRole", name: "edit" },
                    subjects: [{ kind: "ServiceAccount", name: "default", namespace: "main" }],
                },
            ],
        });
        await settled();
        const rb = k8sObject("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", "edit", "sandbox");
        assert.deepEqual(field(rb.inputs, "subjects"), [
            { kind: "ServiceAccount", name: "default", namespace: "main" },
        ]);
        assert.equal(field(rb.inputs, "roleRef.name"), "edit");
        assert.ok(k8sObject("kubernetes:core/v1:Namespace", "sandbox"));
    });

    it("children wait for what their component waits for (the engine does not pass dependsOn down)", async () => {
        const c = cluster("openshift");
        const ns = new Namespace("blocks-dep-ns", {
            cluster: c,
            name: "dep",
            app: { name: "dep", partOf: "test" },
        });
        new Workload(
            "blocks-dep",
            {
                cluster: c,
                namespace: "dep",
                app: { name: "dep", partOf: "test" },
                containers: [{ name: "c", image: "quay.io/x/y:1", resources: fixedSize(undefined, "64Mi") }],
                service: { ports: [{ name: "http", port: 8080 }] },
            },
            { dependsOn: [ns] },
        );
        await settled();
        const nsUrn = k8sObject("kubernetes:core/v1:Namespace", "dep").urn;
        for (const type of ["kubernetes:apps/v1:Deployment", "kubernetes:core/v1:Service"]) {
            const obj = k8sObject(type, "dep", "dep");
            assert.ok(obj.dependencies.includes(nsUrn), `${type} does not wait for the namespace`);
        }
    });

    it("protects stateful resources only in production", () => {
        assert.deepEqual(statefulOptions(true), { protect: true, retainOnDelete: true });
        assert.deepEqual(statefulOptions(false), {});
    });
});
