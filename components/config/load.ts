import { duplicateKeyProblems, underAmbiguous } from "./duplicateKeys";
import { CREDENTIAL_MESSAGE, valueAt } from "./issues";
import type { Notice } from "./notices";
import { ConfigError, ConfigProblem, PROJECT, STACK_FILE, segments } from "./problems";
import { ClustersConfig, OpenstackConfig } from "./program";
import { committedTier, otherStacks } from "./stacks";
import { externalNameProblems } from "./externalNames";
import { ConfigSource } from "./source";
import { LoadOptions } from "./loadOptions";
import { SecretSpec, SecretStore, StackTier, stackTier } from "./system";
import { SystemDefinition } from "./systemDefinition";
import { Placement, clusterReferences } from "./passes/clusterReferences";
import { ClusterIdentities, clusterIdentities } from "./passes/clusterIdentities";
import { productionClaimProblems } from "./identity";
import { ClusterMarks } from "./clusterIdentity";
import { databaseServers } from "./passes/databaseServers";
import { Deployment, deployments, notices } from "./passes/deployments";
import { retiredSecrets } from "./passes/retiredSecrets";
import { foreignNamespaces } from "./passes/foreign";
import { ownership } from "./passes/ownership";
import { Passed, collect } from "./passes/pass";
import { productionSettings } from "./passes/productionSettings";
import { ProgramSections, programSections } from "./passes/programSections";
import { secretStore } from "./passes/secretStore";
import { Secrets, secrets } from "./passes/secrets";
import { strayKeys } from "./passes/strayKeys";
import { SystemsInput, SystemsRead, readSystems } from "./passes/systems";

export type { Deployment } from "./passes/deployments";

/** The validated configuration of the whole program. */
export interface ProgramConfig extends Pick<SystemsRead, "sections" | "enabled" | "staged" | "releaseGates"> {
    tier: StackTier;
    /** Production by the stack's identity (components/config/identity.ts): stateful objects are protected. */
    production: boolean;
    clusters: ClustersConfig;
    /** What the offline checks know of which cluster each entry in use is (its credential's server and CA, its pin). */
    clusterMarks: Record<string, ClusterMarks>;
    openstack?: OpenstackConfig;
    /** Each enabled system with its checked section and where it deploys, in registry order; staged ones marked. */
    deployments: Deployment[];
    /** What the staged systems need before they can go live (unset secrets, placeholders): warnings, not problems. */
    todo: ConfigProblem[];
    /** Every secret this configuration uses (optional ones included): enabled systems', kubeconfigs, OpenStack's. */
    secretSpecs: SecretSpec[];
    /** Required secrets that are not set (only possible with `placeholderSecret`: the plan lists them). */
    unsetSecrets: SecretSpec[];
    /** Placeholders for values only the operator has (with `placeholderSecret`): the plan lists them. */
    operatorValues: ConfigProblem[];
    /** What the enabled systems say an operator must read before a real run ({@link SystemDefinition.notices}). */
    notices: Notice[];
    secrets: SecretStore;
}

/**
 * Reads and checks the whole stack configuration: each pass (./passes) reads what the ones before it decided and adds
 * its problems, all reported in one ConfigError before anything is registered.
 */
export function loadProgramConfig(
    source: ConfigSource,
    systems: readonly SystemDefinition[],
    options: LoadOptions = {},
): ProgramConfig {
    const run = checkProgramConfig(source, systems, options);
    if ("config" in run) return run.config;
    // A key holding a credential gets that one problem: no other message may quote the value, not even one that
    // lists the values of other keys (a default that names every entry).
    const leaked = new Set(
        run.problems.filter((p) => p.message.startsWith(CREDENTIAL_MESSAGE)).map((p) => p.key),
    );
    const problems = run.problems
        .filter((p) => !leaked.has(p.key) || p.message.startsWith(CREDENTIAL_MESSAGE))
        .map(withoutCredentials(source, leaked));
    throw new ConfigError(problems, source.stack, run.complete);
}

/** A problem with each credential of `keys` it quotes, raw or JSON-escaped, replaced by the key that holds it. */
function withoutCredentials(source: ConfigSource, keys: ReadonlySet<string>) {
    const quoted = [...keys].flatMap((key) => {
        const [section, ...rest] = segments(key.slice(PROJECT.length + 1));
        const value = valueAt(source.getValue(String(section)), rest);
        if (typeof value !== "string" || value === "") return [];
        const held = `<the credential at ${key}>`;
        return [...new Set([value, JSON.stringify(value).slice(1, -1)])].map((text) => [text, held] as const);
    });
    return (p: ConfigProblem): ConfigProblem => {
        if (p.message.startsWith(CREDENTIAL_MESSAGE)) return p;
        let { message } = p;
        for (const [text, held] of quoted) message = message.replaceAll(text, held);
        return { ...p, message };
    };
}

/** Every pass over a configuration: the configuration, or every problem it has. */
function checkProgramConfig(
    source: ConfigSource,
    systems: readonly SystemDefinition[],
    options: LoadOptions,
): { config: ProgramConfig } | { problems: ConfigProblem[]; complete: boolean } {
    const problems: ConfigProblem[] = [];
    const run = collect(problems);

    // A key written twice comes first: every other check reads the copy that stays.
    const duplicates = source.duplicateKeys?.() ?? [];
    problems.push(
        ...duplicateKeyProblems(duplicates, source.stack ? `Pulumi.${source.stack}.yaml` : STACK_FILE),
    );
    const foreign = run(foreignNamespaces(source));
    // A stack that claims production without being it: every other problem depends on which stack it really is. Its
    // committed tier says so, and the rest is checked as that stack; without one that question comes first.
    const claims = productionClaimProblems(source.stack, readTier(source));
    if (claims.length > 0) {
        const tier = committedTier(source.stack, options.root);
        if (tier !== "staging" && tier !== "local")
            return { problems: [...problems, ...claims], complete: false };
        problems.push(...claims);
        source = overlaid(source, { tier });
    }
    const program = run(programSections(source, foreign, options));
    const { tier, clusters, openstack } = program;
    const systemsInput = { tier, clusters, foreign, placeholders: !!options.placeholderSecret };
    const { systemsRead, identity } = readAsIdentityLeaves(source, systems, program, systemsInput);
    const read = run(systemsRead);
    run(identity);
    const placements = run(clusterReferences(read.read, program));
    const others = () => otherStacks(source.stack ?? "", options.root);
    const { stack } = source;
    const common = { stack, clusters, placements, otherStacks: others };
    const identities = run(
        clusterIdentities(source, {
            ...common,
            production: program.production,
            placeholders: systemsInput.placeholders,
        }),
    );
    const { marks, accounts } = identities;
    run(ownership({ ...program, ...common, systems, marks, accounts, found: [...problems] }));
    run(
        externalNameProblems({
            stack,
            systems,
            sections: read.sections,
            broken: read.read.flatMap((r) => r.broken),
            openstack: source.keys().includes("openstack") ? source.getValue("openstack") : undefined,
            otherStacks: others,
        }),
    );
    run(retiredSecrets(source, read.read));
    const wanted = run(
        secrets(source, { ...options, systems, read: read.read, placements, clusters, openstack }),
    );
    run(databaseServers(source, { stack, read: read.read, clusters, otherStacks: others }));
    run(strayKeys(source, systems, { declared: new Set(wanted.declared.keys()), ...program }));

    if (problems.length > 0 || tier === undefined) {
        // What lies at a key written twice with two values is not known until the operator keeps one of them.
        const ambiguous = problems.filter((p) => underAmbiguous(p.key, duplicates));
        return {
            problems: dedupe(problems.filter((p) => !ambiguous.includes(p))),
            complete: read.complete && ambiguous.length === 0,
        };
    }
    return { config: acceptedConfig(source, tier, program, read, placements, wanted, identities) };
}

/** The tier a stack file writes, when it is one (its own pass reports what else it may be). */
function readTier(source: ConfigSource): StackTier | undefined {
    if (!source.keys().includes("tier") || source.isSecret("tier")) return undefined;
    const parsed = stackTier.safeParse(source.getValue("tier"));
    return parsed.success ? parsed.data : undefined;
}

/** The systems read with each production setting the stack's identity overrules as production has it. */
function readAsIdentityLeaves(
    source: ConfigSource,
    systems: readonly SystemDefinition[],
    program: ProgramSections,
    systemsInput: SystemsInput,
): { systemsRead: Passed<SystemsRead>; identity: Passed<Record<string, unknown>> } {
    const first = readSystems(source, systems, systemsInput);
    const identity = productionSettings({ ...program, stack: source.stack, read: first.state.read });
    const corrected = Object.keys(identity.state).length > 0;
    return {
        systemsRead: corrected ? readSystems(overlaid(source, identity.state), systems, systemsInput) : first,
        identity,
    };
}

/** The configuration every pass accepted, with what it deploys and what an operator reads before `up`. */
function acceptedConfig(
    source: ConfigSource,
    tier: StackTier,
    program: ProgramSections,
    read: SystemsRead,
    placements: Placement[],
    wanted: Secrets,
    identities: ClusterIdentities,
): ProgramConfig {
    const { clusters, openstack } = program;
    const deployed = deployments({ ...read, placements, openstack });
    return {
        tier,
        production: program.production,
        clusters,
        clusterMarks: identities.marks,
        openstack,
        sections: read.sections,
        enabled: read.enabled,
        staged: read.staged,
        releaseGates: read.releaseGates,
        deployments: deployed,
        todo: [...wanted.todo, ...identities.todo, ...read.todo],
        secretSpecs: wanted.specs,
        unsetSecrets: wanted.unset,
        operatorValues: [...identities.operatorValues, ...read.operatorValues],
        notices: [
            ...identities.warnings.map((w) => ({ system: "clusters", ...w })),
            ...notices(deployed, tier, source.stack),
        ],
        secrets: secretStore(source, wanted),
    };
}

/** The source with some sections replaced. */
function overlaid(source: ConfigSource, sections: Record<string, unknown>): ConfigSource {
    return { ...source, getValue: (key) => (key in sections ? sections[key] : source.getValue(key)) };
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
