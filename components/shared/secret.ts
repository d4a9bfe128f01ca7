import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { BlockArgs, blockOptions } from "./block";
import { ServiceEndpoint, endpointsByKey } from "./endpoints";
import { ObjectHandle, SecretHandle, withHandle } from "./handles";
import { standardLabels } from "./labels";
import { StoredContent, storedSecret } from "./startupReads";
import { DefinitionError } from "./errors";

export interface SecretArgs extends BlockArgs {
    /** Secret type, e.g. `kubernetes.io/ssh-auth`; Opaque when unset. */
    type?: string;
    /** Key → value. Every value is wrapped as a Pulumi secret so it stays encrypted in state and hidden in diffs. */
    data: Record<string, pulumi.Input<string>>;
    /** Key → base64-encoded value, for binary files such as keytabs (written to `data` as is, also secret). */
    base64Data?: Record<string, pulumi.Input<string>>;
    /**
     * Key → the Services a URL inside that key names, where the program cannot build the text from the endpoint (a
     * file the operator writes into secret config, such as a service's settings file naming another service): a pod reading the key
     * reaches them, exactly as if the URL had been made with `endpoint.url()`. A key the Secret does not hold stops.
     */
    names?: Record<string, readonly ServiceEndpoint[]>;
}

/**
 * A Kubernetes Secret whose values come from encrypted stack config (or @pulumi/random), never from the repository.
 * Its `.handle` is how pods read it (`.env(key)`, `.envFrom()`, `.volume(name)`); the provider comes from `opts`.
 */
export class ConfigSecret extends k8s.core.v1.Secret {
    /** Set through {@link withHandle}: not enumerable, like every block's handle. */
    declare public readonly handle: SecretHandle;
    /** What the API server stores, from this constructor's inputs: what a reader's checksum covers. */
    declare public readonly stored: StoredContent;

    constructor(name: string, args: SecretArgs, opts: pulumi.CustomResourceOptions) {
        const stringData: Record<string, pulumi.Output<string>> = {};
        for (const key of Object.keys(args.data).sort()) {
            stringData[key] = pulumi.secret(pulumi.output(args.data[key]));
        }
        const base64Data = args.base64Data ?? {};
        // Re-encoding accepts line-wrapped `base64` output and always yields valid base64.
        const data = Object.fromEntries(
            Object.keys(base64Data)
                .sort()
                .map((key) => [
                    key,
                    pulumi.secret(
                        pulumi
                            .output(base64Data[key])
                            .apply((v) => Buffer.from(v, "base64").toString("base64")),
                    ),
                ]),
        );
        const type = args.type ?? "Opaque";
        super(
            name,
            {
                metadata: { name: args.name, namespace: args.namespace, labels: standardLabels(args.app) },
                type,
                stringData,
                ...(Object.keys(data).length > 0 ? { data } : {}),
            },
            blockOptions("Secret", name, opts),
        );
        Object.defineProperty(this, "stored", { value: storedSecret(args.name, type, stringData, data) });
        // The keys it carries: a reader naming another one stops the evaluation.
        const keys = [...Object.keys(stringData), ...Object.keys(data)];
        const handle = SecretHandle.of(this, args.name, args.namespace, keys);
        // A connection string or host written into the Secret from an endpoint: its readers reach that Service.
        handle.reaches = withNamedEndpoints(endpointsByKey(args.data), args.names ?? {}, keys, args.name);
        withHandle(this, handle);
    }
}

/** `built` (the endpoints of texts the program made) plus the endpoints declared to be named inside each key. */
function withNamedEndpoints(
    built: ReadonlyMap<string, readonly ObjectHandle[]>,
    named: Record<string, readonly ServiceEndpoint[]>,
    keys: readonly string[],
    secret: string,
): Map<string, readonly ObjectHandle[]> {
    const reaches = new Map<string, readonly ObjectHandle[]>(built);
    for (const [key, endpoints] of Object.entries(named)) {
        if (!keys.includes(key))
            throw new DefinitionError(
                `Secret ${secret}: names endpoints inside key ${key}, which it does not hold`,
            );
        reaches.set(key, [...new Set([...(reaches.get(key) ?? []), ...endpoints])]);
    }
    return reaches;
}
