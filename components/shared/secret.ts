import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterContext } from "./cluster";
import { SecretHandle, withHandle } from "./handles";
import { AppIdentity, standardLabels } from "./labels";

export interface ConfigSecretArgs {
    cluster: ClusterContext;
    namespace: pulumi.Input<string>;
    /** metadata.name of the Secret, as the workloads reference it (e.g. `kebechet-secret`). */
    secretName: string;
    app: AppIdentity;
    /** Secret type, e.g. `kubernetes.io/ssh-auth`; Opaque when unset. */
    type?: string;
    /** Key → value. Every value is wrapped as a Pulumi secret so it stays encrypted in state and hidden in diffs. */
    data: Record<string, pulumi.Input<string>>;
    /** Key → base64-encoded value, for binary files such as keytabs (written to `data` as is, also secret). */
    base64Data?: Record<string, pulumi.Input<string>>;
}

/**
 * A Kubernetes Secret whose values come from encrypted stack config (or @pulumi/random), never from the repository.
 * Its `.handle` is how pods read it (`.env(key)`, `.envFrom()`, `.volume(name)`).
 */
export function configSecret(
    name: string,
    args: ConfigSecretArgs,
    opts: pulumi.CustomResourceOptions,
): k8s.core.v1.Secret & { readonly handle: SecretHandle } {
    const stringData: Record<string, pulumi.Output<string>> = {};
    for (const key of Object.keys(args.data).sort()) {
        stringData[key] = pulumi.secret(pulumi.output(args.data[key]));
    }
    const secret = new k8s.core.v1.Secret(
        name,
        {
            metadata: { name: args.secretName, namespace: args.namespace, labels: standardLabels(args.app) },
            type: args.type ?? "Opaque",
            stringData,
            ...(args.base64Data && Object.keys(args.base64Data).length > 0
                ? {
                      data: Object.fromEntries(
                          Object.keys(args.base64Data)
                              .sort()
                              // Re-encoding accepts line-wrapped `base64` output and always yields valid base64.
                              .map((key) => [
                                  key,
                                  pulumi.secret(
                                      pulumi
                                          .output(args.base64Data![key])
                                          .apply((v) => Buffer.from(v, "base64").toString("base64")),
                                  ),
                              ]),
                      ),
                  }
                : {}),
        },
        { ...opts, provider: args.cluster.provider },
    );
    return withHandle(secret, SecretHandle.of(secret, args.secretName, args.namespace));
}
