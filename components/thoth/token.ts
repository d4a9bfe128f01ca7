import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterContext } from "../shared/cluster";
import { AppIdentity, standardLabels } from "../shared/labels";

export interface ServiceAccountTokenArgs {
    cluster: ClusterContext;
    namespace: string;
    serviceAccount: string;
    app: AppIdentity;
}

/**
 * A long-lived token for a service account that something outside the cluster uses (the station deploy, Zuul's
 * nodepool): a `kubernetes.io/service-account-token` Secret, which the token controller fills in and the
 * provider waits for. The token is returned as a secret Output, so it is exported only encrypted.
 */
export function serviceAccountToken(
    name: string,
    args: ServiceAccountTokenArgs,
    opts: pulumi.CustomResourceOptions,
): { secret: k8s.core.v1.Secret; token: pulumi.Output<string> } {
    const secret = new k8s.core.v1.Secret(
        name,
        {
            metadata: {
                name: `${args.serviceAccount}-token`,
                namespace: args.namespace,
                labels: standardLabels(args.app),
                annotations: { "kubernetes.io/service-account.name": args.serviceAccount },
            },
            type: "kubernetes.io/service-account-token",
        },
        { ...opts, provider: args.cluster.provider },
    );
    const token = pulumi.secret(
        secret.data.apply((data) => (data?.token ? Buffer.from(data.token, "base64").toString("utf8") : "")),
    );
    return { secret, token };
}
