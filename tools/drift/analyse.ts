import { covers } from "../adopt/immutable";
import { ABSENT, Step, ownedPaths, render, valueAt } from "./fields";
import { ClusterController, CLUSTER_CONTROLLERS, ManagedFieldsEntry, classifyEntry } from "./managers";
import { replaceReason } from "./replace";
import { ManagedObject } from "./state";

// One managed object against its live copy: which managers other than the program's and the cluster's own own which
// fields, and what the next `pulumi up` does to each.

/**
 * What the next `pulumi up` does with a field another manager owns:
 * - `added`: the program does not set it; under server-side apply the up leaves it in place (remove it by hand);
 * - `changed`: the program sets another value; the up applies the program's value (or replaces the object);
 * - `same`: the program sets the same value; nothing changes, the other manager co-owns it;
 * - `secret`: the program sets it and the value is a secret: not compared, the up applies the program's value.
 */
export type FieldState = "added" | "changed" | "same" | "secret";

export interface DriftedField {
    path: string;
    /** The manager owns the node as a whole (an item or key it added), not only fields below it. */
    whole: boolean;
    state: FieldState;
    /** Why the next up replaces the object for this field (only for a field the program sets differently). */
    replace?: string;
}

export interface ManagerChange {
    manager: string;
    operation: string;
    subresource?: string;
    time?: string;
    fields: DriftedField[];
}

export interface ObjectDrift {
    object: ManagedObject;
    changes: ManagerChange[];
}

/** The secret envelope of a value in an encrypted checkpoint (pulumi/pulumi sdk/go/common/resource/sig). */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";

function holdsSecret(value: unknown): boolean {
    if (typeof value !== "object" || value === null) return false;
    if (SECRET_SIG in value) return true;
    return Object.values(value).some(holdsSecret);
}

/**
 * What the program sets at a path of its object. A Secret's `data.<key>` is set by `stringData.<key>` too (the
 * API server moves stringData into data).
 */
function desiredAt(object: ManagedObject, steps: readonly Step[]): unknown {
    const direct = valueAt(object.inputs, steps);
    if (direct !== ABSENT || object.kind !== "Secret") return direct;
    const first = steps[0];
    if (first && "field" in first && first.field === "data")
        return valueAt(object.inputs, [{ field: "stringData" }, ...steps.slice(1)]);
    return ABSENT;
}

function fieldState(object: ManagedObject, live: unknown, steps: readonly Step[]): FieldState {
    const desired = desiredAt(object, steps);
    if (desired === ABSENT) return "added";
    if (object.kind === "Secret" || holdsSecret(desired)) return "secret";
    const current = valueAt(live, steps);
    return current !== ABSENT && covers(current, desired) ? "same" : "changed";
}

/**
 * The drift of one managed object: every managedFields entry that is neither the program's nor a cluster
 * controller's (./managers), with its fields. Undefined when there is none.
 */
export function objectDrift(
    object: ManagedObject,
    live: Record<string, unknown> & { metadata?: unknown },
    controllers: readonly ClusterController[] = CLUSTER_CONTROLLERS,
): ObjectDrift | undefined {
    const changes: ManagerChange[] = [];
    const entries = ((live.metadata ?? {}) as { managedFields?: ManagedFieldsEntry[] }).managedFields ?? [];
    for (const entry of entries) {
        if (!classifyEntry(entry, object.fieldManager, controllers).drift) continue;
        const fields = ownedPaths(entry.fieldsV1).map(({ steps, whole }): DriftedField => {
            const state = fieldState(object, live, steps);
            const replace =
                state === "changed" || state === "secret"
                    ? replaceReason(object, steps, object.replaceOnChanges)
                    : undefined;
            return { path: render(steps), whole, state, ...(replace ? { replace } : {}) };
        });
        changes.push({
            manager: entry.manager ?? "(no manager name)",
            operation: entry.operation ?? "?",
            ...(entry.subresource ? { subresource: entry.subresource } : {}),
            ...(entry.time ? { time: entry.time } : {}),
            fields,
        });
    }
    return changes.length > 0 ? { object, changes } : undefined;
}
