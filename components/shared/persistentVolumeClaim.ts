import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClaimHandle, withHandle } from "./handles";
import { BlockArgs } from "./block";
import { standardLabels } from "./labels";
import { statefulOptions } from "./protect";

export interface PersistentVolumeClaimArgs extends BlockArgs {
    storage: pulumi.Input<string>;
    /** Default `ReadWriteOnce`. */
    accessModes?: string[];
    /** The cluster's default class when unset. */
    storageClassName?: string;
    /** Production (or adopted data): protected from `pulumi destroy` and retained if a delete is forced. */
    protectStateful: boolean;
}

/** Arguments of a claim whose labels are given as they are in existing state, instead of an app's. */
export interface ClaimArgs extends Omit<PersistentVolumeClaimArgs, "app"> {
    labels: Record<string, string>;
}

/**
 * A PersistentVolumeClaim under the tier's protection rule. The one place a claim is built, so no claim can be
 * created without deciding whether it is protected. Callers that need a different rule (an old version's claim
 * that is only retained) pass `retainOnDelete`/`protect` in `opts`, which win. Pods mount it through its `.handle`.
 */
export class PersistentVolumeClaim extends k8s.core.v1.PersistentVolumeClaim {
    /** Set through {@link withHandle}: not enumerable, like every block's handle. */
    declare public readonly handle: ClaimHandle;

    constructor(
        name: string,
        args: PersistentVolumeClaimArgs | (ClaimArgs & { app?: undefined }),
        opts: pulumi.CustomResourceOptions,
    ) {
        super(
            name,
            {
                metadata: {
                    name: args.name,
                    namespace: args.namespace,
                    labels: args.app ? standardLabels(args.app) : args.labels,
                },
                spec: {
                    accessModes: args.accessModes ?? ["ReadWriteOnce"],
                    ...(args.storageClassName !== undefined
                        ? { storageClassName: args.storageClassName }
                        : {}),
                    resources: { requests: { storage: args.storage } },
                },
            },
            { ...statefulOptions(args.protectStateful), ...opts },
        );
        withHandle(this, ClaimHandle.of(this, args.name, args.namespace));
    }
}
