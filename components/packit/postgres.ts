import { liveLabelsOf } from "./live";
import { runOncePodSpec } from "../shared/runOnce";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { SystemArgs, SystemPart } from "../config/systemComponent";
import type { PackitSection } from "./config";
import { ServiceEndpoint } from "../shared/endpoints";
import { SecretHandle } from "../shared/handles";
import { Namespace } from "../shared/namespace";
import { recordPods, recordService } from "../shared/network";
import { AppIdentity, standardLabels } from "../shared/labels";
import { podServiceArgs } from "../shared/service";
import { sclorgPostgresProbes } from "../shared/probes";
import { PersistentVolumeClaim } from "../shared/persistentVolumeClaim";
import { statefulOptions } from "../shared/protect";
import { ConfigSecret } from "../shared/secret";
import { Workload } from "../shared/workload";
import { POSTGRES_SECRET, postgresServerEnv } from "./env";
import { SIZES } from "./layout";
import { POSTGRES_COPY_SCRIPT } from "./scripts";
import { postgresServerAnnotations } from "../shared/postgresServer";

/** One PostgreSQL server: a major version and its image. */
export interface PostgresServer {
    version: number;
    image: string;
}

export interface PackitPostgresArgs extends SystemArgs<PackitSection> {
    namespace: Namespace;
    /** The running database's password (secret config); a generated one when unset. */
    password?: pulumi.Input<string>;
}

const PORT = 5432;

/** Object names of one major version's server: Deployment, Service and PVC `postgres-<version>`. */
export function serverName(version: number): string {
    return `postgres-${version}`;
}

/** One major version's running server: what it runs and its Deployment (whose Service the upgrade's copy reaches). */
export interface RunningServer {
    settings: PostgresServer;
    workload: Workload;
}

function databaseApp(partOf: string, name: string): AppIdentity {
    return { name, partOf, component: "database" };
}

/**
 * The Packit database: `postgres-secret` with a generated password, one Deployment + PVC + Service per major
 * version (`postgres-<v>`, so an upgrade creates the new server beside the old one), and the stable Service
 * `postgres` that the applications use, pointing at the current version.
 */
export class PackitPostgres extends SystemPart<PackitSection> {
    public readonly secret: k8s.core.v1.Secret & { readonly handle: SecretHandle };
    public readonly current: RunningServer;
    public readonly previous?: RunningServer;
    public readonly service: k8s.core.v1.Service;
    public readonly host = "postgres";
    /** The stable Service the applications connect to (its host is what `postgres-secret` holds). */
    public readonly endpoint: ServiceEndpoint;
    private readonly namespace: Namespace;

    constructor(name: string, partArgs: PackitPostgresArgs, opts?: pulumi.ComponentResourceOptions) {
        super("runbooks:packit:PackitPostgres", name, partArgs, opts);
        this.namespace = partArgs.namespace;
        const { postgres } = this.config;
        const currentSettings = { version: postgres.version, image: postgres.image };
        this.endpoint = ServiceEndpoint.of(this.host, this.config.namespace, PORT);
        const password =
            partArgs.password ??
            new random.RandomPassword(
                this.childName("password"),
                // Letters and digits only: the password ends up in connection URLs.
                { length: 32, special: false },
                { parent: this, ...statefulOptions(this.context.protectStateful) },
            ).result;
        this.secret = new ConfigSecret(
            this.childName("secret"),
            {
                namespace: this.namespace.name,
                name: POSTGRES_SECRET,
                app: databaseApp(this.config.service, "postgres"),
                data: {
                    "database-user": this.config.postgres.user,
                    "database-password": password,
                    "database-host": this.endpoint.localHost,
                    "database-name": this.config.postgres.database,
                },
            },
            // Kept with the database it opens: a forced destroy leaves the data directory, initialised with this
            // password, and the retained server reads it here; only this Secret still knows a generated one.
            this.child(statefulOptions(this.context.protectStateful)),
        );

        if (postgres.previous)
            this.previous = { settings: postgres.previous, workload: this.server(postgres.previous, false) };
        const currentServer = this.server(currentSettings, true);
        this.current = { settings: currentSettings, workload: currentServer };

        this.service = this.stableService(currentServer);
        this.registerOutputs({ host: this.host, version: postgres.version });
    }

    /** The stable Service `postgres` the applications use, pointing at the current version's server. */
    private stableService(currentServer: Workload): k8s.core.v1.Service {
        // The current server's selector, the live one: today's `postgres` selects its pods by it too.
        const selector = liveLabelsOf(serverName(this.config.postgres.version)).liveSelector!;
        const ports = [{ name: "postgres", port: PORT, targetPort: PORT, protocol: "TCP" as const }];
        recordService(this.context.cluster, {
            namespace: this.config.namespace,
            name: this.host,
            selector,
            ports,
        });
        return new k8s.core.v1.Service(
            this.childName("service"),
            podServiceArgs({
                name: this.host,
                namespace: this.namespace.name,
                app: databaseApp(this.config.service, "postgres"),
                spec: { selector, ports },
            }),
            // The selector is labels, no reference.
            // order: an upgrade moves `postgres` to the new server only once that server runs.
            this.child({ dependsOn: [currentServer] }),
        );
    }

    /** A major version's claim: the running system's (adopted) when this server holds the existing data, else new. */
    private claim(s: PostgresServer, current: boolean): PersistentVolumeClaim {
        const objectName = serverName(s.version);
        // The adopted claim belongs to the server holding the existing data: the old one during an upgrade.
        const holdsExistingData = this.config.postgres.previous ? !current : current;
        const adoptedClaim = holdsExistingData ? this.config.postgres.claimName : undefined;
        const adopted = adoptedClaim !== undefined;
        return new PersistentVolumeClaim(
            this.childName(`${s.version}-pvc`),
            {
                name: adoptedClaim ?? objectName,
                namespace: this.namespace.name,
                app: databaseApp(this.config.service, objectName),
                storage: this.config.postgres.storage,
                // An adopted claim holds the running system's data: protected in every tier.
                protectStateful: current && (this.context.protectStateful || adopted),
            },
            // The old version's volume outlives its server: removing `previous` forgets it, never deletes it.
            this.child({
                ...(current ? {} : { retainOnDelete: true, ...(adopted ? { protect: true } : {}) }),
            }),
        );
    }

    /** One major version's server: its claim (adopted or new) and its Deployment + Service. */
    private server(s: PostgresServer, current: boolean): Workload {
        const { cluster } = this.context;
        const objectName = serverName(s.version);
        const pvc = this.claim(s, current);
        return new Workload(
            this.childName(String(s.version)),
            {
                cluster,
                namespace: this.namespace.name,
                app: { ...databaseApp(this.config.service, objectName), version: String(s.version) },
                ...liveLabelsOf(objectName),
                annotations: postgresServerAnnotations(
                    s.version,
                    `${this.config.service}.postgres.${current ? "version" : "previous.version"}`,
                ),
                strategy: "Recreate",
                automountServiceAccountToken: false,
                containers: [
                    {
                        name: "postgres",
                        image: s.image,
                        env: postgresServerEnv(this.secret.handle),
                        ports: [{ name: "postgres", containerPort: PORT }],
                        resources: SIZES.postgres,
                        ...sclorgPostgresProbes(10),
                        mounts: [pvc.handle.mount("/var/lib/pgsql/data", { volume: "postgres-data" })],
                    },
                ],
                service: { ports: [{ name: "postgres", port: PORT }] },
                // The serving database is protected like its volume; a previous version is not, so the
                // upgrade can retire it once its data has been copied.
                workloadOptions: current ? statefulOptions(this.context.protectStateful) : undefined,
            },
            this.child(),
        );
    }
}

export interface PostgresUpgradeArgs extends SystemArgs<PackitSection> {
    namespace: pulumi.Output<string>;
    from: PostgresServer;
    to: PostgresServer;
    /** `postgres-secret`: the copy logs into both servers with the applications' credentials. */
    database: SecretHandle;
    /** The two servers' own Services (not `postgres`, which moves between them). */
    servers: { from: ServiceEndpoint; to: ServiceEndpoint };
}

/**
 * The data copy of a major upgrade: a Job that dumps the old server and restores into the new one. It runs
 * with the new version's client tools (a newer pg_dump reads older servers) once the writers have stopped.
 */
export class PostgresUpgrade extends SystemPart<PackitSection> {
    public readonly job: k8s.batch.v1.Job;

    constructor(name: string, args: PostgresUpgradeArgs, opts?: pulumi.ComponentResourceOptions) {
        super("runbooks:packit:PostgresUpgrade", name, args, opts);
        const jobName = `postgres-upgrade-${args.from.version}-to-${args.to.version}`;
        const labels = standardLabels({
            name: jobName,
            partOf: this.config.service,
            component: "database-upgrade",
        });
        const containers = [
            {
                name: "copy",
                image: args.to.image,
                command: ["/bin/bash", "-c", POSTGRES_COPY_SCRIPT],
                env: {
                    OLD_HOST: { computed: args.servers.from.localHost },
                    NEW_HOST: { computed: args.servers.to.localHost },
                    PGUSER: args.database.env("database-user"),
                    PGPASSWORD: args.database.env("database-password"),
                    PGDATABASE: args.database.env("database-name"),
                },
                resources: SIZES.postgresCopy,
            },
        ];
        recordPods(
            this.context.cluster,
            `Job ${jobName}`,
            args.namespace,
            { matchLabels: labels },
            { containers },
        );
        this.job = new k8s.batch.v1.Job(
            this.childName("job"),
            {
                metadata: { name: jobName, namespace: args.namespace, labels },
                spec: {
                    // The restore is one transaction, so a retry starts from an empty database again.
                    backoffLimit: 3,
                    activeDeadlineSeconds: 4 * 3600,
                    template: {
                        metadata: { labels },
                        spec: runOncePodSpec(this.context.cluster.platform, containers),
                    },
                },
            },
            // The Job's spec is immutable and it runs once: a finished copy must not be re-run by an update.
            this.child({
                ignoreChanges: ["spec"],
                // `pulumi up` waits for the copy, and reports its failure, up to the Job's own deadline.
                customTimeouts: { create: "240m" },
            }),
        );
        this.registerOutputs({ job: jobName });
    }
}
