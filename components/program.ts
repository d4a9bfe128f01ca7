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
import { ConfigError, ConfigProblem, PROJECT, fullKey } from "./config/problems";

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
    deployed: ReadDeployed = readDeployed,
): Promise<Record<string, pulumi.Input<unknown>>> {
    const config = loadProgramConfig(source, systems, { committed: gitCommittedFiles(root), root });
    const used = [
        ...new Set(
            config.deployments.flatMap((d) =>
                d.live && d.target.kind === "kubernetes" ? [d.target.cluster] : [],
            ),
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
    const refused = stagedButDeployed(config, await deployed(source.stack));
    if (refused.length > 0) throw new ConfigError(refused, source.stack);
    return deployProgram(config, "live");
}

/**
 * Deploys a configuration that {@link loadProgramConfig} has validated: providers, then every enabled system
 * (`planned`: what the offline plan records, staged systems included) or only the live ones (`live`: what
 * `pulumi up` registers; a staged system registers nothing).
 */
export function deployProgram(
    config: ProgramConfig,
    scope: "planned" | "live" = "planned",
): Record<string, pulumi.Input<unknown>> {
    const deploying = config.deployments.filter((d) => scope === "planned" || d.live);
    // Every preview and update shows them where the operator reads the diff (a PR's preview comment included).
    // Without an engine (the offline plan, which prints them in its summary, and tests) they would only be noise.
    if (pulumi.runtime.hasEngine()) {
        const shown = new Set(deploying.map((d) => d.def.section));
        for (const notice of config.notices.filter((n) => n.system === "clusters" || shown.has(n.system)))
            void pulumi.log.warn(noticeLine(notice));
        for (const line of todoLines(config)) void pulumi.log.warn(line);
    }
    const outputs: Record<string, pulumi.Input<unknown>> = {};
    const clusters = new Map<string, ClusterContext>();
    const contexts = deploymentContexts(config, clusters);
    for (const deployment of deploying) {
        outputs[deployment.def.section] = deployment.def.deploy(deployment.section, contexts(deployment));
    }
    // What this run deploys, read back by the next one ({@link readDeployed}): a live system never silently goes.
    outputs[LIVE_SYSTEMS_OUTPUT] = config.deployments.filter((d) => d.live).map((d) => d.def.section);
    // Last: a policy admits the pods that reach a Service, so every system's pods must be known first.
    for (const cluster of clusters.values()) {
        const { ingressNamespace, clusterNetworks } = config.clusters[cluster.name];
        writeNetworkPolicies(cluster, ingressNamespace, clusterNetworks);
    }
    return outputs;
}

/** The stack output listing the systems the last `pulumi up` deployed (every live system's config section). */
export const LIVE_SYSTEMS_OUTPUT = "liveSystems";

/**
 * The systems the stack's last completed `pulumi up` deployed: its {@link LIVE_SYSTEMS_OUTPUT} output, and (for a stack
 * last updated before that output existed) every system whose section names an output of its own. Read through a
 * `pulumi.StackReference` to the stack itself, which reads the backend's last checkpoint: the one record of what is
 * deployed the program can ask, during a preview as during an update. Undefined on a stack never updated.
 */
export type ReadDeployed = (stack: string | undefined) => Promise<string[] | undefined>;

export const readDeployed: ReadDeployed = async (stack) => {
    if (stack === undefined) return undefined;
    const self = new pulumi.StackReference(`${pulumi.getOrganization()}/${pulumi.getProject()}/${stack}`, {
        name: `${pulumi.getOrganization()}/${pulumi.getProject()}/${stack}`,
    });
    const listed = (await self.getOutputDetails(LIVE_SYSTEMS_OUTPUT)).value as unknown;
    if (Array.isArray(listed)) return listed.filter((s): s is string => typeof s === "string");
    const sections = await Promise.all(
        SYSTEMS.map(async (s) =>
            (await self.getOutputDetails(s.section)).value !== undefined ? s.section : "",
        ),
    );
    const found = sections.filter((s) => s !== "");
    return found.length > 0 ? found : undefined;
};

/**
 * A system the last `pulumi up` deployed that the stack file now stages: that `up` would delete it, so it is refused,
 * one problem per system at its `status` key. Switching a system off (`enabled: false`) is the one way to remove it.
 */
export function stagedButDeployed(
    config: ProgramConfig,
    deployed: readonly string[] | undefined,
): ConfigProblem[] {
    return config.staged
        .filter((section) => deployed?.includes(section))
        .map((section) => ({
            key: fullKey(`${section}.status`),
            message: `is staged, but this system is deployed (the stack output ${LIVE_SYSTEMS_OUTPUT} of the last update lists it): a staged system registers nothing, so this update would delete what it runs. Set it back to live; removing a system is enabled: false, never staged`,
        }));
}

/** One warning per staged system: it deploys nothing, and what it needs before it can go live (keys, no values). */
export function todoLines(config: Pick<ProgramConfig, "staged" | "todo">): string[] {
    const lines = config.staged.map((section) => {
        const own = config.todo.filter((p) => todoOwner(p.key) === section);
        const list =
            own.length > 0 ? `; its to-do before it goes live: ${own.map((p) => p.key).join(", ")}` : "";
        return `STAGED ${fullKey(section)}: planned and checked, not deployed by this pulumi up${list}`;
    });
    const shared = config.todo.filter((p) => todoOwner(p.key) === undefined);
    if (shared.length > 0)
        lines.push(
            `STAGED systems' clusters and providers, to set before one goes live: ${shared.map((p) => p.key).join(", ")}`,
        );
    return lines;
}

/**
 * The staged system a to-do item belongs to: its section (`runbooks:dials.databaseServer`), the system its secret is
 * named after (`runbooks:dials-oidc-client-secret`), or the cluster's (`kubeconfig-<cluster>`, `clusters.<c>`).
 */
function todoOwner(key: string): string | undefined {
    const bare = key.slice(`${PROJECT}:`.length);
    const section = SYSTEMS.map((s) => s.section)
        .sort((a, b) => b.length - a.length)
        .find((s) => bare === s || bare.startsWith(`${s}.`) || bare.startsWith(`${s}-`));
    return section;
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
