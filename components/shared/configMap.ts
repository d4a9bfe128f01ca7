import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterContext } from "./cluster";
import { ConfigMapHandle, withHandle } from "./handles";
import { BlockArgs, blockOptions } from "./block";
import { standardLabels } from "./labels";

/** Arguments of {@link PlainConfigMap}: the block vocabulary plus the ConfigMap's content. */
export interface ConfigMapArgs extends BlockArgs {
    /**
     * Non-secret values only. Plain strings (never `pulumi.Input`), so a secret Output cannot be put into a
     * ConfigMap by accident: secrets go through {@link ConfigSecret}.
     */
    data: Record<string, string>;
}

/** Arguments of the deprecated {@link plainConfigMap}: the cluster gives the provider, `configMapName` the name. */
export interface PlainConfigMapArgs extends Omit<ConfigMapArgs, "name"> {
    cluster: ClusterContext;
    /** metadata.name, as the workloads reference it. */
    configMapName: string;
}

/** A ConfigMap with the standard labels, on the provider of `opts`; pods read it through its `.handle`. */
export class PlainConfigMap extends k8s.core.v1.ConfigMap {
    /** Set through {@link withHandle}: not enumerable, like every block's handle. */
    declare public readonly handle: ConfigMapHandle;

    constructor(name: string, args: ConfigMapArgs, opts: pulumi.CustomResourceOptions) {
        super(
            name,
            {
                metadata: { name: args.name, namespace: args.namespace, labels: standardLabels(args.app) },
                data: Object.fromEntries(
                    Object.keys(args.data)
                        .sort()
                        .map((k) => [k, args.data[k]]),
                ),
            },
            blockOptions("ConfigMap", name, opts),
        );
        withHandle(this, ConfigMapHandle.of(this, args.name, args.namespace));
    }
}

/** @deprecated Thoth's remaining callers are converted at merge: use new PlainConfigMap(...) */
export function plainConfigMap(
    name: string,
    args: PlainConfigMapArgs,
    opts: pulumi.CustomResourceOptions,
): PlainConfigMap {
    const { cluster, configMapName, ...rest } = args;
    return new PlainConfigMap(
        name,
        { ...rest, name: configMapName },
        { ...opts, provider: cluster.provider },
    );
}
