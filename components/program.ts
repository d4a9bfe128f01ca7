import * as openstack from "@pulumi/openstack";
import * as pulumi from "@pulumi/pulumi";
import { Deployment, ProgramConfig, loadProgramConfig } from "./config/load";
import { LoadOptions } from "./config/loadOptions";
import { ConfigSource, engineProjectRoot, pulumiConfigSource } from "./config/source";
import { OpenstackConfig } from "./config/program";
import { noticeLine } from "./config/notices";
import { KubernetesContext, OpenStackContext, SecretStore, SystemContext } from "./config/system";
import { SystemDefinition } from "./config/systemDefinition";
import { ClusterContext, KubernetesCluster } from "./shared/cluster";
import { ReadLiveIdentity, readLiveIdentity, verifyClusterIdentities } from "./config/clusterProbe";
import { gitCommittedFiles } from "./config/committedFiles";
import { otherStacks } from "./config/stacks";
import { kubeconfigSecret } from "./config/passes/secrets";
import { writeNetworkPolicies } from "./shared/networkPolicies";
import { SYSTEMS } from "./systems";

/** The OpenStack provider of the `openstack` section; credentials only as secrets. */
class OpenstackProvider extends openstack.Provider {
    constructor(os: OpenstackConfig, secrets: SecretStore) {
        super("openstack", {
            authUrl: os.authUrl,
            region: os.region,
            tenantName: os.projectName,
            projectDomainName: os.projectDomainName,
            userDomainName: os.userDomainName,
            ...(os.applicationCredentialId
                ? {
                      applicationCredentialId: os.applicationCredentialId,
                      applicationCredentialSecret: secrets.require("openstack-application-credential-secret"),
                  }
                : { userName: os.userName, password: secrets.require("openstack-password") }),
            // Authenticate on first use, so previews of unchanged resources need no round trip to Keystone.
            delayedAuth: true,
        });
    }
}

/**
 * The whole program: validate all config first (nothing is registered if anything is wrong), then one provider
 * per cluster in use, then every enabled system. Returns the stack outputs, one object per system.
 */
export function runProgram(
    source: ConfigSource = pulumiConfigSource(),
    systems: readonly SystemDefinition[] = SYSTEMS,
    options: LoadOptions = {},
): Record<string, pulumi.Input<unknown>> {
    return deployProgram(loadProgramConfig(source, systems, options));
}

/**
 * The program as the engine runs it (`pulumi preview`, `up`): what {@link runProgram} does, and before any resource is
 * registered, the checks only a run that writes makes: production is the committed Pulumi.prod.yaml (git at HEAD),
 * and every cluster's credential reaches the cluster its stack file pins (a read-only probe of the live cluster). A
 * mismatch rejects before anything is created. The offline plan and the tests evaluate {@link deployProgram} instead.
 */
export async function runProgramOnEngine(
    source: ConfigSource = pulumiConfigSource(),
    systems: readonly SystemDefinition[] = SYSTEMS,
    read: ReadLiveIdentity = readLiveIdentity,
    root = engineProjectRoot(),
): Promise<Record<string, pulumi.Input<unknown>>> {
    const config = loadProgramConfig(source, systems, { committed: gitCommittedFiles(root), root });
    const used = [
        ...new Set(
            config.deployments.flatMap((d) => (d.target.kind === "kubernetes" ? [d.target.cluster] : [])),
        ),
    ].sort();
    await verifyClusterIdentities(
        {
            stack: source.stack,
            clusters: config.clusters,
            used,
            marks: config.clusterMarks,
            kubeconfig: (cluster) => {
                const key = kubeconfigSecret(cluster).key;
                const text = source.isSecret(key) ? source.getValue(key) : undefined;
                return typeof text === "string" ? text : undefined;
            },
            otherStacks: () => otherStacks(source.stack ?? "", root),
        },
        read,
    );
    return deployProgram(config);
}

/** Deploys a configuration that {@link loadProgramConfig} has validated: providers, then every enabled system. */
export function deployProgram(config: ProgramConfig): Record<string, pulumi.Input<unknown>> {
    // Every preview and update shows them where the operator reads the diff (a PR's preview comment included).
    // Without an engine (the offline plan, which prints them in its summary, and tests) they would only be noise.
    if (pulumi.runtime.hasEngine()) {
        for (const notice of config.notices) void pulumi.log.warn(noticeLine(notice));
    }
    const outputs: Record<string, pulumi.Input<unknown>> = {};
    const clusters = new Map<string, ClusterContext>();
    const contexts = deploymentContexts(config, clusters);
    for (const deployment of config.deployments) {
        outputs[deployment.def.section] = deployment.def.deploy(deployment.section, contexts(deployment));
    }
    // Last: a policy admits the pods that reach a Service, so every system's pods must be known first.
    for (const cluster of clusters.values()) {
        const { ingressNamespace, clusterNetworks } = config.clusters[cluster.name];
        writeNetworkPolicies(cluster, ingressNamespace, clusterNetworks);
    }
    return outputs;
}

/**
 * The context each deployment of `config` is deployed with: one provider per cluster in use, made where the first
 * system on it asks for it, and the program's one OpenStack provider. Also what a test of one part of a system
 * builds that part with (test/fixtures/part.ts), so a part sees exactly the context the program gives it.
 */
export function deploymentContexts(
    config: ProgramConfig,
    /** Filled with each cluster's context as it is made (the program writes each one's NetworkPolicies last). */
    clusters = new Map<string, ClusterContext>(),
): (deployment: Deployment) => KubernetesContext | OpenStackContext {
    let osProvider: openstack.Provider | undefined;
    const base: SystemContext = {
        tier: config.tier,
        protectStateful: config.production,
        secrets: config.secrets,
    };
    return ({ target }) => {
        if (target.kind === "openstack") {
            osProvider ??= new OpenstackProvider(target.openstack, config.secrets);
            return { ...base, openstack: osProvider };
        }
        const c = config.clusters[target.cluster];
        const cluster =
            clusters.get(target.cluster) ??
            new KubernetesCluster({
                name: target.cluster,
                platform: c.platform,
                context: c.context,
                adoptExisting: c.adoptExisting,
                skipIngressAwait: c.skipIngressAwait,
                production: config.production,
                clusterScoped: c.clusterScoped,
                kubeconfig: config.secrets.require(`kubeconfig-${target.cluster}`),
            });
        clusters.set(target.cluster, cluster);
        return { ...base, cluster };
    };
}
