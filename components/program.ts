import * as openstack from "@pulumi/openstack";
import * as pulumi from "@pulumi/pulumi";
import { LoadOptions, ProgramConfig, loadProgramConfig } from "./config/load";
import { ConfigSource, pulumiConfigSource } from "./config/source";
import { SystemDefinition } from "./config/system";
import { ClusterContext, clusterContext } from "./shared/cluster";
import { SYSTEMS } from "./systems";

/** Creates the OpenStack provider from the `openstack` section; credentials only as secrets. */
function openstackProvider(config: ProgramConfig): openstack.Provider {
    const os = config.openstack!;
    return new openstack.Provider("openstack", {
        authUrl: os.authUrl,
        region: os.region,
        tenantName: os.projectName,
        projectDomainName: os.projectDomainName,
        userDomainName: os.userDomainName,
        ...(os.applicationCredentialId
            ? {
                  applicationCredentialId: os.applicationCredentialId,
                  applicationCredentialSecret: config.secrets.require(
                      "openstack-application-credential-secret",
                  ),
              }
            : { userName: os.userName, password: config.secrets.require("openstack-password") }),
        // Authenticate on first use, so previews of unchanged resources need no round trip to Keystone.
        delayedAuth: true,
    });
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
    const config = loadProgramConfig(source, systems, options);
    const clusters = new Map<string, ClusterContext>();
    const clusterFor = (name: string): ClusterContext => {
        let ctx = clusters.get(name);
        if (!ctx) {
            const c = config.clusters[name];
            ctx = clusterContext({
                name,
                platform: c.platform,
                context: c.context,
                adoptExisting: c.adoptExisting,
                skipIngressAwait: c.skipIngressAwait,
                production: config.tier === "production",
                kubeconfig: config.secrets.require(`kubeconfig-${name}`),
            });
            clusters.set(name, ctx);
        }
        return ctx;
    };
    let osProvider: openstack.Provider | undefined;
    const outputs: Record<string, pulumi.Input<unknown>> = {};
    for (const def of config.enabled) {
        const section = config.sections[def.section];
        if (def.target === "openstack") {
            osProvider ??= openstackProvider(config);
        }
        outputs[def.section] = def.deploy(section, {
            tier: config.tier,
            protectStateful: config.tier === "production",
            cluster: def.target === "kubernetes" ? clusterFor(section.cluster!) : undefined,
            openstack: def.target === "openstack" ? osProvider : undefined,
            secrets: config.secrets,
        });
    }
    return outputs;
}
