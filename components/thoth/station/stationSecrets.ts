import * as pulumi from "@pulumi/pulumi";
import { SecretSpec, SecretStore } from "../../config/system";
import { ClusterContext } from "../../shared/cluster";
import { SecretArgs } from "../../shared/secret";
import { ThothConfig, stationTier } from "../config";
import { thothApp } from "../identity";
import { StationTier } from "./tiers";
import { z } from "zod";
import { loadFacts } from "../../shared/facts";

/** The five namespaces `core` fills with the shared configuration (thoth-application core/overlays/*). */
export const CORE_TIERS: readonly StationTier[] = ["frontend", "middletier", "backend", "graph", "infra"];

/** One key of a station Secret. */
const stationSecretKeySchema = z.strictObject({
    key: z.string(),
    description: z.string(),
    example: z.string(),
    fromFile: z.boolean().optional(),
    /** Stored empty in thoth-application (sentry-dsn, kafka_user.*): unset writes an empty value. */
    optional: z.boolean().optional(),
    /**
     * Stored empty in the reference and set by nobody (thoth-station.md §5.1, §8.3): written empty, no config key.
     * Its readers need the key to exist; giving it a value is a new setting, not a migration.
     */
    storedEmpty: z.boolean().optional(),
    /** The Secret's tiers whose copy has the key (unset: all). */
    tiers: z.array(stationTier).optional(),
    /** Read only by the workflow catalog's templates: asked for and written only while the catalog is enabled. */
    catalogOnly: z.boolean().optional(),
});
type StationSecretKey = z.infer<typeof stationSecretKeySchema>;

/** A Secret of the station: its name, keys and the tiers whose namespaces hold a copy (thoth-station.md §5.1). */
const stationSecretSchema = z.strictObject({
    name: z.string(),
    tiers: z.array(stationTier),
    keys: z.array(stationSecretKeySchema),
    /** Where the values live today, when not in the thoth-ops vault ({@link VAULT}). */
    today: z.string().optional(),
    /**
     * The tier whose retained database reads this Secret: in production its copy there is kept with the data
     * (a forced destroy leaves the database, initialised with these credentials, running).
     */
    keptWithData: stationTier.optional(),
    /** A copy holding this key is of type `kubernetes.io/ssh-auth` (which requires the key), others Opaque. */
    sshAuthWith: z.string().optional(),
});
export type StationSecretDef = z.infer<typeof stationSecretSchema>;

const VAULT = "thoth-ops ansible vault (ansible/group_vars/all/vault)";

export const STATION_SECRETS: readonly StationSecretDef[] = loadFacts(
    "facts/thoth/station-secrets.yaml",
    z.strictObject({ secrets: z.array(stationSecretSchema) }),
    "a list of station Secrets",
).secrets;

/** The name of a Secret the station makes (in the namespaces of its tiers). */
export type StationSecretName = string;

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
