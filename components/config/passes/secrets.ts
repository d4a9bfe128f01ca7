import type { LoadOptions } from "../loadOptions";
import { ConfigProblem, fullKey, secretFix, specSecretFix } from "../problems";
import { ClustersConfig, OpenstackConfig } from "../program";
import { ConfigSource } from "../source";
import { SecretSpec, isStaged } from "../system";
import { SystemDefinition } from "../systemDefinition";
import { Placement, usedClusters } from "./clusterReferences";
import { Passed } from "./pass";
import { knownSections } from "./strayKeys";
import { SystemRead } from "./systems";

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
    const [key, description, env, example] = os.applicationCredentialId
        ? [
              "openstack-application-credential-secret",
              "secret of the OpenStack application credential",
              "OS_APPLICATION_CREDENTIAL_SECRET",
              "s3cr3t-application-credential",
          ]
        : ["openstack-password", "password of the OpenStack user", "OS_PASSWORD", "s3cr3t-password"];
    const today = `callysto/infrastructure: \`openrc\` sourced before \`terraform apply\` (${env})`;
    return [{ key, description, today, example }];
}

/** The secrets of a configuration, once wanted, set and encrypted are checked. */
export interface Secrets {
    /** Every secret this configuration uses (optional ones included): enabled systems', kubeconfigs, OpenStack's. */
    specs: SecretSpec[];
    /** Required secrets of live systems that are not set (only possible with `placeholderSecret`: the plan lists them). */
    unset: SecretSpec[];
    /** Required secrets that only staged systems want and that are not set: their to-do, never a problem. */
    todo: ConfigProblem[];
    /** Every secret some section declares, enabled or not: the only keys the secret store hands out. */
    declared: Map<string, SecretSpec>;
    /** The offline plan's stand-in for each required secret that is not set. */
    placeholders: Map<string, string>;
}

export interface SecretsInput extends Pick<LoadOptions, "placeholderSecret"> {
    systems: readonly SystemDefinition[];
    read: readonly SystemRead[];
    placements: readonly Placement[];
    clusters: ClustersConfig;
    openstack?: OpenstackConfig;
}

/** Which secrets the configuration wants, whether each required one is set, and whether every one is encrypted. */
export function secrets(source: ConfigSource, input: SecretsInput): Passed<Secrets> {
    const keys = new Set(source.keys());
    const wanted = new WantedSecrets();
    for (const { def, parsed } of input.read)
        wanted.want(def.secrets(parsed), parsed.enabled, isStaged(parsed));
    // Each cluster in use wants its kubeconfig (read and checked by the clusterIdentities pass).
    for (const cluster of usedClusters(input.placements))
        wanted.want([kubeconfigSecret(cluster)], true, stagedOnlyCluster(cluster, input.placements));
    const openstack = openstackProblems(keys, input, wanted);
    const unset = unsetSecrets(wanted, keys, input);
    const plain = plainTextSecrets(source, keys, wanted.declared, input.systems);
    const refused = refusedValues(source, wanted.specs);
    return {
        state: {
            specs: wanted.specs,
            unset: unset.specs,
            todo: unset.todo,
            declared: wanted.declared,
            placeholders: unset.placeholders,
        },
        problems: [...openstack, ...unset.problems, ...plain, ...refused],
    };
}

/** A cluster only staged systems write to: its kubeconfig is their to-do, not a problem. */
export function stagedOnlyCluster(cluster: string, placements: readonly Placement[]): boolean {
    const on = placements.filter((p) => !p.fresh && p.cluster === cluster);
    return on.length > 0 && on.every((p) => isStaged(p.system.parsed));
}

/**
 * The secrets sections declare, in the order declared; only an enabled part's are used and, unless optional,
 * required. A required secret only staged systems want is theirs to set before they go live ({@link stagedOnly}).
 */
class WantedSecrets {
    readonly declared = new Map<string, SecretSpec>();
    readonly required: SecretSpec[] = [];
    readonly specs: SecretSpec[] = [];
    private readonly live = new Set<string>();

    want(list: readonly SecretSpec[], enabled: boolean, staged = false): void {
        list.forEach((s) => this.declared.set(s.key, s));
        if (!enabled) return;
        this.specs.push(...list);
        this.required.push(...list.filter((s) => !s.optional));
        if (!staged) list.forEach((s) => this.live.add(s.key));
    }

    /** No live system wants it: a missing value is a staged system's to-do. */
    stagedOnly(key: string): boolean {
        return !this.live.has(key);
    }
}

/** An enabled OpenStack-side system wants OpenStack's secrets, and the openstack section they belong to. */
function openstackProblems(
    keys: ReadonlySet<string>,
    input: SecretsInput,
    wanted: WantedSecrets,
): ConfigProblem[] {
    const using = input.read.filter((r) => r.parsed.enabled && r.def.target === "openstack");
    const needed = using.length > 0;
    wanted.want(
        openstackSecrets(input.openstack),
        needed,
        using.every((r) => isStaged(r.parsed)),
    );
    if (!needed || keys.has("openstack")) return [];
    return [
        {
            key: fullKey("openstack.authUrl"),
            message:
                "is required: an OpenStack-side system is enabled but the stack has no openstack section (authUrl: the Keystone v3 URL of this stack's OpenStack project)",
        },
    ];
}

/**
 * Required secrets that are not set: a problem each, or in the offline plan a stand-in each; one only staged systems
 * want is their to-do instead (with a stand-in in the offline plan, which plans them in full).
 */
function unsetSecrets(
    wanted: WantedSecrets,
    keys: ReadonlySet<string>,
    input: SecretsInput,
): {
    specs: SecretSpec[];
    placeholders: Map<string, string>;
    problems: ConfigProblem[];
    todo: ConfigProblem[];
} {
    const placeholders = new Map<string, string>();
    const specs: SecretSpec[] = [];
    const problems: ConfigProblem[] = [];
    const todo: ConfigProblem[] = [];
    const seen = new Set<string>();
    for (const spec of wanted.required) {
        if (keys.has(spec.key) || seen.has(spec.key)) continue;
        seen.add(spec.key);
        const missing = {
            key: fullKey(spec.key),
            message: `secret is missing: ${spec.description}`,
            fix: specSecretFix(spec),
        };
        if (input.placeholderSecret) placeholders.set(spec.key, input.placeholderSecret(spec));
        if (wanted.stagedOnly(spec.key)) todo.push(missing);
        else if (input.placeholderSecret) specs.push(spec);
        else problems.push(missing);
    }
    return { specs, placeholders, problems, todo };
}

/** Secrets stored in plain text: every declared one, and any key named like a system's secret. */
function plainTextSecrets(
    source: ConfigSource,
    keys: ReadonlySet<string>,
    declared: ReadonlyMap<string, SecretSpec>,
    systems: readonly SystemDefinition[],
): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const leaked = (key: string, what: string, fix: string) => ({
        key: fullKey(key),
        message: `${what} but is stored in plain text in the stack file: treat the value as leaked (rotate it) and store the new one encrypted`,
        fix,
    });
    for (const key of keys) {
        if (source.isSecret(key)) continue;
        const spec = declared.get(key);
        if (spec) problems.push(leaked(key, "is a secret", specSecretFix(spec)));
        // A secret named after a system may belong to a part switched off, or a section that failed to parse.
        else if (
            !knownSections(systems).includes(key) &&
            systems.some((s) => key.startsWith(`${s.section}-`))
        )
            problems.push(leaked(key, "looks like a secret of this system", secretFix(key)));
    }
    return problems;
}

/** Each encrypted secret set to a value its reader refuses ({@link SecretSpec.accepts}); the value is never printed. */
function refusedValues(source: ConfigSource, specs: readonly SecretSpec[]): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const seen = new Set<string>();
    for (const spec of specs) {
        const rule = spec.accepts;
        if (!rule || seen.has(spec.key) || !source.isSecret(spec.key)) continue;
        seen.add(spec.key);
        const value = source.secretText?.(spec.key);
        if (value === undefined || rule.admits(value)) continue;
        problems.push({
            key: fullKey(spec.key),
            message: `is set to a value its reader refuses (not printed: it is a secret). It accepts only ${rule.accepted}: ${rule.why}. Set a new value it accepts`,
            fix: specSecretFix(spec),
        });
    }
    return problems;
}
