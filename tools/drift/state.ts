import { nameOfUrn, systemOf } from "../plan/render";
import { clusterOf, typeOfUrn } from "../recover/state";

// The objects a stack manages, read from its checkpoint (`pulumi stack export`, secrets encrypted): where each one
// lives, what the program sets (its inputs), the field manager the provider applies it with, and its system.

/** One resource of a checkpoint, as far as drift reads it. */
export interface StateResource {
    urn: string;
    type: string;
    custom?: boolean;
    parent?: string;
    provider?: string;
    inputs?: Record<string, unknown>;
    outputs?: Record<string, unknown>;
    replaceOnChanges?: string[];
    /** Paths the engine leaves to others (pulumi/pulumi@a05d88f sdk/go/common/apitype/core.go ResourceV3). */
    ignoreChanges?: string[];
    delete?: boolean;
    /** Resources this one depends on, and per top-level input the resources its value came from. */
    dependencies?: string[];
    propertyDependencies?: Record<string, string[]>;
}

export interface Checkpoint {
    deployment?: { resources?: StateResource[] };
}

/** A Kubernetes object by its kind and place: what drift looks up on a cluster. */
export interface ObjectRef {
    apiVersion: string;
    kind: string;
    namespace?: string;
    name: string;
}

/** A Kubernetes object the stack manages. */
export interface ManagedObject extends ObjectRef {
    urn: string;
    /** The cluster's name in the stack (its provider `cluster-<name>`). */
    cluster: string;
    system: string;
    uid?: string;
    /** The provider's field manager for this object (`__fieldManager` of its outputs). */
    fieldManager?: string;
    /** What the program sets (secret values stay encrypted: never compared, never printed). */
    inputs: Record<string, unknown>;
    replaceOnChanges: string[];
    /** The resource's `ignoreChanges` paths: fields the program leaves to others (an image trigger, a controller). */
    ignoreChanges: string[];
}

/** `Deployment cms-dials-local/backend`: how the report names an object. */
export function describeObject(o: { kind: string; namespace?: string; name: string }): string {
    return `${o.kind} ${o.namespace ? `${o.namespace}/` : ""}${o.name}`;
}

/**
 * The Kubernetes objects of a checkpoint: custom resources of a `kubernetes:` type applied through one of the
 * program's cluster providers (`cluster-<name>`), the provider resources themselves left out. Resources pending
 * deletion are skipped: the next `up` deletes them.
 */
export function managedObjects(checkpoint: Checkpoint, sections: readonly string[]): ManagedObject[] {
    const resources = checkpoint.deployment?.resources ?? [];
    const byUrn = new Map(
        resources.map((r) => [r.urn, { ...r, name: nameOfUrn(r.urn), parent: r.parent ?? "" }]),
    );
    const out: ManagedObject[] = [];
    for (const r of resources) {
        if (r.delete || r.custom === false || !r.type.startsWith("kubernetes:")) continue;
        if (r.type.startsWith("pulumi:providers:") || r.type.startsWith("kubernetes:index")) continue;
        const cluster = clusterOf({ provider: r.provider });
        if (cluster === undefined) continue;
        const outputs = r.outputs ?? {};
        const meta = (outputs.metadata ?? (r.inputs?.metadata as unknown) ?? {}) as {
            name?: string;
            namespace?: string;
            uid?: string;
        };
        const apiVersion = String(outputs.apiVersion ?? r.inputs?.apiVersion ?? "");
        const kind = String(outputs.kind ?? r.inputs?.kind ?? typeOfUrn(r.urn).split(":").pop());
        if (!meta.name || !apiVersion) continue;
        out.push({
            urn: r.urn,
            cluster,
            system: systemOf(byUrn.get(r.urn)!, byUrn, sections),
            apiVersion,
            kind,
            ...(meta.namespace ? { namespace: meta.namespace } : {}),
            name: meta.name,
            ...(meta.uid ? { uid: meta.uid } : {}),
            ...(typeof outputs.__fieldManager === "string" ? { fieldManager: outputs.__fieldManager } : {}),
            inputs: r.inputs ?? {},
            replaceOnChanges: r.replaceOnChanges ?? [],
            ignoreChanges: r.ignoreChanges ?? [],
        });
    }
    return out;
}
