import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { Platform } from "./platform";

/** A Kubernetes cluster a system deploys to: the provider every child must use, and its platform. */
export interface ClusterContext {
    /** The cluster's key in the `clusters` config section. */
    name: string;
    /** `openshift` gets Routes and ImageStreams, `kubernetes` gets Ingresses and plain image references. */
    platform: Platform;
    provider: k8s.Provider;
    /** Ingresses on this cluster are not awaited (its controller publishes no load-balancer status). */
    skipIngressAwait: boolean;
    /**
     * The stack is production: every namespace the program creates here is protected and retained, because
     * deleting a namespace deletes every claim inside it, retained or not (the namespace controller does it).
     */
    production: boolean;
    /**
     * Cluster-scoped objects (`Kind` or `Kind/name`) this stack may own here (`runbooks:clusters.<name>.clusterScoped`),
     * each with the system it is granted to. Validation refuses a configuration that creates others; components
     * ask {@link ownsClusterScoped} before creating one, so no code path creates what the cluster setup provides.
     */
    clusterScoped?: Readonly<Record<string, string>>;
    /**
     * This `up` takes over the objects that exist (`clusters.<name>.adoptExisting`): what another writer owns after
     * creation (a seeded document) is applied without its content, so the live one is kept.
     */
    adoptExisting?: boolean;
}

/** Whether the stack may create a cluster-scoped object here for a system. */
export function ownsClusterScoped(
    cluster: ClusterContext,
    system: string,
    kind: string,
    name: string,
): boolean {
    return Object.entries(cluster.clusterScoped ?? {}).some(
        ([grant, s]) => s === system && (grant === kind || grant === `${kind}/${name}`),
    );
}

export interface ClusterProviderArgs {
    name: string;
    platform: Platform;
    kubeconfig: pulumi.Input<string>;
    /** kubeconfig context to use; the file's current context when unset. */
    context?: string;
    /** Update objects that already exist instead of failing (first deploy over hand-made objects only). */
    adoptExisting?: boolean;
    skipIngressAwait?: boolean;
    /** See {@link ClusterContext.production}. */
    production?: boolean;
    /** See {@link ClusterContext.clusterScoped}. */
    clusterScoped?: Readonly<Record<string, string>>;
}

/**
 * A cluster with the one explicit provider every child uses. Never rely on the ambient kubeconfig: a deploy must not
 * hit the wrong cluster.
 */
export class KubernetesCluster implements ClusterContext {
    public readonly name: string;
    public readonly platform: Platform;
    public readonly provider: k8s.Provider;
    public readonly skipIngressAwait: boolean;
    public readonly production: boolean;
    public readonly clusterScoped: Readonly<Record<string, string>>;
    public readonly adoptExisting: boolean;

    constructor(args: ClusterProviderArgs, opts?: pulumi.CustomResourceOptions) {
        if (args.adoptExisting) {
            // Printed on every run while it is on: upsert also turns a rename into "create the new name, delete the
            // old one" on an object that already existed, which is only wanted for the one deploy that takes over a
            // cluster.
            void pulumi.log.warn(
                `clusters.${args.name}.adoptExisting is on: existing objects on cluster "${args.name}" are taken over ` +
                    `instead of failing with AlreadyExists, their fields forced over the managers that hold them today. Switch ` +
                    `it off after the first successful deploy ` +
                    `(pulumi config set --stack ${pulumi.getStack()} --path clusters.${args.name}.adoptExisting false).`,
            );
        }
        this.provider = new k8s.Provider(
            `cluster-${args.name}`,
            {
                kubeconfig: pulumi.secret(args.kubeconfig),
                context: args.context,
                enableServerSideApply: true,
                // A changed ConfigMap or Secret is updated in place: pods roll through the checksum of what they read
                // (./workload.ts). Replaced, a fixed name is deleted first, and with it every workload whose spec
                // reads its outputs (the engine's dependent replace): the Deployments are gone until re-created.
                enableConfigMapMutable: true,
                enableSecretMutable: true,
                // The adoption run takes over the fields today's managers (kubectl, oc, Argo CD) hold: forced, as
                // the migration report's dry run applies (tools/adopt/kube.ts), so the up does what the report showed.
                // Unforced, the first up stops on the first field another manager holds with another value (measured
                // on e2e/firstDeploy.e2e.ts: ImageStream spec.tags) and leaves a half-made stack.
                ...(args.adoptExisting ? { upsertExistingObjects: true, enablePatchForce: true } : {}),
            },
            opts,
        );
        this.name = args.name;
        this.platform = args.platform;
        this.skipIngressAwait = args.skipIngressAwait ?? false;
        this.production = args.production ?? false;
        this.clusterScoped = args.clusterScoped ?? {};
        this.adoptExisting = args.adoptExisting ?? false;
    }
}
