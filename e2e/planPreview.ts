import { isDeepStrictEqual } from "node:util";

// The offline plan (the program under the recording mocks) against the engine's preview of a fresh stack
// (`pulumi preview --json`), object by object: the same URNs and the same inputs, apart from what the engine or a
// provider does to a value on its way, each listed here with its reason. Anything else is a difference: the plan a
// reviewer reads would not be what `pulumi up` deploys.

/** One resource of either side: its URN, type and inputs. */
export interface PlannedResource {
    urn: string;
    type: string;
    inputs: Record<string, unknown>;
}

/** `pulumi preview --json` as far as this reads it. */
export interface PreviewJson {
    steps?: {
        op: string;
        urn: string;
        newState?: { type: string; custom?: boolean; inputs?: Record<string, unknown> };
    }[];
}

/** What the engine prints for a secret value in `--json` output (never the value). */
export const ENGINE_SECRET = "[secret]";
/** The engine's placeholder for a value not known until the update (pulumi/pulumi sdk/go/common/resource/plugin UnknownStringValue). */
export const ENGINE_UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Resources only one side has by construction, each with its reason. */
const ONE_SIDED: readonly { test: (urn: string, type: string) => boolean; why: string }[] = [
    {
        test: (_u, t) => t === "pulumi:pulumi:Stack",
        why: "the stack's root resource: the engine registers it, the program's mocks have none to record",
    },
    {
        test: (_u, t) => t === "pulumi:pulumi:StackReference",
        why: "the up's read of the stack's own last checkpoint (components/program.ts readDeployed, whether a staged system was deployed): the offline plan reads no backend",
    },
    {
        test: (u, t) => t.startsWith("pulumi:providers:") && /::default(_\d+)*(_\d+_\d+_\d+)?$/.test(u),
        why: "a default provider the engine makes for a package used without an explicit provider",
    },
];

/**
 * Input normalisations of the engine and its providers, each with its reason: applied to both sides before they
 * are compared.
 */
export const NORMALISATIONS: readonly { name: string; why: string }[] = [
    {
        name: "secret and unknown values",
        why:
            "preview --json prints every secret as [secret] and a value computed during the update (a generated " +
            "password) as the unknown placeholder: such a value is compared as present, not by content",
    },
    {
        name: "Secret stringData → data",
        why: "the Kubernetes provider's Check folds a Secret's stringData into data (base64): keys compared, values secret",
    },
    {
        name: "__defaults dropped",
        why:
            "a Terraform-bridged provider's Check (random, openstack) records which inputs it defaulted under " +
            "__defaults; the program never sets that key",
    },
    {
        name: "provider plugin version",
        why:
            "the SDK registers an explicit provider with the version of its npm package (the plugin the engine " +
            "loads, pinned in e2e/versions.env); the program sets none and the mocks record none",
    },
    {
        name: "empty lists and objects dropped",
        why: "the Kubernetes provider's Check drops an empty list or map (a container's args: [])",
    },
];

function isEmpty(v: unknown): boolean {
    return (
        (Array.isArray(v) && v.length === 0) ||
        (typeof v === "object" && v !== null && !Array.isArray(v) && Object.keys(v).length === 0)
    );
}

/** A value with empty lists and maps removed at every depth (they are no value to the provider). */
function withoutEmpty(v: unknown): unknown {
    if (Array.isArray(v)) return v.map(withoutEmpty);
    if (typeof v === "object" && v !== null) {
        const out: Record<string, unknown> = {};
        for (const [k, x] of Object.entries(v)) {
            const y = withoutEmpty(x);
            if (!isEmpty(y)) out[k] = y;
        }
        return out;
    }
    return v;
}

/** A Secret's inputs with stringData folded into data, the values replaced by the secret marker. */
function foldSecret(inputs: Record<string, unknown>): Record<string, unknown> {
    const { stringData, data, ...rest } = inputs as { stringData?: unknown; data?: unknown };
    // A whole map the engine shows as one secret: its keys are not printed either.
    if (typeof data === "string" || typeof stringData === "string") return { ...rest, data: ENGINE_SECRET };
    const keys = [...Object.keys(data ?? {}), ...Object.keys(stringData ?? {})];
    return keys.length === 0
        ? rest
        : { ...rest, data: Object.fromEntries(keys.sort().map((k) => [k, ENGINE_SECRET])) };
}

/** Every path where the two values differ, an engine secret or unknown matching anything. */
function differences(plan: unknown, engine: unknown, at: string, out: string[]): void {
    if (engine === ENGINE_SECRET || engine === ENGINE_UNKNOWN) return;
    if (Array.isArray(plan) && Array.isArray(engine)) {
        if (plan.length !== engine.length)
            out.push(`${at}: ${plan.length} items in the plan, ${engine.length} in the preview`);
        else plan.forEach((p, i) => differences(p, engine[i], `${at}[${i}]`, out));
        return;
    }
    if (
        typeof plan === "object" &&
        plan !== null &&
        typeof engine === "object" &&
        engine !== null &&
        !Array.isArray(plan) &&
        !Array.isArray(engine)
    ) {
        for (const k of new Set([...Object.keys(plan), ...Object.keys(engine)]))
            differences(
                (plan as Record<string, unknown>)[k],
                (engine as Record<string, unknown>)[k],
                at ? `${at}.${k}` : k,
                out,
            );
        return;
    }
    if (!isDeepStrictEqual(plan, engine))
        out.push(
            `${at}: plan ${JSON.stringify(plan)?.slice(0, 120)} ≠ preview ${JSON.stringify(engine)?.slice(0, 120)}`,
        );
}

function normalised(r: PlannedResource): unknown {
    const { __defaults: _defaults, ...rest } = r.inputs;
    if (r.type.startsWith("pulumi:providers:")) delete rest.version;
    const inputs = r.type === "kubernetes:core/v1:Secret" ? foldSecret(rest) : rest;
    return withoutEmpty(inputs);
}

/** The preview's resources (the create steps of a fresh stack), one-sided ones left out. */
export function previewResources(preview: PreviewJson): PlannedResource[] {
    return (preview.steps ?? [])
        .filter((s) => s.newState && !ONE_SIDED.some((o) => o.test(s.urn, s.newState!.type)))
        .map((s) => ({ urn: s.urn, type: s.newState!.type, inputs: s.newState!.inputs ?? {} }));
}

/** Every difference between the plan and the preview: URNs one side lacks, then inputs, as `<urn>: <path>: ...`. */
export function planPreviewDifferences(
    plan: readonly PlannedResource[],
    preview: readonly PlannedResource[],
): string[] {
    const out: string[] = [];
    const planned = new Map(
        plan.filter((r) => !ONE_SIDED.some((o) => o.test(r.urn, r.type))).map((r) => [r.urn, r]),
    );
    const previewed = new Map(preview.map((r) => [r.urn, r]));
    for (const urn of planned.keys()) if (!previewed.has(urn)) out.push(`${urn}: in the plan only`);
    for (const urn of previewed.keys()) if (!planned.has(urn)) out.push(`${urn}: in the preview only`);
    for (const [urn, p] of planned) {
        const e = previewed.get(urn);
        if (!e) continue;
        const found: string[] = [];
        differences(normalised(p), normalised(e), "", found);
        out.push(...found.map((f) => `${urn}: ${f}`));
    }
    return out;
}
