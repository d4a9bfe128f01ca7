import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { STATION_TIERS, stationNamespaces, tierNamespaces } from "../../components/thoth/station/tiers";
import { k8sObject, k8sObjects, ofType, recorder, unwrap } from "../harness";
import {
    Json,
    KIND,
    assertGrants,
    runThoth,
    stationEnvironment,
    thothOf,
    thothOutputs,
    thothStack,
} from "./fixtures";
import { evaluateThoth, plannedBefore, plannedThoth } from "./parts";

const STAGE_NAMESPACES = [
    "thoth-frontend-stage",
    "thoth-middletier-stage",
    "thoth-backend-stage",
    "thoth-amun-api-stage",
    "thoth-amun-inspection-stage",
    "thoth-infra-stage",
    "thoth-graph-stage",
    "thoth-dgraph-stage",
];

/**
 * The stage stack switched to the test layout, as the local e2e stack uses it (catalog off, as there); its bots and
 * tunnels, in no thoth- namespace, off too.
 */
function toTest(t: Record<string, Json>): void {
    t.bots.enabled = false;
    t.ultrahooks.enabled = false;
    t.station.modules.catalog.enabled = false;
    t.station.environment = "test";
    t.station.dgraph.layout = "single";
}

describe("thoth station environments", function () {
    // Each run plans the whole station (~400 objects); on a loaded machine that takes longer than the default.
    this.timeout(60_000);
    describe("tier → namespace mapping (pure)", () => {
        it("gives stage one namespace per tier", () => {
            assert.deepEqual(stationNamespaces("stage"), STAGE_NAMESPACES);
            assert.equal(tierNamespaces("stage").dgraph, "thoth-dgraph-stage");
        });

        it("puts every tier of test into thoth-test-core", () => {
            assert.deepEqual(stationNamespaces("test"), ["thoth-test-core"]);
            for (const tier of STATION_TIERS) assert.equal(tierNamespaces("test")[tier], "thoth-test-core");
        });
    });

    it("binds OpenShift's system: ClusterRoles under a valid RoleBinding name", async () => {
        // The ops account's bindings are the station's own objects: the rest of the stack, Dgraph too, is off.
        await runThoth("stage", (t) => {
            stationEnvironment(t);
            t.station.opsClusterRoles = ["admin", "system:image-puller"];
        });
        const binding = k8sObject(KIND.roleBinding, "thoth-ops-system-image-puller", "thoth-backend-stage");
        assert.equal((binding.inputs.roleRef as Json).name, "system:image-puller");
    });

    describe("stage", () => {
        plannedBefore("stage");

        it("creates the seven tier namespaces, labelled with environment and tier", () => {
            for (const ns of STAGE_NAMESPACES) {
                const labels = (k8sObject(KIND.namespace, ns).inputs.metadata as Json).labels;
                assert.equal(labels["thoth-station.ninja/environment"], "stage");
                assert.equal(
                    labels["thoth-station.ninja/tier"],
                    ns.replace(/^thoth-/, "").replace(/-stage$/, ""),
                );
            }
        });

        it("creates thoth-ops in the infra namespace and binds it to admin in every station namespace", () => {
            const sas = ofType(KIND.serviceAccount).filter(
                (s) => (s.inputs.metadata as Json).name === "thoth-ops",
            );
            assert.deepEqual(
                sas.map((s) => (s.inputs.metadata as Json).namespace),
                ["thoth-infra-stage"],
            );
            const bindings = ofType(KIND.roleBinding).filter(
                (b) => (b.inputs.metadata as Json).name === "thoth-ops-admin",
            );
            assert.deepEqual(
                bindings.map((b) => (b.inputs.metadata as Json).namespace).sort(),
                [...STAGE_NAMESPACES].sort(),
            );
            for (const b of bindings)
                assertGrants(b, "ClusterRole", "admin", "thoth-ops", "thoth-infra-stage");
        });

        it("issues a service-account token Secret for thoth-ops", () => {
            const secret = k8sObject(KIND.secret, "thoth-ops-token", "thoth-infra-stage");
            assert.equal(secret.inputs.type, "kubernetes.io/service-account-token");
            assert.equal(
                (secret.inputs.metadata as Json).annotations["kubernetes.io/service-account.name"],
                "thoth-ops",
            );
            const sa = ofType(KIND.serviceAccount).find(
                (s) => (s.inputs.metadata as Json).name === "thoth-ops",
            )!;
            assert.ok(secret.dependencies.includes(sa.urn), "the token waits for its service account");
        });

        // Issue 39: stage keeps its long-lived data (test/thoth/longLivedData.test.ts), and the namespaces holding it.
        it("protects only the stage namespaces holding long-lived data (knowledge graph, Dgraph)", () => {
            const kept = ["thoth-dgraph-stage", "thoth-graph-stage"];
            for (const ns of STAGE_NAMESPACES) {
                const namespace = k8sObject(KIND.namespace, ns);
                assert.equal(namespace.protect, kept.includes(ns), ns);
                assert.equal(namespace.retainOnDelete, kept.includes(ns), ns);
            }
        });
    });

    describe("test layout (selectable by config)", () => {
        before(async () => {
            // Of the modules, the watcher restart and what it is made from: Namespaces, RoleBindings thoth-ops-admin
            // and Dgraph are the station's own, which builds them whatever modules' parts it builds.
            await evaluateThoth("stage", { change: toTest });
        });

        it("puts every tier, the ops account and Dgraph into thoth-test-core", () => {
            assert.deepEqual(
                k8sObjects(KIND.namespace)
                    .map((n) => (n.inputs.metadata as Json).name)
                    .filter((n: string) => n.startsWith("thoth-")),
                ["thoth-test-core"],
            );
            assert.equal(
                (k8sObject(KIND.namespace, "thoth-test-core").inputs.metadata as Json).labels[
                    "thoth-station.ninja/tier"
                ],
                "all",
            );
            assert.ok(k8sObject(KIND.serviceAccount, "thoth-ops", "thoth-test-core"));
            const bindings = ofType(KIND.roleBinding).filter(
                (b) => (b.inputs.metadata as Json).name === "thoth-ops-admin",
            );
            assert.equal(bindings.length, 1);
            assert.ok(k8sObject(KIND.statefulSet, "dgraph", "thoth-test-core"));
            assert.ok(k8sObject(KIND.cronJob, "watcher-restart", "thoth-test-core"));
        });
    });

    describe("prod", () => {
        it("runs the long-lived test environment, protected", async () => {
            // The committed prod stack unchanged: its plan.
            recorder.restore(await plannedThoth("prod"));
            const ns = k8sObject(KIND.namespace, "thoth-test-core");
            assert.equal(ns.protect, true);
            assert.ok(k8sObject(KIND.secret, "thoth-ops-token", "thoth-test-core"));
        });
    });

    describe("stack outputs", () => {
        it("exports the ops token only as a secret, with the namespace mapping in plain text", async () => {
            // The outputs are the station's own: evaluated without its modules, Dgraph, bots and tunnels.
            const values = thothStack("stage");
            stationEnvironment(thothOf(values));
            const station = (await thothOutputs(values)).station;
            assert.equal(await pulumi.isSecret(station.opsToken), true);
            assert.deepEqual(station.namespaces, tierNamespaces("stage"));
            assert.equal(station.opsServiceAccount, "thoth-infra-stage/thoth-ops");
            assert.equal(typeof (await unwrap(station.opsToken)), "string");
        });
    });

    it("switches the whole station off", async () => {
        await runThoth("stage", (t) => {
            t.station.enabled = false;
        });
        assert.equal(
            ofType(KIND.namespace).filter((n) => (n.inputs.metadata as Json).name.startsWith("thoth-"))
                .length,
            0,
        );
        assert.equal(ofType(KIND.statefulSet).length, 0);
    });
});
