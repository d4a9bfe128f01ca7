import { forceNewRules } from "./replace";
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
        // The engine reads the dependencies of the inputs the state holds (step_generator.go requiresReplacement ranges
        // over r.Inputs): an input the provider's check renamed (a Secret's stringData, kept as data) loses its
        // dependency, so a Secret made from a replaced object is not replaced (measured: pulumi 3.259.0,
        // pulumi-kubernetes 4.32.0).
        for (const key of Object.keys(o.inputs)) {
            const from = (r.propertyDependencies?.[key] ?? []).filter((d) => inSet.has(d));
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
 * provider diffs the live object, pruned to the old inputs' shape, against the new inputs as a JSON merge patch, in
 * which an unknown value stands as an object of its own: each key the program had set under `key` becomes a null, and
 * a force-new path matches when the patch holds it (pulumi/pulumi-kubernetes@a03ff6b provider/pkg/provider/provider.go
 * `inputPatch`, `addPatchValueToDiff`; provider/pkg/openapi/match.go `PatchPropertiesChanged`). So `key` itself, or
 * one level below it a field the program sets, replaces; deeper paths never do. Measured on the engine: a Deployment's
 * `spec` (selector), a StatefulSet's or Job's `spec`, any `metadata` (name), a ConfigMap's `data`, a Secret's `data`
 * or `type` and a RoleBinding's `roleRef` replace; a Service's `spec` (the program sets no clusterIP), a CronJob's
 * `spec` and a RoleBinding's `subjects` do not.
 */
export function unknownKeyReplaces(object: ManagedObject, key: string): string | undefined {
    const below = object.inputs[key];
    const set = typeof below === "object" && below !== null ? Object.keys(below) : [];
    const rule = forceNewRules(object, object.replaceOnChanges).find(
        ({ segments: [first, second, ...rest] }) =>
            first === key &&
            (second === undefined ||
                (rest.length === 0 && (second === "*" ? set.length > 0 : set.includes(second)))),
    );
    return rule ? `${key} unknown until then, and ${rule.path}: ${rule.why}` : undefined;
}
