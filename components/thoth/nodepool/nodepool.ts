import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterContext } from "../../shared/cluster";
import { RunbookComponent } from "../../shared/component";
import { Namespace } from "../../shared/namespace";
import { NodepoolConfig } from "../config";
import { bindingName, thothApp } from "../identity";
import { nodepoolContext, nodepoolYaml } from "./nodepoolYaml";
import { AccountHandle } from "../../shared/handles";
import { serviceAccountTokenSecret, tokenOf } from "../token";

/** Arguments of {@link ZuulNodepool}. */
export interface ZuulNodepoolArgs {
    cluster: ClusterContext;
    config: NodepoolConfig;
    /** host:port of the cluster's API server (`thoth.apiServer`): the cluster the token below is made on. */
    apiServer: string;
}

/**
 * What Zuul's nodepool needs in the cluster its test pods run in: the namespace, a service account allowed to
 * manage pods there (the openshiftpods driver needs no self-provisioner rights) and its token; plus the provider
 * YAML for zuul-config, generated from the same config so the context always names this account.
 */
export class ZuulNodepool extends RunbookComponent {
    /** The nodepool provider file. */
    public readonly providerYaml: string;
    /** Context name the nodepool kubeconfig must use. */
    public readonly context: string;
    /** The service account's token (secret), for the nodepool kubeconfig. */
    public readonly token: pulumi.Output<string>;

    constructor(name: string, args: ZuulNodepoolArgs, opts?: pulumi.ComponentResourceOptions) {
        super("runbooks:thoth:ZuulNodepool", name, opts, args.cluster.provider);
        const { config } = args;
        const sa = config.serviceAccount;
        const ns = new Namespace(
            this.childName("ns"),
            {
                cluster: args.cluster,
                name: config.namespace,
                app: thothApp("nodepool", "ci"),
                create: config.createNamespace,
                serviceAccounts: [sa],
                roleBindings: [
                    {
                        name: bindingName(sa, config.clusterRole),
                        role: { kind: "ClusterRole", name: config.clusterRole },
                        subjects: [{ kind: "ServiceAccount", name: sa }],
                    },
                ],
            },
            this.child(),
        );
        this.token = tokenOf(
            new k8s.core.v1.Secret(
                this.childName(`${sa}-token`),
                serviceAccountTokenSecret({
                    namespace: config.namespace,
                    serviceAccount: AccountHandle.of(ns.serviceAccounts[sa], sa, config.namespace),
                    app: thothApp(sa, "ci"),
                }),
                this.child(),
            ),
        );
        this.providerYaml = nodepoolYaml(config, args.apiServer);
        this.context = nodepoolContext(config, args.apiServer);
        this.registerOutputs({ providerYaml: this.providerYaml, context: this.context, token: this.token });
    }
}
