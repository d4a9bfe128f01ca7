import { dump } from "js-yaml";
import { RecordedResource } from "../mocks/recorder";

/** Apply order of Kubernetes kinds, so a rendered file can be read (and applied) top to bottom. */
const KIND_ORDER = [
    "CustomResourceDefinition",
    "Namespace",
    "ServiceAccount",
    "ClusterRole",
    "ClusterRoleBinding",
    "Role",
    "RoleBinding",
    // Before the workloads: pods start isolated, on the paths their namespace's policies open.
    "NetworkPolicy",
    "Secret",
    "ConfigMap",
    "PersistentVolumeClaim",
    "Service",
    "ImageStream",
    "Deployment",
    "StatefulSet",
    "Job",
    "CronJob",
    "Route",
    "Ingress",
];

export interface PlanResource {
    urn: string;
    type: string;
    name: string;
    parent: string;
    provider: string;
    system: string;
    protect: boolean;
    retainOnDelete: boolean;
    ignoreChanges: string[];
    inputs: Record<string, unknown>;
}

export interface Plan {
    resources: PlanResource[];
    /** Required secrets the stack has not set: the plan used placeholders, `pulumi up` would stop on them. */
    unsetSecrets?: string[];
    /** Full keys whose stack-file value is a placeholder only the operator can replace (a real run stops on each). */
    operatorValues?: string[];
    /** `<system>: <text>` lines a real run logs as warnings: what an operator must read before `pulumi up`. */
    notices?: string[];
    /** Cluster name → Kubernetes objects as `kubectl apply` takes them, secrets masked. */
    kubernetes: Record<string, Record<string, unknown>[]>;
}

function providerUrn(ref: string): string {
    return ref ? ref.split("::").slice(0, -1).join("::") : "";
}

function lastName(urn: string): string {
    return urn.split("::").pop() ?? urn;
}

/** The system a resource belongs to: the section its top-level ancestor is named after, else the type's module. */
export function systemOf<R extends Pick<RecordedResource, "parent" | "type" | "name">>(
    resource: R,
    byUrn: Map<string, R>,
    sections: readonly string[],
): string {
    let top = resource;
    for (let i = 0; i < 100 && top.parent && byUrn.has(top.parent); i++) {
        top = byUrn.get(top.parent)!;
    }
    if (top.type.startsWith("pulumi:providers:")) return "program";
    const bySection = [...sections]
        .sort((a, b) => b.length - a.length)
        .find((s) => top.name === s || top.name.startsWith(`${s}-`));
    if (bySection) return bySection;
    const module = /^runbooks:([^:]+):/.exec(top.type)?.[1];
    return module && sections.includes(module) ? module : "program";
}

/** What a plan shows for every value of a Secret: it never holds the real value, set or not. */
export const SECRET_PLACEHOLDER = "[placeholder: secret values are never in a plan]";
/** The same words base64-encoded, for `data`, whose values the API server requires to be base64. */
export const SECRET_PLACEHOLDER_BASE64 = Buffer.from(SECRET_PLACEHOLDER).toString("base64");

/** A Kubernetes object as a manifest: secrets masked, Secret keys still visible so reviewers see what changed. */
export function manifestOf(resource: RecordedResource): Record<string, unknown> {
    const obj = structuredClone(resource.masked);
    if (obj.kind === "Secret") {
        for (const field of ["stringData", "data"]) {
            const plain = resource.inputs[field];
            if (plain && typeof plain === "object") {
                obj[field] = Object.fromEntries(
                    Object.keys(plain as object)
                        .sort()
                        .map((k) => [k, field === "data" ? SECRET_PLACEHOLDER_BASE64 : SECRET_PLACEHOLDER]),
                );
            }
        }
    }
    const { apiVersion, kind, metadata, ...rest } = obj;
    return { apiVersion, kind, metadata, ...rest };
}

function kindRank(kind: unknown): number {
    const i = KIND_ORDER.indexOf(String(kind));
    return i === -1 ? KIND_ORDER.length : i;
}

function metaOf(obj: Record<string, unknown>): { name: string; namespace: string } {
    const m = (obj.metadata ?? {}) as { name?: string; namespace?: string };
    return { name: m.name ?? "", namespace: m.namespace ?? "" };
}

/** Builds the plan from what the program registered. Sorting makes two plans of the same inputs identical. */
export function buildPlan(recorded: readonly RecordedResource[], sections: readonly string[]): Plan {
    const byUrn = new Map(recorded.map((r) => [r.urn, r]));
    const resources: PlanResource[] = recorded
        .map((r) => ({
            urn: r.urn,
            type: r.type,
            name: r.name,
            parent: r.parent,
            provider: providerUrn(r.provider),
            system: systemOf(r, byUrn, sections),
            protect: r.protect,
            retainOnDelete: r.retainOnDelete,
            ignoreChanges: [...r.ignoreChanges].sort(),
            inputs: r.masked,
        }))
        .sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0));

    return { resources, kubernetes: kubernetesObjects(recorded, manifestOf) };
}

/**
 * The Kubernetes objects of a recording by cluster (the provider `cluster-<name>` they use; `_default-provider`
 * for an object without an explicit provider), each made by `manifest`, in apply order.
 */
export function kubernetesObjects(
    recorded: readonly RecordedResource[],
    manifest: (resource: RecordedResource) => Record<string, unknown>,
): Record<string, Record<string, unknown>[]> {
    const kubernetes: Record<string, Record<string, unknown>[]> = {};
    for (const r of recorded) {
        if (!r.custom || !r.type.startsWith("kubernetes:") || r.type.startsWith("pulumi:providers:"))
            continue;
        const providerName = lastName(providerUrn(r.provider));
        const cluster = providerName.startsWith("cluster-")
            ? providerName.slice("cluster-".length)
            : "_default-provider";
        (kubernetes[cluster] ??= []).push(manifest(r));
    }
    for (const objects of Object.values(kubernetes)) {
        objects.sort((a, b) => {
            const ma = metaOf(a);
            const mb = metaOf(b);
            return (
                kindRank(a.kind) - kindRank(b.kind) ||
                String(a.kind).localeCompare(String(b.kind)) ||
                ma.namespace.localeCompare(mb.namespace) ||
                ma.name.localeCompare(mb.name)
            );
        });
    }
    return kubernetes;
}

export function renderResourcesJson(plan: Plan): string {
    return `${JSON.stringify(plan.resources, null, 2)}\n`;
}

/**
 * The objects as one multi-document YAML file, keys in the program's order and long strings unfolded. js-yaml, which
 * the SDK loads anyway, writes it about three times faster than the yaml library (a tenth of a plan's time before).
 */
export function renderManifests(objects: readonly Record<string, unknown>[]): string {
    return objects.map((o) => `---\n${dump(o, { lineWidth: -1, noRefs: true })}`).join("");
}

/** A short readable kind: `apps/v1:Deployment`, `provider:kubernetes`, `component:Workload`. */
export function kindLabel(type: string): string {
    const parts = type.split(":");
    if (parts[0] === "pulumi" && parts[1] === "providers") return `provider:${parts[2]}`;
    if (parts[0] === "runbooks") return `component:${parts[2]}`;
    return parts.slice(1).join(":");
}

/** Counts of resources per system and kind. */
export function summarize(plan: Plan): { system: string; kind: string; count: number }[] {
    const counts = new Map<string, number>();
    for (const r of plan.resources) {
        const kind = kindLabel(r.type);
        const key = `${r.system}\u0000${kind}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return [...counts.entries()]
        .map(([key, count]) => {
            const [system, kind] = key.split("\u0000");
            return { system, kind, count };
        })
        .sort((a, b) => a.system.localeCompare(b.system) || a.kind.localeCompare(b.kind));
}

/** The unset secrets, one per line with the command that sets one, for `unset-secrets.txt`. */
export function renderUnsetSecrets(stack: string, plan: Plan): string {
    const unset = plan.unsetSecrets ?? [];
    if (unset.length === 0) return "# every required secret is set\n";
    return `${[
        `# ${unset.length} required secret(s) of stack ${stack} are not set: \`pulumi up\` stops until each is set with`,
        `#   pulumi config set --secret <key> --stack ${stack}   (prompts; files: ... < file)`,
        ...unset,
    ].join("\n")}\n`;
}

/** What an operator must read before `pulumi up`, one line each, for `notices.txt`. */
export function renderNotices(stack: string, plan: Plan): string {
    const notices = plan.notices ?? [];
    if (notices.length === 0) return `# nothing to read before \`pulumi up --stack ${stack}\`\n`;
    return `${[
        `# ${notices.length} line(s) to read before \`pulumi up --stack ${stack}\` (every preview and update logs them as warnings)`,
        ...notices,
    ].join("\n")}\n`;
}

/** The head of the summary's list of operator values (renderSummary writes it, operatorValuesOfSummary reads it). */
const OPERATOR_VALUES_HEAD =
    /^\d+ stack-file values? (is a placeholder|are placeholders) only the operator can fill in:/;

/** The operator values (Plan.operatorValues) a printed summary lists: what a plan shows of them besides its files. */
export function operatorValuesOfSummary(summary: string): string[] {
    const lines = summary.split("\n");
    const head = lines.findIndex((l) => OPERATOR_VALUES_HEAD.test(l));
    if (head === -1) return [];
    const values: string[] = [];
    for (const line of lines.slice(head + 1)) {
        if (!line.startsWith("  ")) break;
        values.push(line.trim());
    }
    return values;
}

export function renderSummary(stack: string, plan: Plan): string {
    const rows = summarize(plan);
    const w1 = Math.max(6, ...rows.map((r) => r.system.length));
    const w2 = Math.max(4, ...rows.map((r) => r.kind.length));
    const protectedCount = plan.resources.filter((r) => r.protect).length;
    const lines = [
        // How much of the stack `pulumi up` will refuse to delete or replace: the operator's safety net, made visible.
        `Plan of stack ${stack}: ${plan.resources.length} resources, ${protectedCount} protected (pulumi refuses to delete or replace them)`,
        `${"system".padEnd(w1)}  ${"kind".padEnd(w2)}  count`,
    ];
    for (const r of rows) {
        lines.push(`${r.system.padEnd(w1)}  ${r.kind.padEnd(w2)}  ${String(r.count).padStart(5)}`);
    }
    const unset = plan.unsetSecrets ?? [];
    if (unset.length > 0) {
        lines.push(
            "",
            `${unset.length} required secret${unset.length === 1 ? " is" : "s are"} not set: the plan used placeholders, \`pulumi up --stack ${stack}\` would stop until they are set:`,
            ...unset.map((k) => `  ${k}`),
        );
    } else {
        lines.push("", "Every required secret is set.");
    }
    const operator = plan.operatorValues ?? [];
    if (operator.length > 0) {
        lines.push(
            "",
            `${operator.length} stack-file value${operator.length === 1 ? " is a placeholder" : "s are placeholders"} only the operator can fill in: \`pulumi up --stack ${stack}\` would stop until ${operator.length === 1 ? "it is" : "they are"} set (its problem list prints each fix):`,
            ...operator.map((k) => `  ${k}`),
        );
    }
    const notices = plan.notices ?? [];
    if (notices.length > 0) {
        lines.push(
            "",
            `Read before \`pulumi up --stack ${stack}\` (${notices.length}; every preview and update logs them as warnings):`,
            ...notices.map((n) => `  ${n}`),
        );
    }
    return lines.join("\n");
}
