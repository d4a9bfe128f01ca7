import { formatPath } from "../config/issues";
import { ConfigProblem, keysBelow } from "../config/problems";
import { Refined, StackTier, takesOver } from "../config/system";
import { isDnsLabel } from "../shared/naming";
import { sizingProblems } from "../shared/resources";
import { CLAIM_NAMES, COMPONENTS, CONFIG_MAP_NAMES, ConfigMapName, ROUTE_NAMES } from "./catalog";
import { ProwConfig } from "./config";
import { forbiddenKeyPaths } from "./merge";
import { ProwSection } from "./section";
import { CRONJOB_NAME_MAX, NameRule, invalidNames } from "./naming";
import { ResolvedEnvironment, resolveEnvironment } from "./resolve";
import { PROW_SECRETS, plannedSecrets } from "./secrets";

/**
 * The check of the `prow` section: the section deploy receives (the resolved environment and where each Secret's
 * values come from) and every problem of the configuration. The section can always be built (every environment
 * default is typed), so the check never rejects it: any problem that is no placeholder stops the run before deploy.
 */
export function prowCheck(
    config: ProwConfig,
    env = resolveEnvironment(config),
    program: { clusters: Record<string, unknown>; tier?: StackTier } = { clusters: {} },
): Refined<ProwSection> {
    return {
        section: { ...config, resolved: env, secretSources: plannedSecrets(env.generateSecrets) },
        problems: [...prowProblems(config, env), ...documentsComparedProblems(config, env, program)],
    };
}

/**
 * The first deploy replaces the live config, plugins and label documents with the program's, rebuilt from the runbook
 * and the stack file: whatever production added by hand since is gone after it. The adoption report shows each
 * setting that changes (tools/adopt/diff.ts reads both sides' YAML); the up waits until the operator says it was read.
 */
function documentsComparedProblems(
    config: ProwConfig,
    env: ResolvedEnvironment,
    program: { clusters: Record<string, unknown>; tier?: StackTier },
): ConfigProblem[] {
    if (config.liveDocumentsCompared || !takesOver(program.clusters, config.cluster, program.tier)) return [];
    const documents: readonly ConfigMapName[] = ["config", "plugins", "label-config", "mirror-config"];
    const maps = documents.map((n) => env.names.name(n));
    return [
        problem(
            "prow.liveDocumentsCompared",
            `is not true while clusters.${config.cluster}.adoptExisting is on: this up replaces the live ConfigMaps ${maps.join(", ")} in ${env.namespaces.prow} with the program's documents, and a setting production added by hand is gone after it: read every "data.<document>.<setting>" change of those ConfigMaps in the report (put a setting you keep into prow.documents first), then set it to true`,
            "npm run adopt --",
        ),
    ];
}

/** Every object base name the environment creates, with the longest its prefixed name may be. */
export function objectNameRules(env: ResolvedEnvironment): NameRule[] {
    const tls = env.ingress.tls;
    const bases = [
        ...CONFIG_MAP_NAMES,
        ...PROW_SECRETS.map((s) => s.name),
        ...CLAIM_NAMES,
        ...(tls.mode === "cert-manager"
            ? [tls.secretName, ...ROUTE_NAMES.map((r) => `${tls.secretName}-${r}`)]
            : []),
    ];
    return [
        ...COMPONENTS.map((c) => ({ base: c.name, max: c.schedule ? CRONJOB_NAME_MAX : 63 })),
        ...bases.map((base) => ({ base, max: 63 })),
    ];
}

const { problem } = keysBelow("");

/** Object names the prefix makes invalid (not a DNS label, or too long for their kind). */
function nameProblems(env: ResolvedEnvironment): ConfigProblem[] {
    const bad = invalidNames(env.names, objectNameRules(env));
    if (bad.length === 0) return [];
    const shown = bad.slice(0, 3).join("; ") + (bad.length > 3 ? `; and ${bad.length - 3} more` : "");
    return [problem("prow.prefix", `prefix "${env.names.prefix}" makes invalid object names: ${shown}`)];
}

/** The two namespaces: valid, apart, and carrying a prefixed environment's prefix. */
function namespaceProblems(config: ProwConfig, env: ResolvedEnvironment): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const { prow, jobs } = env.namespaces;
    if (!isDnsLabel(jobs)) {
        problems.push(
            problem(
                config.jobsNamespace ? "prow.jobsNamespace" : "prow.namespace",
                `the jobs namespace "${jobs}" is not a DNS label of at most 63 characters`,
            ),
        );
    }
    if (prow === jobs) {
        problems.push(
            problem(
                "prow.jobsNamespace",
                `is the prow namespace "${prow}" too; job pods must be kept apart from Prow`,
            ),
        );
    }
    const prefix = env.names.prefix;
    for (const [path, ns] of [
        ["prow.namespace", prow],
        ["prow.jobsNamespace", jobs],
    ] as const) {
        if (prefix && !ns.startsWith(prefix)) {
            problems.push(
                problem(
                    path,
                    `namespace "${ns}" lacks the prefix "${prefix}": a prefixed environment keeps its namespaces prefixed too, so it cannot land in another environment's`,
                ),
            );
        }
    }
    return problems;
}

/** Production names no staging resource. */
function productionProblems(env: ResolvedEnvironment): ConfigProblem[] {
    if (env.name !== "ibmcloud-production") return [];
    const values: [string, string][] = [
        ["prow.prefix", env.names.prefix],
        ["prow.namespace", env.namespaces.prow],
        ["prow.jobsNamespace", env.namespaces.jobs],
        ["prow.bucket", env.bucket],
        ...ROUTE_NAMES.map((r): [string, string] => [
            `prow.ingress.routes.${r}.host`,
            env.ingress.routes[r].host,
        ]),
    ];
    return values
        .filter(([, value]) => /staging/.test(value))
        .map(([path, value]) =>
            problem(path, `"${value}" names a staging resource in the production environment`),
        );
}

/** Staging owns no ProwJob CRD and runs dry: it shares the cluster and GitHub with production. */
function stagingProblems(env: ResolvedEnvironment): ConfigProblem[] {
    if (env.name !== "ibmcloud-staging") return [];
    const problems: ConfigProblem[] = [];
    if (env.manageCrd) {
        problems.push(
            problem(
                "prow.manageCrd",
                "staging shares the cluster with production, whose stack owns the cluster-scoped ProwJob CRD: a staging stack owning it too would fight over it, and destroying staging would delete every production ProwJob",
            ),
        );
    }
    if (!env.dryRun) {
        problems.push(
            problem(
                "prow.dryRun",
                "staging would act on real pull requests (comment, label, merge, trigger jobs) next to production; it runs dry (--dry-run=true)",
            ),
        );
    }
    return problems;
}

/** Each component's sizing, and a single-instance component kept at one replica. */
function componentProblems(env: ResolvedEnvironment): ConfigProblem[] {
    return COMPONENTS.flatMap((spec) => {
        const path = `prow.components.${spec.name}`;
        const sizing = sizingProblems(env.resources[spec.name]).map((message) =>
            problem(`${path}.resources`, message),
        );
        const replicas = env.replicas[spec.name];
        const single =
            spec.strategy === "Recreate" && replicas > 1
                ? [
                      problem(
                          `${path}.replicas`,
                          `${spec.name} runs as a single instance (it owns a ReadWriteOnce volume or must not act twice); got ${replicas}`,
                      ),
                  ]
                : [];
        return [...sizing, ...single];
    });
}

/**
 * Checks the schema cannot express. They run on the resolved environment, so a bad combination of an
 * environment default and an override is caught as well as a bad override.
 */
export function prowProblems(config: ProwConfig, env = resolveEnvironment(config)): ConfigProblem[] {
    return [
        ...nameProblems(env),
        ...namespaceProblems(config, env),
        ...productionProblems(env),
        ...stagingProblems(env),
        ...componentProblems(env),
        ...documentProblems(config),
        ...liveCallerProblems(config, env),
    ];
}

/**
 * A live caller may be admitted only to a Service Prow makes, on one of its ports: any other name would leave the
 * policies of Services nobody makes. Removing the call is the safe side: the report asks for it again, proved.
 */
function liveCallerProblems(config: ProwConfig, env: ResolvedEnvironment): ConfigProblem[] {
    const served = COMPONENTS.flatMap((c) =>
        c.service ? [{ name: env.names.name(c.name), ports: c.service.map((p) => p.port) }] : [],
    );
    const list = served.map((s) => `${s.name} (${s.ports.join(", ")})`).join(", ");
    return Object.entries(config.liveCallers ?? {}).flatMap(([caller, { calls }]) =>
        Object.entries(calls).flatMap(([service, port]) => {
            if (served.some((s) => s.name === service && s.ports.includes(port))) return [];
            const key = formatPath("prow.liveCallers", [caller, "calls", service]);
            return [
                problem(
                    key,
                    `is no port of a Service Prow makes in ${env.namespaces.prow}: its Services are ${list}`,
                ),
            ];
        }),
    );
}

/** Keys of the stack's documents that the merge over Prow's base documents refuses ({@link deepMerge}). */
function documentProblems(config: ProwConfig): ConfigProblem[] {
    return Object.entries(config.documents ?? {}).flatMap(([name, doc]) =>
        // A `__proto__` key is refused wherever it stands in any section (textProblems): once is enough.
        forbiddenKeyPaths(doc)
            .filter((path) => path[path.length - 1] !== "__proto__")
            .map((path) => {
                const key = formatPath("prow.documents", [name, ...path]);
                return problem(
                    key,
                    `the key "${String(path[path.length - 1])}" is not allowed: merged into Prow's ${name} document, it would reach the prototype of every object in the program`,
                );
            }),
    );
}
