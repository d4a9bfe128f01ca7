import * as pulumi from "@pulumi/pulumi";
import { ExposureAudience } from "../../../shared/portPurpose";
import { refText } from "../../../shared/endpoints";
import { KubernetesContext } from "../../../config/system";
import { SystemArgs, SystemPart } from "../../../config/systemComponent";
import { EnvMap } from "../../../shared/env";
import { SecretHandle } from "../../../shared/handles";
import { httpProbe, sclorgPostgresProbes, tcpProbe } from "../../../shared/probes";
import { PersistentVolumeClaim } from "../../../shared/persistentVolumeClaim";
import { postgresServerAnnotations, sclorgPostgresMajor } from "../../../shared/postgresServer";
import { statefulOptions } from "../../../shared/protect";
import { Sizing } from "../../../shared/resources";
import { Workload, WorkloadArgs } from "../../../shared/workload";
import { StationImages, ThothSection } from "../../config";
import { defaultHost, thothApp } from "../../identity";
import { StationReads } from "../stationEnv";
import { GRAPH_CLAIM, liveLabelsOf } from "../../live";

export interface KnowledgeGraphArgs extends SystemArgs<ThothSection, KubernetesContext> {
    /** The graph tier's namespace. */
    namespace: string;
    /** Its name from its Namespace: the graph's objects are placed with it, so they are made after it. */
    namespaceRef: pulumi.Output<string>;
    domain: string;
    /** Who may reach the exporter's metrics Route (`thoth.station.modules.metricsAudience`). */
    metricsAudience: ExposureAudience;
    images: Pick<StationImages, "postgresql" | "pgbouncer" | "postgresExporter">;
    storageSize: string;
    storageClassName?: string;
    sizing: { postgresql: Sizing; pgbouncer: Sizing; postgresExporter: Sizing };
    /** Production: the claim and the database are protected and retained on delete. */
    protectStateful: boolean;
    /** The station's Secrets of the graph namespace (the database's credentials). */
    reads: StationReads;
}

/** The database's credentials, as the server is initialised with them and pgbouncer passes them on. */
function credentials(postgresql: SecretHandle): EnvMap {
    return {
        POSTGRESQL_USER: postgresql.env("database-user"),
        POSTGRESQL_PASSWORD: postgresql.env("database-password"),
        POSTGRESQL_DATABASE: postgresql.env("database-name"),
    };
}

/**
 * Thoth's knowledge graph: PostgreSQL on its claim, pgbouncer in front (every client connects to
 * `pgbouncer.<graph namespace>.svc:5432`) and the Prometheus exporter. Deployments replace the reference's
 * DeploymentConfigs; PostgreSQL uses `Recreate`, as a single writer on a ReadWriteOnce claim must. In production
 * the claim and all three workloads are protected and retained, as the issue asks of the database trio.
 */
export class KnowledgeGraph extends SystemPart<ThothSection, KubernetesContext> {
    public readonly claim: PersistentVolumeClaim;
    public readonly postgresql: Workload;
    public readonly pgbouncer: Workload;
    readonly #args: KnowledgeGraphArgs;

    constructor(name: string, args: KnowledgeGraphArgs, opts?: pulumi.ComponentResourceOptions) {
        super("runbooks:thoth:KnowledgeGraph", name, args, opts);
        this.#args = args;
        const postgresql = args.reads.secret("postgresql");
        this.claim = this.dataClaim();
        this.postgresql = this.database(postgresql);
        this.pgbouncer = this.pooler(postgresql);
        this.metricsExporter(postgresql);
        this.registerOutputs({});
    }

    /** The claim holding the database, adopted under thoth-application's name. */
    private dataClaim(): PersistentVolumeClaim {
        const args = this.#args;
        return new PersistentVolumeClaim(
            this.childName("claim"),
            {
                name: GRAPH_CLAIM,
                namespace: args.namespaceRef,
                labels: { "app.kubernetes.io/name": "postgresql" },
                storage: args.storageSize,
                storageClassName: args.storageClassName,
                protectStateful: args.protectStateful,
            },
            this.child(),
        );
    }

    /**
     * One of the three workloads, `app` by its identity and the selector its live objects run with, with what they
     * share: the graph's namespace, no account token, and in production the protection the issue asks of the
     * database trio.
     */
    private graphWorkload(
        role: string,
        app: { name: Parameters<typeof liveLabelsOf>[0]; component: string; image: string },
        spec: Omit<WorkloadArgs, "cluster" | "namespace" | "app">,
    ): Workload {
        return new Workload(
            this.childName(role),
            {
                cluster: this.context.cluster,
                namespace: this.#args.namespaceRef,
                automountServiceAccountToken: false,
                workloadOptions: statefulOptions(this.#args.protectStateful),
                app: thothApp(app.name, app.component, app.image),
                ...liveLabelsOf(app.name),
                ...spec,
            },
            this.child(),
        );
    }

    /** PostgreSQL on the claim: `Recreate`, as a single writer on a ReadWriteOnce claim must. */
    private database(postgresql: SecretHandle): Workload {
        const args = this.#args;
        return this.graphWorkload(
            "postgresql",
            { name: "postgresql", component: "database", image: args.images.postgresql },
            {
                // The takeover check compares this with the data on the claim (thoth's checks require the major
                // in the image's name).
                annotations: postgresServerAnnotations(
                    sclorgPostgresMajor(args.images.postgresql) ?? 0,
                    "thoth.station.modules.images.postgresql",
                ),
                strategy: "Recreate",
                containers: [
                    {
                        name: "postgresql",
                        image: args.images.postgresql,
                        ports: [{ name: "postgresql", containerPort: 5432 }],
                        env: credentials(postgresql),
                        resources: args.sizing.postgresql,
                        ...sclorgPostgresProbes(1),
                        mounts: [
                            this.claim.handle.mount("/var/lib/pgsql/data", { volume: "postgresql-data" }),
                        ],
                    },
                ],
                service: { ports: [{ name: "postgresql", port: 5432 }] },
            },
        );
    }

    /** pgbouncer in front of the database: every client connects to `pgbouncer.<graph namespace>.svc:5432`. */
    private pooler(postgresql: SecretHandle): Workload {
        const args = this.#args;
        return this.graphWorkload(
            "pgbouncer",
            { name: "pgbouncer", component: "database", image: args.images.pgbouncer },
            {
                containers: [
                    {
                        name: "pgbouncer",
                        image: args.images.pgbouncer,
                        ports: [{ name: "pgbouncer", containerPort: 5432 }],
                        env: {
                            ...credentials(postgresql),
                            POSTGRES_SERVICE_HOST: { computed: this.postgresql.endpoint().localHost },
                        },
                        resources: args.sizing.pgbouncer,
                        // Source: a TCP check for both; readiness only (sameCheck, shared/probes.ts).
                        readinessProbe: tcpProbe(5432, { initialDelaySeconds: 10, timeoutSeconds: 10 }),
                    },
                ],
                service: { ports: [{ name: "pgbouncer", port: 5432 }] },
            },
        );
    }

    /** The Prometheus exporter, reading the database through pgbouncer, with its metrics Route. */
    private metricsExporter(postgresql: SecretHandle): Workload {
        const args = this.#args;
        const exporterName = "postgres-metrics-exporter";
        return this.graphWorkload(
            "exporter",
            { name: exporterName, component: "monitoring", image: args.images.postgresExporter },
            {
                containers: [
                    {
                        name: "postgresql-metrics-exporter",
                        image: args.images.postgresExporter,
                        ports: [{ name: "metrics", containerPort: 9187 }],
                        env: {
                            DATA_SOURCE_URI: {
                                computed: refText`${this.pgbouncer.endpoint().address({ local: true })}/thoth?sslmode=disable`,
                            },
                            DATA_SOURCE_USER: postgresql.env("database-user"),
                            DATA_SOURCE_PASS: postgresql.env("database-password"),
                        },
                        resources: args.sizing.postgresExporter,
                        livenessProbe: httpProbe("/liveness", 9187, {
                            initialDelaySeconds: 120,
                            periodSeconds: 20,
                            timeoutSeconds: 10,
                        }),
                        readinessProbe: httpProbe("/readiness", 9187, {
                            initialDelaySeconds: 30,
                            timeoutSeconds: 10,
                        }),
                    },
                ],
                service: { ports: [{ name: "metrics", port: 80, targetPort: 9187, purpose: "metrics" }] },
                expose: [
                    {
                        host: defaultHost(exporterName, args.namespace, args.domain),
                        servicePort: "metrics",
                        audience: args.metricsAudience,
                        tls: { termination: "edge" },
                    },
                ],
            },
        );
    }
}
