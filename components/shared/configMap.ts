import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { EndpointText, endpointsByKey } from "./endpoints";
import { ConfigMapHandle, withHandle } from "./handles";
import { BlockArgs, blockOptions } from "./block";
import { standardLabels } from "./labels";
import { StoredContent, storedConfigMap } from "./startupReads";

/** Arguments of {@link PlainConfigMap}: the block vocabulary plus the ConfigMap's content. */
export interface ConfigMapArgs extends BlockArgs {
    /**
     * Non-secret values only. Plain strings (never `pulumi.Input`), so a secret Output cannot be put into a
     * ConfigMap by accident: secrets go through {@link ConfigSecret}. A host or URL of a Service is an endpoint's
     * text, so the ConfigMap remembers which Services a reader of that key reaches.
     */
    data: Record<string, string | EndpointText>;
    /**
     * The content is another writer's once the object exists (a seed): applied over a live object, it is left out,
     * so server-side apply keeps the live keys with whoever holds them. Readers still know the keys it seeds.
     */
    keepLiveData?: boolean;
}

/** A ConfigMap with the standard labels, on the provider of `opts`; pods read it through its `.handle`. */
export class PlainConfigMap extends k8s.core.v1.ConfigMap {
    /** Set through {@link withHandle}: not enumerable, like every block's handle. */
    declare public readonly handle: ConfigMapHandle;
    /** What the API server stores, from this constructor's inputs: what a reader's checksum covers. */
    declare public readonly stored: StoredContent;

    constructor(name: string, args: ConfigMapArgs, opts: pulumi.CustomResourceOptions) {
        const data = Object.fromEntries(
            Object.keys(args.data)
                .sort()
                .map((k) => [k, args.data[k]]),
        );
        super(
            name,
            {
                metadata: { name: args.name, namespace: args.namespace, labels: standardLabels(args.app) },
                ...(args.keepLiveData ? {} : { data }),
            },
            blockOptions("ConfigMap", name, opts),
        );
        Object.defineProperty(this, "stored", { value: storedConfigMap(args.name, data) });
        const handle = ConfigMapHandle.of(this, args.name, args.namespace, Object.keys(data));
        handle.reaches = endpointsByKey(data);
        withHandle(this, handle);
    }
}
