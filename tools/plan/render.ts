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

const STACK_TYPE = "pulumi:pulumi:Stack";

/** The system a resource belongs to: the section its top-level ancestor is named after, else the type's module. */
export function systemOf<R extends Pick<RecordedResource, "parent" | "type" | "name">>(
    resource: R,
    byUrn: Map<string, R>,
    sections: readonly string[],
): string {
    let top = resource;
    // The engine's state parents every top-level component to the stack itself (pulumi:pulumi:Stack); the mocks
    // record no stack. Either way the top is the child of the stack.
    for (let i = 0; i < 100 && top.parent && byUrn.has(top.parent); i++) {
        const parent = byUrn.get(top.parent)!;
        if (parent.type === STACK_TYPE) break;
        top = parent;
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

/** The widest line a summary prints for a system or a kind of notice: it fits a terminal of 100 columns. */
export const NOTICE_LINE_WIDTH = 100;

/**
 * The kind of a `<system>: <text>` notice: the tag its text opens with in capitals (`UNCONFIRMED IMAGE`, `DATABASE
 * TAKEOVER`), the same kind in every system; a notice without one is a kind of its own system.
 */
export function noticeKind(notice: string): { kind: string; system: string; tagged: boolean } {
    const colon = notice.indexOf(": ");
    const system = colon === -1 ? "" : notice.slice(0, colon);
    const text = colon === -1 ? notice : notice.slice(colon + 2);
    const tag = /^([A-Z][A-Z0-9-]+(?: [A-Z][A-Z0-9-]+)*)(?=[ :]|$)/.exec(text)?.[1];
    return tag ? { kind: tag, system, tagged: true } : { kind: system, system, tagged: false };
}

/**
 * One line per kind of notice, most first: its count, its kind and which systems say it (a kind of one system's
 * own: the start of its first notice). Every line fits {@link NOTICE_LINE_WIDTH}.
 */
export function noticeKindLines(notices: readonly string[]): string[] {
    const kinds = new Map<string, { tagged: boolean; notices: string[]; systems: Map<string, number> }>();
    for (const notice of notices) {
        const { kind, system, tagged } = noticeKind(notice);
        const entry = kinds.get(kind) ?? { tagged, notices: [], systems: new Map<string, number>() };
        entry.notices.push(notice);
        entry.systems.set(system, (entry.systems.get(system) ?? 0) + 1);
        kinds.set(kind, entry);
    }
    const width = String(notices.length).length;
    return [...kinds.entries()]
        .sort(([ka, a], [kb, b]) => b.notices.length - a.notices.length || ka.localeCompare(kb))
        .map(([kind, { tagged, notices: mine, systems }]) => {
            const about = tagged
                ? `${kind} (${[...systems.entries()].map(([s, n]) => `${s} ${n}`).join(", ")})`
                : `${kind}${mine.length > 1 ? ", such as" : ""}: ${mine[0].slice(kind.length + 2)}`;
            return fitted(`  ${String(mine.length).padStart(width)}  ${about}`);
        });
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

/** A line of at most {@link NOTICE_LINE_WIDTH} characters: cut, with an ellipsis, where it is longer. */
function fitted(line: string): string {
    return line.length <= NOTICE_LINE_WIDTH ? line : `${line.slice(0, NOTICE_LINE_WIDTH - 1)}…`;
}

/**
 * The summary a plan prints, to fit a screen: resources per system (one line each, its most numerous kinds first;
 * every resource in resources.json), how many required secrets are unset (listed in unset-secrets.txt), the operator
 * values `pulumi up` stops on, and one line per kind of notice (in full in notices.txt). `dir` is the plan's directory
 * as the user names it.
 */
export function renderSummary(stack: string, plan: Plan, dir?: string): string {
    const file = (name: string): string => (dir === undefined ? name : `${dir}/${name}`);
    const rows = summarize(plan);
    const systems = [...new Set(rows.map((r) => r.system))];
    const w1 = Math.max(6, ...systems.map((s) => s.length));
    const total = (system: string): number =>
        rows.filter((r) => r.system === system).reduce((sum, r) => sum + r.count, 0);
    const w2 = Math.max(...systems.map((s) => String(total(s)).length), 1);
    const protectedCount = plan.resources.filter((r) => r.protect).length;
    const lines = [
        // How much of the stack `pulumi up` will refuse to delete or replace: the operator's safety net, made visible.
        `Plan of stack ${stack}: ${plan.resources.length} resources, ${protectedCount} protected (pulumi refuses to delete or replace them)`,
        `per system, most numerous kinds first (every resource: ${file("resources.json")}):`,
    ];
    for (const system of systems) {
        const kinds = rows
            .filter((r) => r.system === system)
            .sort((a, b) => b.count - a.count || a.kind.localeCompare(b.kind))
            .map((r) => `${r.count} ${r.kind.split(":").pop()}`);
        lines.push(
            fitted(`  ${system.padEnd(w1)}  ${String(total(system)).padStart(w2)}: ${kinds.join(", ")}`),
        );
    }
    const unset = plan.unsetSecrets ?? [];
    if (unset.length > 0) {
        lines.push(
            "",
            `${unset.length} required secret${unset.length === 1 ? " is" : "s are"} not set: the plan used placeholders, \`pulumi up --stack ${stack}\` would stop until they are set (each with its command: ${file("unset-secrets.txt")}).`,
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
        // One line per kind: 36 unconfirmed images at ~600 characters each would bury the summary. The file (and every
        // preview and update, as warnings) keeps each notice in full.
        lines.push(
            "",
            `Read before \`pulumi up --stack ${stack}\`: ${notices.length} notice${notices.length === 1 ? "" : "s"}, in full in ${file("notices.txt")} (every preview and update logs them as warnings):`,
            ...noticeKindLines(notices),
        );
    }
    return lines.join("\n");
}
