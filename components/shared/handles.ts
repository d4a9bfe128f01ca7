import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import { DefinitionError } from "./errors";
import { HandleMount, MountPlacement, pairedMount } from "./volumes";

export type { HandleMount } from "./volumes";

/**
 * Typed references to the objects pods read (as cdk8s-plus and kubernetesx hand them out): a workload names a Secret,
 * ConfigMap, claim or service account through the object's own `metadata.name` Output, so a renamed object renames
 * every reference with it, and the engine orders the reader after the object from the reference itself (no
 * hand-written `dependsOn`). An object made elsewhere (another system, the cluster, an operator) enters once through
 * `existing(name)`: a reference with no dependency, never a string at the point of use. What differs by kind is a
 * table here, not a class per kind.
 */

const HANDLES = Symbol("runbooks.objectHandles");
const NAMESPACE = Symbol("runbooks.namespaceName");

export type HandleKind = "Secret" | "ConfigMap" | "PersistentVolumeClaim" | "ServiceAccount" | "Service";
/** The kinds a pod reads keys of (env, envFrom, volume items). */
export type KeyedKind = "Secret" | "ConfigMap";
/** The kinds a pod mounts as a volume. */
export type VolumeKind = KeyedKind | "PersistentVolumeClaim";

interface ResourceOfKind {
    Secret: k8s.core.v1.Secret;
    ConfigMap: k8s.core.v1.ConfigMap;
    PersistentVolumeClaim: k8s.core.v1.PersistentVolumeClaim;
    ServiceAccount: k8s.core.v1.ServiceAccount;
    Service: k8s.core.v1.Service;
}

type KubernetesObject = pulumi.CustomResource & {
    readonly metadata: pulumi.Output<k8s.types.output.meta.v1.ObjectMeta>;
};

/** What a Secret or ConfigMap volume may select: some keys, optionally under other file names. */
export interface KeyVolumeOptions {
    items?: { key: string; path: string; mode?: number }[];
    defaultMode?: number;
    /** The pod starts without the object (a feature that works without it). */
    optional?: boolean;
}

export interface ClaimVolumeOptions {
    readOnly?: boolean;
}

export type VolumeOptions<K extends HandleKind> = K extends KeyedKind
    ? KeyVolumeOptions
    : K extends "PersistentVolumeClaim"
      ? ClaimVolumeOptions
      : never;

/**
 * Where and how `handle.mount(path, options)` mounts: the volume's options plus the mount's own (`readOnly` on a
 * claim also makes its volume source read-only).
 */
export type MountOptions<K extends HandleKind> = VolumeOptions<K> &
    MountPlacement & {
        /**
         * The pod volume's name, for a pod that exists today under a name of its own (`volume: "postgres-data"`):
         * renaming a volume changes the pod template, so every pod of the workload rolls and an adopted object
         * changes. Unset: named from the object ({@link Handle.volumeName}). The name is still written only here,
         * the volume and the mount take it from the one call.
         */
        volume?: string;
    };

function keyVolumeSource(options: KeyVolumeOptions): Record<string, unknown> {
    return {
        ...(options.items?.length ? { items: options.items } : {}),
        ...(options.defaultMode !== undefined ? { defaultMode: options.defaultMode } : {}),
        ...(options.optional ? { optional: true } : {}),
    };
}

/** The volume source of each mountable kind, from the object's name and the volume's options. */
const VOLUME_SOURCES: {
    [K in VolumeKind]: (
        name: pulumi.Output<string>,
        options: VolumeOptions<K>,
    ) => Omit<k8s.types.input.core.v1.Volume, "name">;
} = {
    Secret: (name, options) => ({ secret: { secretName: name, ...keyVolumeSource(options) } }),
    ConfigMap: (name, options) => ({ configMap: { name, ...keyVolumeSource(options) } }),
    PersistentVolumeClaim: (name, options) => ({
        persistentVolumeClaim: { claimName: name, ...(options.readOnly ? { readOnly: true } : {}) },
    }),
};

const VOLUME_PREFIX: Record<VolumeKind, string> = {
    Secret: "secret",
    ConfigMap: "configmap",
    PersistentVolumeClaim: "claim",
};

const DNS_LABEL_MAX = 63;

/**
 * A stable DNS label from `base` (lowercase, `-` for anything else, no leading or trailing `-`); a short hash of
 * `variant` (the volume's options) is appended when given, and of the full text when it had to be cut to fit.
 */
export function dnsLabel(base: string, variant?: string): string {
    const hash = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, 8);
    const clean =
        base
            .toLowerCase()
            .replace(/[^a-z0-9-]+/g, "-")
            .replace(/^-+|-+$/g, "") || "volume";
    const suffix = variant === undefined ? "" : `-${hash(variant)}`;
    if (clean.length + suffix.length <= DNS_LABEL_MAX) return `${clean}${suffix}`;
    const tail = `-${hash(`${base}\u0000${variant ?? ""}`)}`;
    return `${clean.slice(0, DNS_LABEL_MAX - tail.length).replace(/-+$/, "")}${tail}`;
}

/**
 * A reference to one Kubernetes object of kind `K` that pods and other objects name it through. Made by the object's
 * builder (`Handle.forObject`, or a kind's `SecretHandle.of(...)`) or, for an object made elsewhere, by `forExisting`.
 */
export class Handle<K extends HandleKind = HandleKind> {
    /**
     * The object name as an Output of the object itself (when the program made it), so every field set from it
     * depends on the object. Carries its handle, so code that reads a built pod spec finds the object again.
     */
    public readonly name: pulumi.Output<string>;

    /**
     * The Services each key names (a host or URL built from an endpoint): a pod reading a key reaches them, so the
     * network policies open that path (see `endpointsReadBy`). Set by the object's builder from the values it
     * wrote; empty for objects made elsewhere and for kinds without keys.
     */
    public reaches: ReadonlyMap<string, readonly Handle[]> = new Map();

    /**
     * The keys the object carries, when the program wrote it (a Secret's or ConfigMap's data): a reader naming
     * another key stops the evaluation. Unset for objects made elsewhere, whose keys are not known here.
     */
    public readonly keys: ReadonlySet<string> | undefined;

    protected constructor(
        public readonly kind: K,
        /** The object's name, known when the program is evaluated (what checksums and messages match on). */
        public readonly objectName: string,
        /** The object's namespace when it is a plain string; a reader in another namespace cannot see the object. */
        public readonly namespace: string | undefined,
        /** The object, when this program creates it; unset for objects made elsewhere. */
        public readonly resource: ResourceOfKind[K] | undefined,
        keys?: Iterable<string>,
    ) {
        this.keys = keys === undefined ? undefined : new Set(keys);
        // A fresh Output per handle: the tag must not land on the SDK's own output of the resource. An object made
        // elsewhere has no resource to wait for: its name is a plain Output.
        const object = resource as KubernetesObject | undefined;
        this.name = carrying(
            (object ? object.metadata.name : pulumi.output(objectName)).apply((n) => n),
            [this],
        );
    }

    /**
     * The handle of an object of `kind` this program creates; `objectName` is the name it was created with, `keys`
     * the keys it carries (Secrets and ConfigMaps: what readers are checked against).
     */
    static forObject<K extends HandleKind>(
        kind: K,
        resource: ResourceOfKind[K],
        objectName: string,
        namespace: pulumi.Input<string>,
        keys?: Iterable<string>,
    ): Handle<K> {
        return new Handle(kind, objectName, plainNamespace(namespace), resource, keys);
    }

    /** An object made elsewhere (another system, an operator, the cluster): named once, here, never at the reader. */
    static forExisting<K extends HandleKind>(kind: K, objectName: string, namespace?: string): Handle<K> {
        return new Handle<K>(kind, objectName, namespace, undefined);
    }

    describe(): string {
        return `${this.kind} ${this.namespace ? `${this.namespace}/` : ""}${this.objectName}`;
    }

    /** One key of the Secret or ConfigMap as an env value (`env: { PASSWORD: secret.env("password") }`). */
    env(this: Handle<KeyedKind>, key: string, options: { optional?: boolean } = {}): HandleKeyRef {
        this.requireKeys([key], "env");
        return { from: this, key, ...(options.optional ? { optional: true } : {}) };
    }

    /** Every key of the Secret or ConfigMap as env (`envFrom: [config.envFrom()]`). */
    envFrom(this: Handle<KeyedKind>, options: { optional?: boolean } = {}): HandleEnvFrom {
        return { from: this, ...(options.optional ? { optional: true } : {}) };
    }

    /** The object as a pod volume named `volumeName` (a Secret or ConfigMap, optionally some keys; a claim). */
    volume(
        this: Handle<VolumeKind>,
        volumeName: string,
        options: VolumeOptions<K> = {} as VolumeOptions<K>,
    ): k8s.types.input.core.v1.Volume {
        const items = (options as KeyVolumeOptions).items;
        if (items?.length)
            this.requireKeys(
                items.map((i) => i.key),
                "volume items",
            );
        const source = VOLUME_SOURCES[this.kind] as (
            name: pulumi.Output<string>,
            options: VolumeOptions<K>,
        ) => Omit<k8s.types.input.core.v1.Volume, "name">;
        return { name: volumeName, ...source(this.name, options) };
    }

    /**
     * The volume name a {@link mount} gives the object: `<kind>-<object name>`, with a hash of the volume's options
     * when it selects (items, mode, optional, read-only), as a DNS label. Stable: the same object with the same
     * options is one volume however many containers mount it.
     */
    volumeName(this: Handle<VolumeKind>, options: VolumeOptions<K> = {} as VolumeOptions<K>): string {
        const selection = volumeSelection(this.kind, options);
        return dnsLabel(`${VOLUME_PREFIX[this.kind]}-${this.objectName}`, selection);
    }

    /**
     * The object mounted at `path`: the pod volume (named by {@link volumeName}, or `options.volume`) and the
     * container's volumeMount together, for `ContainerSpec.mounts` (`mounts: [tls.mount("/etc/tls", { items: [...] })]`).
     * Mounting it at several paths or in several containers of a pod gives the pod one volume (see `podVolumes`).
     */
    mount(
        this: Handle<VolumeKind>,
        path: string,
        options: MountOptions<K> = {} as MountOptions<K>,
    ): HandleMount {
        const { subPath, readOnly, volume, ...rest } = options as MountOptions<VolumeKind>;
        const volumeOptions = (
            this.kind === "PersistentVolumeClaim" && readOnly ? { ...rest, readOnly } : rest
        ) as VolumeOptions<K>;
        const selection = volumeSelection(this.kind, volumeOptions);
        return pairedMount(
            this.volume(volume ?? this.volumeName(volumeOptions), volumeOptions),
            selection === undefined ? this.describe() : `${this.describe()} ${selection}`,
            path,
            { subPath, readOnly },
        );
    }

    /**
     * Stops a reader naming keys the object does not carry, while the program is evaluated: the pod would stay in
     * CreateContainerConfigError (env) or start without the file (volume items). Objects made elsewhere: no check.
     */
    private requireKeys(named: readonly string[], how: string): void {
        const keys = this.keys;
        if (keys === undefined) return;
        const missing = [...new Set(named.filter((k) => !keys.has(k)))];
        if (missing.length === 0) return;
        const has = keys.size > 0 ? [...keys].sort().join(", ") : "no keys";
        throw new pulumi.ResourceError(
            `${this.describe()} has no key ${missing.map((k) => JSON.stringify(k)).join(", ")} (read through ${how}); ` +
                `it has: ${has}. Name one of its keys, or add the key where the ${this.kind} is written`,
            this.resource,
        );
    }
}

/** What a volume of `kind` selects of its object, as text for its name; undefined when it takes the object whole. */
function volumeSelection(
    kind: VolumeKind,
    options: KeyVolumeOptions | ClaimVolumeOptions,
): string | undefined {
    const selected =
        kind === "PersistentVolumeClaim"
            ? (options as ClaimVolumeOptions).readOnly
                ? { readOnly: true }
                : {}
            : keyVolumeSource(options as KeyVolumeOptions);
    return Object.keys(selected).length > 0 ? JSON.stringify(selected) : undefined;
}

export { Handle as ObjectHandle };

export type KeyedHandle = Handle<KeyedKind>;
export type SecretHandle = Handle<"Secret">;
export type ConfigMapHandle = Handle<"ConfigMap">;
export type ClaimHandle = Handle<"PersistentVolumeClaim">;
export type AccountHandle = Handle<"ServiceAccount">;

/** `value instanceof X` for a kind's factories: a handle of one of `kinds`. */
function isKind<K extends HandleKind>(kinds: readonly K[]) {
    return (value: unknown): value is Handle<K> =>
        value instanceof Handle && (kinds as readonly HandleKind[]).includes(value.kind);
}

/** The factories of a kind: `keys` only for Secrets and ConfigMaps (unset: keys not known, no check). */
function kindOf<K extends HandleKind>(kind: K) {
    return {
        of: (
            resource: ResourceOfKind[K],
            objectName: string,
            namespace: pulumi.Input<string>,
            keys?: Iterable<string>,
        ): Handle<K> => Handle.forObject(kind, resource, objectName, namespace, keys),
        /** One made elsewhere (another system, an operator, the cluster): named once, here, never at the reader. */
        existing: (objectName: string, namespace?: string): Handle<K> =>
            Handle.forExisting(kind, objectName, namespace),
        [Symbol.hasInstance]: isKind([kind]),
    };
}

export const SecretHandle = kindOf("Secret");
export const ConfigMapHandle = kindOf("ConfigMap");
export const ClaimHandle = kindOf("PersistentVolumeClaim");
export const AccountHandle = kindOf("ServiceAccount");
/** `x instanceof KeyedHandle`: a Secret's or ConfigMap's handle. */
export const KeyedHandle = { [Symbol.hasInstance]: isKind<KeyedKind>(["Secret", "ConfigMap"]) };

/**
 * `resource` with its handle as `.handle`: the builders' results stay the Kubernetes resource other code already
 * takes, and carry the handle pods read it through. Not enumerable, so nothing that walks the resource sees it.
 */
export function withHandle<R extends pulumi.CustomResource, H extends Handle>(
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
export function carrying<T>(output: pulumi.Output<T>, handles: readonly Handle[]): pulumi.Output<T> {
    Object.defineProperty(output, HANDLES, {
        value: Object.freeze([...new Set(handles)]),
        enumerable: false,
    });
    return output;
}

/** The handles `value` carries ({@link carrying}); none for anything else. */
export function handlesIn(value: unknown): readonly Handle[] {
    if (typeof value !== "object" || value === null) return [];
    const handles = (value as { [HANDLES]?: unknown })[HANDLES];
    return Array.isArray(handles) ? handles.filter((h): h is Handle => h instanceof Handle) : [];
}

/** The handle an object name came from, when it is a handle's {@link Handle.name}. */
export function handleOf(value: unknown): Handle | undefined {
    const handles = handlesIn(value);
    return handles.length === 1 && handles[0].name === value ? handles[0] : undefined;
}

export interface HandleKeyRef {
    from: KeyedHandle;
    key: string;
    optional?: boolean;
}

export interface HandleEnvFrom {
    from: KeyedHandle;
    optional?: boolean;
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

/**
 * Stops a reader in `namespace` that names an object of another namespace: the pod could never start (Secrets, ConfigMaps,
 * claims and service accounts are only visible in their own namespace). Plain namespaces only; an Output namespace is not known here.
 */
export function checkReadNamespaces(
    reader: string,
    namespace: pulumi.Input<string>,
    handles: readonly Handle[],
): void {
    const plain = plainNamespace(namespace);
    if (plain === undefined) return;
    const foreign = handles.filter((h) => h.namespace !== undefined && h.namespace !== plain);
    if (foreign.length > 0) {
        throw new DefinitionError(
            `${reader}: pods in namespace ${plain} cannot read ${foreign.map((h) => h.describe()).join(", ")}`,
        );
    }
}
