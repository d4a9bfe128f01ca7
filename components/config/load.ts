import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { closest } from "./checks";
import { credentialProblem, formatPath, problemsFromIssues, repairSection, textProblems } from "./issues";
import {
    ConfigError,
    ConfigProblem,
    PROJECT,
    STACK_FILE,
    fullKey,
    secretFixCommand,
    removeCommand,
    renameFix,
    setCommand,
} from "./problems";
import { isProductionStack, tierProblems } from "./identity";
import { kubeconfigProblem } from "./kubeconfig";
import { Claim, GrantKind, SystemClaims, ownershipProblems } from "./ownership";
import { placeholderImageProblems } from "./placeholders";
import {
    ClustersConfig,
    OpenstackConfig,
    PROGRAM_SECTIONS,
    clustersSchema,
    openstackSchema,
} from "./program";
import { otherStacks, sameClusterElsewhere } from "./stacks";
import { ConfigSource } from "./source";
import { SecretSpec, SecretStore, SectionBase, StackTier, SystemDefinition, stackTier } from "./system";

/** The validated configuration of the whole program. */
export interface ProgramConfig {
    tier: StackTier;
    /** Production by the stack's identity (components/config/identity.ts): stateful objects are protected. */
    production: boolean;
    clusters: ClustersConfig;
    openstack?: OpenstackConfig;
    /** Parsed section of every system present in the stack, enabled or not. */
    sections: Record<string, SectionBase>;
    /** Systems that will be deployed, in registry order. */
    enabled: SystemDefinition[];
    /** Every secret this configuration uses (optional ones included): enabled systems', kubeconfigs, OpenStack's. */
    secretSpecs: SecretSpec[];
    /** Required secrets that are not set (only possible with `placeholderSecret`: the plan lists them). */
    unsetSecrets: SecretSpec[];
    /**
     * Placeholders in the stack file for values only the operator has (their public key, an existing object's id),
     * only possible with `placeholderSecret`: a real run stops on each, the plan lists them.
     */
    operatorValues: ConfigProblem[];
    /** What the enabled systems say an operator must read before a real run ({@link SystemDefinition.notices}). */
    notices: Notice[];
    secrets: SecretStore;
}

/** One line an operator must read before `pulumi up`, with the section that says it. */
export interface Notice {
    system: string;
    text: string;
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

/** Parses one section with its schema; problems instead of exceptions, and what could be read despite them. */
function parseSection<T>(
    section: string,
    schema: z.ZodType<T>,
    source: ConfigSource,
    problems: ConfigProblem[],
): SectionResult<T> {
    if (source.isSecret(section)) {
        problems.push({
            key: fullKey(section),
            message:
                "is stored as a secret, but holds plain settings (secrets have keys of their own); in the stack file, replace its secure: value with the section's settings",
            fix: `edit ${STACK_FILE}: write the settings of ${fullKey(section)} as plain YAML`,
        });
        return { broken: [section], exact: false };
    }
    const value = source.getValue(section);
    problems.push(...textProblems(section, schema, value));
    const result = schema.safeParse(value);
    if (result.success) {
        return { value: result.data, broken: [], exact: true };
    }
    problems.push(...problemsFromIssues(section, schema, value, result.error.issues));
    // Read what is readable, so the checks that do not depend on the broken fields still run in this same pass.
    const partial = repairSection(schema, value, result.error.issues);
    const broken: string[] = result.error.issues.flatMap((i) => {
        const path = i.path.filter((p): p is string | number => typeof p !== "symbol");
        return i.code === "unrecognized_keys"
            ? i.keys.map((k) => formatPath(section, [...path, k]))
            : [formatPath(section, path)];
    });
    return { value: partial?.value, broken, exact: partial?.exact ?? false };
}

interface SectionResult<T> {
    /** The parsed section; for a section with problems, its readable part (broken fields repaired or defaulted). */
    value?: T;
    /** Keys (without namespace) whose values are wrong: checks about them are not repeated. */
    broken: string[];
    /** Nothing in `value` was guessed: cross-field checks of the system can run on it. */
    exact: boolean;
}

/** True when a problem key is one of the broken keys or lies under one. */
function underBroken(key: string, broken: readonly string[]): boolean {
    const k = key.startsWith(`${PROJECT}:`) ? key.slice(PROJECT.length + 1) : key;
    return broken.some((b) => k === b || k.startsWith(`${b}.`) || k.startsWith(`${b}[`));
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
    /** Where the stack files are (the project directory): other stacks' grants and file lines are read there. */
    root?: string;
}

export function loadProgramConfig(
    source: ConfigSource,
    systems: readonly SystemDefinition[],
    options: LoadOptions = {},
): ProgramConfig {
    const problems: ConfigProblem[] = [];
    const operatorValues: ConfigProblem[] = [];
    const keys = new Set(source.keys());
    const knownSections: string[] = [...PROGRAM_SECTIONS, ...systems.map((s) => s.section)];

    const foreign = foreignNamespaceProblems(source, keys);
    problems.push(...foreign.problems);

    let tier: StackTier | undefined;
    if (keys.has("tier")) {
        tier = parseSection("tier", stackTier, source, problems).value;
    } else if (!foreign.renamed.has("tier")) {
        problems.push({
            key: fullKey("tier"),
            message:
                "is required: production protects databases, volumes and DNS zones from deletion (staging and local exist for stacks that hold no production data)",
            fix: setCommand("tier", "production"),
        });
    }
    problems.push(...tierProblems(source.stack, tier, options.root));
    const production = isProductionStack(source.stack) || tier === "production";
    const clustersResult = keys.has("clusters")
        ? parseSection("clusters", clustersSchema, source, problems)
        : { value: {}, broken: [], exact: true };
    const clusters: ClustersConfig = clustersResult.value ?? {};
    // Cluster references are checked against the names written, even when an entry itself is broken.
    const rawClusters = keys.has("clusters") ? source.getValue("clusters") : {};
    const clusterNames =
        rawClusters && typeof rawClusters === "object" && !Array.isArray(rawClusters)
            ? Object.keys(rawClusters)
            : undefined;
    const openstackResult = keys.has("openstack")
        ? parseSection("openstack", openstackSchema, source, problems)
        : { broken: [], exact: true };
    const openstack = openstackResult.value;

    // Keys nobody reads: each either a typo of something this program knows, or a leftover.
    const unknownKeys = [...keys].filter(
        (k) =>
            !knownSections.includes(k) &&
            !systems.some((s) => k.startsWith(`${s.section}-`)) &&
            !k.startsWith("kubeconfig-") &&
            !k.startsWith("openstack-"),
    );
    const renamedTo = new Map(
        unknownKeys.map(
            (k) =>
                [
                    k,
                    closest(
                        k,
                        knownSections.filter((s) => !keys.has(s)),
                    ),
                ] as const,
        ),
    );

    const sections: Record<string, SectionBase> = {};
    const enabled: SystemDefinition[] = [];
    const knownSecrets = new Map<string, SecretSpec>();
    const requiredSecrets: SecretSpec[] = [];
    const enabledSecrets: SecretSpec[] = [];
    const claims = new Map<string, { section: string; key: string }[]>();
    const writes: SystemClaims[] = [];
    const newClusters = new Set<string>();
    const usedClusters = new Set<string>();
    let openstackNeeded = false;
    let complete = true;

    for (const def of systems) {
        if (!keys.has(def.section)) {
            const typo = [...renamedTo].find(([, to]) => to === def.section)?.[0];
            if (source.stack !== undefined && typo === undefined && !foreign.renamed.has(def.section)) {
                problems.push({
                    key: fullKey(def.section),
                    message: `section is missing: ${def.title} is deployed only when its section says enabled: true and switched off only by enabled: false. If this stack deployed ${def.title} before, restore the section from version control instead: switching it off deletes what it deployed`,
                    fix: setCommand(`${def.section}.enabled`, "false", { path: true }),
                });
            }
            continue;
        }
        // A switched-off system needs nothing but `enabled: false` (the fix for a missing section writes just that);
        // its other settings are checked once it is switched on again.
        const raw = source.isSecret(def.section) ? undefined : source.getValue(def.section);
        if (isSwitchedOff(raw) && !def.schema.safeParse(raw).success) {
            sections[def.section] = { enabled: false };
            continue;
        }
        const result = parseSection(def.section, def.schema, source, problems);
        const cfg = result.value;
        if (result.broken.length > 0) complete = false;
        if (!cfg) continue;
        const own = (list: ConfigProblem[]) => list.filter((p) => !underBroken(p.key, result.broken));
        sections[def.section] = cfg;
        const specs = def.secrets(cfg);
        specs.forEach((s) => knownSecrets.set(s.key, s));
        if (!cfg.enabled) continue;
        enabled.push(def);
        enabledSecrets.push(...specs);
        requiredSecrets.push(...specs.filter((s) => !s.optional));
        // A system's own cross-field checks may depend on any field: they run only on what was read exactly. A
        // placeholder only the operator can replace (their key, an existing object's id) stops a real run; the offline
        // plan goes on and lists it, as it does an unset secret.
        if (result.exact) {
            // An unconfirmed image stops production and staging; a local (kwok) cluster pulls no image at all.
            const unconfirmed = tier === "local" ? [] : placeholderImageProblems(def.section, cfg);
            for (const p of own([...(def.check?.(cfg, { clusters, tier }) ?? []), ...unconfirmed])) {
                if (p.placeholder && options.placeholderSecret) operatorValues.push(p);
                else problems.push(p);
            }
        }
        if (def.target === "openstack") {
            openstackNeeded = true;
            continue;
        }
        // What is readable of a section with problems is checked too, so one run reports a clash beside the
        // section's own mistakes. A broken key counts with the value its fix writes (a repaired name), so the grant
        // that value needs is asked for in the same run; a broken key whose fix writes nothing derived is left out.
        const claimsOf = (c: SectionBase): Record<GrantKind, Claim[]> => {
            const raw = source.getValue(def.section);
            const fixed = (claim: Claim): Claim | undefined => {
                const broken = underBroken(claim.key, result.broken);
                // Only where the key holds the value itself: a host derived from a broken namespace is not that
                // namespace's repaired name.
                const direct = valueAt(c, claim.key.slice(def.section.length + 1)) === claim.value;
                const sets = direct ? problems.find((p) => p.key === fullKey(claim.key))?.sets : undefined;
                if (sets !== undefined) return { ...claim, value: sets, settable: false };
                return broken ? undefined : claim;
            };
            const keep = (list: Claim[]) => list.map(fixed).filter((x): x is Claim => x !== undefined);
            return {
                namespaces: keep(
                    def.namespaces(c).map((n) => ({
                        value: n.namespace,
                        key: n.key,
                        settable: valueAt(raw, n.key.slice(def.section.length + 1)) === n.namespace,
                    })),
                ),
                hosts: keep(def.hosts(c)),
                clusterScoped: keep(def.clusterScoped(c)),
            };
        };
        if (underBroken(`${def.section}.cluster`, result.broken) || clusterNames === undefined) continue;
        if (!cfg.cluster || !clusterNames.includes(cfg.cluster)) {
            const near = cfg.cluster ? closest(cfg.cluster, clusterNames) : undefined;
            problems.push({
                key: fullKey(`${def.section}.cluster`),
                message: cfg.cluster
                    ? `names cluster "${cfg.cluster}", which is not in runbooks:clusters (known: ${clusterNames.join(", ") || "none"})${near ? `; did you mean "${near}"?` : ""}`
                    : "is required: the cluster this system deploys to",
                // With no near name the intent is unknown: pointing the system at another team's cluster, or
                // defining a new one (platform, grants, kubeconfig), is the operator's decision, not a repair.
                fix: near
                    ? setCommand(`${def.section}.cluster`, near, { path: true })
                    : clusterNames.length > 0
                      ? `edit ${STACK_FILE}: set ${fullKey(`${def.section}.cluster`)} to one of ${clusterNames.join(", ")}, or define ${cfg.cluster ? `cluster "${cfg.cluster}"` : "its cluster"} under ${fullKey("clusters")} with its platform and the namespaces and hosts it grants (README, "Ownership")`
                      : setCommand(`clusters.${cfg.cluster ?? "<cluster>"}.platform`, "openshift", {
                            path: true,
                        }),
            });
            // The fix defines the stack's first cluster, which grants nothing yet: what the system writes there is
            // asked for in this same run, so applying the printed fixes converges.
            if (cfg.cluster && !near && clusterNames.length === 0) {
                newClusters.add(cfg.cluster);
                writes.push({ section: def.section, cluster: cfg.cluster, claims: claimsOf(cfg) });
            }
            continue;
        }
        if (!(cfg.cluster in clusters)) continue;
        usedClusters.add(cfg.cluster);
        for (const claim of def.namespaces(cfg)) {
            if (underBroken(claim.key, result.broken)) continue;
            const id = `${cfg.cluster}/${claim.namespace}`;
            claims.set(id, [...(claims.get(id) ?? []), { section: def.section, key: claim.key }]);
        }
        writes.push({ section: def.section, cluster: cfg.cluster, claims: claimsOf(cfg) });
    }

    if (source.stack !== undefined && clusterNames !== undefined) {
        // A whole stack writes only what its clusters grant, and nothing another stack on the same cluster owns.
        const others = otherStacks(source.stack, options.root);
        // A key a system's own check already fixes is checked against the grants once that fix is made: two fixes
        // setting one key would leave the second one's value.
        const decided = new Set(problems.map((p) => p.key));
        const owned = ownershipProblems({
            stack: source.stack,
            production,
            systems: systems.filter((s) => s.target === "kubernetes").map((s) => s.section),
            clusters: Object.fromEntries([
                ...Object.entries(clusters)
                    .filter(([name]) => !underBroken(`clusters.${name}`, clustersResult.broken))
                    .map(([name, c]) => [
                        name,
                        { namespaces: c.namespaces, hosts: c.hosts, clusterScoped: c.clusterScoped },
                    ]),
                ...[...newClusters].map((name) => [name, { namespaces: {}, hosts: {}, clusterScoped: {} }]),
            ]),
            writes,
            foreign: Object.fromEntries(
                Object.entries(clusters).map(([name, c]) => [
                    name,
                    sameClusterElsewhere(others, name, c.apiServer),
                ]),
            ),
        });
        problems.push(...owned.filter((p) => !decided.has(p.key)));
        claims.clear();
    }

    // Without grants (a partial configuration), the system that comes first in the program's order keeps a
    // namespace two systems claim, and only the later one is moved: renaming both would move the right one too.
    for (const [id, owners] of claims) {
        const systemsClaiming = [...new Set(owners.map((o) => o.section))];
        if (systemsClaiming.length < 2) continue;
        const [cluster, namespace] = id.split("/");
        for (const owner of owners.filter((o) => o.section !== systemsClaiming[0])) {
            problems.push({
                key: fullKey(owner.key),
                message: `namespace "${namespace}" on cluster "${cluster}" is claimed by ${systemsClaiming.join(" and ")}; ${systemsClaiming[0]} comes first in the program's system order and keeps it, ${owner.section} moves to a namespace of its own`,
                fix: setCommand(owner.key, `${namespace}-${owner.section}`.slice(0, 63), { path: true }),
            });
        }
    }

    for (const cluster of [...usedClusters].sort()) {
        const spec = kubeconfigSecret(cluster);
        // The real source hands out a secret's decrypted text here (pulumi.Config.get); the offline plan's
        // placeholders are not values, so the plan is never stopped by this check.
        const text = source.isSecret(spec.key) ? source.getValue(spec.key) : undefined;
        const reason = text === undefined ? undefined : kubeconfigProblem(text, clusters[cluster]?.context);
        if (reason) {
            problems.push({
                key: fullKey(spec.key),
                message: `${reason}: the provider of cluster "${cluster}" would fail or reach the wrong cluster. Set the kubeconfig file of that cluster`,
                fix: secretFixCommand(spec),
            });
        }
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
            fix: setCommand("openstack.authUrl", "https://keystone.example.org:5000/v3", { path: true }),
        });
    }

    const placeholders = new Map<string, string>();
    const unset: SecretSpec[] = [];
    for (const spec of requiredSecrets) {
        if (keys.has(spec.key)) continue;
        unset.push(spec);
        if (options.placeholderSecret) {
            placeholders.set(spec.key, options.placeholderSecret(spec));
        } else {
            problems.push({
                key: fullKey(spec.key),
                message: `secret is missing: ${spec.description}`,
                fix: secretFixCommand(spec),
            });
        }
    }
    for (const key of keys) {
        if (knownSecrets.has(key)) {
            if (!source.isSecret(key)) {
                problems.push({
                    key: fullKey(key),
                    message:
                        "is a secret but is stored in plain text in the stack file: treat the value as leaked (rotate it) and store the new one encrypted",
                    fix: secretFixCommand(knownSecrets.get(key)!),
                });
            }
            continue;
        }
        if (knownSections.includes(key)) continue;
        // A secret named after a system (`<section>-...`) may belong to a part that is switched off right now, or
        // to a section that failed to parse: keeping it set is harmless, and a misspelt one shows up as the real
        // one missing.
        if (systems.some((s) => key.startsWith(`${s.section}-`))) {
            if (!source.isSecret(key)) {
                problems.push({
                    key: fullKey(key),
                    message:
                        "looks like a secret of this system but is stored in plain text in the stack file: treat the value as leaked (rotate it) and store the new one encrypted",
                    fix: secretFixCommand({ key }),
                });
            }
            continue;
        }
        // A kubeconfig of a defined cluster is legitimate even while no enabled system uses that cluster.
        const clusterKubeconfig =
            key.startsWith("kubeconfig-") &&
            (clusterNames === undefined || clusterNames.includes(key.slice("kubeconfig-".length)));
        if (clusterKubeconfig || (key.startsWith("openstack-") && source.isSecret(key))) continue;
        // A plain unknown key holding a credential is a leak before it is a stray key: say so, and remove it.
        const plain = source.isSecret(key) ? undefined : source.getValue(key);
        const leaked =
            typeof plain === "string" ? credentialProblem(key, z.unknown(), plain, [], plain) : undefined;
        if (leaked) {
            problems.push(leaked);
            continue;
        }
        const to = renamedTo.get(key);
        problems.push(
            to
                ? {
                      key: fullKey(key),
                      message: `unknown section; did you mean "${to}"? The program ignores "${key}", so nothing in it is deployed`,
                      fix: renameFix(fullKey(key), fullKey(to)),
                  }
                : {
                      key: fullKey(key),
                      message: `unknown key: not a section or a secret this configuration uses (sections are: ${knownSections.join(", ")}); the program ignores it`,
                      fix: source.isSecret(key)
                          ? removeCommand(key)
                          : `edit ${STACK_FILE}: move ${fullKey(key)} under the section it belongs to, or delete it if nothing needs it`,
                  },
        );
    }

    if (problems.length > 0) {
        throw new ConfigError(dedupe(problems), source.stack, complete);
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
    return {
        tier: tier!,
        production,
        clusters,
        openstack,
        sections,
        enabled,
        secretSpecs: enabledSecrets,
        unsetSecrets: unset,
        operatorValues,
        notices: enabled.flatMap((def) =>
            (def.notices?.(sections[def.section], { tier: tier! }) ?? []).map((text) => ({
                system: def.section,
                text,
            })),
        ),
        secrets,
    };
}

/** The value at a dotted key inside a section's raw value (`bots.namespace`), undefined when there is none. */
function valueAt(raw: unknown, key: string): unknown {
    let at = raw;
    for (const part of key.split(".")) {
        if (typeof at !== "object" || at === null) return undefined;
        at = (at as Record<string, unknown>)[part];
    }
    return at;
}

/** A section that says `enabled: false` (a boolean, as the CLI writes it) and so deploys nothing. */
function isSwitchedOff(raw: unknown): boolean {
    return typeof raw === "object" && raw !== null && (raw as { enabled?: unknown }).enabled === false;
}

/** Keys under a near-miss of the project namespace (`runbook:`, `Runbooks:`): the program would never see them. */
function foreignNamespaceProblems(
    source: ConfigSource,
    keys: ReadonlySet<string>,
): { problems: ConfigProblem[]; renamed: Set<string> } {
    const problems: ConfigProblem[] = [];
    const renamed = new Set<string>();
    for (const full of source.foreignKeys?.() ?? []) {
        const colon = full.indexOf(":");
        const ns = colon < 0 ? "" : full.slice(0, colon);
        const key = full.slice(colon + 1);
        if (
            ns === PROJECT ||
            (ns.toLowerCase() !== PROJECT && closest(ns.toLowerCase(), [PROJECT]) === undefined)
        )
            continue;
        problems.push({
            key: full,
            message: keys.has(key)
                ? `is in namespace "${ns}", not "${PROJECT}", and ${fullKey(key)} exists too: the program reads only ${fullKey(key)}`
                : `is in namespace "${ns}", not "${PROJECT}": the program never reads it, so nothing in it is deployed`,
            fix: keys.has(key)
                ? `edit ${STACK_FILE}: merge what ${full} needs into ${fullKey(key)}, then delete ${full}`
                : renameFix(full, fullKey(key)),
        });
        renamed.add(key);
    }
    return { problems, renamed };
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
