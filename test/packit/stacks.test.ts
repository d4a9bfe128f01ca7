import { runSystem } from "../fixtures/system";
import { strict as assert } from "assert";
import { Objects, Registered, field, k8sObject, k8sObjects } from "../harness";
import {
    CRONJOB,
    JOB,
    SECRET,
    DEPLOYMENT,
    IMAGESTREAM,
    INGRESS,
    PVC,
    ROLE,
    ROUTE,
    STATEFULSET,
    PACKIT_ALONE,
    Values,
    committedObjects,
    committedStage,
    containers,
    envOf,
    podSpec,
    PACKIT,
    packitSections,
    onlyComponents,
} from "./fixtures";
import { RecordedResource } from "../../tools/mocks/recorder";
import { evaluatePart } from "../fixtures/part";
import { packit } from "../../components/packit";
import { PackitImages } from "../../components/packit/images";
import { Namespace } from "../../components/shared/namespace";

const IMAGE_TRIGGER = "image.openshift.io/triggers";

function routeHosts(objects: Objects, namespace: string): Record<string, string> {
    return Object.fromEntries(
        objects
            .ofType(ROUTE, namespace)
            .map((r) => [field(r.inputs, "metadata.name") as string, field(r.inputs, "spec.host") as string]),
    );
}

/**
 * The Route hosts of one deployment (`stg`, `prod`): packit's API, dashboard and workers' nginx as given, and
 * stream's API alone, at `<deployment>.stream.packit.dev`.
 */
function assertServedHosts(objects: Objects, deployment: string, [api, dashboard, workers]: string[]): void {
    assert.deepEqual(routeHosts(objects, `packit-${deployment}`), {
        "packit-service": api,
        "packit-dashboard": dashboard,
        nginx: workers,
    });
    assert.deepEqual(routeHosts(objects, `stream-${deployment}`), {
        "packit-service": `${deployment}.stream.packit.dev`,
    });
}

function imageStream(
    objects: Objects,
    namespace: string,
    name: string,
): { tag: string; from: string; scheduled: boolean } {
    const tag = field(objects.one(IMAGESTREAM, name, namespace).inputs, "spec.tags[0]") as {
        name: string;
        from: { name: string };
        importPolicy: { scheduled: boolean };
    };
    return { tag: tag.name, from: tag.from.name, scheduled: tag.importPolicy.scheduled };
}

function claimTemplates(r: Registered): Record<string, string> {
    const templates = field(r.inputs, "spec.volumeClaimTemplates") as {
        metadata: { name: string };
        spec: { resources: { requests: { storage: string } } };
    }[];
    return Object.fromEntries(templates.map((t) => [t.metadata.name, t.spec.resources.requests.storage]));
}

describe("packit and stream: stage stack (stg)", () => {
    let stage: Objects;
    before(async () => {
        stage = await committedStage();
    });

    it("follows :stg images: scheduled ImageStream tags plus the hourly import CronJob", () => {
        assert.deepEqual(imageStream(stage, "packit-stg", "packit-service"), {
            tag: "stg",
            from: "quay.io/packit/packit-service:stg",
            scheduled: true,
        });
        assert.deepEqual(
            imageStream(stage, "packit-stg", "packit-dashboard").from,
            "quay.io/packit/dashboard:stg",
        );
        assert.deepEqual(imageStream(stage, "stream-stg", "packit-worker"), {
            tag: "stg",
            from: "quay.io/packit/hardly:stg",
            scheduled: true,
        });
        // Scheduled import alone never moves a tag on this platform: the hourly job does (see imageImport.test.ts).
        assert.equal(
            stage.ofType(CRONJOB).filter((c) => field(c.inputs, "metadata.name") === "import-images").length,
            2,
        );
    });

    it("lets OpenShift own the images of Packit's Deployments through image triggers", () => {
        const service = stage.one(DEPLOYMENT, "packit-service", "packit-stg");
        const annotations = field(service.inputs, "metadata.annotations") as Record<string, string>;
        assert.deepEqual(JSON.parse(annotations[IMAGE_TRIGGER]), [
            {
                from: { kind: "ImageStreamTag", name: "packit-service:stg" },
                fieldPath: 'spec.template.spec.containers[?(@.name=="packit-service")].image',
            },
        ]);
        assert.deepEqual(service.ignoreChanges, ["spec.template.spec.containers[0].image"]);
        const beat = stage.one(DEPLOYMENT, "packit-service-beat", "packit-stg");
        const beatTrigger = JSON.parse(
            (field(beat.inputs, "metadata.annotations") as Record<string, string>)[IMAGE_TRIGGER],
        );
        assert.equal(beatTrigger[0].from.name, "packit-worker:stg", "beat runs the worker image");
        // Third-party images are pinned in config, not followed.
        assert.equal(
            field(stage.one(DEPLOYMENT, "redis", "packit-stg").inputs, "metadata.annotations"),
            undefined,
        );
    });

    it("runs one all-queues worker StatefulSet with the sandcastle volume and a 16Gi repository cache", () => {
        assert.deepEqual(
            stage.ofType(STATEFULSET, "packit-stg").map((s) => field(s.inputs, "metadata.name")),
            ["packit-worker"],
        );
        const worker = stage.one(STATEFULSET, "packit-worker", "packit-stg");
        assert.equal(field(worker.inputs, "spec.replicas"), 1);
        assert.equal(envOf(worker).QUEUES.value, "short-running,long-running,rate-limited");
        assert.equal(envOf(worker).PROJECT.value, "packit-stg");
        assert.equal(envOf(worker).DISTGIT_URL.value, "https://src.stg.fedoraproject.org/");
        assert.deepEqual(claimTemplates(worker), {
            "packit-worker-vol": "3Gi",
            "packit-worker-repository-cache": "16Gi",
        });
        assert.equal(podSpec(worker).terminationGracePeriodSeconds, 10);
        assert.deepEqual(containers(worker)[0].command, ["/usr/bin/run_worker.sh"]);
        assert.deepEqual(
            (containers(worker)[0].volumeMounts as { mountPath: string }[]).map((m) => m.mountPath).sort(),
            ["/home/packit/.config", "/packit-ssh", "/repository-cache", "/sandcastle", "/secrets"],
        );
    });

    it("serves stg hosts, packit's and stream's apart, with TLS passed through", () => {
        assertServedHosts(stage, "stg", [
            "stg.packit.dev",
            "dashboard.stg.packit.dev",
            "workers.stg.packit.dev",
        ]);
        for (const route of stage.ofType(ROUTE)) {
            assert.equal(field(route.inputs, "spec.tls.termination"), "passthrough");
            assert.equal(field(route.inputs, "spec.tls.insecureEdgeTerminationPolicy"), "Redirect");
        }
    });

    it("keeps packit and stream in their own namespaces with their own Pulumi names", () => {
        const packitApi = stage.one(DEPLOYMENT, "packit-service", "packit-stg");
        const streamApi = stage.one(DEPLOYMENT, "packit-service", "stream-stg");
        assert.equal(packitApi.name, "packit-service-deployment");
        assert.equal(streamApi.name, "stream-service-deployment");
        assert.equal(envOf(streamApi).PROJECT.value, "stream-stg");
        assert.equal(envOf(stage.one(STATEFULSET, "packit-worker", "stream-stg")).APP.value, "hardly.tasks");
        assert.equal(
            envOf(stage.one(STATEFULSET, "packit-worker", "stream-stg")).DISTGIT_URL.value,
            "https://gitlab.com/",
        );
        // stream's vars switch these off
        for (const name of ["packit-dashboard", "tokman", "pushgateway", "packit-service-centosmsg"]) {
            assert.equal(
                stage
                    .ofType(DEPLOYMENT, "stream-stg")
                    .filter((d) => field(d.inputs, "metadata.name") === name).length,
                0,
            );
        }
    });

    it("listens to the staging CentOS MQTT broker", () => {
        const env = envOf(stage.one(DEPLOYMENT, "packit-service-centosmsg", "packit-stg"));
        assert.equal(env.MQTT_HOST.value, "mqtt.stg.centos.org");
        assert.equal(env.MQTT_TOPICS.value, "git.stg.centos.org/#");
    });

    it("protects only the staging database it adopts; staging's own volumes stay unprotected", () => {
        // The claim of the database staging runs today (the operator's placeholder in the plan): its data is kept.
        const adopted = stage.one(PVC, "set-by-operator", "packit-stg");
        assert.equal(adopted.protect, true);
        const own = stage.one(PVC, "access-tokens-pvc", "packit-stg");
        assert.equal(own.protect, false);
        assert.equal(own.retainOnDelete, false);
    });
});

describe("packit and stream: prod stack", () => {
    let prod: Objects;
    before(async () => {
        prod = await committedObjects("prod");
    });
    // The plan has the operator's placeholder where the database claim goes: the cases about the adopted claim read
    // one evaluation of the two sections with the claim an operator sets, made by the first of them. It deploys only
    // the components whose objects they read (the stores, whose volumes and generated password they are about, and
    // packit's workers, whose sandbox holds a cache volume): the others make no volume, database or Job.
    let adopted: Promise<Objects<RecordedResource>> | undefined;
    const withClaim = () =>
        (adopted ??= runSystem(PACKIT, "prod", (values) => {
            const v = packitSections(values);
            for (const [section, read] of [
                [v.packit, ["postgres", "redis", "tokman", "workers"]],
                [v.stream, ["postgres"]],
            ] as const) {
                onlyComponents(section, read);
            }
        }).then((r) => new Objects([...r])));

    it("imports :prod images only in the Tuesday 02:00 window, with a least-privilege importer", () => {
        assert.deepEqual(imageStream(prod, "packit-prod", "packit-worker"), {
            tag: "prod",
            from: "quay.io/packit/packit-worker:prod",
            scheduled: false,
        });
        const job = prod.one(CRONJOB, "import-images", "packit-prod");
        assert.equal(field(job.inputs, "spec.schedule"), "0 2 * * 2");
        assert.equal(field(job.inputs, "spec.concurrencyPolicy"), "Forbid");
        assert.equal(podSpec(job).serviceAccountName, "importimager");
        // Every image production runs: what the job imports and all its Role may read.
        const streams = [
            "packit-dashboard",
            "packit-service",
            "packit-service-centosmsg",
            "packit-service-fedmsg",
            "packit-worker",
            "tokman",
        ];
        const env = envOf(job);
        assert.deepEqual(env.IMAGE_STREAMS.value!.split(" ").sort(), streams);
        assert.equal(env.IMAGE_TAG.value, "prod");
        assert.deepEqual(field(prod.one(ROLE, "importimager", "packit-prod").inputs, "rules"), [
            {
                apiGroups: ["image.openshift.io"],
                resources: ["imagestreams"],
                resourceNames: streams,
                verbs: ["get"],
            },
            { apiGroups: ["image.openshift.io"], resources: ["imagestreamimports"], verbs: ["create"] },
        ]);
        assert.equal(
            envOf(prod.one(CRONJOB, "import-images", "stream-prod")).IMAGE_STREAMS.value,
            "packit-service packit-worker packit-service-fedmsg",
        );
    });

    it("runs Stream production's beat and fedora-messaging consumer, as staging does (runbook 001)", () => {
        for (const name of ["packit-service-beat", "packit-service-fedmsg"]) {
            const d = prod.one(DEPLOYMENT, name, "stream-prod");
            assert.equal(field(d.inputs, "spec.replicas"), 1, name);
        }
    });

    it("runs the Prometheus Pushgateway (not an aggregation gateway) behind the GET-only nginx", () => {
        const gateway = prod.one(DEPLOYMENT, "pushgateway", "packit-prod");
        const [c] = containers(gateway);
        assert.match(c.image, /^docker\.io\/prom\/pushgateway:/);
        assert.deepEqual(field(c, "args"), ["--web.listen-address=:9091"]);
        assert.equal(field(c, "readinessProbe.httpGet.path"), "/-/ready");
        assert.equal(field(c, "livenessProbe.httpGet.path"), "/-/healthy");
    });

    it("splits workers into short-running and long-running, the cache only on long-running", () => {
        const sets = prod.ofType(STATEFULSET, "packit-prod").map((s) => field(s.inputs, "metadata.name"));
        assert.deepEqual(sets.sort(), ["packit-worker-long-running", "packit-worker-short-running"]);
        const short = prod.one(STATEFULSET, "packit-worker-short-running", "packit-prod");
        const long = prod.one(STATEFULSET, "packit-worker-long-running", "packit-prod");
        assert.equal(envOf(short).QUEUES.value, "short-running");
        assert.equal(envOf(long).QUEUES.value, "long-running,rate-limited");
        assert.deepEqual(claimTemplates(short), { "packit-worker-vol": "3Gi" });
        assert.deepEqual(claimTemplates(long), {
            "packit-worker-vol": "3Gi",
            "packit-worker-repository-cache": "10Gi",
        });
        assert.equal(field(containers(short)[0], "resources.limits.memory"), "256Mi");
        assert.equal(field(containers(long)[0], "resources.limits.memory"), "896Mi");
        // Two of each, as production runs them (packit/deployment@1c48cd8:vars/packit/prod_template.yml:88-91).
        assert.equal(field(short.inputs, "spec.replicas"), 2);
        assert.equal(field(long.inputs, "spec.replicas"), 2);
        // stream's one worker keeps the all-queues layout and has no cache
        assert.deepEqual(claimTemplates(prod.one(STATEFULSET, "packit-worker", "stream-prod")), {
            "packit-worker-vol": "3Gi",
        });
        // One sandbox repository cache per long-running worker pod (roles/deploy/tasks/main.yml:218-229).
        for (const i of [0, 1])
            assert.ok(
                prod.one(
                    PVC,
                    `sandcastle-repository-cache-packit-worker-long-running-${i}`,
                    "packit-prod-sandbox",
                ),
            );
    });

    it("serves production hosts", () => {
        assertServedHosts(prod, "prod", ["prod.packit.dev", "dashboard.packit.dev", "workers.packit.dev"]);
        const env = envOf(prod.one(DEPLOYMENT, "packit-service-centosmsg", "packit-prod"));
        assert.equal(env.MQTT_HOST.value, "mqtt.git.centos.org");
        assert.equal(env.MQTT_TOPICS.value, "git.centos.org/#");
        assert.equal(
            envOf(prod.one(DEPLOYMENT, "packit-service", "packit-prod")).DISTGIT_URL.value,
            "https://src.fedoraproject.org/",
        );
    });

    it("adopts the running database: its claim and its password from secret config, nothing generated", async () => {
        const evaluated = await withClaim();
        for (const ns of ["packit-prod", "stream-prod"]) {
            const claim = evaluated.one(PVC, "postgres-data", ns);
            assert.ok(claim.protect && claim.retainOnDelete, `${ns}: the adopted claim is protected`);
            assert.equal(evaluated.ofType(PVC, ns).filter((p) => p.name.includes("postgres-15")).length, 1);
            const db = evaluated.one(DEPLOYMENT, "postgres-15", ns);
            assert.deepEqual(field(db.inputs, "spec.template.spec.volumes"), [
                { name: "postgres-data", persistentVolumeClaim: { claimName: "postgres-data" } },
            ]);
            const section = ns.split("-")[0];
            const secret = evaluated.one(SECRET, "postgres-secret", ns);
            assert.equal(
                field(secret.inputs, "stringData.database-password"),
                `SECRET<${section}-postgres-secret-database-password>`,
            );
        }
        assert.ok(
            !evaluated.resources.some(
                (r) =>
                    r.type === "random:index/randomPassword:RandomPassword" &&
                    r.name.endsWith("postgres-password"),
            ),
            "no generated database password replaces the running one",
        );
        assert.equal(
            evaluated.ofType(JOB, "packit-prod").filter((j) => j.name.includes("upgrade")).length,
            0,
            "no dump/restore",
        );
    });

    it("protects every volume in production", async () => {
        const evaluated = await withClaim();
        for (const [name, ns] of [
            ["postgres-data", "packit-prod"],
            ["redis-pvc", "packit-prod"],
            ["access-tokens-pvc", "packit-prod"],
            ["postgres-data", "stream-prod"],
            ["sandcastle-repository-cache-packit-worker-long-running-0", "packit-prod-sandbox"],
        ]) {
            const pvc = evaluated.one(PVC, name, ns);
            assert.ok(pvc.protect && pvc.retainOnDelete, `${ns}/${name} is protected`);
        }
        for (const ns of ["packit-prod", "stream-prod"]) {
            const db = evaluated.one(DEPLOYMENT, "postgres-15", ns);
            assert.ok(db.protect && db.retainOnDelete, `${ns} database server is protected`);
        }
    });

    it("gives every container its source's resources and probes", () => {
        const api = containers(prod.one(DEPLOYMENT, "packit-service", "packit-prod"))[0];
        assert.deepEqual(api.resources, {
            requests: { cpu: "50m", memory: "96Mi" },
            limits: { cpu: "200m", memory: "128Mi" },
        });
        assert.deepEqual(api.ports, [{ name: "https", containerPort: 8443, protocol: "TCP" }]);
        assert.equal(field(api, "startupProbe.tcpSocket.port"), 8443);
        const tokman = containers(prod.one(DEPLOYMENT, "tokman", "packit-prod"))[0];
        assert.deepEqual(tokman.readinessProbe?.httpGet, { path: "/api/health", port: 8000 });
        // The source probes /api/health for both; liveness is the TCP connect (httpServerProbes).
        assert.deepEqual(tokman.livenessProbe?.tcpSocket, { port: 8000 });
        const pg = containers(prod.one(DEPLOYMENT, "postgres-15", "packit-prod"))[0];
        assert.deepEqual(pg.livenessProbe?.exec?.command, ["/usr/libexec/check-container", "--live"]);
        assert.equal(pg.resources.limits.memory, "386Mi");
        assert.equal(
            field(prod.one(DEPLOYMENT, "postgres-15", "packit-prod").inputs, "spec.strategy.type"),
            "Recreate",
        );
        assert.equal(
            containers(prod.one(DEPLOYMENT, "packit-service-beat", "packit-prod"))[0].resources.limits.memory,
            "150Mi",
        );
        for (const r of [...prod.ofType(DEPLOYMENT), ...prod.ofType(STATEFULSET), ...prod.ofType(CRONJOB)]) {
            for (const c of containers(r)) {
                assert.ok(c.resources?.limits?.memory, `${r.name}/${c.name} has a memory limit`);
                assert.equal(c.securityContext.allowPrivilegeEscalation, false);
                assert.ok(!/:latest$/.test(c.image), `${r.name}/${c.name} pins its image`);
            }
        }
    });

    it("moves a pinned production image only by config: a rollback is the previous digest", async () => {
        const digest = "sha256:" + "b".repeat(64);
        // Only the images of packit's section are built: what the pin moves, and all the case reads.
        const images = new Objects(
            await evaluatePart(
                PACKIT_ALONE,
                packit,
                "prod",
                (values) => {
                    (values as Values).packit.images.pins = { "packit-worker": digest };
                },
                (config, context) => {
                    // The namespace is made elsewhere: the images alone are registered.
                    const namespace = new Namespace("packit-namespace", {
                        cluster: context.cluster,
                        name: config.namespace,
                        app: { name: config.namespace, partOf: "packit", component: "namespace" },
                        create: false,
                    });
                    new PackitImages("packit-images", { config, context, namespace });
                },
            ),
        );
        assert.equal(
            imageStream(images, "packit-prod", "packit-worker").from,
            `quay.io/packit/packit-worker@${digest}`,
        );
        assert.equal(
            imageStream(images, "packit-prod", "packit-service").from,
            "quay.io/packit/packit-service:prod",
        );
    });
});

describe("packit on plain Kubernetes", () => {
    it("uses Ingresses and plain image references instead of Routes, ImageStreams and triggers", async () => {
        await runSystem(PACKIT, "prod", (v) => {
            Object.assign((v.clusters as Record<string, object>)["packit-auto"], {
                platform: "kubernetes",
                ingressNamespace: "ingress-nginx",
            });
        });
        assert.equal(k8sObjects(ROUTE).length, 0);
        assert.equal(k8sObjects(IMAGESTREAM).length, 0);
        assert.equal(
            k8sObjects(CRONJOB).filter((c) => field(c.inputs, "metadata.name") === "import-images").length,
            0,
        );
        const api = k8sObject(DEPLOYMENT, "packit-service", "packit-prod");
        assert.equal(containers(api)[0].image, "quay.io/packit/packit-service:prod");
        assert.equal(field(api.inputs, "metadata.annotations"), undefined);
        assert.deepEqual(api.ignoreChanges, []);
        const ingress = k8sObject(INGRESS, "packit-service", "packit-prod");
        assert.equal(field(ingress.inputs, "spec.rules[0].host"), "prod.packit.dev");
        assert.equal(
            field(ingress.inputs, "metadata.annotations")![
                "nginx.ingress.kubernetes.io/ssl-passthrough" as never
            ],
            "true",
        );
    });
});
