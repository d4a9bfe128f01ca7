import { createHmac } from "crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import stableStringify from "safe-stable-stringify";

/**
 * The pod-template annotation that rolls a workload when what its pods read at start changes (as Helm charts do).
 * A Secret or ConfigMap read through env/envFrom is fixed for the life of the pod, and most programs read mounted
 * files once at start too: without a template change, a rotated password or certificate is never seen.
 */
export const READS_CHECKSUM_ANNOTATION = "checksum/config";

/** An object a workload's pods read at start, taken from the resource the program created (never a typed name). */
export type StartupRead = k8s.core.v1.Secret | k8s.core.v1.ConfigMap;

/** The key of {@link readsChecksum}, generated once and kept (encrypted) in state; never shown. */
export type ChecksumKey = pulumi.Output<string>;

/**
 * A random HMAC key for the checksums of one system. Rotating it (replacing this resource) rolls every reader once
 * and reveals nothing.
 */
export function checksumKey(name: string, opts: pulumi.CustomResourceOptions): ChecksumKey {
    // 64 alphanumerics: about 380 bits, far beyond any guess; RandomPassword's result is secret in state and plan.
    return new random.RandomPassword(name, { length: 64, special: false }, opts).result;
}

/** What a pod reads of an object: its content, as the object's own outputs hold it (metadata never rolls pods). */
function readContent(read: StartupRead): pulumi.Output<unknown> {
    if (read instanceof k8s.core.v1.Secret) {
        return pulumi.all([read.type, read.data, read.stringData]).apply(([type, data, stringData]) => ({
            kind: "Secret",
            type,
            data: data ?? {},
            stringData: stringData ?? {},
        }));
    }
    return pulumi.all([read.data, read.binaryData]).apply(([data, binaryData]) => ({
        kind: "ConfigMap",
        data: data ?? {},
        binaryData: binaryData ?? {},
    }));
}

/**
 * The value of {@link READS_CHECKSUM_ANNOTATION}: an HMAC-SHA256 of the contents of `reads`, keyed by `key`.
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
    reads: readonly StartupRead[],
): pulumi.Output<string> {
    const mac = pulumi.all([pulumi.output(key), pulumi.all(reads.map(readContent))]).apply(([k, contents]) =>
        createHmac("sha256", k)
            // Sorted: listing the same objects in another order must not restart anything.
            .update(
                contents
                    .map((c) => stableStringify(c) ?? "")
                    .sort()
                    .join("\n"),
            )
            .digest("hex")
            .slice(0, 32),
    );
    return pulumi.unsecret(mac);
}
