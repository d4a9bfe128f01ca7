import { z } from "zod";
import { namePrefixProblem } from "../config/checks";
import {
    checked,
    hostName,
    imageRef,
    imageTag,
    k8sName,
    quantity,
    replicas,
    toDnsLabel,
} from "../config/fields";
import { ConfigProblem, fullKey, removeCommand, setCommand } from "../config/problems";
import { isDnsLabel } from "../shared/naming";
import { sizingProblems } from "../shared/resources";
import {
    CLAIM_NAMES,
    COMPONENTS,
    COMPONENT_NAMES,
    CONFIG_MAP_NAMES,
    IMAGE_KEYS,
    ImageKey,
    ROUTE_NAMES,
} from "./catalog";
import {
    DEFAULT_IMAGES,
    DEFAULT_PROW_REGISTRY,
    ENVIRONMENTS,
    ENVIRONMENT_NAMES,
    EnvironmentName,
    ProwEnvironment,
} from "./environments";
import { CRONJOB_NAME_MAX, NameRule, invalidNames } from "./naming";
import { ResolvedEnvironment, resolveEnvironment } from "./resolve";
import { PROW_SECRETS } from "./secrets";

const sizeSide = z
    .object({ cpu: quantity("100m").optional(), memory: quantity("256Mi").optional() })
    .strict();

/** Per-component override: replicas and requests/limits over the catalog's defaults. */
const componentOverride = z
    .object({
        replicas: replicas(1).optional(),
        resources: z
            .object({ requests: sizeSide.optional(), limits: sizeSide.optional() })
            .strict()
            .optional(),
    })
    .strict();

function keyedBy<K extends string, T extends z.ZodType>(keys: readonly K[], value: T) {
    return z
        .object(Object.fromEntries(keys.map((k) => [k, value.optional()])) as Record<K, z.ZodOptional<T>>)
        .strict();
}

const volumeOverride = z
    .object({
        size: quantity("30Gi").optional(),
        storageClass: hostName("ibmc-vpc-block-general-purpose").optional(),
    })
    .strict();

const routeOverride = z
    .object({
        host: hostName("prow.example.org").optional(),
        path: z
            .string()
            .regex(/^\/[A-Za-z0-9._~/-]*$/, "must be an absolute URL path such as /hook")
            .optional()
            .meta({ example: "/hook" }),
    })
    .strict();

const tlsSchema = z.discriminatedUnion("mode", [
    z.object({ mode: z.literal("controller-default").meta({ example: "controller-default" }) }).strict(),
    z
        .object({
            mode: z.literal("cert-manager").meta({ example: "cert-manager" }),
            clusterIssuer: hostName("letsencrypt"),
            secretName: k8sName("deck-tls"),
        })
        .strict(),
]);

/**
 * A namespace repaired from what was written (toDnsLabel), with the environment's prefix that prowProblems requires,
 * so following the fix leaves no second problem.
 */
function prefixedLabel(written: unknown, section: Record<string, unknown>): string | undefined {
    const env = ENVIRONMENTS[section.environment as EnvironmentName] as ProwEnvironment | undefined;
    const prefix = typeof section.prefix === "string" ? section.prefix : (env?.prefix ?? "");
    const label = toDnsLabel(written);
    if (label === undefined) return undefined;
    return toDnsLabel(label.startsWith(prefix) ? label : `${prefix}${label}`);
}

const document = z.record(z.string(), z.unknown()).meta({ example: "{}" });

/** The `runbooks:prow` section: which environment, the pinned release, and overrides of its typed defaults. */
export const prowSchema = z
    .object({
        enabled: z.boolean().meta({ example: "true" }),
        cluster: k8sName("ibmcloud-prow"),
        /** The environment whose typed defaults apply (namespaces, prefix, volumes, replicas, bucket, ingress). */
        environment: z.enum(ENVIRONMENT_NAMES).meta({ example: "ibmcloud-staging" }),
        /** The Prow release tag every gcr.io/k8s-prow image (and decoration utility image) is pinned to. */
        release: imageTag("v20201020-a5b49bc903"),
        prowRegistry: z
            .string()
            .regex(
                /^[a-z0-9.-]+(:[0-9]+)?(\/[a-z0-9._-]+)*$/,
                "must be a registry path such as gcr.io/k8s-prow",
            )
            .default(DEFAULT_PROW_REGISTRY)
            .meta({ example: DEFAULT_PROW_REGISTRY }),
        /** Images not built from the Prow release. */
        images: z
            .object(
                Object.fromEntries(
                    IMAGE_KEYS.map((k) => [k, imageRef(DEFAULT_IMAGES[k]).optional()]),
                ) as Record<ImageKey, z.ZodOptional<ReturnType<typeof imageRef>>>,
            )
            .strict()
            .optional(),
        /** Overrides the environment's name prefix ("" for none). */
        prefix: z
            .string()
            .max(40, "must be at most 40 characters, so prefixed names stay valid")
            .superRefine(checked(namePrefixProblem))
            .optional()
            .meta({ example: "staging-" }),
        namespace: k8sName("kubevirt-prow", prefixedLabel).optional(),
        jobsNamespace: k8sName("kubevirt-prow-jobs", prefixedLabel).optional(),
        bucket: z
            .string()
            .regex(/^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$/, "must be a GCS bucket name")
            .optional()
            .meta({ example: "kubevirt-prow" }),
        storage: keyedBy(CLAIM_NAMES, volumeOverride).optional(),
        components: keyedBy(COMPONENT_NAMES, componentOverride).optional(),
        ingress: z
            .object({
                className: k8sName("public-iks-k8s-nginx").optional(),
                routes: keyedBy(ROUTE_NAMES, routeOverride).optional(),
                tls: tlsSchema.optional(),
            })
            .strict()
            .optional(),
        /** Owns the cluster-scoped ProwJob CRD (one stack per cluster: production's on the shared cluster). */
        manageCrd: z.boolean().optional().meta({ example: "true" }),
        /** GitHub-acting components run `--dry-run=true` (staging's default: it shares GitHub with production). */
        dryRun: z.boolean().optional().meta({ example: "true" }),
        /** Last-layer overrides of Prow's documents, deep-merged over base and environment (null removes a key). */
        documents: z
            .object({
                config: document.optional(),
                plugins: document.optional(),
                labels: document.optional(),
                mirror: document.optional(),
            })
            .strict()
            .optional(),
    })
    .strict();
export type ProwConfig = z.infer<typeof prowSchema>;

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

const example = (path: string, value: string) => setCommand(path, value, { path: true });

/**
 * Checks the schema cannot express. They run on the resolved environment, so a bad combination of an
 * environment default and an override is caught as well as a bad override.
 */
export function prowProblems(config: ProwConfig, env = resolveEnvironment(config)): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const problem = (path: string, message: string, fix: string, sets?: string) =>
        problems.push({ key: fullKey(path), message, fix, ...(sets !== undefined ? { sets } : {}) });

    const bad = invalidNames(env.names, objectNameRules(env));
    if (bad.length > 0) {
        const shown = bad.slice(0, 3).join("; ") + (bad.length > 3 ? `; and ${bad.length - 3} more` : "");
        problem(
            "prow.prefix",
            `prefix "${env.names.prefix}" makes invalid object names: ${shown}`,
            example("prow.prefix", "staging-"),
        );
    }

    const { prow, jobs } = env.namespaces;
    if (!isDnsLabel(jobs)) {
        problem(
            config.jobsNamespace ? "prow.jobsNamespace" : "prow.namespace",
            `the jobs namespace "${jobs}" is not a DNS label of at most 63 characters`,
            example("prow.jobsNamespace", "kubevirt-prow-jobs"),
        );
    }
    if (prow === jobs) {
        problem(
            "prow.jobsNamespace",
            `is the prow namespace "${prow}" too; job pods must be kept apart from Prow`,
            example("prow.jobsNamespace", `${prow}-jobs`),
        );
    }
    for (const [path, ns] of [
        ["prow.namespace", prow],
        ["prow.jobsNamespace", jobs],
    ] as const) {
        if (env.names.prefix && !ns.startsWith(env.names.prefix)) {
            problem(
                path,
                `namespace "${ns}" lacks the prefix "${env.names.prefix}": a prefixed environment keeps its namespaces prefixed too, so it cannot land in another environment's`,
                example(path, `${env.names.prefix}${ns}`),
                `${env.names.prefix}${ns}`,
            );
        }
    }

    if (env.name === "ibmcloud-production") {
        const values: [string, string][] = [
            ["prow.prefix", env.names.prefix],
            ["prow.namespace", prow],
            ["prow.jobsNamespace", jobs],
            ["prow.bucket", env.bucket],
            ...ROUTE_NAMES.map((r): [string, string] => [
                `prow.ingress.routes.${r}.host`,
                env.ingress.routes[r].host,
            ]),
        ];
        for (const [path, value] of values) {
            if (/staging/.test(value)) {
                problem(
                    path,
                    `"${value}" names a staging resource in the production environment`,
                    removeCommand(path, { path: true }),
                );
            }
        }
    }

    if (env.name === "ibmcloud-staging") {
        if (env.manageCrd) {
            problem(
                "prow.manageCrd",
                "staging shares the cluster with production, whose stack owns the cluster-scoped ProwJob CRD: a staging stack owning it too would fight over it, and destroying staging would delete every production ProwJob",
                example("prow.manageCrd", "false"),
            );
        }
        if (!env.dryRun) {
            problem(
                "prow.dryRun",
                "staging would act on real pull requests (comment, label, merge, trigger jobs) next to production; it runs dry (--dry-run=true)",
                example("prow.dryRun", "true"),
            );
        }
    }

    for (const spec of COMPONENTS) {
        const path = `prow.components.${spec.name}`;
        for (const message of sizingProblems(env.resources[spec.name])) {
            problem(
                `${path}.resources`,
                message,
                example(`${path}.resources.limits.memory`, env.resources[spec.name].requests.memory),
            );
        }
        if (spec.strategy === "Recreate" && env.replicas[spec.name] > 1) {
            problem(
                `${path}.replicas`,
                `${spec.name} runs as a single instance (it owns a ReadWriteOnce volume or must not act twice); got ${env.replicas[spec.name]}`,
                example(`${path}.replicas`, "1"),
            );
        }
    }
    return problems;
}
