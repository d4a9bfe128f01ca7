import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AccountHandle } from "../shared/handles";
import { AppIdentity, standardLabels } from "../shared/labels";

export interface ServiceAccountTokenArgs {
    /** The namespace's name from its Namespace component: the Secret is made after it. */
    namespace: pulumi.Input<string>;
    /** The account the token is for: the annotation names it through the handle, so the Secret waits for it. */
    serviceAccount: AccountHandle;
    app: AppIdentity;
}

/**
 * A long-lived token for a service account that something outside the cluster uses (the station deploy, Zuul's
 * nodepool): a `kubernetes.io/service-account-token` Secret, which the token controller fills in and the
 * provider waits for. Its owner creates it and reads the token with {@link tokenOf}.
 */
export function serviceAccountTokenSecret(args: ServiceAccountTokenArgs): k8s.core.v1.SecretArgs {
    return {
        metadata: {
            name: `${args.serviceAccount.objectName}-token`,
            namespace: args.namespace,
            labels: standardLabels(args.app),
            annotations: { "kubernetes.io/service-account.name": args.serviceAccount.name },
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
