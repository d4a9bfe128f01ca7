import { strict as assert } from "assert";
import {
    RESTARTED_AT,
    RUNBOOK_RESTARTS,
    restartGroups,
    restartRule,
    restartScript,
    runbookNamesFor,
} from "../../components/thoth/station/modules/restartPlan";
import { argoInstalls } from "../../components/thoth/station/modules/argo";
import { servicePlans } from "../../components/thoth/station/modules/services";
import { k8sObject, k8sObjects, ofType } from "../harness";
import { KIND, assertGrants, containerOf, podOf, Json } from "./fixtures";
import { evaluateThoth, plannedBefore } from "./parts";
import { runWithStubs } from "./shellStub";

// What the runbook's middletier and backend operators became in the stage station: the two investigator consumers
// and the Argo controllers of those two tiers (not amun-inspection's).
const STAGE_GROUPS = [
    { namespace: "thoth-backend-stage", deployments: ["workflow-controller"] },
    {
        namespace: "thoth-infra-stage",
        deployments: ["investigator-consumer-backend", "investigator-consumer-middletier"],
    },
    { namespace: "thoth-middletier-stage", deployments: ["workflow-controller"] },
];

const STAGE_HOSTS = {
    userApi: "stage.thoth-station.ninja",
    managementApi: "management.stage.thoth-station.ninja",
    amunApi: "amun.stage.thoth-station.ninja",
};

function restartRoles() {
    return ofType(KIND.role).filter((r) => (r.inputs.metadata as Json).name === "watcher-restart");
}

describe("thoth watcher restarts", function () {
    // Each run plans the whole station (~400 objects); on a loaded machine that takes longer than the default.
    this.timeout(60_000);
    describe("plan (pure)", () => {
        it("restarts what the runbook's deaf-watcher step names: the middletier and backend tiers, nothing else", () => {
            assert.deepEqual(RUNBOOK_RESTARTS, [
                { runbookName: "workload-operator-thoth-middletier-stage", tier: "middletier" },
                { runbookName: "workload-operator-thoth-backend-stage", tier: "backend" },
                { runbookName: "backend-operator", tier: "backend" },
            ]);
            assert.deepEqual(runbookNamesFor(["backend"]), [
                "workload-operator-thoth-backend-stage",
                "backend-operator",
            ]);
            // The test layout's one consumer serves both tiers.
            assert.deepEqual(runbookNamesFor(["middletier", "backend"]), [
                "workload-operator-thoth-middletier-stage",
                "workload-operator-thoth-backend-stage",
                "backend-operator",
            ]);
            for (const tier of ["amun-inspection", "frontend", "infra"] as const) {
                assert.deepEqual(runbookNamesFor([tier]), [], `${tier} is no runbook name's successor`);
            }
        });

        // Issue 39: backend-operator, which the NOTE names, had no successor. Every name the NOTE and its example give
        // has an entry, and every entry's tier is served by an event watcher the station deploys in both layouts.
        it("every event-based Deployment runbook 000 names has a successor in every station layout", () => {
            const note = "Deployment which is event based is **workload-operator** and **backend-operator**.";
            const example =
                "./autokill_patch.sh workload-operator-thoth-middletier-stage workload-operator-thoth-backend-stage";
            const operators = [...note.matchAll(/\*\*([a-z-]+)\*\*/g)].map((m) => m[1]);
            const deployments = example.split(" ").slice(1);
            assert.deepEqual(operators, ["workload-operator", "backend-operator"]);
            const entriesOf = (operator: string) =>
                RUNBOOK_RESTARTS.filter(
                    (r) => r.runbookName === operator || r.runbookName.startsWith(`${operator}-`),
                );
            assert.deepEqual(
                operators.filter((o) => entriesOf(o).length === 0),
                [],
                "runbook operators without a successor",
            );
            assert.deepEqual(
                deployments.filter((d) => !RUNBOOK_RESTARTS.some((r) => r.runbookName === d)),
                [],
                "restarted Deployments of the runbook's example without a successor",
            );
            assert.deepEqual(
                RUNBOOK_RESTARTS.filter((r) => !operators.some((o) => entriesOf(o).includes(r))).map(
                    (r) => r.runbookName,
                ),
                [],
                "successors of a name the runbook does not give",
            );
            for (const environment of ["stage", "test"] as const) {
                const watched = new Set([
                    ...servicePlans(environment, { hosts: STAGE_HOSTS, exposeAmunApi: false }).flatMap(
                        (p) => p.watches ?? [],
                    ),
                    ...argoInstalls(environment).map((a) => a.tier),
                ]);
                assert.deepEqual(
                    RUNBOOK_RESTARTS.filter((r) => !watched.has(r.tier)).map((r) => r.runbookName),
                    [],
                    `${environment}: runbook names whose tier no event watcher serves`,
                );
            }
        });

        it("groups targets by namespace", () => {
            const targets = [
                { namespace: "ns-b", target: "x" },
                { namespace: "ns-a", target: "y" },
                { namespace: "ns-b", target: "z" },
            ];
            assert.deepEqual(restartGroups(targets), [
                { namespace: "ns-a", targets: ["y"] },
                { namespace: "ns-b", targets: ["x", "z"] },
            ]);
        });

        it("patches the restartedAt annotation of every target, keeps going past a failure and then fails", () => {
            const group = { namespace: "ns1", deployments: ["op-a", "op-b"] };
            const { calls, status } = runWithStubs(restartScript(group), {
                kubectl: 'case "$*" in *op-a*) exit 1;; esac; exit 0',
            });
            assert.equal(status, 1, "a failed restart fails the job");
            assert.equal(calls.length, 2);
            calls.forEach((call, i) => {
                assert.deepEqual(call.slice(0, 7), [
                    "kubectl",
                    "--namespace",
                    "ns1",
                    "patch",
                    "deployment",
                    group.deployments[i],
                    "--type=strategic",
                ]);
                assert.equal(call[7], "--patch");
                const patch = JSON.parse(call[8]);
                assert.match(
                    patch.spec.template.metadata.annotations[RESTARTED_AT],
                    /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/,
                );
            });
            assert.equal(runWithStubs(restartScript(group), { kubectl: "exit 0" }).status, 0);
        });
    });

    describe("stage", () => {
        plannedBefore("stage");

        it("allows each job only get and patch on exactly its named Deployments, in their own namespace", () => {
            const roles = restartRoles();
            assert.deepEqual(
                roles
                    .map((r) => [(r.inputs.metadata as Json).namespace, r.inputs.rules])
                    .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
                STAGE_GROUPS.map((g) => [g.namespace, [restartRule(g.deployments)]]),
            );
            for (const g of STAGE_GROUPS) {
                assert.deepEqual(k8sObject(KIND.role, "watcher-restart", g.namespace).inputs.rules, [
                    {
                        apiGroups: ["apps"],
                        resources: ["deployments"],
                        resourceNames: g.deployments,
                        verbs: ["get", "patch"],
                    },
                ]);
                const binding = k8sObject(KIND.roleBinding, "watcher-restart", g.namespace);
                assertGrants(binding, "Role", "watcher-restart", "watcher-restart", g.namespace);
                assert.ok(k8sObject(KIND.serviceAccount, "watcher-restart", g.namespace));
            }
            assert.equal(ofType("kubernetes:rbac.authorization.k8s.io/v1:ClusterRole").length, 0);
        });

        it("leaves amun-inspection's workflow controller alone: no runbook name maps to it", () => {
            assert.ok(k8sObject(KIND.deployment, "workflow-controller", "thoth-amun-inspection-stage"));
            const inAmun = (kind: string) =>
                ofType(kind).filter(
                    (o) => (o.inputs.metadata as Json).namespace === "thoth-amun-inspection-stage",
                );
            for (const kind of [KIND.cronJob, KIND.role, KIND.roleBinding, KIND.serviceAccount]) {
                assert.deepEqual(
                    inAmun(kind).filter((o) => (o.inputs.metadata as Json).name === "watcher-restart"),
                    [],
                    kind,
                );
            }
        });

        it("targets only Deployments the station itself deploys, in the namespace it deploys them to", () => {
            for (const g of STAGE_GROUPS) {
                for (const name of g.deployments) assert.ok(k8sObject(KIND.deployment, name, g.namespace));
            }
            // The runbook-era operators do not exist in this station; nothing names them any more.
            assert.doesNotMatch(
                JSON.stringify(restartRoles().map((r) => r.inputs)),
                /workload-operator|graph-sync-scheduler/,
            );
        });

        it("runs one CronJob per namespace with that service account, on the configured schedule", () => {
            const crons = ofType(KIND.cronJob).filter(
                (c) => (c.inputs.metadata as Json).name === "watcher-restart",
            );
            assert.deepEqual(
                crons.map((c) => (c.inputs.metadata as Json).namespace).sort(),
                STAGE_GROUPS.map((g) => g.namespace),
            );
            for (const g of STAGE_GROUPS) {
                const cron = k8sObject(KIND.cronJob, "watcher-restart", g.namespace);
                const spec = cron.inputs.spec as Record<string, Json>;
                assert.equal(spec.schedule, "*/30 * * * *");
                assert.equal(spec.concurrencyPolicy, "Forbid");
                assert.equal(podOf(cron).serviceAccountName, "watcher-restart");
                assert.equal(podOf(cron).automountServiceAccountToken, true);
                const c = containerOf(cron);
                assert.equal(c.image, "quay.io/openshift/origin-cli:4.15");
                assert.deepEqual(c.command, ["/bin/bash", "-c", restartScript(g)]);
                assert.ok(c.resources.limits.memory);
            }
        });
    });

    it("takes interval and which watchers from config, in the test layout too", async () => {
        // The modules' restart and what it is made from (the services' watchers, the Argo controllers) only: bots,
        // tunnels, nodepool, Dgraph, the catalog and the periodic jobs (none of which is a watcher or another
        // watcher-restart) off.
        await evaluateThoth("prod", {
            change: (t) => {
                t.bots.enabled = false;
                t.ultrahooks.enabled = false;
                t.nodepool.enabled = false;
                t.station.dgraph.enabled = false;
                t.station.modules.catalog.enabled = false;
                t.station.watcherRestart.schedule = "*/15 * * * *";
                t.station.watcherRestart.targets = ["investigator-consumers"];
            },
        });
        const cron = k8sObject(KIND.cronJob, "watcher-restart", "thoth-test-core");
        assert.equal((cron.inputs.spec as Json).schedule, "*/15 * * * *");
        assert.deepEqual(k8sObject(KIND.role, "watcher-restart", "thoth-test-core").inputs.rules, [
            restartRule(["investigator-consumer"]),
        ]);
        assert.ok(k8sObject(KIND.deployment, "investigator-consumer", "thoth-test-core"));
        assert.equal(
            k8sObjects(KIND.cronJob).filter((c) => (c.inputs.metadata as Json).name === "watcher-restart")
                .length,
            1,
        );
    });
});
