import { Document, Scalar, visit } from "yaml";
import { z } from "zod";
import { loadFacts } from "../../components/shared/facts";
import { RecordedResource } from "../mocks/recorder";
import { PlanNotice, noticeSummaryLines } from "./notices";

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
    /**
     * Required secrets the stack has not set: the plan used placeholders, `pulumi up` would stop on those of live
     * systems (a staged system's are also in {@link Plan.todo}).
     */
    unsetSecrets?: string[];
    /**
     * Full keys whose stack-file value is a placeholder only the operator can replace (a real run stops on each of a
     * live system; a staged system's are also in {@link Plan.todo}).
     */
    operatorValues?: string[];
    /** What an operator must read before `pulumi up`, each with its kind: a real run logs them as warnings. */
    notices?: PlanNotice[];
    /** The staged systems (`status: staged`): planned here in full, registered by no `pulumi up`. */
    staged?: string[];
    /** What the staged systems need before they go live (unset secrets, placeholders): full keys, warnings only. */
    todo?: string[];
    /** Cluster name → Kubernetes objects as `kubectl apply` takes them, secrets masked. */
    kubernetes: Record<string, Record<string, unknown>[]>;
}

function providerUrn(ref: string): string {
    return ref ? ref.split("::").slice(0, -1).join("::") : "";
}

/** The name at the end of a URN. */
export function nameOfUrn(urn: string): string {
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

// Built once: kindRank runs in the sort's every comparison, and a zod schema costs tens of microseconds to build.
const kindOrder = z.strictObject({ kinds: z.array(z.string().min(1)).min(1) });

/** Apply order of Kubernetes kinds (facts/plan/kindOrder.yaml): an unlisted kind comes last. */
function kindRank(kind: unknown): number {
    const order = loadFacts("facts/plan/kindOrder.yaml", kindOrder, "a list of kinds").kinds;
    const i = order.indexOf(String(kind));
    return i === -1 ? order.length : i;
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
        const providerName = nameOfUrn(providerUrn(r.provider));
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

/** A YAML 1.2 integer that YAML 1.1 reads as a string, so the 1.1 schema below would leave it plain. */
const OCTAL_1_2 = /^0o[0-7]+$/;

/**
 * One object as a YAML document that every reader takes the same way: keys in the program's order, long strings
 * unfolded, and every string that a YAML 1.1 reader (kubectl, go-yaml) or a 1.2 reader would take for something else
 * quoted, as are arguments such as `--flag=value`: the bytes the files have always had.
 */
function manifestDocument(object: Record<string, unknown>): string {
    const doc = new Document(object, { version: "1.1", aliasDuplicateObjects: false });
    visit(doc, {
        Scalar(_key, node: Scalar) {
            const value = node.value;
            if (typeof value === "string" && (value.startsWith("-") || OCTAL_1_2.test(value)))
                node.type = Scalar.QUOTE_SINGLE;
        },
    });
    return doc.toString({ lineWidth: 0, singleQuote: true });
}

/** The objects as one multi-document YAML file. */
export function renderManifests(objects: readonly Record<string, unknown>[]): string {
    return objects.map((o) => `---\n${manifestDocument(o)}`).join("");
}

/** A short readable kind: `apps/v1:Deployment`, `provider:kubernetes`, `component:Workload`. */
export function kindLabel(type: string): string {
    const parts = type.split(":");
    if (parts[0] === "pulumi" && parts[1] === "providers") return `provider:${parts[2]}`;
    if (parts[0] === "runbooks") return `component:${parts[2]}`;
    return parts.slice(1).join(":");
}

/** The unset secrets, one per line with the command that sets one, for `unset-secrets.txt`. */
export function renderUnsetSecrets(stack: string, plan: Plan): string {
    const { blocking: unset, staged } = splitByStaged(plan.unsetSecrets ?? [], plan, true);
    if (unset.length === 0 && staged.length === 0) return "# every required secret is set\n";
    return `${[
        `# ${unset.length} required secret(s) of stack ${stack} are not set: \`pulumi up\` stops until each is set with`,
        `#   pulumi config set --secret <key> --stack ${stack}   (prompts; files: ... < file)`,
        ...unset,
        ...(staged.length > 0
            ? [
                  `# ${staged.length} more are staged systems' to-do (staged.txt): \`pulumi up\` goes past them until the system is live`,
                  ...staged,
              ]
            : []),
    ].join("\n")}\n`;
}

/** Keys a live system's `pulumi up` stops on, and the staged systems' to-do among `keys` (secrets: without prefix). */
export function splitByStaged(
    keys: readonly string[],
    plan: Pick<Plan, "todo">,
    secrets = false,
): { blocking: string[]; staged: string[] } {
    const todo = new Set(plan.todo ?? []);
    const isTodo = (k: string) => todo.has(secrets ? `runbooks:${k}` : k);
    return { blocking: keys.filter((k) => !isTodo(k)), staged: keys.filter(isTodo) };
}

/** The staged systems and each one's to-do, for `staged.txt`: a section a line, its to-do keys indented below it. */
export function renderStaged(stack: string, plan: Plan): string {
    const staged = plan.staged ?? [];
    if (staged.length === 0) return `# every system of stack ${stack} is live\n`;
    const todo = plan.todo ?? [];
    const owned = (section: string) =>
        todo.filter((k) => k.startsWith(`runbooks:${section}.`) || k.startsWith(`runbooks:${section}-`));
    const shared = todo.filter((k) => !staged.some((s) => owned(s).includes(k)));
    return `${[
        `# Staged systems of stack ${stack} (status: staged): planned and checked, never deployed by \`pulumi up\`. Each`,
        "# with its to-do, what it needs before `status: live` (unset secrets, placeholders); then what their clusters need.",
        ...staged.flatMap((s) => [`${s}:`, ...owned(s).map((k) => `  ${k}`)]),
        ...(shared.length > 0
            ? ["(clusters and providers of staged systems):", ...shared.map((k) => `  ${k}`)]
            : []),
    ].join("\n")}\n`;
}

/** The staged sections a `staged.txt` lists. */
export function stagedOfFile(text: string): string[] {
    return text
        .split("\n")
        .filter((l) => /^[a-z][a-z0-9-]*:$/.test(l))
        .map((l) => l.slice(0, -1));
}

/** The widest line the summary prints (a notice of no known kind excepted: it is printed whole). */
export const SUMMARY_WIDTH = 160;

/** A line of at most {@link SUMMARY_WIDTH} characters: cut, with an ellipsis, where it is longer. */
function fitted(line: string): string {
    return line.length <= SUMMARY_WIDTH ? line : `${line.slice(0, SUMMARY_WIDTH - 1)}…`;
}

/**
 * Words in lines of at most {@link SUMMARY_WIDTH} characters, every line after the first opening with `indent`; a
 * word longer than a line (a path) stays whole on its own line.
 */
export function wrapped(text: string, indent = ""): string[] {
    const lead = /^ */.exec(text)![0];
    const lines: string[] = [];
    let line = lead;
    for (const word of text.slice(lead.length).split(" ")) {
        const fresh = line.trim() === "";
        const next = fresh ? `${line}${word}` : `${line} ${word}`;
        if (next.length <= SUMMARY_WIDTH || fresh) line = next;
        else {
            lines.push(line);
            line = `${indent}${word}`;
        }
    }
    return [...lines, line];
}

/** `runbooks:callysto.keypair.publicKey` as its section and the rest (`[0]` kept as it is written). */
function keyParts(key: string): { section: string; rest: string } | undefined {
    const m = /^([^.[]+)(?:\.|(?=\[))(.+)$/.exec(key);
    return m ? { section: m[1], rest: m[2] } : undefined;
}

/** The head of the summary's list of operator values (renderSummary writes it, operatorValuesOfSummary reads it). */
const OPERATOR_VALUES_HEAD =
    /^\d+ stack-file values? (of staged systems )?(is a placeholder|are placeholders) only the operator can fill in/;

/**
 * The operator values one section a line (`  runbooks:<section>: <rest>, <rest>`, continued on lines indented by four),
 * every key once: prod has dozens, one a line would not fit a screen.
 */
function operatorValueLines(keys: readonly string[]): string[] {
    const bySection = new Map<string, string[]>();
    const whole: string[] = [];
    for (const key of keys) {
        const parts = keyParts(key);
        if (parts) bySection.set(parts.section, [...(bySection.get(parts.section) ?? []), parts.rest]);
        else whole.push(key);
    }
    return [
        ...[...bySection].flatMap(([section, rests]) => wrapped(`  ${section}: ${rests.join(", ")}`, "    ")),
        ...whole.map((k) => `  ${k}`),
    ];
}

/** The operator values (Plan.operatorValues) a printed summary lists: what a plan shows of them besides its files. */
export function operatorValuesOfSummary(summary: string): string[] {
    const lines = summary.split("\n");
    // Two lists may follow such a head: the live systems' (`pulumi up` stops on them), then the staged ones' to-do.
    return lines.flatMap((l, i) => (OPERATOR_VALUES_HEAD.test(l) ? valuesAfter(lines.slice(i + 1)) : []));
}

/** The keys listed below one head of operator values. */
function valuesAfter(lines: readonly string[]): string[] {
    const values: string[] = [];
    let section: string | undefined;
    for (const line of lines) {
        // The head itself may wrap: its continuation lines come before the first value and are not indented.
        if (!line.startsWith("  ")) {
            if (line !== "" && values.length === 0) continue;
            break;
        }
        const continued = line.startsWith("    ");
        const at = line.indexOf(": ");
        if (!continued && at === -1) {
            section = undefined;
            values.push(line.trim());
            continue;
        }
        if (!continued) section = line.slice(2, at);
        const rests = (continued ? line.trim() : line.slice(at + 2))
            .split(", ")
            .map((r) => r.replace(/,$/, ""));
        for (const rest of rests)
            values.push(rest.startsWith("[") ? `${section}${rest}` : `${section}.${rest}`);
    }
    return values;
}

/**
 * The summary a plan prints, to fit a screen: resources per system (one line each, its most numerous kinds first;
 * every resource in resources.json), how many required secrets are unset (listed in unset-secrets.txt), the operator
 * values `pulumi up` stops on (every key, by section), and one line per kind of notice with its count (in full in
 * notices.txt; a notice of no known kind is printed whole). `dir` is the plan's directory as the user names it.
 */
export function renderSummary(stack: string, plan: Plan, dir?: string): string {
    const file = (name: string): string => (dir === undefined ? name : `${dir}/${name}`);
    // Resources per system and kind.
    const counts = new Map<string, Map<string, number>>();
    for (const r of plan.resources) {
        const kinds = counts.get(r.system) ?? new Map<string, number>();
        const kind = kindLabel(r.type);
        kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
        counts.set(r.system, kinds);
    }
    const systems = [...counts.keys()].sort((a, b) => a.localeCompare(b));
    const w1 = Math.max(6, ...systems.map((s) => s.length));
    const total = (system: string): number => [...counts.get(system)!.values()].reduce((a, b) => a + b, 0);
    const w2 = Math.max(...systems.map((s) => String(total(s)).length), 1);
    const protectedCount = plan.resources.filter((r) => r.protect).length;
    const lines = [
        // How much of the stack `pulumi up` will refuse to delete or replace: the operator's safety net, made visible.
        ...wrapped(
            `Plan of stack ${stack}: ${plan.resources.length} resources, ${protectedCount} protected (pulumi refuses to delete or replace them)`,
        ),
        ...wrapped(`per system, most numerous kinds first (every resource: ${file("resources.json")}):`),
    ];
    for (const system of systems) {
        const kinds = [...counts.get(system)!]
            .sort(([a, m], [b, n]) => n - m || a.localeCompare(b))
            .map(([kind, count]) => `${count} ${kind.split(":").pop()}`);
        lines.push(
            fitted(`  ${system.padEnd(w1)}  ${String(total(system)).padStart(w2)}: ${kinds.join(", ")}`),
        );
    }
    const unset = splitByStaged(plan.unsetSecrets ?? [], plan, true).blocking;
    const staged = plan.staged ?? [];
    // With every system staged there is no live system whose secrets could be set or not: the staged line says it all.
    if (unset.length > 0 || staged.length < systems.filter((s) => s !== "program").length)
        lines.push(
            "",
            ...(unset.length > 0
                ? wrapped(
                      `${unset.length} required secret${unset.length === 1 ? " is" : "s are"} not set: the plan used placeholders, \`pulumi up --stack ${stack}\` would stop until they are set (each with its command: ${file("unset-secrets.txt")}).`,
                  )
                : [
                      staged.length > 0
                          ? "Every required secret of the live systems is set."
                          : "Every required secret is set.",
                  ]),
        );
    const operator = splitByStaged(plan.operatorValues ?? [], plan).blocking;
    if (operator.length > 0) {
        lines.push(
            "",
            ...wrapped(
                `${operator.length} stack-file value${operator.length === 1 ? " is a placeholder" : "s are placeholders"} only the operator can fill in: \`pulumi up --stack ${stack}\` would stop until ${operator.length === 1 ? "it is" : "they are"} set (its problem list prints each fix):`,
            ),
            ...operatorValueLines(operator),
        );
    }
    if (staged.length > 0) {
        const todo = plan.todo ?? [];
        const placeholders = splitByStaged(plan.operatorValues ?? [], plan).staged;
        lines.push(
            "",
            ...wrapped(
                `Staged (planned above, \`pulumi up --stack ${stack}\` deploys nothing of them and is not stopped by them): ${staged.join(", ")}; their to-do before going live, ${todo.length} unset secrets and placeholders, is in ${file("staged.txt")}.`,
            ),
        );
        if (placeholders.length > 0)
            lines.push(
                ...wrapped(
                    `${placeholders.length} stack-file value${placeholders.length === 1 ? " of staged systems is a placeholder" : "s of staged systems are placeholders"} only the operator can fill in before they go live:`,
                ),
                ...operatorValueLines(placeholders),
            );
    }
    const notices = plan.notices ?? [];
    if (notices.length > 0) {
        // One line per kind: 36 unconfirmed images at ~600 characters each would bury the summary. The file (and every
        // preview and update, as warnings) keeps each notice in full.
        lines.push(
            "",
            ...wrapped(
                `Read before \`pulumi up --stack ${stack}\`: ${notices.length} notice${notices.length === 1 ? "" : "s"}, in full by kind in ${file("notices.txt")} (every preview and update logs them as warnings):`,
            ),
            ...noticeSummaryLines(notices),
        );
    }
    return lines.join("\n");
}
