import { envFromSpec } from "../../components/thoth/station/envSpec";
import { strict as assert } from "assert";
import { readFileSync } from "fs";
import * as path from "path";
import { thothSchema } from "../../components/thoth/config";
import { thothSecrets } from "../../components/thoth/secrets";
import { servicePlans } from "../../components/thoth/station/modules/services";
import { STATION_SECRETS, stationSecretKey } from "../../components/thoth/station/stationSecrets";
import { VERIFY_ATTEMPTS, verifyScript } from "../../components/thoth/station/modules/verify";
import { k8sObject, k8sObjects, ofType } from "../harness";
import {
    KIND,
    containerOf,
    envOf,
    isSecretAt,
    leakedSecrets,
    podOf,
    planReads,
    secretValue,
    secretsRead,
    thothStack,
    Json,
} from "./fixtures";
import { evaluateSecretHolders, plannedBefore, sharedEvaluation } from "./parts";
import { runWithStubs } from "./shellStub";
import { repoRoot } from "../../tools/root";
import { confirmation, sourcedImages } from "../../components/shared/confirmedImages";
import { PVC, CRD, CLUSTERROLE as CLUSTER_ROLE } from "../fixtures/resourceTypes";

/**
 * The committed stage stack, evaluated once for the cases that read secrets in plain text (the plan masks them), and
 * check that none leaks anywhere in Thoth: every part a secret can reach.
 */
const stageEvaluated = sharedEvaluation(() => evaluateSecretHolders("stage"));

const ROOT = repoRoot();
const CORE_STAGE = [
    "thoth-frontend-stage",
    "thoth-middletier-stage",
    "thoth-backend-stage",
    "thoth-graph-stage",
    "thoth-infra-stage",
];
const TEST_NS = "thoth-test-core";
const HOSTS = { userApi: "u.example", managementApi: "m.example", amunApi: "a.example" };

function routes(namespace: string): Record<string, Json> {
    return Object.fromEntries(
        k8sObjects(KIND.route, namespace).map((r) => [(r.inputs.metadata as Json).name, r.inputs.spec]),
    );
}

describe("thoth stage isolation (issue 14)", function () {
    // Each run plans the whole station (~400 objects); on a loaded machine that takes longer than the default.
    this.timeout(60_000);
    it("stage reads every secret from its own thoth-stage-... key, none of production's", () => {
        const stage = thothSecrets(thothSchema.parse(thothStack("stage").thoth)).map((s) => s.key);
        const prod = new Set(thothSecrets(thothSchema.parse(thothStack("prod").thoth)).map((s) => s.key));
        assert.ok(stage.length > 20);
        for (const key of stage) {
            assert.match(key, /^thoth-stage-/);
            assert.ok(!prod.has(key), `${key} is shared with production`);
        }
    });

    it("registers stage tunnels and webhook receivers with stage credentials", () =>
        stageEvaluated(() => {
            const hook = k8sObject(KIND.secret, "ultrahook-thoth", "aicoe-stage");
            assert.equal(
                (hook.inputs.stringData as Json)["api.key"],
                secretValue("thoth-stage-ultrahook-thoth-api-key"),
            );
            const sesheta = k8sObject(KIND.secret, "sesheta-secret", "aicoe-stage-bots");
            assert.equal(
                (sesheta.inputs.stringData as Json)["github-webhook-secret"],
                secretValue("thoth-stage-sesheta-github-webhook-secret"),
            );
            assert.notEqual(
                (sesheta.inputs.stringData as Json)["github-webhook-secret"],
                secretValue("thoth-sesheta-github-webhook-secret"),
            );
        }));
});

describe("thoth image tags in the stack files (issue 14)", function () {
    // Each run plans the whole station (~400 objects); on a loaded machine that takes longer than the default.
    this.timeout(60_000);
    // Tags the runbook or the reference's sources name: the station's ImageStream tags (thoth-station.md
    // §2, §3), zuul-config's nodepool labels (systems.md) and the runbook's own nodepool example (thoth-coala:ubi8).
    const CONFIRMED =
        /^(quay\.io\/thoth-station\/[a-z-]+:v[0-9.]+|quay\.io\/argoproj\/[a-z-]+:v2\.12\.5|thoth-(pylint|pytest|pytest-f31-py37|mypy|python36):v0\.10\.2|thoth-ops:v0\.16\.0|thoth-coala:ubi8)$/;

    for (const stack of ["stage", "prod"]) {
        it(`marks every unconfirmed Thoth image tag of Pulumi.${stack}.yaml, and the Thoth page lists it`, () => {
            const text = readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8");
            const section = text.slice(
                text.indexOf("  runbooks:thoth:"),
                text.indexOf("\n  runbooks:", text.indexOf("  runbooks:thoth:") + 5),
            );
            const lines = section.split("\n");
            // The generated page's unverified values (docs/systems/thoth.md), which the plans' notices make.
            const readme = readFileSync(path.join(ROOT, "docs/systems/thoth.md"), "utf8");
            let checked = 0;
            lines.forEach((line, i) => {
                const m = /^\s+(?:image|[a-zA-Z]+): ((?:[a-z0-9.-]+\/)?[a-z0-9._/-]+:[A-Za-z0-9_.-]+)$/.exec(
                    line,
                );
                if (
                    !m ||
                    !/image|quay|registry|docker|thoth-/.test(line) ||
                    /apiServer|Servers|host/i.test(line)
                )
                    return;
                checked++;
                const image = m[1];
                if (CONFIRMED.test(image)) return;
                let k = i - 1;
                const comment: string[] = [];
                while (k >= 0 && /^\s*#/.test(lines[k])) comment.unshift(lines[k--]);
                // A release a deployment repository names (facts/images/thoth.yaml): its comment is that source.
                const sourced = confirmation(image, sourcedImages("thoth"));
                if (sourced !== undefined && /@/.test(sourced)) {
                    assert.equal(comment.join("\n").trim(), `# ${sourced}`, image);
                    return;
                }
                assert.match(comment.join("\n"), /# unverified: /, `${image} is not confirmed by any source`);
                assert.ok(readme.includes(image), `docs/systems/thoth.md does not list unverified ${image}`);
            });
            assert.ok(checked > 10);
        });
    }
});

describe("thoth station modules", function () {
    // Each run plans the whole station (~400 objects); on a loaded machine that takes longer than the default.
    this.timeout(60_000);
    describe("plans (pure)", () => {
        it("reads exactly these secrets per service", () => {
            const read = Object.fromEntries(
                servicePlans("stage", { hosts: HOSTS, exposeAmunApi: false }).map((p) => [
                    p.name,
                    secretsRead(envFromSpec(p.env, planReads())),
                ]),
            );
            assert.deepEqual(read["user-api"], [
                "ceph/key-id",
                "ceph/secret-key",
                "postgresql/database-name",
                "postgresql/database-password",
                "postgresql/database-user",
                "thoth/app-secret-key",
                "thoth/sentry-dsn",
                "thoth/user-api-token",
            ]);
            assert.deepEqual(read["amun-api"], [
                "amun/app-secret-key",
                "amun/sentry-dsn",
                "ceph/key-id",
                "ceph/secret-key",
            ]);
            assert.ok(read["metrics-exporter"].includes("prometheus-reader/token"));
            assert.ok(read["metrics-exporter"].includes("kebechet/github-oauth-token"));
            assert.ok(!read["management-api"].includes("thoth/user-api-token"));
            // Every Secret a service reads is one the station creates, with that key.
            const made = new Set(STATION_SECRETS.flatMap((s) => s.keys.map((k) => `${s.name}/${k.key}`)));
            for (const [name, refs] of Object.entries(read)) {
                for (const ref of refs)
                    assert.ok(made.has(ref), `${name} reads ${ref}, which nothing creates`);
            }
        });

        it("splits the investigator consumer by mode in stage and runs one for both in test", () => {
            const modes = (env: "stage" | "test") =>
                servicePlans(env, { hosts: HOSTS, exposeAmunApi: false })
                    .filter((p) => p.watches)
                    .map((p) => [p.name, envFromSpec(p.env, planReads()).THOTH_CONSUMER_MODE]);
            assert.deepEqual(modes("stage"), [
                ["investigator-consumer-backend", '["backend"]'],
                ["investigator-consumer-middletier", '["middletier"]'],
            ]);
            assert.deepEqual(modes("test"), [["investigator-consumer", '["middletier", "backend"]']]);
        });

        it("fails the post-up check when an API does not answer, after trying them all", () => {
            const script = verifyScript([
                { name: "user-api", url: "https://u.example/readiness", image: "i" },
                { name: "management-api", url: "https://m.example/readiness", image: "j" },
            ]);
            // The Job's /bin/sh; sleep answers at once.
            const run = (curl: string) => runWithStubs(script, { curl, sleep: "exit 0" }, {}, "/bin/sh");
            const down = run('case "$*" in *u.example*) exit 22;; esac; exit 0');
            assert.equal(down.status, 1);
            const curls = down.calls.filter((c) => c[0] === "curl");
            assert.deepEqual(
                curls.map((c) => c[c.length - 1]),
                [
                    ...Array<string>(VERIFY_ATTEMPTS).fill("https://u.example/readiness"),
                    "https://m.example/readiness",
                ],
            );
            assert.ok(curls[0].includes("--fail"));
            assert.equal(run("exit 0").status, 0);
        });
    });

    describe("stage layout", () => {
        plannedBefore("stage");

        it("exposes user-api publicly at stage.thoth-station.ninja and management-api at its host, from frontend; not amun-api", () => {
            const front = routes("thoth-frontend-stage");
            assert.equal(front["user-api-route53"].host, "stage.thoth-station.ninja");
            assert.equal(front["user-api-route53"].to.name, "user-api");
            assert.equal(front["management-api-route53"].host, "management.stage.thoth-station.ninja");
            assert.equal(
                front["user-api"].host,
                "user-api-thoth-frontend-stage.apps.ocp4.prod.psi.redhat.com",
            );
            // amun-api's Routes are held until its inspection templates exist (test/thoth/amunRoutes.test.ts).
            assert.deepEqual(routes("thoth-amun-api-stage"), {});
            assert.deepEqual(Object.keys(routes("thoth-graph-stage")), ["postgres-metrics-exporter"]);
            const svc = k8sObject(KIND.service, "user-api", "thoth-frontend-stage");
            assert.deepEqual((svc.inputs.spec as Json).ports[0], {
                name: "metrics",
                port: 80,
                targetPort: 8080,
                protocol: "TCP",
            });
        });

        it("puts the shared ConfigMaps into the five core namespaces, pointing every client at pgbouncer", () => {
            for (const ns of CORE_STAGE) {
                for (const name of ["thoth", "ceph", "kafka", "prometheus", "solvers", "pulp-pypi"]) {
                    assert.ok(k8sObject(KIND.configMap, name, ns), `${ns}/${name}`);
                }
                const data = k8sObject(KIND.configMap, "thoth", ns).inputs.data as Json;
                assert.equal(data["postgresql-host"], "pgbouncer.thoth-graph-stage.svc");
                assert.equal(data["backend-namespace"], "thoth-backend-stage");
                assert.equal(data["deployment-name"], "ocp4-stage");
            }
            assert.throws(() => k8sObject(KIND.configMap, "thoth", "thoth-amun-api-stage"));
            assert.ok(k8sObject(KIND.configMap, "amun", "thoth-amun-api-stage"));
        });

        it("copies each station Secret from one encrypted value into every namespace that needs it", () =>
            stageEvaluated(() => {
                const copies = k8sObjects(KIND.secret).filter(
                    (s) => (s.inputs.metadata as Json).name === "postgresql",
                );
                assert.deepEqual(
                    copies.map((s) => (s.inputs.metadata as Json).namespace).sort(),
                    [...CORE_STAGE, "thoth-amun-inspection-stage"].sort(),
                );
                for (const s of copies) {
                    assert.equal(
                        (s.inputs.stringData as Json)["database-password"],
                        secretValue("thoth-stage-station-postgresql-database-password"),
                    );
                    assert.ok(isSecretAt(s.secretPaths, "stringData.database-password"));
                }
                assert.deepEqual(leakedSecrets(), []);
            }));

        it("runs PostgreSQL on claim pgsql-data with Recreate, protected and retained on stage too", () => {
            const pvc = k8sObject(PVC, "pgsql-data", "thoth-graph-stage");
            assert.equal((pvc.inputs.spec as Json).resources.requests.storage, "120Gi");
            assert.equal(pvc.protect, true);
            assert.equal(pvc.retainOnDelete, true);
            const pg = k8sObject(KIND.deployment, "postgresql", "thoth-graph-stage");
            assert.equal((pg.inputs.spec as Json).strategy.type, "Recreate");
            assert.equal(podOf(pg).volumes[0].persistentVolumeClaim.claimName, "pgsql-data");
            assert.ok(k8sObject(KIND.deployment, "pgbouncer", "thoth-graph-stage"));
        });

        it("runs a namespaced Argo controller in backend, middletier and amun-inspection, bound to the referenced ClusterRoles", () => {
            for (const ns of [
                "thoth-backend-stage",
                "thoth-middletier-stage",
                "thoth-amun-inspection-stage",
            ]) {
                const c = containerOf(k8sObject(KIND.deployment, "workflow-controller", ns));
                assert.ok(c.args.includes("--namespaced"));
                assert.ok(c.args.includes("quay.io/argoproj/argoexec:v2.12.5"));
                const binding = k8sObject(KIND.roleBinding, "argo-server-argo-admin", ns);
                assert.deepEqual((binding.inputs.roleRef as Json).kind, "ClusterRole");
            }
            // Stage references the cluster prerequisites; the prod stack owns them on psi.
            assert.equal(ofType(CRD).length, 0);
            assert.equal(ofType(CLUSTER_ROLE).length, 0);
        });

        it("lets investigator start Workflows only in backend and middletier, and render Templates only in infra", () => {
            const bindings = k8sObjects(KIND.roleBinding).filter((b) =>
                (b.inputs.subjects as Json[]).some((s) => s.name === "investigator"),
            );
            const argoIn = bindings
                .filter((b) => (b.inputs.roleRef as Json).name === "argo-admin")
                .map((b) => (b.inputs.metadata as Json).namespace)
                .sort();
            assert.deepEqual(argoIn, ["thoth-backend-stage", "thoth-middletier-stage"]);
            const templates = k8sObjects(KIND.role).filter(
                (r) =>
                    (r.inputs.metadata as Json).name.startsWith("investigator-") &&
                    JSON.stringify(r.inputs.rules).includes("processedtemplates"),
            );
            assert.deepEqual(
                templates.map((r) => (r.inputs.metadata as Json).namespace),
                ["thoth-infra-stage"],
            );
        });

        it("schedules graph-refresh hourly and keeps pulp-pypi-sync suspended, as the reference", () => {
            const refresh = k8sObject(KIND.cronJob, "graph-refresh", "thoth-frontend-stage");
            assert.equal((refresh.inputs.spec as Json).schedule, "@hourly");
            assert.equal((refresh.inputs.spec as Json).suspend, false);
            assert.equal(podOf(refresh).serviceAccountName, "graph-refresh-job");
            assert.equal(envOf(refresh).THOTH_GRAPH_REFRESH_COUNT.value, "800");
            const pulp = k8sObject(KIND.cronJob, "pulp-pypi-sync-job", "thoth-frontend-stage");
            assert.equal((pulp.inputs.spec as Json).suspend, true);
            const backup = k8sObject(KIND.cronJob, "graph-backup", "thoth-graph-stage");
            assert.equal((backup.inputs.spec as Json).schedule, "@monthly");
        });
    });

    describe("test layout (prod stack)", () => {
        plannedBefore("prod");

        it("puts everything into thoth-test-core, hibernated: services at 0, database and Argo at 1, jobs suspended", () => {
            const replicas = Object.fromEntries(
                k8sObjects(KIND.deployment, TEST_NS).map((d) => [
                    (d.inputs.metadata as Json).name,
                    (d.inputs.spec as Json).replicas,
                ]),
            );
            for (const s of [
                "user-api",
                "management-api",
                "amun-api",
                "investigator-consumer",
                "metrics-exporter",
            ]) {
                assert.equal(replicas[s], 0, s);
            }
            for (const s of [
                "postgresql",
                "pgbouncer",
                "postgres-metrics-exporter",
                "workflow-controller",
                "argo-server",
            ]) {
                assert.equal(replicas[s], 1, s);
            }
            const station = k8sObjects(KIND.cronJob, TEST_NS).filter(
                (c) => (c.inputs.metadata as Json).name !== "watcher-restart",
            );
            assert.ok(station.length >= 8);
            for (const c of station)
                assert.equal((c.inputs.spec as Json).suspend, true, (c.inputs.metadata as Json).name);
            assert.equal(ofType("command:local:Command").filter((c) => c.name.includes("verify")).length, 0);
        });

        it("creates each shared ConfigMap and Secret once", () => {
            const names = k8sObjects(KIND.configMap, TEST_NS).map((c) => (c.inputs.metadata as Json).name);
            assert.equal(new Set(names).size, names.length);
            const secrets = k8sObjects(KIND.secret, TEST_NS).map((c) => (c.inputs.metadata as Json).name);
            assert.equal(new Set(secrets).size, secrets.length);
            assert.equal(
                (k8sObject(KIND.configMap, "thoth", TEST_NS).inputs.data as Json)["postgresql-host"],
                "pgbouncer.thoth-test-core.svc",
            );
        });

        it("protects and retains the database's claim and workload in production, and creates no Argo CRDs on PSI", () => {
            const pvc = k8sObject(PVC, "pgsql-data", TEST_NS);
            assert.equal(pvc.protect, true);
            assert.equal(pvc.retainOnDelete, true);
            for (const name of ["postgresql", "pgbouncer", "postgres-metrics-exporter"]) {
                const d = k8sObject(KIND.deployment, name, TEST_NS);
                assert.equal(d.protect, true, name);
                assert.equal(d.retainOnDelete, true, name);
            }
            assert.equal(k8sObject(KIND.deployment, "user-api", TEST_NS).protect, false);
            // PSI's cluster setup provides them (thoth-station.md §6.3, §7); prod's grants do not include them.
            assert.deepEqual(ofType(CRD), []);
            assert.deepEqual(ofType(CLUSTER_ROLE), []);
        });

        it("asks for each station secret key once, under thoth-station-<Secret>-<key>", () => {
            const keys = thothSecrets(thothSchema.parse(thothStack("prod").thoth))
                .map((s) => s.key)
                .filter((k) => k.startsWith("thoth-station-"));
            assert.equal(new Set(keys).size, keys.length);
            assert.ok(keys.includes(stationSecretKey("kafka", "kafka_ca.crt")));
            assert.equal(stationSecretKey("kafka", "kafka_ca.crt"), "thoth-station-kafka-kafka-ca-crt");
        });
    });
});
