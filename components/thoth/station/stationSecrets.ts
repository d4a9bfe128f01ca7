import * as pulumi from "@pulumi/pulumi";
import { SecretSpec, SecretStore } from "../../config/system";
import { ClusterContext } from "../../shared/cluster";
import { SecretArgs } from "../../shared/secret";
import { ThothConfig } from "../config";
import { thothApp } from "../identity";
import { StationTier } from "./tiers";

/** The five namespaces `core` fills with the shared configuration (thoth-application core/overlays/*). */
export const CORE_TIERS: readonly StationTier[] = ["frontend", "middletier", "backend", "graph", "infra"];

/** One key of a station Secret. */
interface StationSecretKey {
    key: string;
    description: string;
    example: string;
    fromFile?: boolean;
    /** Stored empty in thoth-application (sentry-dsn, kafka_user.*): unset writes an empty value. */
    optional?: boolean;
    /**
     * Stored empty in the reference and set by nobody (thoth-station.md §5.1, §8.3): written empty, no config key.
     * Its readers need the key to exist; giving it a value is a new setting, not a migration.
     */
    storedEmpty?: boolean;
    /** The Secret's tiers whose copy has the key (unset: all). */
    tiers?: readonly StationTier[];
    /** Read only by the workflow catalog's templates: asked for and written only while the catalog is enabled. */
    catalogOnly?: boolean;
}

/** A Secret of the station: its name, keys and the tiers whose namespaces hold a copy (thoth-station.md §5.1). */
export interface StationSecretDef<Name extends string = string> {
    name: Name;
    tiers: readonly StationTier[];
    keys: readonly StationSecretKey[];
    /** Where the values live today, when not in the thoth-ops vault ({@link VAULT}). */
    today?: string;
    /**
     * The tier whose retained database reads this Secret: in production its copy there is kept with the data
     * (a forced destroy leaves the database, initialised with these credentials, running).
     */
    keptWithData?: StationTier;
    /** A copy holding this key is of type `kubernetes.io/ssh-auth` (which requires the key), others Opaque. */
    sshAuthWith?: string;
}

const VAULT = "thoth-ops ansible vault (ansible/group_vars/all/vault)";

/** `defs` as given, their names kept as a union type: a reader names one of them, never a free string. */
function stationSecretDefs<const Name extends string>(
    defs: readonly StationSecretDef<Name>[],
): readonly StationSecretDef<Name>[] {
    return defs;
}

export const STATION_SECRETS = stationSecretDefs([
    {
        name: "thoth",
        tiers: CORE_TIERS,
        keys: [
            {
                key: "app-secret-key",
                description: "Flask secret of user-api and management-api",
                example: "0123456789abcdef",
            },
            {
                key: "management-api-token",
                description: "token management-api requires on admin calls",
                example: "0123456789abcdef",
            },
            {
                key: "user-api-token",
                description: "token user-api requires on privileged calls",
                example: "0123456789abcdef",
            },
            {
                key: "sentry-dsn",
                description: "Sentry DSN (stored empty since sentry was turned off)",
                example: "https://key@sentry.io/1",
                optional: true,
            },
        ],
    },
    {
        name: "ceph",
        tiers: [...CORE_TIERS, "amun-api"],
        keys: [
            { key: "key-id", description: "S3 access key of the thoth bucket", example: "AKIA0123456789" },
            {
                key: "secret-key",
                description: "S3 secret key of the thoth bucket",
                example: "0123456789abcdef",
            },
        ],
    },
    {
        name: "postgresql",
        tiers: [...CORE_TIERS, "amun-inspection"],
        keptWithData: "graph",
        keys: [
            { key: "database-name", description: "knowledge graph database name", example: "thoth" },
            { key: "database-user", description: "knowledge graph database user", example: "thoth" },
            {
                key: "database-password",
                description: "password of the database user (must match the existing database)",
                example: "0123456789abcdef",
            },
            {
                key: "database-admin-password",
                description: "PostgreSQL admin password (POSTGRESQL_ADMIN_PASSWORD)",
                example: "0123456789abcdef",
                optional: true,
            },
        ],
    },
    {
        name: "kafka",
        tiers: [...CORE_TIERS, "amun-inspection"],
        keys: [
            {
                key: "kafka_ca.crt",
                description: "CA certificate of the Kafka bootstrap (mounted at /mnt/secrets/kafka_ca.crt)",
                example: "kafka_ca.crt",
                fromFile: true,
            },
            {
                key: "kafka_user.crt",
                description: "Kafka client certificate (stored empty)",
                example: "kafka_user.crt",
                fromFile: true,
                optional: true,
            },
            {
                key: "kafka_user.key",
                description: "Kafka client key (stored empty)",
                example: "kafka_user.key",
                fromFile: true,
                optional: true,
            },
            {
                key: "kafka_user.password",
                description: "Kafka client key password (stored empty)",
                example: "0123456789abcdef",
                optional: true,
            },
        ],
    },
    {
        name: "argo-artifact-repository-secrets",
        tiers: [...CORE_TIERS, "amun-inspection"],
        keys: [
            {
                key: "accessKey",
                description: "S3 access key of the Argo artifact repository",
                example: "AKIA0123456789",
            },
            {
                key: "secretKey",
                description: "S3 secret key of the Argo artifact repository",
                example: "0123456789abcdef",
            },
        ],
    },
    {
        name: "prometheus-reader",
        tiers: CORE_TIERS,
        keys: [
            {
                key: "token",
                description: "token metrics-exporter queries Prometheus with",
                example: "sha256~0123456789abcdef",
            },
        ],
    },
    {
        name: "amun",
        tiers: ["amun-api", "amun-inspection"],
        keys: [
            { key: "app-secret-key", description: "Flask secret of amun-api", example: "0123456789abcdef" },
            {
                key: "sentry-dsn",
                description: "Sentry DSN of amun-api (stored empty)",
                example: "https://key@sentry.io/1",
                optional: true,
            },
        ],
    },
    {
        // Two Secrets of one name in the reference (§5.1): metrics-exporter's one-key copy in infra and the full one in
        // backend that the catalog's adviser Template (not optionally), kebechet WorkflowTemplates and
        // create-purge-issues mount, and the prescriptions-refresh CronWorkflows, which are no part of the catalog
        // (§3.4: volumes ssh-config and github-app-privatekey, env GITHUB_APP_ID). So the backend copy and those
        // three keys exist with or without the catalog; the keys only the catalog reads come with it. Test's one
        // namespace holds one Secret with every key.
        name: "kebechet",
        tiers: ["infra", "backend"],
        today: "thoth-station/thoth-application kebechet/overlays/<ocp4-stage|test>/secrets.enc.yaml (backend, full) and metrics-exporter/overlays/ocp4-stage/secrets.enc.yaml (infra copy), sops-encrypted, decrypted by the thoth-ops flow",
        sshAuthWith: "ssh-privatekey",
        keys: [
            {
                key: "github-oauth-token",
                description:
                    "GitHub token of the station's Kebechet (metrics-exporter reads repository metrics with it; the catalog's kebechet and purge Workflows open pull requests and issues with it)",
                example: "ghp_0123456789abcdef",
            },
            {
                key: "ssh-privatekey",
                description:
                    "SSH key the catalog's adviser and kebechet Workflows push with (volume ssh-config)",
                example: "id_rsa",
                fromFile: true,
                tiers: ["backend"],
            },
            {
                key: "KEBBHUT_GITHUB_PRIVATE_KEY",
                description: "private key of Kebechet's GitHub App (volume github-app-privatekey)",
                example: "kebechet-app.private-key.pem",
                fromFile: true,
                tiers: ["backend"],
            },
            {
                key: "GITHUB_APP_ID",
                description: "id of Kebechet's GitHub App",
                example: "91079",
                tiers: ["backend"],
            },
            {
                key: "kebechet-git-email",
                description: "e-mail of the commits Kebechet pushes",
                example: "kebechet@thoth-station.ninja",
                tiers: ["backend"],
                catalogOnly: true,
            },
            {
                key: "gitlab-oauth-token",
                description: "GitLab token of Kebechet's Workflows",
                example: "glpat-0123456789abcdef",
                tiers: ["backend"],
                catalogOnly: true,
            },
            {
                key: "pagure-oauth-token",
                description: "Pagure token of Kebechet's Workflows (stored empty)",
                example: "",
                storedEmpty: true,
                tiers: ["backend"],
                catalogOnly: true,
            },
            {
                key: "sentry-dsn",
                description: "Sentry DSN of Kebechet's Workflows (stored empty)",
                example: "",
                storedEmpty: true,
                tiers: ["backend"],
                catalogOnly: true,
            },
        ],
    },
    {
        name: "pulp-pypi",
        tiers: ["frontend"],
        keys: [
            { key: "username", description: "Pulp user of pulp-pypi-sync-job", example: "thoth" },
            {
                key: "password",
                description: "Pulp password of pulp-pypi-sync-job",
                example: "0123456789abcdef",
            },
        ],
    },
    {
        name: "dst-ceph",
        tiers: ["frontend"],
        keys: [
            {
                key: "credentials",
                description:
                    "AWS credentials file of document-sync's destination bucket (mounted as ~/.aws/credentials)",
                example: "aws-credentials",
                fromFile: true,
            },
        ],
    },
    {
        name: "integration-tests",
        tiers: ["infra"],
        keys: [
            {
                key: "management-api-token",
                description: "management-api token the integration tests call admin endpoints with",
                example: "0123456789abcdef",
            },
            {
                key: "user-api-token",
                description: "user-api token of the integration tests (kept as thoth-application has it)",
                example: "0123456789abcdef",
            },
            {
                key: "app-secret-key",
                description: "app secret of the integration tests (kept as thoth-application has it)",
                example: "0123456789abcdef",
            },
        ],
    },
    {
        name: "slo-reporter",
        tiers: ["infra"],
        keys: [
            {
                key: "token",
                description: "token slo-reporter queries Thanos/Prometheus with (THANOS_ACCESS_TOKEN)",
                example: "sha256~0123456789abcdef",
            },
        ],
    },
    {
        // One file in thoth-application's base: stage and test read the same encrypted values.
        name: "prescriptions",
        tiers: ["backend"],
        today: "thoth-station/thoth-application prescriptions-refresh-job/base/secrets.enc.yaml (sops-encrypted, one file for stage and test; decrypted by the thoth-ops flow)",
        keys: [
            {
                key: "quay-token",
                description:
                    "quay.io token of the prescriptions-refresh image-analysis and quay CronWorkflows (THOTH_PRESCRIPTIONS_REFRESH_QUAY_TOKEN)",
                example: "0123456789abcdef",
            },
            {
                key: "thoth-prescriptions-refresh-4cfa295278d8.json",
                description:
                    "Google service-account JSON of the pypi-downloads and scorecards steps (GOOGLE_APPLICATION_CREDENTIALS)",
                example: "thoth-prescriptions-refresh-4cfa295278d8.json",
                fromFile: true,
            },
        ],
    },
    {
        name: "sesheta-srcops",
        tiers: ["middletier"],
        keys: [
            {
                key: "github-access-token",
                description: "GitHub token the mi-scheduler jobs and mi Workflows read repositories with",
                example: "ghp_0123456789abcdef",
            },
        ],
    },
]);

/** The name of a Secret the station makes (in the namespaces of its tiers). */
export type StationSecretName = (typeof STATION_SECRETS)[number]["name"];

/** Config key of one station secret key: `thoth-station-<Secret>-<key>` (dots and underscores become dashes). */
export function stationSecretKey(secret: string, key: string): string {
    return `thoth-station-${secret}-${key.replace(/[._]/g, "-").toLowerCase()}`;
}

/** The station's secrets, each (Secret, key) once however many namespaces hold a copy. */
export function stationSecretSpecs(config: ThothConfig): SecretSpec[] {
    if (!config.station?.enabled || !config.station.modules?.enabled) return [];
    const catalog = config.station.modules.catalog?.enabled ?? false;
    return STATION_SECRETS.flatMap((secret) =>
        keysOf(secret, catalog)
            .filter((k) => !k.storedEmpty)
            .map((k) => ({
                key: stationSecretKey(secret.name, k.key),
                description: `${k.description} (Secret ${secret.name} key ${k.key}, in every ${(k.tiers ?? secret.tiers).join("/")} namespace)${k.optional ? "; unset: stored empty" : ""}`,
                today: `${secret.today ?? VAULT}, applied by thoth-ops prepare_environment.yaml as Secret ${secret.name}`,
                example: k.example,
                fromFile: k.fromFile,
                optional: k.optional,
            })),
    );
}

/** The keys of a Secret this configuration writes (the catalog's only with the catalog). */
function keysOf(def: StationSecretDef, catalog: boolean): readonly StationSecretKey[] {
    return def.keys.filter((k) => catalog || !k.catalogOnly);
}

export interface StationSecretsArgs {
    cluster: ClusterContext;
    namespaces: Record<StationTier, string>;
    secrets: SecretStore;
    /** The workflow catalog is deployed: the keys only its templates read are written too. */
    catalog: boolean;
}

/** One station Secret in one namespace, as {@link StationModules} creates it. */
export interface StationSecretPlan {
    namespace: string;
    /** The Secret's name (`def.name`): its logical name is `<modules>-<namespace>-secret-<name>`. */
    name: string;
    args: SecretArgs;
    /** Kept with the data it unlocks: protected and retained where the stack keeps long-lived data. */
    stateful: boolean;
}

/** Each station Secret once per namespace that needs it (test: once, in thoth-test-core), with its data. */
export function stationSecretPlans(args: StationSecretsArgs): StationSecretPlan[] {
    const plans: StationSecretPlan[] = [];
    for (const def of STATION_SECRETS) {
        const keys = keysOf(def, args.catalog);
        const values: Record<string, pulumi.Input<string>> = {};
        for (const k of keys) {
            const configKey = stationSecretKey(def.name, k.key);
            values[k.key] = k.storedEmpty
                ? ""
                : k.optional
                  ? (args.secrets.get(configKey) ?? "")
                  : args.secrets.require(configKey);
        }
        const namespaces = [...new Set(def.tiers.map((t) => args.namespaces[t]))];
        const keptIn = def.keptWithData && args.namespaces[def.keptWithData];
        for (const ns of namespaces) {
            // A namespace gets the keys of every tier it holds (test: all of them in thoth-test-core).
            const here = keys.filter((k) => (k.tiers ?? def.tiers).some((t) => args.namespaces[t] === ns));
            if (here.length === 0) continue;
            const data = Object.fromEntries(here.map((k) => [k.key, values[k.key]]));
            plans.push({
                namespace: ns,
                name: def.name,
                args: {
                    namespace: ns,
                    name: def.name,
                    app: thothApp(def.name, "config"),
                    ...(def.sshAuthWith && def.sshAuthWith in data ? { type: "kubernetes.io/ssh-auth" } : {}),
                    data,
                },
                stateful: ns === keptIn,
            });
        }
    }
    return plans;
}
