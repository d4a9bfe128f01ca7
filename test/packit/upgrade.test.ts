import { runSystem } from "../fixtures/system";
import { asConfirmed, operatorDigest } from "../placeholders";
import { strict as assert } from "assert";
import { POSTGRES_COPY_SCRIPT } from "../../components/packit/scripts";
import { RecordedResource } from "../../tools/mocks/recorder";
import { Objects, field, k8sObject, k8sObjects } from "../harness";
import { Component } from "../../components/packit/config";
import {
    DEPLOYMENT,
    JOB,
    PVC,
    SERVICE,
    STATEFULSET,
    Values,
    containers,
    envOf,
    onlyComponents,
    PACKIT,
    packitSections,
} from "./fixtures";

// The running server as production pins it: by the digest its pod runs.
const OLD_IMAGE = `quay.io/sclorg/postgresql-13-c9s@${operatorDigest("quay.io/sclorg/postgresql-13-c9s:c9s")}`;

/**
 * The components the cases read, with what they need: packit's database, the writers it stops (API, workers, beat)
 * and a listener that keeps queueing; stream's API and database. Every evaluation of this file, during the upgrade and
 * after it alike, switches off the others and the Namespaces (no case reads them, and none makes a Job, a database
 * server, its Service or its claim), so the URNs compared are those of one configuration.
 */
const READ: Record<"packit" | "stream", Component[]> = {
    packit: ["postgres", "redis", "service", "workers", "beat", "fedmsg"],
    stream: ["postgres", "redis", "service"],
};

function onlyWhatIsRead(v: Values): void {
    for (const section of ["packit", "stream"] as const) {
        onlyComponents(v[section], READ[section]);
        v[section].createNamespaces = false;
    }
}

/** The prod stack in the middle of an upgrade from Postgres 13 to the configured 15. */
function upgrading(v: Values): void {
    onlyWhatIsRead(v);
    v.packit.postgres.previous = { version: 13, image: OLD_IMAGE };
}

/** The prod stack during the upgrade, evaluated once for the cases of this file that read it. */
let upgrade: Promise<Objects<RecordedResource>> | undefined;
function duringUpgrade(): Promise<Objects<RecordedResource>> {
    upgrade ??= runSystem(PACKIT, "prod", (v) => upgrading(packitSections(v))).then(
        (r) => new Objects([...r]),
    );
    return upgrade;
}

describe("packit Postgres major upgrade", () => {
    describe("while postgres.previous is set", () => {
        let up: Objects<RecordedResource>;
        before(async () => {
            up = await duringUpgrade();
        });

        it("runs the new server beside the old one and points the postgres Service at the new one", () => {
            const servers = up
                .ofType(DEPLOYMENT, "packit-prod")
                .map((d) => field(d.inputs, "metadata.name") as string)
                .filter((n) => n.startsWith("postgres"));
            assert.deepEqual(servers.sort(), ["postgres-13", "postgres-15"]);
            assert.equal(containers(up.one(DEPLOYMENT, "postgres-13", "packit-prod"))[0].image, OLD_IMAGE);
            const service = up.one(SERVICE, "postgres", "packit-prod");
            // The live selector of packit/deployment's servers (component: postgres-<version>).
            assert.deepEqual(field(service.inputs, "spec.selector"), { component: "postgres-15" });
            assert.ok(
                up.one(SERVICE, "postgres-13", "packit-prod"),
                "the copy job reaches the old server by name",
            );
        });

        it("keeps the old volume (the adopted claim): never deleted, even when the upgrade is over", () => {
            const old = up.one(PVC, "postgres-data", "packit-prod");
            assert.ok(old.retainOnDelete && old.protect, "the adopted data is protected");
            assert.deepEqual(
                field(up.one(DEPLOYMENT, "postgres-13", "packit-prod").inputs, "spec.template.spec.volumes"),
                [{ name: "postgres-data", persistentVolumeClaim: { claimName: "postgres-data" } }],
                "the old server runs on the existing data",
            );
            const current = up.one(PVC, "postgres-15", "packit-prod");
            assert.ok(current.protect && current.retainOnDelete);
        });

        it("copies the data with a dump/restore Job once the writers have stopped", () => {
            const job = up.one(JOB, "postgres-upgrade-13-to-15", "packit-prod");
            const env = envOf(job);
            assert.equal(env.OLD_HOST.value, "postgres-13");
            assert.equal(env.NEW_HOST.value, "postgres-15");
            assert.deepEqual(env.PGPASSWORD.valueFrom, {
                secretKeyRef: { name: "postgres-secret", key: "database-password" },
            });
            const copy = containers(job)[0];
            assert.equal(
                copy.image,
                asConfirmed("quay.io/sclorg/postgresql-15-c9s:c9s"),
                "the new version's pg_dump reads the old server",
            );
            assert.deepEqual(copy.command, ["/bin/bash", "-c", POSTGRES_COPY_SCRIPT]);
            assert.match(
                POSTGRES_COPY_SCRIPT,
                /pg_dump -h "\$OLD_HOST"[^\n]*\|\n\s*pg_restore -h "\$NEW_HOST"[^\n]*--single-transaction/,
            );
            assert.match(POSTGRES_COPY_SCRIPT, /refusing to restore/);
            const api = up.one(DEPLOYMENT, "packit-service", "packit-prod");
            // The engine answers a component's registration only after its dependencies, and the Job is its child.
            const upgrade = up.byName("packit-postgres-upgrade", "runbooks:packit:PostgresUpgrade");
            assert.ok(
                job.parent === upgrade.urn && upgrade.dependencies.includes(api.urn),
                "the copy waits for the API to stop",
            );
            assert.deepEqual(job.ignoreChanges, ["spec"]);
        });

        it("stops the database writers (API, workers, beat) but keeps the listeners queueing", () => {
            assert.equal(
                field(up.one(DEPLOYMENT, "packit-service", "packit-prod").inputs, "spec.replicas"),
                0,
            );
            assert.equal(
                field(up.one(DEPLOYMENT, "packit-service-beat", "packit-prod").inputs, "spec.replicas"),
                0,
            );
            for (const worker of up.ofType(STATEFULSET, "packit-prod")) {
                assert.equal(field(worker.inputs, "spec.replicas"), 0, `${worker.name} is stopped`);
            }
            assert.equal(
                field(up.one(DEPLOYMENT, "packit-service-fedmsg", "packit-prod").inputs, "spec.replicas"),
                1,
            );
            // stream has its own database and is not upgraded
            assert.equal(
                field(up.one(DEPLOYMENT, "packit-service", "stream-prod").inputs, "spec.replicas"),
                1,
            );
            assert.equal(up.ofType(JOB, "stream-prod").length, 0);
        });
    });

    it("keeps the new server's resource names when the upgrade ends, so nothing is replaced", async () => {
        const during = (await duringUpgrade()).one(PVC, "postgres-15", "packit-prod").urn;
        // Upgrade done: previous and the adopted claim are removed from the config together.
        await runSystem(PACKIT, "prod", (values) => {
            const v = packitSections(values);
            onlyWhatIsRead(v);
            delete v.packit.postgres.claimName;
        });
        assert.equal(k8sObject(PVC, "postgres-15", "packit-prod").urn, during);
        // No copy Job is left (the workers' consumers check is the one Job of a running deployment).
        assert.deepEqual(
            k8sObjects(JOB)
                .map((j) => String(field(j.inputs, "metadata.name")))
                .filter((n) => !/^packit-worker-consumers-/.test(n)),
            [],
        );
        assert.equal(
            k8sObjects(PVC, "packit-prod").filter((p) => field(p.inputs, "metadata.name") === "postgres-13")
                .length,
            0,
        );
        assert.equal(
            field(k8sObject(DEPLOYMENT, "packit-service", "packit-prod").inputs, "spec.replicas"),
            1,
        );
    });
});
