import * as k8s from "@pulumi/kubernetes";
import { strict as assert } from "assert";
import { COMPONENTS } from "../../components/prow/catalog";
import { PROW_SECRETS, secretEntries } from "../../components/prow/secrets";
import { PlainConfigMap } from "../../components/shared/configMap";
import { seededOnce, startupReadsOf } from "../../components/shared/startupReads";
import { Checksums, baselineBefore, checksumsOf, rolled } from "../fixtures/checksums";
import { field, k8sObjects, resetRecorder, settled } from "../harness";
import { runSystem } from "../fixtures/system";
import { PROW, PROW_SECRET_VALUES, patchProw } from "./helpers";
import { DEPLOYMENT, CRONJOB } from "../fixtures/resourceTypes";

/** The stage stack: ibmcloud-staging, every object name prefixed `staging-` (systems.md). */
const PREFIX = "staging-";

/** Deployment name → its pod-template reads checksum, after one evaluation of the stage stack. */
async function checksums(
    secrets: Record<string, string> = PROW_SECRET_VALUES,
    patch?: Record<string, unknown>,
): Promise<Checksums> {
    await runSystem(PROW, "stage", patch ? patchProw(patch) : undefined, secrets);
    return checksumsOf(k8sObjects(DEPLOYMENT));
}

/**
 * The rule, stated apart from the program: the Deployments whose catalog mounts name `mounted`, of those staging runs
 * (it runs dry, so not one that cannot: `runsDry: false`).
 */
function readersOf(mounted: (m: (typeof COMPONENTS)[number]["mounts"][number]) => boolean): string[] {
    return COMPONENTS.filter((c) => !c.schedule && c.runsDry !== false && c.mounts.some(mounted))
        .map((c) => PREFIX + c.name)
        .sort();
}

// Runbook 002 applies every rendered Secret and ConfigMap with `kubectl apply`, which restarts nothing; most of what
// a Prow pod mounts is read at start (and Prow's own reloads are not proof a new value was taken): the pods roll.
describe("prow: a changed Secret or ConfigMap rolls exactly the Deployments that mount it", function () {
    this.timeout(600_000);
    const base = baselineBefore(() => checksums());

    it("every Deployment that mounts a Secret or ConfigMap carries a checksum, and only those", () => {
        const readers = readersOf((m) => "secret" in m || "configMap" in m);
        for (const [name, sum] of base()) {
            if (readers.includes(name)) assert.match(sum ?? "", /^[0-9a-f]{32}$/, name);
            else assert.equal(sum, undefined, name);
        }
        assert.ok(readers.length > 10, readers.join(", "));
    });

    it("the CronJobs' pod templates carry no restart annotation: each run's pod reads what it mounts anew", () => {
        const cronJobs = k8sObjects(CRONJOB);
        assert.equal(cronJobs.length, COMPONENTS.filter((c) => c.schedule).length);
        for (const c of cronJobs) {
            assert.equal(field(c.inputs, "spec.jobTemplate.spec.template.metadata.annotations"), undefined);
        }
    });

    // Every stack secret of the prow namespace that the stage stack sets, each rotated alone.
    for (const def of PROW_SECRETS.filter((d) => d.namespaces.includes("prow"))) {
        for (const { configKey } of secretEntries(def)) {
            if (!(configKey in PROW_SECRET_VALUES)) continue;
            it(`rotating ${configKey} rolls exactly the Deployments that mount Secret ${def.name}`, async () => {
                const after = await checksums({ ...PROW_SECRET_VALUES, [configKey]: "rotated" });
                assert.deepEqual(
                    rolled(base(), after),
                    readersOf((m) => "secret" in m && m.secret === def.name),
                );
            });
        }
    }

    it("a change of config.yaml rolls exactly the Deployments that mount ConfigMap config", async () => {
        const after = await checksums(PROW_SECRET_VALUES, { documents: { config: { log_level: "info" } } });
        assert.deepEqual(
            rolled(base(), after),
            readersOf((m) => "configMap" in m && m.configMap === "config"),
        );
    });
});

// config-updater owns job-config after the program seeded it (ignoreChanges on its data): a change of the seed never
// reaches the cluster, so it must roll none of the Deployments that mount job-config.
describe("prow: a seeded ConfigMap is no startup read", () => {
    beforeEach(resetRecorder);
    afterEach(async () => {
        await settled();
    });

    it("leaves a seeded ConfigMap out of the reads checksum and keeps the others", () => {
        const provider = new k8s.Provider("seeded-provider", { kubeconfig: "{}" });
        const app = { name: "reader", partOf: "test" };
        const made = (name: string) =>
            new PlainConfigMap(
                `seeded-${name}`,
                { name, namespace: "ns", app, data: { k: "v" } },
                { provider },
            );
        const seeded = seededOnce(made("job-config"));
        const rendered = made("config");
        assert.deepEqual(startupReadsOf([seeded.handle, rendered.handle]), [rendered]);
    });
});
