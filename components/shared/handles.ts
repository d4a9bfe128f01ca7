import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/**
 * Typed references to the objects pods read (as cdk8s-plus and kubernetesx hand them out): a workload names a Secret,
 * ConfigMap, claim or service account through the object's own `metadata.name` Output, so a renamed object renames
 * every reference with it, and the engine orders the reader after the object from the reference itself (no
 * hand-written `dependsOn`). An object made elsewhere (another system, the cluster, an operator) enters once through
 * `existing(name)`: a reference with no dependency, never a string at the point of use.
 */

const HANDLES = Symbol("runbooks.objectHandles");
const NAMESPACE = Symbol("runbooks.namespaceName");

export type HandleKind = "Secret" | "ConfigMap" | "PersistentVolumeClaim" | "ServiceAccount" | "Service";

/** A Kubernetes resource of the program: what a handle needs of it is its `metadata.name`. */
type KubernetesObject = pulumi.CustomResource & {
    readonly metadata: pulumi.Output<k8s.types.output.meta.v1.ObjectMeta>;
};

/** The parts of a handle the pod-spec readers need, without the kind-specific methods. */
export abstract class ObjectHandle {
    /**
     * The object name as an Output of the object itself (when the program made it), so every field set from it
     * depends on the object. Carries its handle, so code that reads a built pod spec finds the object again.
     */
    public readonly name: pulumi.Output<string>;

    protected constructor(
        public readonly kind: HandleKind,
        /** The object's name, known when the program is evaluated (what checksums and messages match on). */
        public readonly objectName: string,
        /** The object's namespace when it is a plain string; a reader in another namespace cannot see the object. */
        public readonly namespace: string | undefined,
        /** The object, when this program creates it; unset for objects made elsewhere. */
        public readonly resource: KubernetesObject | undefined,
    ) {
        // A fresh Output per handle: the tag must not land on the SDK's own output of the resource. An object made
        // elsewhere has no resource to wait for: its name is a plain Output.
        this.name = carrying(
            (resource ? resource.metadata.name : pulumi.output(objectName)).apply((n) => n),
            [this],
        );
    }

    /** `Kind namespace/name`, for messages. */
    describe(): string {
        return `${this.kind} ${this.namespace ? `${this.namespace}/` : ""}${this.objectName}`;
    }
}

/**
 * `resource` with its handle as `.handle`: the builders' results stay the Kubernetes resource other code already
 * takes, and carry the handle pods read it through. Not enumerable, so nothing that walks the resource sees it.
 */
export function withHandle<R extends pulumi.CustomResource, H extends ObjectHandle>(
    resource: R,
    handle: H,
): R & { readonly handle: H } {
    Object.defineProperty(resource, "handle", { value: handle, enumerable: false });
    return resource as R & { readonly handle: H };
}

/**
 * `output` marked with the handles it was made from (one for a handle's name, several for a text built from
 * endpoints): what lets code that reads a built spec find the objects it refers to. `output` must be fresh (made
 * by an `apply` here), never an SDK's own output, which other fields share.
 */
export function carrying<T>(output: pulumi.Output<T>, handles: readonly ObjectHandle[]): pulumi.Output<T> {
    Object.defineProperty(output, HANDLES, {
        value: Object.freeze([...new Set(handles)]),
        enumerable: false,
    });
    return output;
}

/** The handles `value` carries ({@link carrying}); none for anything else. */
export function handlesIn(value: unknown): readonly ObjectHandle[] {
    if (typeof value !== "object" || value === null) return [];
    const handles = (value as { [HANDLES]?: unknown })[HANDLES];
    return Array.isArray(handles) ? handles.filter((h): h is ObjectHandle => h instanceof ObjectHandle) : [];
}

/** The handle an object name came from, when it is a handle's {@link ObjectHandle.name}. */
export function handleOf(value: unknown): ObjectHandle | undefined {
    const handles = handlesIn(value);
    return handles.length === 1 && handles[0].name === value ? handles[0] : undefined;
}

/** An env value taken from one key of a Secret or ConfigMap handle (see `EnvValue`). */
export interface HandleKeyRef {
    from: KeyedHandle;
    key: string;
    optional?: boolean;
}

/** A whole Secret or ConfigMap exposed as env (see `ContainerSpec.envFrom`). */
export interface HandleEnvFrom {
    from: KeyedHandle;
    optional?: boolean;
}

/** What a Secret or ConfigMap volume may select: some keys, optionally under other file names. */
export interface KeyVolumeOptions {
    items?: { key: string; path: string; mode?: number }[];
    defaultMode?: number;
    /** The pod starts without the object (a feature that works without it). */
    optional?: boolean;
}

function keyVolumeSource(options: KeyVolumeOptions): Record<string, unknown> {
    return {
        ...(options.items?.length ? { items: options.items } : {}),
        ...(options.defaultMode !== undefined ? { defaultMode: options.defaultMode } : {}),
        ...(options.optional ? { optional: true } : {}),
    };
}

/**
 * A namespace's name as an Output of the Namespace object (objects placed with it are ordered after it by the
 * reference), still known as `plain` to the checks here.
 */
export function namespaceRef(name: pulumi.Output<string>, plain: string): pulumi.Output<string> {
    const ref = name.apply((n) => n);
    Object.defineProperty(ref, NAMESPACE, { value: plain, enumerable: false });
    return ref;
}

/** The namespace a reader can be checked against: a plain string or a {@link namespaceRef}; other Outputs are unknown. */
export function plainNamespace(namespace: pulumi.Input<string>): string | undefined {
    if (typeof namespace === "string") return namespace;
    const plain = (namespace as { [NAMESPACE]?: unknown })[NAMESPACE];
    return typeof plain === "string" ? plain : undefined;
}

/** A Secret or ConfigMap: what a pod reads of it as env is the same for both kinds. */
export abstract class KeyedHandle extends ObjectHandle {
    declare readonly kind: "Secret" | "ConfigMap";

    /**
     * The Services each key names (a host or URL built from an endpoint): a pod reading a key reaches them, so the
     * network policies open that path (see `endpointsReadBy`). Set by the object's builder from the values it
     * wrote; empty for objects made elsewhere.
     */
    public reaches: ReadonlyMap<string, readonly ObjectHandle[]> = new Map();

    env(key: string, options: { optional?: boolean } = {}): HandleKeyRef {
        return {
            from: this,
            key,
            ...(options.optional ? { optional: true } : {}),
        };
    }

    envFrom(options: { optional?: boolean } = {}): HandleEnvFrom {
        return {
            from: this,
            ...(options.optional ? { optional: true } : {}),
        };
    }
}

/** A Secret a pod reads: `.env(key)`, `.envFrom()`, `.volume(name)`. */
export class SecretHandle extends KeyedHandle {
    declare readonly kind: "Secret";
    declare readonly resource: k8s.core.v1.Secret | undefined;

    private constructor(
        objectName: string,
        namespace: string | undefined,
        resource: k8s.core.v1.Secret | undefined,
    ) {
        super("Secret", objectName, namespace, resource);
    }

    /** The handle of a Secret this program creates; `objectName` is the name it was created with. */
    static of(secret: k8s.core.v1.Secret, objectName: string, namespace: pulumi.Input<string>): SecretHandle {
        return new SecretHandle(objectName, plainNamespace(namespace), secret);
    }

    /** A Secret made elsewhere (another system, an operator, the cluster): named once, here, never at the reader. */
    static existing(objectName: string, namespace?: string): SecretHandle {
        return new SecretHandle(objectName, namespace, undefined);
    }

    volume(volumeName: string, options: KeyVolumeOptions = {}): k8s.types.input.core.v1.Volume {
        return { name: volumeName, secret: { secretName: this.name, ...keyVolumeSource(options) } };
    }
}

/** A ConfigMap a pod reads: `.env(key)`, `.envFrom()`, `.volume(name)`. */
export class ConfigMapHandle extends KeyedHandle {
    declare readonly kind: "ConfigMap";
    declare readonly resource: k8s.core.v1.ConfigMap | undefined;

    private constructor(
        objectName: string,
        namespace: string | undefined,
        resource: k8s.core.v1.ConfigMap | undefined,
    ) {
        super("ConfigMap", objectName, namespace, resource);
    }

    static of(
        configMap: k8s.core.v1.ConfigMap,
        objectName: string,
        namespace: pulumi.Input<string>,
    ): ConfigMapHandle {
        return new ConfigMapHandle(objectName, plainNamespace(namespace), configMap);
    }

    static existing(objectName: string, namespace?: string): ConfigMapHandle {
        return new ConfigMapHandle(objectName, namespace, undefined);
    }

    volume(volumeName: string, options: KeyVolumeOptions = {}): k8s.types.input.core.v1.Volume {
        return { name: volumeName, configMap: { name: this.name, ...keyVolumeSource(options) } };
    }
}

/** A PersistentVolumeClaim a pod mounts. */
export class ClaimHandle extends ObjectHandle {
    declare readonly kind: "PersistentVolumeClaim";
    declare readonly resource: k8s.core.v1.PersistentVolumeClaim | undefined;

    private constructor(
        objectName: string,
        namespace: string | undefined,
        resource: k8s.core.v1.PersistentVolumeClaim | undefined,
    ) {
        super("PersistentVolumeClaim", objectName, namespace, resource);
    }

    static of(
        claim: k8s.core.v1.PersistentVolumeClaim,
        objectName: string,
        namespace: pulumi.Input<string>,
    ): ClaimHandle {
        return new ClaimHandle(objectName, plainNamespace(namespace), claim);
    }

    static existing(objectName: string, namespace?: string): ClaimHandle {
        return new ClaimHandle(objectName, namespace, undefined);
    }

    volume(volumeName: string, options: { readOnly?: boolean } = {}): k8s.types.input.core.v1.Volume {
        return {
            name: volumeName,
            persistentVolumeClaim: { claimName: this.name, ...(options.readOnly ? { readOnly: true } : {}) },
        };
    }
}

/** A ServiceAccount pods run as (`serviceAccountName: handle.name`) and Roles are bound to. */
export class AccountHandle extends ObjectHandle {
    declare readonly kind: "ServiceAccount";
    declare readonly resource: k8s.core.v1.ServiceAccount | undefined;

    private constructor(
        objectName: string,
        namespace: string | undefined,
        resource: k8s.core.v1.ServiceAccount | undefined,
    ) {
        super("ServiceAccount", objectName, namespace, resource);
    }

    static of(account: k8s.core.v1.ServiceAccount, objectName: string, namespace: string): AccountHandle {
        return new AccountHandle(objectName, namespace, account);
    }

    static existing(objectName: string, namespace: string): AccountHandle {
        return new AccountHandle(objectName, namespace, undefined);
    }
}

/**
 * Stops a reader in `namespace` that names an object of another namespace: the pod could never start (Secrets, ConfigMaps,
 * claims and service accounts are only visible in their own namespace). Plain namespaces only; an Output namespace is not known here.
 */
export function checkReadNamespaces(
    reader: string,
    namespace: pulumi.Input<string>,
    handles: readonly ObjectHandle[],
): void {
    const plain = plainNamespace(namespace);
    if (plain === undefined) return;
    const foreign = handles.filter((h) => h.namespace !== undefined && h.namespace !== plain);
    if (foreign.length > 0) {
        throw new Error(
            `${reader}: pods in namespace ${plain} cannot read ${foreign.map((h) => h.describe()).join(", ")}`,
        );
    }
}
