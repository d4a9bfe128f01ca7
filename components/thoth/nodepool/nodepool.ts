import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { KubernetesContext } from "../../config/system";
import { Namespace } from "../../shared/namespace";
import { SystemArgs, SystemPart } from "../../config/systemComponent";
import { NodepoolConfig, ThothSection } from "../config";
import { thothApp } from "../identity";
import { grantName } from "../../shared/serviceAccount";
import { nodepoolContext, nodepoolYaml } from "./nodepoolYaml";
import { serviceAccountTokenSecret, tokenOf } from "../token";

export interface ZuulNodepoolArgs extends SystemArgs<ThothSection, KubernetesContext> {
    /**
     * The `thoth.nodepool` section, with the host:port of the cluster's API server (`thoth.apiServer`, which the check
     * requires): the cluster the token below is made on.
     */
    nodepool: NodepoolConfig & { apiServer: string };
}

/**
 * What Zuul's nodepool needs in the cluster its test pods run in: the namespace, a service account allowed to
 * manage pods there (the openshiftpods driver needs no self-provisioner rights) and its token; plus the provider
 * YAML for zuul-config, generated from the same config so the context always names this account.
 */
export class ZuulNodepool extends SystemPart<ThothSection, KubernetesContext> {
    /** The nodepool provider file. */
    public readonly providerYaml: string;
    /** Context name the nodepool kubeconfig must use. */
    public readonly kubeconfigContext: string;
    /** The service account's token (secret), for the nodepool kubeconfig. */
    public readonly token: pulumi.Output<string>;

    constructor(name: string, args: ZuulNodepoolArgs, opts?: pulumi.ComponentResourceOptions) {
        super("runbooks:thoth:ZuulNodepool", name, args, opts);
        const config = args.nodepool;
        const sa = config.serviceAccount;
        const ns = new Namespace(
            this.childName("ns"),
            {
                cluster: this.context.cluster,
                name: config.namespace,
                app: thothApp("nodepool", "ci"),
                create: config.createNamespace,
                serviceAccounts: [sa],
                roleBindings: [
                    {
                        name: grantName(sa, { namespace: config.namespace, clusterRole: config.clusterRole }),
                        role: { kind: "ClusterRole", name: config.clusterRole },
                        subjects: [{ kind: "ServiceAccount", name: sa }],
                    },
                ],
            },
            this.child(),
        );
        const secret = serviceAccountTokenSecret(ns, config.namespace, sa, thothApp(sa, "ci"));
        this.token = tokenOf(new k8s.core.v1.Secret(this.childName(`${sa}-token`), secret, this.child()));
        this.providerYaml = nodepoolYaml(config, config.apiServer);
        this.kubeconfigContext = nodepoolContext(config, config.apiServer);
        this.registerOutputs({
            providerYaml: this.providerYaml,
            context: this.kubeconfigContext,
            token: this.token,
        });
    }
}
