import { strict as assert } from "assert";
import { ConfigMapHandle, SecretHandle } from "../../components/shared/handles";
import { readsOver } from "../../components/shared/reads";
import { STATION_READS_DECIDED_IN, StationReads } from "../../components/thoth/station/stationEnv";
import { unnamedWaits, unwaitedReads } from "../fixtures/podReads";
import { plannedThoth } from "./parts";

/**
 * Objects a Thoth pod may name that the program does not make: none. Every Secret, ConfigMap, claim and account the
 * station's pods name is made by the station itself (kebechet and prometheus-reader are station Secrets,
 * stationSecrets.ts; `argo` is the account of the namespace's Argo install), by the bots or by the ultrahooks.
 */
const MADE_ELSEWHERE: readonly string[] = [];

// Issue #28: the station's pods read its Secrets, ConfigMaps, claim and accounts through handles, so each pod is
// ordered after exactly what it reads by the reference itself, and a reader of an object its namespace does not get
// stops the evaluation instead of deploying a pod that cannot start.
describe("thoth pods read what the program makes, and wait for it (issue 28)", function () {
    this.timeout(60_000);

    for (const stack of ["stage", "prod"] as const) {
        it(`${stack}: each object a Thoth pod names exists and comes first`, async () => {
            const recorded = await plannedThoth(stack);
            assert.ok(
                recorded.some((r) => r.type === "kubernetes:argoproj.io/v1alpha1:CronWorkflow"),
                "the prescriptions-refresh CronWorkflows, whose Workflows' pods are checked too, are planned",
            );
            const { dangling, unwaited } = unwaitedReads(recorded);
            assert.deepEqual(
                {
                    dangling: dangling.filter((d) => !MADE_ELSEWHERE.some((e) => d.endsWith(` names ${e}`))),
                    unwaited,
                },
                { dangling: [], unwaited: [] },
            );
        });
    }

    // What a pod waits for beyond what it names: Argo's controller and server read workflow-controller-configmap by
    // its plain --configmap name, and the controller the artifact Secret named inside that ConfigMap's YAML.
    const ARGO_READS =
        /^Deployment [^ ]+\/(workflow-controller|argo-server) waits for (ConfigMap [^ ]+\/workflow-controller-configmap|Secret [^ ]+\/argo-artifact-repository-secrets)$/;
    for (const stack of ["stage", "prod"] as const) {
        it(`${stack}: each Thoth pod waits for exactly the Secrets and ConfigMaps it reads, not its namespace's others`, async () => {
            const recorded = await plannedThoth(stack);
            assert.deepEqual(
                unnamedWaits(recorded, ["Secret", "ConfigMap"]).filter((w) => !ARGO_READS.test(w)),
                [],
            );
        });
    }

    it("stops a pod that reads an object its namespace does not get, naming both", () => {
        const handles = [
            SecretHandle.existing("postgresql", "thoth-graph"),
            ConfigMapHandle.existing("thoth", "thoth-graph"),
        ];
        const reads = (namespace: string): StationReads =>
            readsOver(handles, namespace, STATION_READS_DECIDED_IN);
        assert.equal(reads("thoth-graph").secret("postgresql").objectName, "postgresql");
        assert.equal(reads("thoth-graph").configMap("thoth").namespace, "thoth-graph");
        assert.throws(
            () => reads("thoth-infra").secret("postgresql"),
            /namespace thoth-infra reads Secret postgresql, which is not made there \(see the tiers of stationSecrets.ts/,
        );
        // A ConfigMap and a Secret of one name are different objects.
        assert.throws(
            () => reads("thoth-graph").secret("thoth"),
            /reads Secret thoth, which is not made there/,
        );
    });
});
