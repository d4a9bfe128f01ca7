import { createHmac } from "crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import stableStringify from "safe-stable-stringify";
import type { ContainerSpec } from "./container";
import { ObjectHandle, handleOf } from "./handles";

/**
 * The pod-template annotation that rolls a workload when what its pods read at start changes (as Helm charts do).
 * A Secret or ConfigMap read through env/envFrom is fixed for the life of the pod, and most programs read mounted
 * files once at start too: without a template change, a rotated password or certificate is never seen.
 */
export const READS_CHECKSUM_ANNOTATION = "checksum/config";

/**
 * What one Secret or ConfigMap the program writes holds, computed from the inputs the program wrote it with. Not from
 * the resource's outputs: a preview resolves every output property the engine did not return as unknown, and the live
 * object never returns a Secret's `stringData` (the API server folds it into `data`) nor an empty `binaryData`, so a
 * checksum over outputs previewed as `[unknown]` on every reader after each `up` (28 phantom updates). Inputs are
 * known at preview whenever what the pods read is known.
 */
export interface StoredContent {
    kind: "Secret" | "ConfigMap";
    /** metadata.name, as pods name the object. */
    name: string;
    /** Secret: `{ type, data, stringData }`; ConfigMap: `{ data, binaryData: {} }` (see {@link storedSecret}). */
    content: pulumi.Output<unknown>;
}

/** A Secret or ConfigMap the program writes, with what it holds (ConfigSecret, PlainConfigMap). */
export type StartupRead = (k8s.core.v1.Secret | k8s.core.v1.ConfigMap) & { readonly stored: StoredContent };

/**
 * A Secret's content in exactly the form every `up` since the checksum was introduced hashed: `data` as stored (the
 * base64 values, `stringData` folded in), `stringData` as written (an `up` fills an output the engine did not return
 * from the input), `type`. The same form keeps every deployed checksum as it is: switching to it rolls no pod.
 */
export function storedSecret(
    name: string,
    type: string,
    stringData: Record<string, pulumi.Input<string>>,
    data: Record<string, pulumi.Input<string>> = {},
): StoredContent {
    const keys = [...new Set([...Object.keys(stringData), ...Object.keys(data)])].sort();
    const written = Object.keys(stringData).sort();
    return {
        kind: "Secret",
        name,
        content: pulumi
            .all([
                pulumi.all(keys.map((k) => (k in stringData ? stringData[k] : data[k]))),
                pulumi.all(written.map((k) => stringData[k])),
            ])
            .apply(([values, plain]) => ({
                type,
                data: Object.fromEntries(
                    keys.map((k, i) => [
                        k,
                        k in stringData ? Buffer.from(values[i], "utf8").toString("base64") : values[i],
                    ]),
                ),
                stringData: Object.fromEntries(written.map((k, i) => [k, plain[i]])),
            })),
    };
}

/** A ConfigMap's content as every `up` hashed it: its data, and no binaryData (the program writes none). */
export function storedConfigMap(name: string, data: Record<string, pulumi.Input<string>>): StoredContent {
    return { kind: "ConfigMap", name, content: pulumi.output({ data: { ...data }, binaryData: {} }) };
}

/** The key of {@link readsChecksum}, generated once and kept (encrypted) in state; never shown. */
export type ChecksumKey = pulumi.Output<string>;

/**
 * A random HMAC key for the checksums of one system, as `.result`. Rotating it (replacing this resource) rolls every
 * reader once and reveals nothing.
 */
export class ReadsChecksumKey extends random.RandomPassword {
    constructor(name: string, opts: pulumi.CustomResourceOptions) {
        // 64 alphanumerics: about 380 bits, far beyond any guess; RandomPassword's result is secret in state and plan.
        super(name, { length: 64, special: false }, opts);
    }
}

/** The objects a pod may read: candidates of {@link readsChecksum}, all in the reader's namespace. */
export interface ReadNames {
    secrets: readonly string[];
    configMaps: readonly string[];
}

/** What a pod reads of an object: its name and content, as the program stored them. */
function readContent(read: StartupRead): pulumi.Output<{ kind: string; name: string; content: unknown }> {
    const { kind, name, content } = read.stored;
    return content.apply((c) => ({ kind, name, content: c }));
}

/**
 * The value of {@link READS_CHECKSUM_ANNOTATION}: an HMAC-SHA256, keyed by `key`, of the contents of those
 * `candidates` that `names` names (all of them when `names` is unset). Names are matched on the objects' own
 * outputs, so a caller hands over every object of the namespace and each reader picks what its pod spec names.
 *
 * Why keyed, and why then shown in plain: the annotation ends up on the Deployment and every pod, readable by anyone
 * who may read those (`view` in the namespace), who usually may not read Secrets. A plain hash of a Secret would let
 * them test guesses of a low-entropy value (a human password, a short token) offline, and would let anyone holding a
 * plan or state do the same. Marking a plain hash secret hides it in the plan but not in the cluster. Without the
 * key, which never leaves the encrypted state, an HMAC tells nothing about the content except that it changed,
 * which is exactly what a reviewer of the plan must see: "these pods will restart".
 */
export function readsChecksum(
    key: pulumi.Input<string>,
    candidates: readonly StartupRead[],
    names?: ReadNames,
): pulumi.Output<string> {
    const mac = pulumi
        .all([pulumi.output(key), pulumi.all(candidates.map(readContent))])
        .apply(([k, items]) => {
            const picked = names
                ? items.filter((i) =>
                      (i.kind === "Secret" ? names.secrets : names.configMaps).includes(i.name),
                  )
                : items;
            return (
                createHmac("sha256", k)
                    // Sorted: listing the same objects in another order must not restart anything.
                    .update(
                        picked
                            .map((i) => stableStringify(i) ?? "")
                            .sort()
                            .join("\n"),
                    )
                    .digest("hex")
                    .slice(0, 32)
            );
        });
    return pulumi.unsecret(mac);
}

/** The parts of a pod that name Secrets and ConfigMaps. */
export interface PodReads {
    containers: readonly Pick<ContainerSpec, "env" | "envFrom">[];
    volumes?: readonly k8s.types.input.core.v1.Volume[];
    /**
     * The pod's annotations: one whose value is a Secret's or ConfigMap's handle name hands that object to the
     * platform, which reads it when the pod starts (CERN PaaS mounts EOS with the credentials of the Secret its
     * annotation names), so a change of it is read only by a new pod, as an envFrom is.
     */
    annotations?: Readonly<Record<string, unknown>>;
}

/** One object a pod spec names: by a plain string, or by a handle's name (then `handle` is set). */
interface PodRead {
    kind: "Secret" | "ConfigMap" | "PersistentVolumeClaim";
    name: string;
    handle?: ObjectHandle;
}

/** Every object a pod spec names: env references, envFrom, volumes (also projected ones) and annotations. */
function podReads(pod: PodReads): PodRead[] {
    const reads: PodRead[] = [];
    // A name is a plain string or a handle's name; any other Output name cannot be matched while evaluating.
    const add = (kind: PodRead["kind"], n: unknown) => {
        const handle = handleOf(n);
        if (handle) reads.push({ kind, name: handle.objectName, handle });
        else if (typeof n === "string") reads.push({ kind, name: n });
    };
    for (const c of pod.containers) {
        for (const value of Object.values(c.env ?? {})) {
            if (value === undefined || typeof value === "string") continue;
            if ("from" in value) add(value.from.kind, value.from.name);
        }
        for (const src of c.envFrom ?? []) add(src.from.kind, src.from.name);
    }
    for (const value of Object.values(pod.annotations ?? {})) {
        const handle = handleOf(value);
        if (handle?.kind === "Secret" || handle?.kind === "ConfigMap") add(handle.kind, value);
    }
    for (const v of pod.volumes ?? []) {
        const volume = v as {
            secret?: { secretName?: unknown };
            configMap?: { name?: unknown };
            persistentVolumeClaim?: { claimName?: unknown };
            projected?: { sources?: { secret?: { name?: unknown }; configMap?: { name?: unknown } }[] };
        };
        if (volume.secret) add("Secret", volume.secret.secretName);
        if (volume.configMap) add("ConfigMap", volume.configMap.name);
        if (volume.persistentVolumeClaim)
            add("PersistentVolumeClaim", volume.persistentVolumeClaim.claimName);
        for (const src of volume.projected?.sources ?? []) {
            if (src.secret) add("Secret", src.secret.name);
            if (src.configMap) add("ConfigMap", src.configMap.name);
        }
    }
    return reads;
}

/** Names of the Secrets and ConfigMaps a pod reads: env references, envFrom and volumes (also projected ones). */
export function namesReadBy(pod: PodReads): ReadNames {
    const reads = podReads(pod);
    const names = (kind: PodRead["kind"]) =>
        [...new Set(reads.filter((r) => r.kind === kind).map((r) => r.name))].sort();
    return { secrets: names("Secret"), configMaps: names("ConfigMap") };
}

/** The handles a pod spec names (each once), for namespace checks and for the restart candidates they carry. */
export function handlesReadBy(pod: PodReads): ObjectHandle[] {
    return [...new Set(podReads(pod).flatMap((r) => (r.handle ? [r.handle] : [])))];
}

/** The objects marked by {@link seededOnce}. */
const SEEDED = new WeakSet<object>();

/**
 * Marks an object the program writes once and then leaves to a controller (its data under `ignoreChanges`): a change
 * of what the program would write never reaches the cluster, so it rolls no reader.
 */
export function seededOnce<R extends StartupRead>(read: R): R {
    SEEDED.add(read);
    return read;
}

/**
 * The objects among `handles` whose content this program writes and pods read at start (Secrets and ConfigMaps):
 * what the reads checksum covers, with no list to keep, because the reference itself says what was read. Objects
 * made elsewhere, Secrets Kubernetes fills (service-account tokens) and objects only seeded hold nothing the program
 * keeps writing.
 */
export function startupReadsOf(handles: readonly ObjectHandle[]): StartupRead[] {
    return handles
        .flatMap((h) => (h.resource ? [h.resource] : []))
        .filter((r): r is StartupRead => "stored" in r && (r as Partial<StartupRead>).stored !== undefined)
        .filter((r) => !SEEDED.has(r));
}
