import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { problemsFromIssues } from "./issues";
import { ConfigError, ConfigProblem, fullKey, removeCommand, setCommand } from "./problems";
import {
    ClustersConfig,
    OpenstackConfig,
    PROGRAM_SECTIONS,
    clustersSchema,
    openstackSchema,
} from "./program";
import { ConfigSource } from "./source";
import { SecretSpec, SecretStore, SectionBase, StackTier, SystemDefinition, stackTier } from "./system";

/** The validated configuration of the whole program. */
export interface ProgramConfig {
    tier: StackTier;
    clusters: ClustersConfig;
    openstack?: OpenstackConfig;
    /** Parsed section of every system present in the stack, enabled or not. */
    sections: Record<string, SectionBase>;
    /** Systems that will be deployed, in registry order. */
    enabled: SystemDefinition[];
    /** Every secret this configuration uses (optional ones included): enabled systems', kubeconfigs, OpenStack's. */
    secretSpecs: SecretSpec[];
    secrets: SecretStore;
}

export function kubeconfigSecret(cluster: string): SecretSpec {
    return {
        key: `kubeconfig-${cluster}`,
        description: `kubeconfig of cluster "${cluster}" (a service-account token with the rights the deploy needs)`,
        today: "each runbook: `oc login` with a personal token before `oc apply`",
        example: "kubeconfig.yaml",
        fromFile: true,
    };
}

export function openstackSecrets(os: OpenstackConfig | undefined): SecretSpec[] {
    if (!os) return [];
    return os.applicationCredentialId
        ? [
              {
                  key: "openstack-application-credential-secret",
                  description: "secret of the OpenStack application credential",
                  today: "callysto/infrastructure: `openrc` sourced before `terraform apply` (OS_APPLICATION_CREDENTIAL_SECRET)",
                  example: "s3cr3t-application-credential",
              },
          ]
        : [
              {
                  key: "openstack-password",
                  description: "password of the OpenStack user",
                  today: "callysto/infrastructure: `openrc` sourced before `terraform apply` (OS_PASSWORD)",
                  example: "s3cr3t-password",
              },
          ];
}

/** Parses one section with its schema; problems instead of exceptions. */
function parseSection<T>(
    section: string,
    schema: z.ZodType<T>,
    source: ConfigSource,
    problems: ConfigProblem[],
): T | undefined {
    if (source.isSecret(section)) {
        problems.push({
            key: fullKey(section),
            message: "is stored as a secret, but holds plain settings (secrets have keys of their own)",
            fix: `${removeCommand(section)} && pulumi config set --path ${section}.<field> <value>`,
        });
        return undefined;
    }
    const value = source.getValue(section);
    const result = schema.safeParse(value);
    if (!result.success) {
        problems.push(...problemsFromIssues(section, schema, value, result.error.issues));
        return undefined;
    }
    return result.data;
}

/**
 * Reads and checks the whole stack configuration. Every problem is collected first and reported in one
 * ConfigError, so an operator fixes everything in one round, and nothing is registered before it passes.
 */
export interface LoadOptions {
    /**
     * Offline plan only: fill every secret that is not set with this placeholder instead of reporting it, so a
     * plan needs no credentials.
     */
    placeholderSecret?: (spec: SecretSpec) => string;
}

export function loadProgramConfig(
    source: ConfigSource,
    systems: readonly SystemDefinition[],
    options: LoadOptions = {},
): ProgramConfig {
    const problems: ConfigProblem[] = [];
    const keys = new Set(source.keys());

    const tier = keys.has("tier") ? parseSection("tier", stackTier, source, problems) : undefined;
    if (!keys.has("tier")) {
        problems.push({
            key: fullKey("tier"),
            message: "is required: production protects databases, volumes and DNS zones from deletion",
            fix: setCommand("tier", "staging"),
        });
    }
    const parsedClusters = keys.has("clusters")
        ? parseSection("clusters", clustersSchema, source, problems)
        : {};
    // When the clusters section itself is broken, its problems are reported; references to it are not.
    const clustersBroken = parsedClusters === undefined;
    const clusters = parsedClusters ?? {};
    const openstack = keys.has("openstack")
        ? parseSection("openstack", openstackSchema, source, problems)
        : undefined;

    const sections: Record<string, SectionBase> = {};
    const enabled: SystemDefinition[] = [];
    const knownSecrets = new Map<string, SecretSpec>();
    const requiredSecrets: SecretSpec[] = [];
    const enabledSecrets: SecretSpec[] = [];
    const claims = new Map<string, { section: string; key: string }[]>();
    const usedClusters = new Set<string>();
    let openstackNeeded = false;

    for (const def of systems) {
        if (!keys.has(def.section)) continue;
        const cfg = parseSection(def.section, def.schema, source, problems);
        if (!cfg) continue;
        sections[def.section] = cfg;
        const specs = def.secrets(cfg);
        specs.forEach((s) => knownSecrets.set(s.key, s));
        if (!cfg.enabled) continue;
        enabled.push(def);
        enabledSecrets.push(...specs);
        requiredSecrets.push(...specs.filter((s) => !s.optional));
        const checked = def.check?.(cfg, { clusters, tier }) ?? [];
        problems.push(...checked.filter((p) => !(p.placeholder && options.placeholderSecret)));
        if (def.target === "openstack") {
            openstackNeeded = true;
            continue;
        }
        if (clustersBroken) continue;
        if (!cfg.cluster || !(cfg.cluster in clusters)) {
            const known = Object.keys(clusters);
            problems.push({
                key: fullKey(`${def.section}.cluster`),
                message: cfg.cluster
                    ? `names cluster "${cfg.cluster}", which is not in runbooks:clusters (known: ${known.join(", ") || "none"})`
                    : "is required: the cluster this system deploys to",
                fix: setCommand(`${def.section}.cluster`, known[0] ?? "psi", { path: true }),
            });
            continue;
        }
        usedClusters.add(cfg.cluster);
        for (const claim of def.namespaces(cfg)) {
            const id = `${cfg.cluster}/${claim.namespace}`;
            claims.set(id, [...(claims.get(id) ?? []), { section: def.section, key: claim.key }]);
        }
    }

    for (const [id, owners] of claims) {
        const systemsClaiming = [...new Set(owners.map((o) => o.section))];
        if (systemsClaiming.length < 2) continue;
        const [cluster, namespace] = id.split("/");
        for (const owner of owners) {
            problems.push({
                key: fullKey(owner.key),
                message: `namespace "${namespace}" on cluster "${cluster}" is claimed by ${systemsClaiming.join(" and ")}; each system needs its own`,
                fix: setCommand(owner.key, `${namespace}-${owner.section}`, { path: true }),
            });
        }
    }

    for (const cluster of [...usedClusters].sort()) {
        const spec = kubeconfigSecret(cluster);
        requiredSecrets.push(spec);
        enabledSecrets.push(spec);
        knownSecrets.set(spec.key, spec);
    }
    for (const spec of openstackSecrets(openstack)) {
        knownSecrets.set(spec.key, spec);
        if (openstackNeeded) {
            requiredSecrets.push(spec);
            enabledSecrets.push(spec);
        }
    }
    if (openstackNeeded && !keys.has("openstack")) {
        problems.push({
            key: fullKey("openstack.authUrl"),
            message:
                "is required: an OpenStack-side system is enabled but the stack has no openstack section",
            fix: setCommand("openstack.authUrl", "https://keystone.cloud.cybera.ca:5000/v3", { path: true }),
        });
    }

    const placeholders = new Map<string, string>();
    for (const spec of requiredSecrets) {
        if (!keys.has(spec.key) && options.placeholderSecret) {
            placeholders.set(spec.key, options.placeholderSecret(spec));
        } else if (!keys.has(spec.key)) {
            problems.push({
                key: fullKey(spec.key),
                message: `secret is missing: ${spec.description}`,
                fix: setCommand(spec.key, spec.example, { secret: true, fromFile: spec.fromFile }),
            });
        }
    }
    const knownSections: string[] = [...PROGRAM_SECTIONS, ...systems.map((s) => s.section)];
    for (const key of keys) {
        if (knownSecrets.has(key)) {
            if (!source.isSecret(key)) {
                const spec = knownSecrets.get(key)!;
                problems.push({
                    key: fullKey(key),
                    message: "is a secret but is stored in plain text in the stack file",
                    fix: setCommand(key, spec.example, { secret: true, fromFile: spec.fromFile }),
                });
            }
            continue;
        }
        const isSection = knownSections.includes(key);
        // A secret named after a system (`<section>-...`) may belong to a part that is switched off right now, or
        // to a section that failed to parse: keeping it set is harmless, and a misspelt one shows up as the real
        // one missing.
        if (systems.some((s) => key.startsWith(`${s.section}-`))) {
            if (!source.isSecret(key)) {
                problems.push({
                    key: fullKey(key),
                    message:
                        "looks like a secret of this system but is stored in plain text in the stack file",
                    fix: setCommand(key, "<value>", { secret: true }),
                });
            }
            continue;
        }
        // A kubeconfig of a defined cluster is legitimate even while no enabled system uses that cluster.
        const clusterKubeconfig =
            key.startsWith("kubeconfig-") && (clustersBroken || key.slice("kubeconfig-".length) in clusters);
        if (!isSection && !clusterKubeconfig) {
            problems.push({
                key: fullKey(key),
                message: `unknown key (not a system or a secret this configuration uses; systems are: ${knownSections.join(", ")})`,
                fix: removeCommand(key),
            });
        }
    }

    if (problems.length > 0) {
        throw new ConfigError(dedupe(problems));
    }

    const declared = new Set(knownSecrets.keys());
    const lookup = (key: string): pulumi.Output<string> | undefined => {
        if (!declared.has(key)) return undefined;
        const placeholder = placeholders.get(key);
        return placeholder !== undefined ? pulumi.secret(placeholder) : source.getSecret(key);
    };
    const secrets: SecretStore = {
        require(key) {
            const value = lookup(key);
            if (!value) {
                // A programming error, not a user one: deploy code asked for a secret its system never declared.
                throw new Error(`secret ${key} was not declared by any system's secrets() or is unset`);
            }
            return value;
        },
        get: lookup,
    };
    return { tier: tier!, clusters, openstack, sections, enabled, secretSpecs: enabledSecrets, secrets };
}

function dedupe(problems: ConfigProblem[]): ConfigProblem[] {
    const seen = new Set<string>();
    return problems.filter((p) => {
        const id = `${p.key}\u0000${p.message}`;
        if (seen.has(id)) return false;
        seen.add(id);
        return true;
    });
}
