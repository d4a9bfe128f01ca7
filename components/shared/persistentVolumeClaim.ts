import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClaimHandle, withHandle } from "./handles";
import { statefulOptions } from "./protect";

/** Arguments of {@link persistentVolumeClaim}. */
export interface ClaimArgs {
    /** The claim's object name. */
    name: string;
    namespace: string;
    labels: Record<string, string>;
    /** Requested size, e.g. `10Gi`. */
    storage: pulumi.Input<string>;
    /** Default `ReadWriteOnce`. */
    accessModes?: string[];
    /** The cluster's default class when unset. */
    storageClassName?: string;
    /** Production (or adopted data): protected from `pulumi destroy` and retained if a delete is forced. */
    protectStateful: boolean;
}

/**
 * A PersistentVolumeClaim under the tier's protection rule. The one place a claim is built, so no claim can be
 * created without deciding whether it is protected. Callers that need a different rule (an old version's claim
 * that is only retained) pass `retainOnDelete`/`protect` in `opts`, which win. Pods mount it through its `.handle`.
 */
export function persistentVolumeClaim(
    name: string,
    args: ClaimArgs,
    opts: pulumi.CustomResourceOptions,
): k8s.core.v1.PersistentVolumeClaim & { readonly handle: ClaimHandle } {
    const claim = new k8s.core.v1.PersistentVolumeClaim(
        name,
        {
            metadata: { name: args.name, namespace: args.namespace, labels: args.labels },
            spec: {
                accessModes: args.accessModes ?? ["ReadWriteOnce"],
                ...(args.storageClassName !== undefined ? { storageClassName: args.storageClassName } : {}),
                resources: { requests: { storage: args.storage } },
            },
        },
        { ...statefulOptions(args.protectStateful), ...opts },
    );
    return withHandle(claim, ClaimHandle.of(claim, args.name, args.namespace));
}
