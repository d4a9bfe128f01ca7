import * as assert from "node:assert/strict";
import { postgresServerAnnotations } from "../../../components/shared/postgresServer";
import { KubeObject } from "../../adopt/model";
import { buildReport, exitCode, renderReport } from "../../adopt/report";
import { inspectCluster } from "../../adopt/run";
import { FakeCluster, desired, live } from "./fixtures";

/** The program's `postgres-15` (as components/packit/postgres.ts makes it) on the claim that holds today's data. */
function server(claim: string): KubeObject {
    const labels = {
        "app.kubernetes.io/name": "postgres-15",
        "app.kubernetes.io/instance": "postgres-15",
        "app.kubernetes.io/component": "database",
        "app.kubernetes.io/version": "15",
    };
    return {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: {
            name: "postgres-15",
            namespace: "packit-prod",
            labels,
            annotations: postgresServerAnnotations(15, "packit.postgres.version"),
        },
        spec: {
            selector: { matchLabels: { "app.kubernetes.io/name": "postgres-15" } },
            template: {
                metadata: { labels },
                spec: {
                    containers: [
                        {
                            name: "postgres",
                            image: "quay.io/sclorg/postgresql-15-c9s:c9s",
                            volumeMounts: [{ name: "postgres-data", mountPath: "/var/lib/pgsql/data" }],
                        },
                    ],
                    volumes: [{ name: "postgres-data", persistentVolumeClaim: { claimName: claim } }],
                },
            },
        },
    };
}

const claim: KubeObject = {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: { name: "postgres-data", namespace: "packit-prod" },
    spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
    status: { phase: "Bound" },
};

const today: KubeObject = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "postgres-7-x2k4p", namespace: "packit-prod" },
    spec: {
        containers: [
            { name: "postgresql", volumeMounts: [{ name: "data", mountPath: "/var/lib/pgsql/data" }] },
        ],
        volumes: [{ name: "data", persistentVolumeClaim: { claimName: "postgres-data" } }],
    },
    status: { phase: "Running" },
};

describe("adopt: a database takeover without a dump stops the first deploy", () => {
    it("reports the server on the live claim as blocking (exit 2) with the pg_dump command", async () => {
        const result = await inspectCluster(
            "packit-auto",
            [desired(server("postgres-data"), "packit"), desired(claim, "packit")],
            new FakeCluster([live(claim), live(today)]),
        );
        const report = buildReport("prod", result.findings, result.leftBehind, [], result);
        assert.equal(exitCode(report), 2);
        const text = renderReport(report);
        assert.match(
            text,
            /oc -n packit-prod exec postgres-7-x2k4p -c postgresql -- bash -c 'pg_dump -U postgres -Fc "\$POSTGRESQL_DATABASE"' > packit-prod-postgres\.dump\.partial && mv packit-prod-postgres\.dump\.partial packit-prod-postgres\.dump/,
        );
        assert.match(
            text,
            /oc -n packit-prod exec postgres-7-x2k4p -c postgresql -- cat \/var\/lib\/pgsql\/data\/userdata\/PG_VERSION/,
        );
    });

    it("leaves a server on a new claim alone: nothing is taken over", async () => {
        const result = await inspectCluster(
            "packit-auto",
            [desired(server("postgres-15"), "packit")],
            new FakeCluster([live(claim), live(today)]),
        );
        const report = buildReport("prod", result.findings, result.leftBehind, [], result);
        assert.doesNotMatch(renderReport(report), /database takeover/);
    });
});
