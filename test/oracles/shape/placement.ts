import type { RecordedResource } from "../../../tools/mocks/recorder";

/** What the placement check reads of a recorded resource (a recording's, or a plan's with its recorded fields). */
export type Placed = Pick<
    RecordedResource,
    "urn" | "type" | "custom" | "provider" | "inputs" | "propertyDependencies"
>;

/** A namespaced object whose namespace this stack creates, placed there by a name string rather than the object. */
export interface StringPlaced {
    urn: string;
    namespace: string;
}

const NAMESPACE = "kubernetes:core/v1:Namespace";

function metadataOf(r: Placed): { name?: unknown; namespace?: unknown } {
    const metadata = r.inputs.metadata;
    return typeof metadata === "object" && metadata !== null ? (metadata as Record<string, unknown>) : {};
}

/**
 * The Kubernetes objects of a recording that sit in a namespace the same recording creates (same provider) without
 * their `metadata` being computed from that Namespace: placed by a string, they reach the Namespace only through a
 * hand-written `dependsOn`, or not at all. An object placed with the Namespace's reference (`Namespace.name`) has the
 * Namespace among `metadata`'s property dependencies (directly, or through the object whose metadata it took), which is
 * what the engine orders it by.
 */
export function stringPlaced(recorded: readonly Placed[]): StringPlaced[] {
    const namespaces = new Map<string, string>();
    for (const r of recorded) {
        const name = metadataOf(r).name;
        if (r.custom && r.type === NAMESPACE && typeof name === "string")
            namespaces.set(`${r.provider} ${name}`, r.urn);
    }
    const byUrn = new Map(recorded.map((r) => [r.urn, r]));
    // A namespace taken from another object's metadata (a Job placed beside its Deployment) reaches the Namespace
    // through that object's: followed until a Namespace, or nothing more to follow.
    const reaches = (from: Placed, target: string, seen = new Set<string>()): boolean =>
        (from.propertyDependencies.metadata ?? []).some((dep) => {
            if (dep === target) return true;
            const next = byUrn.get(dep);
            if (next === undefined || seen.has(dep)) return false;
            seen.add(dep);
            return reaches(next, target, seen);
        });
    const found: StringPlaced[] = [];
    for (const r of recorded) {
        const namespace = metadataOf(r).namespace;
        if (!r.custom || !r.type.startsWith("kubernetes:") || typeof namespace !== "string") continue;
        const urn = namespaces.get(`${r.provider} ${namespace}`);
        if (urn === undefined) continue;
        if (!reaches(r, urn)) found.push({ urn: r.urn, namespace });
    }
    return found;
}

/** How many namespaced objects of a recording sit in a namespace it does not create (nothing to refer to there). */
export function inForeignNamespaces(recorded: readonly Placed[]): number {
    const created = new Set(
        recorded
            .filter((r) => r.type === NAMESPACE)
            .map((r) => `${r.provider} ${String(metadataOf(r).name)}`),
    );
    return recorded.filter((r) => {
        const namespace = metadataOf(r).namespace;
        return r.custom && typeof namespace === "string" && !created.has(`${r.provider} ${namespace}`);
    }).length;
}
