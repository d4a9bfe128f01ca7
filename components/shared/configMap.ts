import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterContext } from "./cluster";
import { ConfigMapHandle, withHandle } from "./handles";
import { AppIdentity, standardLabels } from "./labels";

export interface PlainConfigMapArgs {
    cluster: ClusterContext;
    namespace: pulumi.Input<string>;
    /** metadata.name, as the workloads reference it. */
    configMapName: string;
    app: AppIdentity;
    /**
     * Non-secret values only. Plain strings (never `pulumi.Input`), so a secret Output cannot be put into a
     * ConfigMap by accident: secrets go through {@link configSecret}.
     */
    data: Record<string, string>;
}

/** A ConfigMap with the standard labels and the cluster's provider; pods read it through its `.handle`. */
export function plainConfigMap(
    name: string,
    args: PlainConfigMapArgs,
    opts: pulumi.CustomResourceOptions,
): k8s.core.v1.ConfigMap & { readonly handle: ConfigMapHandle } {
    const configMap = new k8s.core.v1.ConfigMap(
        name,
        {
            metadata: {
                name: args.configMapName,
                namespace: args.namespace,
                labels: standardLabels(args.app),
            },
            data: Object.fromEntries(
                Object.keys(args.data)
                    .sort()
                    .map((k) => [k, args.data[k]]),
            ),
        },
        { ...opts, provider: args.cluster.provider },
    );
    return withHandle(configMap, ConfigMapHandle.of(configMap, args.configMapName, args.namespace));
}
