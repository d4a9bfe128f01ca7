import { envFromSpec } from "../../components/thoth/station/envSpec";
import { strict as assert } from "assert";
import { periodicPlans } from "../../components/thoth/station/modules/periodic";
import { workflowAccounts } from "../../components/thoth/station/modules/rbac";
import { tierNamespaces } from "../../components/thoth/station/tiers";
import { STATION_SECRETS } from "../../components/thoth/station/stationSecrets";
import { k8sObject, k8sObjects } from "../harness";
import { Json, KIND, podOf, envOf, planReads, secretsRead } from "./fixtures";
import { plannedBefore } from "./parts";

const STAGE = {
    frontend: "thoth-frontend-stage",
    middletier: "thoth-middletier-stage",
    infra: "thoth-infra-stage",
};
const TEST_NS = "thoth-test-core";

function spec(name: string, namespace: string): Json {
    return k8sObject(KIND.cronJob, name, namespace).inputs.spec as Json;
}

describe("thoth station periodic jobs", function () {
    this.timeout(60_000);

    describe("plans (pure)", () => {
        it("reads exactly these module secrets, each one the station creates", () => {
            const read = Object.fromEntries(
                periodicPlans().map((p) => [p.name, secretsRead(envFromSpec(p.env, planReads()))]),
            );
            assert.deepEqual(
                read["integration-tests"],
                ["integration-tests/management-api-token"],
                "the integration tests hold the management-api token only",
            );
            assert.ok(read["slo-reporter"].includes("slo-reporter/token"));
            for (const mi of [
                "mi-scheduler-gh",
                "mi-scheduler-kebechet-analyse",
                "mi-scheduler-kebechet-merge",
            ]) {
                assert.ok(read[mi].includes("sesheta-srcops/github-access-token"), mi);
            }
            assert.ok(
                !read["mi-scheduler-gh"].some((r) => r.startsWith("postgresql/")),
                "gh analysis needs no graph",
            );
            assert.ok(read["mi-scheduler-kebechet-merge"].includes("postgresql/database-password"));
            const made = new Set(STATION_SECRETS.flatMap((s) => s.keys.map((k) => `${s.name}/${k.key}`)));
            for (const [name, refs] of Object.entries(read)) {
                for (const ref of refs)
                    assert.ok(made.has(ref), `${name} reads ${ref}, which nothing creates`);
            }
        });

        it("keeps suspended what the reference suspended on a running stage", () => {
            const suspended = periodicPlans()
                .filter((p) => p.suspended)
                .map((p) => p.name)
                .sort();
            assert.deepEqual(suspended, [
                "document-sync",
                "mi-scheduler-gh",
                "mi-scheduler-kebechet-analyse",
                "mi-scheduler-kebechet-merge",
                "pulp-pypi-sync-job",
            ]);
        });
    });

    describe("stage", () => {
        plannedBefore("stage");

        it("runs slo-reporter daily and the integration tests monthly, once, from infra", () => {
            assert.equal(spec("slo-reporter", STAGE.infra).schedule, "0 6 * * *");
            assert.equal(spec("slo-reporter", STAGE.infra).suspend, false);
            const it = spec("integration-tests", STAGE.infra);
            assert.equal(it.schedule, "@monthly");
            assert.equal(it.jobTemplate.spec.backoffLimit, 0);
            assert.equal(it.jobTemplate.spec.template.spec.restartPolicy, "Never");
            const tests = k8sObject(KIND.configMap, "integration-tests", STAGE.infra).inputs.data as Json;
            assert.equal(tests["user-api"], "stage.thoth-station.ninja");
            assert.equal(tests.tags, "~@seizes_middletier_namespace");
        });

        it("mounts document-sync's destination credentials from Secret dst-ceph, never as env", () => {
            const job = k8sObject(KIND.cronJob, "document-sync", STAGE.frontend);
            assert.equal(spec("document-sync", STAGE.frontend).suspend, true);
            const pod = podOf(job);
            assert.deepEqual(pod.volumes, [
                {
                    name: "dst-ceph",
                    secret: { secretName: "dst-ceph", items: [{ key: "credentials", path: "credentials" }] },
                },
            ]);
            assert.equal(pod.containers[0].volumeMounts[0].mountPath, "/opt/app-root/src/.aws");
            assert.ok(k8sObject(KIND.secret, "dst-ceph", STAGE.frontend));
        });

        it("runs the mi-scheduler jobs suspended, as mi-scheduler, which may render Templates only in infra", () => {
            for (const name of [
                "mi-scheduler-gh",
                "mi-scheduler-kebechet-analyse",
                "mi-scheduler-kebechet-merge",
            ]) {
                const job = k8sObject(KIND.cronJob, name, STAGE.middletier);
                assert.equal((job.inputs.spec as Json).suspend, true, name);
                assert.equal(podOf(job).serviceAccountName, "mi-scheduler");
                assert.deepEqual(envOf(job).GITHUB_ACCESS_TOKEN.valueFrom, {
                    secretKeyRef: { name: "sesheta-srcops", key: "github-access-token" },
                });
            }
            const roles = k8sObjects(KIND.role).filter((r) =>
                (r.inputs.metadata as Json).name.startsWith("mi-scheduler"),
            );
            assert.deepEqual(
                roles.map((r) => (r.inputs.metadata as Json).namespace),
                [STAGE.infra],
            );
            const bindings = k8sObjects(KIND.roleBinding).filter((b) =>
                ((b.inputs.subjects as Json[]) ?? []).some((s) => s.name === "mi-scheduler"),
            );
            assert.deepEqual(
                bindings
                    .map((b) => `${(b.inputs.metadata as Json).namespace}:${(b.inputs.roleRef as Json).name}`)
                    .sort(),
                [
                    `${STAGE.infra}:${(roles[0].inputs.metadata as Json).name}`,
                    `${STAGE.middletier}:argo-admin`,
                ].sort(),
            );
        });
    });

    describe("test layout (prod stack, hibernated)", () => {
        plannedBefore("prod");

        it("suspends every station job, the new ones included", () => {
            for (const name of ["slo-reporter", "integration-tests", "document-sync", "mi-scheduler-gh"]) {
                assert.equal(spec(name, TEST_NS).suspend, true, name);
            }
            assert.equal(
                (k8sObject(KIND.configMap, "integration-tests", TEST_NS).inputs.data as Json).tags,
                "",
            );
        });
    });

    describe("accounts the Workflows run as (pure)", () => {
        it("stage: send-webhooks in each core namespace may only delete Secrets there (plus workflow-role)", () => {
            const accounts = workflowAccounts(tierNamespaces("stage"));
            const webhooks = accounts.filter((a) => a.name === "send-webhooks");
            assert.deepEqual(webhooks.map((a) => a.namespace).sort(), [
                "thoth-backend-stage",
                "thoth-frontend-stage",
                "thoth-graph-stage",
                "thoth-infra-stage",
                "thoth-middletier-stage",
            ]);
            for (const a of webhooks) {
                assert.ok(
                    a.grants.every((g) => g.namespace === a.namespace),
                    "never outside its namespace",
                );
                const del = a.grants.find((g) => "role" in g && g.role === "delete-secrets")!;
                assert.deepEqual("rules" in del && del.rules, [
                    { apiGroups: [""], resources: ["secrets"], verbs: ["delete"] },
                ]);
            }
            const amun = accounts.filter((a) => a.name.startsWith("amun-"));
            assert.deepEqual(
                amun.map((a) => `${a.name}@${a.namespace}`),
                [
                    "amun-api-workflow@thoth-amun-inspection-stage",
                    "amun-prepare-workflow@thoth-amun-inspection-stage",
                ],
            );
        });

        it("test: one send-webhooks and the two Amun accounts, all in thoth-test-core", () => {
            const accounts = workflowAccounts(tierNamespaces("test"));
            assert.deepEqual(
                accounts.map((a) => `${a.name}@${a.namespace}`),
                [
                    "send-webhooks@thoth-test-core",
                    "amun-api-workflow@thoth-test-core",
                    "amun-prepare-workflow@thoth-test-core",
                ],
            );
        });
    });
});
