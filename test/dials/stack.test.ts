import { asConfirmed } from "../placeholders";
import { streamTag } from "../../components/shared/imageRef";
import { strict as assert } from "assert";
import { RecordedResource } from "../../tools/mocks/recorder";
import { duplicateObjects, validateObject } from "../oracles/validate/k8s";
import { byName, field, k8sObject, k8sObjects, ofType, recorder, runWith } from "../harness";
import { stackPlan } from "../fixtures/plans";
import { Objects, Registered } from "../harness";
import {
    DIALS,
    DIALS_SECRETS,
    DialsSection,
    PROD_WORKERS,
    PROD_WORKSPACE_GROUPS,
    dialsSection,
    dialsValues,
    fewerWorkspaces,
    runDials,
} from "./fixtures";
import { runSystem } from "../fixtures/system";
import { DEPLOYMENT, CONFIGMAP, SECRET, PVC, SERVICE, ROUTE, IMAGESTREAM } from "../fixtures/resourceTypes";

const PROD = "cms-dials-prod";
/** The digests the prod fixture confirms its release with (test/placeholders.ts). */
const PROD_RELEASE = dialsSection(dialsValues("prod")).images.confirmed!;
const EOS_ANNOTATION = "eos.okd.cern.ch/mount-eos-with-credentials-from-secret";

interface Container {
    name: string;
    image: string;
    command?: string[];
    env?: { name: string; value?: string; valueFrom?: unknown }[];
    envFrom?: unknown[];
    volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
    lifecycle?: { preStop?: { exec?: { command: string[] } } };
    startupProbe?: { exec?: { command: string[] } };
    readinessProbe?: Record<string, unknown>;
    livenessProbe?: Record<string, unknown>;
    resources: { requests: { memory: string }; limits: { memory: string } };
}

function names(objects: readonly Registered[]): string[] {
    return objects.map((o) => field(o.inputs, "metadata.name") as string).sort();
}

function containers(d: Registered): Container[] {
    return field(d.inputs, "spec.template.spec.containers") as Container[];
}

/** Deployments that run the ETL image (they read the ETL ConfigMap). */
function etlDeployments(namespace = PROD): RecordedResource[] {
    return k8sObjects(DEPLOYMENT, namespace).filter((d) =>
        JSON.stringify(field(d.inputs, "spec.template.spec.containers")).includes("dials-etl-configmap"),
    );
}

/** The rendered Kubernetes objects of the run (providers excluded), as the API server would receive them. */
function kubernetesObjects(): Record<string, unknown>[] {
    return recorder.resources
        .filter((r) => r.custom && r.type.startsWith("kubernetes:"))
        .map((r) => r.inputs);
}

/** DIALS' worker Deployments in `namespace`, among `deployments` (the latest evaluation's unless given). */
function workerDeployments<R extends Registered = RecordedResource>(
    namespace = PROD,
    deployments: readonly R[] = k8sObjects(DEPLOYMENT, namespace) as unknown as R[],
): R[] {
    return deployments.filter(
        (d) => field(d.inputs, "metadata.labels")!["app.kubernetes.io/component" as never] === "worker",
    );
}

describe("dials on the prod stack", () => {
    before(async () => {
        await runSystem(DIALS, "prod");
    });

    it("creates exactly the source's Deployments in cms-dials-prod", () => {
        assert.deepEqual(
            names(k8sObjects(DEPLOYMENT, PROD)),
            [
                ...PROD_WORKERS,
                "backend",
                "common-redbeat",
                "flower",
                "frontend",
                "redis-etl-broker",
                "redis-web-cache",
            ].sort(),
        );
        assert.deepEqual(names(workerDeployments()), PROD_WORKERS);
    });

    it("runs every worker with its own queue and node name, the task limit and the source's memory", () => {
        for (const d of workerDeployments()) {
            const name = field(d.inputs, "metadata.name") as string;
            const [c] = containers(d);
            assert.equal(containers(d).length, 1);
            assert.ok(c.image.endsWith("/cms-dials-prod/etl:v1.12.0"), c.image);
            assert.deepEqual(c.command!.slice(0, 3), ["celery", "--app=python", "worker"]);
            // A downloader's queue is its dataset's spelling (ZeroBias-downloader-bulk), its Deployment lower-case.
            const queue = c.command!.find((a) => a.startsWith("--queues="))!.slice("--queues=".length);
            assert.equal(queue.toLowerCase(), name, `${name}: ${c.command!.join(" ")}`);
            assert.equal(queue === name, !name.includes("-downloader-"), name);
            assert.ok(c.command!.includes(`--hostname=${name}@%h`));
            assert.ok(
                !c.command!.some((a) => a.startsWith("--time-limit")),
                "no task limit unless configured: the running system kills no long task",
            );
            const expected = name.endsWith("indexer")
                ? ["256Mi", "2048Mi"]
                : name.includes("-downloader-")
                  ? ["256Mi", "1024Mi"]
                  : ["1024Mi", "5120Mi"];
            assert.deepEqual([c.resources.requests.memory, c.resources.limits.memory], expected, name);
        }
    });

    it("gives every worker the graceful-shutdown settings: drain hook, long grace period, surge-first rollout", () => {
        const workers = workerDeployments();
        assert.equal(workers.length, PROD_WORKERS.length);
        for (const d of workers) {
            const name = field(d.inputs, "metadata.name") as string;
            const grace = field(d.inputs, "spec.template.spec.terminationGracePeriodSeconds") as number;
            assert.equal(grace, 7500, name);
            assert.deepEqual(field(d.inputs, "spec.strategy"), {
                type: "RollingUpdate",
                rollingUpdate: { maxSurge: 1, maxUnavailable: 0 },
            });
            const [c] = containers(d);
            const queue = c.command!.find((a) => a.startsWith("--queues="))!.slice("--queues=".length);
            const hook = c.lifecycle?.preStop?.exec?.command;
            assert.ok(hook, `${name} has a preStop hook`);
            assert.deepEqual(hook.slice(0, 2), ["/bin/sh", "-c"]);
            assert.ok(
                hook[2].startsWith(
                    `celery --app=python control cancel_consumer ${queue} --destination="${name}@$HOSTNAME"`,
                ),
                hook[2],
            );
            assert.ok(hook[2].includes(`inspect active_queues --destination="${name}@$HOSTNAME"`));
            assert.ok(
                c.startupProbe?.exec?.command[2].includes(`inspect ping --destination="${name}@$HOSTNAME"`),
            );
        }
    });

    it("mounts EOS read-only with the credentials annotation in every ETL pod, with the ETL env", () => {
        const etl = etlDeployments();
        assert.deepEqual(names(etl), [...PROD_WORKERS, "common-redbeat", "flower"].sort());
        for (const d of etl) {
            const name = field(d.inputs, "metadata.name");
            assert.equal(
                field(d.inputs, "spec.template.metadata.annotations")![EOS_ANNOTATION as never],
                "eos-credentials",
                String(name),
            );
            assert.deepEqual(field(d.inputs, "spec.template.spec.volumes"), [
                { name: "eos-storage", persistentVolumeClaim: { claimName: "eos-storage", readOnly: true } },
            ]);
            for (const c of containers(d)) {
                assert.deepEqual(
                    c.volumeMounts,
                    [{ name: "eos-storage", mountPath: "/eos", readOnly: true }],
                    `${name}/${c.name}`,
                );
                // v1.12.0's ETL reads no KEYTAB_USER/KEYTAB_PWD: eos-credentials reaches the pod through the annotation only.
                assert.deepEqual(c.envFrom, [
                    { configMapRef: { name: "dials-etl-configmap" } },
                    { secretRef: { name: "dials-etl-secrets" } },
                ]);
            }
        }
        const pvc = k8sObject(PVC, "eos-storage", PROD);
        assert.deepEqual(field(pvc.inputs, "spec"), {
            accessModes: ["ReadWriteMany"],
            storageClassName: "eos",
            resources: { requests: { storage: "1" } },
        });
    });

    it("never touches the production schema without dials.migration: no migration Job, no init container, no alembic", () => {
        // The one Job is the consumers check, which asks the workers over the broker and opens no database.
        const jobs = k8sObjects("kubernetes:batch/v1:Job", PROD);
        assert.deepEqual(
            jobs.map((j) => field(j.inputs, "metadata.name")),
            jobs
                .map((j) => field(j.inputs, "metadata.name"))
                .filter((n) => /^etl-consumers-/.test(String(n))),
        );
        assert.equal(jobs.length, 1);
        for (const j of jobs) assert.doesNotMatch(JSON.stringify(j.inputs), /DATABASE|alembic/);
        assert.doesNotMatch(JSON.stringify(kubernetesObjects()), /alembic/);
        for (const d of etlDeployments()) {
            assert.equal(field(d.inputs, "spec.template.spec.initContainers"), undefined, d.name);
        }
    });

    it("runs the scheduler and flower with the source's commands", () => {
        const celery = ["celery", "--app=python"];
        const commands: Record<string, string[]> = {
            "common-redbeat": [
                ...celery,
                "beat",
                "--loglevel=INFO",
                "--scheduler",
                "redbeat.RedBeatScheduler",
            ],
            flower: [...celery, "flower", "--purge_offline_workers=120"],
        };
        for (const [name, command] of Object.entries(commands))
            assert.deepEqual(containers(k8sObject(DEPLOYMENT, name, PROD))[0].command, command, name);
        assert.equal(containers(k8sObject(DEPLOYMENT, "flower", PROD))[0].resources.limits.memory, "1024Mi");
    });

    it("builds the backend and ETL ConfigMaps from the typed config", () => {
        const backend = k8sObject(CONFIGMAP, "dials-backend-configmap", PROD);
        const data = field(backend.inputs, "data") as Record<string, string>;
        assert.deepEqual(JSON.parse(data.DJANGO_WORKSPACES), PROD_WORKSPACE_GROUPS);
        assert.equal(data.DJANGO_DEFAULT_WORKSPACE, "tracker");
        assert.equal(data.DJANGO_ALLOWED_HOSTS, "cmsdials-api.web.cern.ch cmsdials.web.cern.ch");
        const etl = k8sObject(CONFIGMAP, "dials-etl-configmap", PROD);
        assert.deepEqual(field(etl.inputs, "data"), {
            ENV: "prod",
            DATABASES: "csc,ecal,hcal,jetmet,tracker",
        });
        const nginx = k8sObject(CONFIGMAP, "backend-nginx-conf", PROD);
        assert.ok(
            (field(nginx.inputs, "data") as Record<string, string>)["nginx.conf"].includes(
                "location /nghealth",
            ),
        );
    });

    it("keeps every secret out of ConfigMaps and plain env, and marks the Secrets secret", () => {
        const secretValues = [
            ...Object.entries(DIALS_SECRETS)
                .filter(([k]) => k.startsWith("dials-"))
                .map(([, v]) => v),
            "mock-dials-redis",
        ];
        for (const cm of ofType(CONFIGMAP)) {
            const text = JSON.stringify(cm.inputs);
            for (const v of secretValues) assert.ok(!text.includes(v), `${cm.name} holds ${v}`);
            assert.deepEqual(cm.secretPaths, []);
        }
        for (const d of ofType(DEPLOYMENT)) {
            const text = JSON.stringify(d.inputs);
            for (const v of secretValues) assert.ok(!text.includes(v), `${d.name} holds ${v}`);
        }
        const expected: Record<string, string[]> = {
            "dials-backend-secrets": [
                "DJANGO_DATABASE_URI",
                "DJANGO_KEYCLOAK_API_CLIENTS",
                "DJANGO_KEYCLOAK_CLIENT_ID",
                "DJANGO_KEYCLOAK_SECRET_KEY",
                "DJANGO_KEYTAB_PWD",
                "DJANGO_KEYTAB_USR",
                "DJANGO_OMS_SSO_CLIENT_ID",
                "DJANGO_OMS_SSO_CLIENT_SECRET",
                "DJANGO_REDIS_URL",
                "DJANGO_SECRET_KEY",
            ],
            "dials-etl-secrets": [
                "CELERY_BROKER_URL",
                "CELERY_REDBEAT_URL",
                "CELERY_RESULT_BACKEND",
                "CERT_FPATH",
                "DATABASE_URI",
                "ETL_CONFIG_FPATH",
                "FLOWER_BASIC_AUTH",
                "KEY_FPATH",
                "MODEL_REGISTRY_PATH",
                "RAW_LAYERS",
            ],
            "eos-credentials": ["KEYTAB_PWD", "KEYTAB_USER"],
            "redis-etl-broker": ["database-password"],
            "redis-web-cache": ["database-password"],
        };
        assert.deepEqual(names(k8sObjects(SECRET, PROD)), Object.keys(expected).sort());
        for (const [name, keys] of Object.entries(expected)) {
            const s = k8sObject(SECRET, name, PROD);
            assert.deepEqual(Object.keys(field(s.inputs, "stringData") as object).sort(), keys, name);
            assert.ok(
                s.secretPaths.length > 0 && s.secretPaths.every((p) => p.startsWith("stringData")),
                name,
            );
            assert.equal(field(s.masked, "stringData"), "[secret]");
        }
        const backend = field(
            k8sObject(SECRET, "dials-backend-secrets", PROD).inputs,
            "stringData",
        ) as Record<string, string>;
        assert.equal(backend.DJANGO_SECRET_KEY, "SECRET-VALUE-dials-django-secret-key");
        assert.match(
            backend.DJANGO_REDIS_URL,
            /^redis:\/\/:mock-dials-redis-web-cache-password[^@]*@redis-web-cache:6379\/0$/,
        );
        const etl = field(k8sObject(SECRET, "dials-etl-secrets", PROD).inputs, "stringData") as Record<
            string,
            string
        >;
        const brokerPassword = (
            field(k8sObject(SECRET, "redis-etl-broker", PROD).inputs, "stringData") as Record<string, string>
        )["database-password"];
        assert.equal(etl.CELERY_BROKER_URL, `redis://:${brokerPassword}@redis-etl-broker:6379/0`);
        assert.equal(etl.CELERY_RESULT_BACKEND, `redis://:${brokerPassword}@redis-etl-broker:6379/1`);
        assert.equal(etl.CELERY_REDBEAT_URL, `redis://:${brokerPassword}@redis-etl-broker:6379/2`);
    });

    it("exposes the API and the frontend on their hosts with edge TLS, redirect and the 180s timeout", () => {
        const routes = k8sObjects(ROUTE, PROD);
        assert.deepEqual(
            routes
                .map((r) => [
                    field(r.inputs, "spec.host"),
                    field(r.inputs, "spec.to.name"),
                    field(r.inputs, "spec.port.targetPort"),
                ])
                .sort(),
            [
                ["cmsdials-api.web.cern.ch", "backend-nginx", "http"],
                ["cmsdials.web.cern.ch", "frontend", "http"],
            ],
        );
        for (const r of routes) {
            assert.deepEqual(field(r.inputs, "spec.tls"), {
                termination: "edge",
                insecureEdgeTerminationPolicy: "Redirect",
            });
            assert.deepEqual(field(r.inputs, "metadata.annotations"), {
                "haproxy.router.openshift.io/timeout": "180s",
            });
        }
        const ports = Object.fromEntries(
            k8sObjects(SERVICE, PROD).map((s) => [
                field(s.inputs, "metadata.name"),
                field(s.inputs, "spec.ports[0].port"),
            ]),
        );
        assert.deepEqual(ports, {
            "backend-nginx": 8081,
            frontend: 8081,
            "redis-etl-broker": 6379,
            "redis-web-cache": 6379,
        });
        const backendSvc = k8sObject(SERVICE, "backend-nginx", PROD);
        // The live selector (cms-DQM/dials@9fd1394 oc/prod/deployments/web/backend.yaml): adopted in place.
        assert.deepEqual(field(backendSvc.inputs, "spec.selector"), { app: "backend" });
    });

    it("runs the backend as gunicorn plus the nginx sidecar, with the prod replica counts", () => {
        const backend = k8sObject(DEPLOYMENT, "backend", PROD);
        assert.equal(field(backend.inputs, "spec.replicas"), 3);
        assert.equal(field(k8sObject(DEPLOYMENT, "frontend", PROD).inputs, "spec.replicas"), 3);
        const [gunicorn, nginx] = containers(backend);
        assert.equal(
            gunicorn.image,
            "image-registry.openshift-image-registry.svc:5000/cms-dials-prod/backend:v1.12.0",
        );
        assert.deepEqual(
            [gunicorn.resources.requests.memory, gunicorn.resources.limits.memory],
            ["512Mi", "2048Mi"],
        );
        assert.equal(
            nginx.image,
            `image-registry.openshift-image-registry.svc:5000/cms-dials-prod/nginx-unprivileged:${streamTag(asConfirmed("docker.io/nginxinc/nginx-unprivileged:1.27.4-alpine"))}`,
        );
        assert.deepEqual([nginx.resources.requests.memory, nginx.resources.limits.memory], ["64Mi", "256Mi"]);
        assert.deepEqual(field(nginx, "readinessProbe.httpGet"), { path: "/nghealth", port: 8081 });
        assert.deepEqual(nginx.volumeMounts, [
            { name: "nginx-conf", mountPath: "/etc/nginx/conf.d", readOnly: true },
            { name: "staticfiles", mountPath: "/var/www/api/", readOnly: true },
        ]);
    });

    it("imports the four images into pinned image streams", () => {
        const streams = Object.fromEntries(
            k8sObjects(IMAGESTREAM, PROD).map((s) => [
                field(s.inputs, "metadata.name"),
                field(s.inputs, "spec.tags[0]"),
            ]),
        );
        assert.deepEqual(Object.keys(streams).sort(), ["backend", "etl", "frontend", "nginx-unprivileged"]);
        assert.deepEqual(streams.etl, {
            name: "v1.12.0",
            from: { kind: "DockerImage", name: `registry.cern.ch/cms-dqmdc/dials-etl@${PROD_RELEASE.etl}` },
            importPolicy: { scheduled: false, importMode: "Legacy" },
            referencePolicy: { type: "Local" },
        });
    });

    it("runs both Redis instances with the source's probes; only the broker keeps data, protected in prod", () => {
        for (const name of ["redis-etl-broker", "redis-web-cache"]) {
            const d = k8sObject(DEPLOYMENT, name, PROD);
            const [c] = containers(d);
            assert.deepEqual(c.livenessProbe, {
                tcpSocket: { port: 6379 },
                initialDelaySeconds: 30,
                timeoutSeconds: 1,
                periodSeconds: 10,
                failureThreshold: 3,
            });
            assert.ok(
                JSON.stringify(c.readinessProbe).includes(
                    'redis-cli -h 127.0.0.1 -a \\"$REDIS_PASSWORD\\" ping',
                ),
            );
            assert.deepEqual(c.env, [
                { name: "REDIS_PASSWORD", valueFrom: { secretKeyRef: { name, key: "database-password" } } },
            ]);
            assert.deepEqual([c.resources.requests.memory, c.resources.limits.memory], ["512Mi", "1024Mi"]);
        }
        const broker = k8sObject(DEPLOYMENT, "redis-etl-broker", PROD);
        assert.equal(field(broker.inputs, "spec.strategy.type"), "Recreate");
        assert.deepEqual(containers(broker)[0].volumeMounts, [
            { name: "redis-data", mountPath: "/var/lib/redis/data" },
        ]);
        assert.equal(
            field(k8sObject(DEPLOYMENT, "redis-web-cache", PROD).inputs, "spec.template.spec.volumes"),
            undefined,
        );
        assert.deepEqual(names(k8sObjects(PVC, PROD)), ["eos-storage", "redis-etl-broker"]);
        for (const pvc of k8sObjects(PVC, PROD)) {
            assert.equal(pvc.protect, true, pvc.name);
            assert.equal(pvc.retainOnDelete, true, pvc.name);
        }
        assert.ok(byName("dials-redis-etl-broker-password", "random:index/randomPassword:RandomPassword"));
    });

    it("uses the cern-paas provider for every Kubernetes object and creates no namespace on the PaaS", () => {
        const provider = byName("cluster-cern-paas", "pulumi:providers:kubernetes");
        const objects = ofType(DEPLOYMENT).concat(
            ofType(SERVICE),
            ofType(CONFIGMAP),
            ofType(SECRET),
            ofType(PVC),
            ofType(ROUTE),
            ofType(IMAGESTREAM),
            ofType("kubernetes:batch/v1:Job"),
            ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy"),
        );
        // 22 Deployments (16 workers: v1.12.0 has no downloaders), 4 Services, 3 ConfigMaps, 5 Secrets, 2 PVCs, 2
        // Routes, 4 ImageStreams; no migration Job, the consumers check's; 5 NetworkPolicies (the default deny;
        // redis-etl-broker, redis-web-cache, backend-nginx, frontend).
        assert.equal(objects.length, 48);
        for (const o of objects)
            assert.ok(o.provider.startsWith(provider.urn), `${o.name} uses ${o.provider}`);
        assert.equal(ofType("kubernetes:core/v1:Namespace").length, 0);
    });

    it("produces objects the Kubernetes API accepts", () => {
        const objects = kubernetesObjects();
        // The 48 above and the PodDisruptionBudgets of the two multi-replica Deployments (backend, frontend).
        assert.equal(objects.length, 50);
        assert.deepEqual(
            objects.flatMap((o) => validateObject(o)),
            [],
        );
        assert.deepEqual(duplicateObjects(objects), []);
    });
});

describe("dials on the stage stack and other configurations", () => {
    it("runs a smaller staging copy in its own namespace on the staging hosts, unprotected", async () => {
        // The committed stage stack unchanged (DIALS' section has no operator placeholder): the run's plan of it.
        const stage = new Objects((await stackPlan("stage")).resources.filter((r) => r.system === "dials"));
        assert.equal(stage.ofType(DEPLOYMENT, PROD).length, 0);
        const ns = "cms-dials-stage";
        assert.equal(field(stage.one(DEPLOYMENT, "backend", ns).inputs, "spec.replicas"), 2);
        assert.equal(field(stage.one(DEPLOYMENT, "frontend", ns).inputs, "spec.replicas"), 1);
        assert.deepEqual(
            stage
                .ofType(ROUTE, ns)
                .map((r) => field(r.inputs, "spec.host"))
                .sort(),
            ["cmsdials-api-stage.web.cern.ch", "cmsdials-stage.web.cern.ch"],
        );
        assert.deepEqual(names(workerDeployments(ns, stage.ofType(DEPLOYMENT, ns))), PROD_WORKERS);
        const claims = stage.ofType(PVC, ns);
        assert.ok(claims.length > 0, "stage has claims");
        for (const pvc of claims) assert.equal(pvc.protect, false, pvc.name);
        assert.ok(
            containers(stage.one(DEPLOYMENT, "tracker-bulk", ns))[0].image.includes("/cms-dials-stage/etl:"),
        );
    });

    it("adding a workspace is one config entry: its three workers, its database and its e-group follow", async () => {
        await runDials("prod", (d) => {
            d.workspaces.push({ name: "muon", egroup: "cms-dqm-runregistry-offline-muon-certifiers" });
        });
        assert.deepEqual(
            names(workerDeployments()).filter((n) => !PROD_WORKERS.includes(n)),
            ["muon-bulk", "muon-indexer", "muon-priority"],
        );
        const etl = field(k8sObject(CONFIGMAP, "dials-etl-configmap", PROD).inputs, "data") as Record<
            string,
            string
        >;
        assert.equal(etl.DATABASES, "csc,ecal,hcal,jetmet,tracker,muon");
        const backend = field(k8sObject(CONFIGMAP, "dials-backend-configmap", PROD).inputs, "data") as Record<
            string,
            string
        >;
        assert.equal(
            JSON.parse(backend.DJANGO_WORKSPACES).muon,
            "cms-dqm-runregistry-offline-muon-certifiers",
        );
    });

    it("uses Redis passwords from secret config instead of generating them", async () => {
        // No worker makes or reads a password but through the Secrets read here (see fewerWorkspaces).
        await runDials("prod", fewerWorkspaces, {
            ...DIALS_SECRETS,
            "dials-redis-etl-broker-password": "broker p@ss",
            "dials-redis-web-cache-password": "cache-pass",
        });
        // The only generated value is the key of the restart checksums, never a password.
        assert.deepEqual(
            ofType("random:index/randomPassword:RandomPassword").map((r) => r.name),
            ["dials-checksum-key"],
        );
        const etl = field(k8sObject(SECRET, "dials-etl-secrets", PROD).inputs, "stringData") as Record<
            string,
            string
        >;
        assert.equal(etl.CELERY_BROKER_URL, "redis://:broker%20p%40ss@redis-etl-broker:6379/0");
        const backend = field(
            k8sObject(SECRET, "dials-backend-secrets", PROD).inputs,
            "stringData",
        ) as Record<string, string>;
        assert.equal(backend.DJANGO_REDIS_URL, "redis://:cache-pass@redis-web-cache:6379/0");
    });

    it("on a plain Kubernetes cluster uses the external images and Ingresses instead of streams and Routes", async () => {
        const values = dialsValues("prod");
        // Every worker takes the ETL image as csc-bulk does (see fewerWorkspaces).
        fewerWorkspaces(values.dials as DialsSection);
        Object.assign((values.clusters as Record<string, object>)["cern-paas"], {
            platform: "kubernetes",
            ingressNamespace: "ingress-nginx",
        });
        await runWith({ values, secrets: DIALS_SECRETS });
        assert.equal(ofType(IMAGESTREAM).length, 0);
        assert.equal(ofType(ROUTE).length, 0);
        const ingresses = ofType("kubernetes:networking.k8s.io/v1:Ingress");
        assert.deepEqual(ingresses.map((i) => field(i.inputs, "spec.rules[0].host")).sort(), [
            "cmsdials-api.web.cern.ch",
            "cmsdials.web.cern.ch",
        ]);

        assert.equal(
            containers(k8sObject(DEPLOYMENT, "csc-bulk", PROD))[0].image,
            `registry.cern.ch/cms-dqmdc/dials-etl@${PROD_RELEASE.etl}`,
        );
        assert.deepEqual(
            kubernetesObjects().flatMap((o) => validateObject(o)),
            [],
        );
    });
});
