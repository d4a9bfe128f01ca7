import { parseFlags, runTool } from "../cli/args";
import { SECRET_MASK, RecordedResource } from "../mocks/recorder";
import { recordProgram } from "../plan/run";
import { systemOf } from "../plan/render";
import { readStackFile, stackFileSource } from "../plan/stackfile";
import { SYSTEMS } from "../../components/systems";

// The longest dependency chains of a stack's plan, as the engine orders `pulumi up`: a resource is registered only
// when every resource it depends on has been created and has passed the provider's await (its readiness), so the
// objects along a chain are created one after another. A resource's dependencies are what the SDK sends the engine:
// its `dependsOn` (a component expanded to its custom children) and every resource whose outputs its inputs use.
// Parents are not waited for (components register at once). The recording mocks give exactly that list.

/**
 * Kinds the Kubernetes provider waits for after creating them (the resource docs of @pulumi/kubernetes 4.32): a
 * chain's time is mostly the sum of these awaits. Others (Namespace, Secret, ConfigMap, RBAC) are done when created.
 */
const AWAITED = new Set([
    "kubernetes:apps/v1:Deployment",
    "kubernetes:apps/v1:StatefulSet",
    "kubernetes:apps/v1:DaemonSet",
    "kubernetes:batch/v1:Job",
    "kubernetes:core/v1:Pod",
    "kubernetes:core/v1:Service",
    "kubernetes:core/v1:PersistentVolumeClaim",
    "kubernetes:networking.k8s.io/v1:Ingress",
    "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition",
]);

/** Whether the provider waits for this object: an awaited kind without `pulumi.com/skipAwait: "true"`. */
export function awaited(r: Pick<RecordedResource, "type" | "inputs">): boolean {
    const annotations = (r.inputs.metadata as { annotations?: Record<string, unknown> } | undefined)
        ?.annotations;
    return AWAITED.has(r.type) && annotations?.["pulumi.com/skipAwait"] !== "true";
}

/** A chain: the resources in creation order, with how many of them the provider waits for. */
export interface Chain {
    resources: RecordedResource[];
    awaited: number;
}

/**
 * The longest chain of custom resources along recorded dependencies: by number of awaited objects (what costs
 * time), ties broken by length; or by length first (`by: "objects"`). Dependencies on resources outside the
 * recording (providers, components) are not steps.
 */
export function longestChain(recorded: readonly RecordedResource[], by: "awaited" | "objects"): Chain {
    const custom = new Map(
        recorded.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:")).map((r) => [r.urn, r]),
    );
    const score = (c: Chain): [number, number] =>
        by === "awaited" ? [c.awaited, c.resources.length] : [c.resources.length, c.awaited];
    const better = (a: Chain, b: Chain) => {
        const [a1, a2] = score(a);
        const [b1, b2] = score(b);
        return a1 !== b1 ? a1 > b1 : a2 > b2;
    };
    const memo = new Map<string, Chain>();
    const visiting = new Set<string>();
    const chainTo = (urn: string): Chain => {
        const known = memo.get(urn);
        if (known) return known;
        if (visiting.has(urn)) throw new Error(`dependency cycle through ${urn}`);
        visiting.add(urn);
        const r = custom.get(urn)!;
        let best: Chain = { resources: [], awaited: 0 };
        for (const dep of new Set(r.dependencies)) {
            if (!custom.has(dep)) continue;
            const c = chainTo(dep);
            if (better(c, best)) best = c;
        }
        visiting.delete(urn);
        const chain = { resources: [...best.resources, r], awaited: best.awaited + (awaited(r) ? 1 : 0) };
        memo.set(urn, chain);
        return chain;
    };
    let longest: Chain = { resources: [], awaited: 0 };
    for (const urn of [...custom.keys()].sort()) {
        const c = chainTo(urn);
        if (better(c, longest)) longest = c;
    }
    return longest;
}

/** Dependencies between custom resources (what the engine orders by). */
export function edgeCount(recorded: readonly RecordedResource[]): number {
    const custom = new Set(recorded.filter((r) => r.custom).map((r) => r.urn));
    return recorded
        .filter((r) => r.custom)
        .reduce((n, r) => n + [...new Set(r.dependencies)].filter((d) => custom.has(d)).length, 0);
}

function label(r: RecordedResource): string {
    const meta = (r.inputs.metadata ?? {}) as { name?: unknown; namespace?: unknown };
    const kind = r.type.split(":").pop();
    const object =
        typeof meta.name === "string"
            ? ` ${meta.namespace ? `${String(meta.namespace)}/` : ""}${meta.name}`
            : "";
    return `${awaited(r) ? "*" : " "} ${kind}${object}  (${r.name})`;
}

/** The report of one stack: its longest chains by awaited objects and by length. */
export function chainReport(stack: string, recorded: readonly RecordedResource[]): string {
    const lines = [
        `${stack}: ${recorded.filter((r) => r.custom).length} custom resources, ${edgeCount(recorded)} dependencies`,
    ];
    const byUrn = new Map(recorded.map((r) => [r.urn, r]));
    const sections = SYSTEMS.map((s) => s.section);
    for (const system of sections) {
        // Only chains inside the system: its dependencies on other systems' objects are not steps here.
        const own = recorded.filter((r) => systemOf(r, byUrn, sections) === system);
        if (!own.some((r) => r.custom)) continue;
        const c = longestChain(own, "awaited");
        lines.push(
            `  ${system.padEnd(9)} ${String(edgeCount(own)).padStart(5)} dependencies, longest chain ${c.resources.length} objects, ${c.awaited} awaited: ${c.resources.map((r) => r.type.split(":").pop()).join(" > ")}`,
        );
    }
    for (const by of ["awaited", "objects"] as const) {
        const c = longestChain(recorded, by);
        lines.push(
            `  longest chain by ${by === "awaited" ? "awaited objects" : "objects"}: ${c.resources.length} objects, ${c.awaited} awaited (*)`,
            ...c.resources.map((r, i) => `    ${String(i + 1).padStart(2)}.${label(r)}`),
        );
    }
    return lines.join("\n");
}

/** Records `stack` as the offline plan does (placeholders for secrets, no cloud) and returns its resources. */
export async function recordStack(stack: string, root = process.cwd()): Promise<RecordedResource[]> {
    const file = readStackFile(stack, root);
    return recordProgram(stack, stackFileSource(file, SECRET_MASK), {
        placeholderSecret: () => SECRET_MASK,
        root,
    });
}

const USAGE = "usage: npm run chains -- [--stack <stack> ...]   (default: stage and prod)";

async function main(): Promise<number> {
    const values = parseFlags(process.argv.slice(2), { stack: { type: "string", multiple: true } }, USAGE);
    const stacks = values.stack?.length ? values.stack : ["stage", "prod"];
    for (const stack of stacks) process.stdout.write(`${chainReport(stack, await recordStack(stack))}\n`);
    return 0;
}

if (require.main === module) runTool("chains", main);
