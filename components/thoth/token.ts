import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AccountHandle } from "../shared/handles";
import { AppIdentity, standardLabels } from "../shared/labels";
import { Namespace } from "../shared/namespace";

/**
 * A long-lived token for service account `sa` of `namespace` (named `namespaceName`) that something outside the
 * cluster uses (the station deploy, Zuul's nodepool): a `kubernetes.io/service-account-token` Secret, which the token
 * controller fills in and the provider waits for. The Secret is made after the Namespace, and its annotation names the
 * account through its handle, so it waits for the account too. Its owner creates it and reads the token with
 * {@link tokenOf}.
 */
export function serviceAccountTokenSecret(
    namespace: Namespace,
    namespaceName: string,
    sa: string,
    app: AppIdentity,
): k8s.core.v1.SecretArgs {
    const account = AccountHandle.of(namespace.serviceAccounts[sa], sa, namespaceName);
    return {
        metadata: {
            name: `${account.objectName}-token`,
            namespace: namespace.name,
            labels: standardLabels(app),
            annotations: { "kubernetes.io/service-account.name": account.name },
        },
        type: "kubernetes.io/service-account-token",
    };
}

/** The token the controller wrote into a {@link serviceAccountTokenSecret}, as a secret Output (exported encrypted). */
export function tokenOf(secret: k8s.core.v1.Secret): pulumi.Output<string> {
    return pulumi.secret(
        secret.data.apply((data) => (data?.token ? Buffer.from(data.token, "base64").toString("utf8") : "")),
    );
}
