import { Step } from "./fields";
import { replaceReason } from "./replace";
import { ManagedObject, StateResource } from "./state";

// A replace the next `up` makes is not one object's affair. The Kubernetes provider replaces a named object by
// deleting it first (pulumi/pulumi-kubernetes@a03ff6b provider/pkg/provider/provider.go Diff: deleteBeforeReplace),
// and before such a delete the engine replaces every dependent whose provider diff asks for a replace once the inputs
// that came from a replaced resource are unknown (pulumi/pulumi@a05d88f pkg/resource/deploy/step_generator.go
// calculateDependentReplacements): it walks the dependents in the state's order, so a replaced dependent's own
// dependents are judged in turn.

/** A resource the next `up` replaces because a resource it reads is replaced before it. */
export interface DependentReplace {
    urn: string;
    /** The replaced resources its inputs came from. */
    because: string[];
    /** Its top-level inputs that came from them, and why an unknown value there makes the provider replace it. */
    keys: { key: string; why: string }[];
}

/** The resources of a checkpoint as the dependency walk reads them (the engine's own record of each input's source). */
export type DependencyRecord = Pick<StateResource, "urn" | "custom" | "provider" | "delete"> & {
    dependencies?: string[];
    propertyDependencies?: Record<string, string[]>;
};

/** `<provider urn>::<id>` → the provider's URN. */
const providerUrn = (ref: string | undefined) => (ref ? ref.slice(0, ref.lastIndexOf("::")) : undefined);

/**
 * Every resource the next `up` replaces along with `replaced` (URNs of objects it replaces for their own fields),
 * in the order the engine judges them. `object(urn)` is the managed object of a resource (undefined: not a Kubernetes
 * object of the program, whose diff is not modelled here and which is then left out).
 */
export function dependentReplacements(
    resources: readonly DependencyRecord[],
    replaced: ReadonlySet<string>,
    object: (urn: string) => ManagedObject | undefined,
): DependentReplace[] {
    const inSet = new Set(replaced);
    const out: DependentReplace[] = [];
    for (const r of resources) {
        if (inSet.has(r.urn) || r.delete || r.custom === false) continue;
        const provider = providerUrn(r.provider);
        if (provider && inSet.has(provider)) {
            out.push({
                urn: r.urn,
                because: [provider],
                keys: [{ key: "(provider)", why: "its provider is replaced" }],
            });
            inSet.add(r.urn);
            continue;
        }
        const o = object(r.urn);
        if (!o) continue;
        const because = new Set<string>();
        const keys: { key: string; why: string }[] = [];
        for (const [key, deps] of Object.entries(r.propertyDependencies ?? {})) {
            const from = deps.filter((d) => inSet.has(d));
            if (from.length === 0) continue;
            const why = unknownKeyReplaces(o, key);
            if (why === undefined) continue;
            from.forEach((d) => because.add(d));
            keys.push({ key, why });
        }
        if (keys.length === 0) continue;
        out.push({ urn: r.urn, because: [...because].sort(), keys });
        inSet.add(r.urn);
    }
    return out;
}

/**
 * Why the provider replaces `object` when its top-level input `key` is unknown, or undefined when it updates it. The
 * provider matches its force-new paths against the patch, where an unknown value is a null at `key`: a force-new path
 * at `key` itself or below it matches.
 */
export function unknownKeyReplaces(object: ManagedObject, key: string): string | undefined {
    const steps: Step[] = [{ field: key }];
    return replaceReason(object, steps, object.replaceOnChanges);
}
