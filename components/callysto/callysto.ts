import * as openstack from "@pulumi/openstack";
import * as pulumi from "@pulumi/pulumi";
import { OpenStackContext } from "../config/system";
import { RunbookComponent } from "../shared/component";
import { statefulOptions } from "../shared/protect";
import { WildcardCertificate } from "./certificates";
import { CallystoConfig } from "./config";
import { Host } from "./host";
import { absolute, cloudInit, resolveHosts } from "./hosts";
import { inventoryName } from "./inventory";
import { ProvisionedHost, Provisioning, inventoryHost } from "./provisioning";
import { UserQuotas } from "./quotas";
import { SecurityProfile } from "./securityRules";
import { SecurityGroups } from "./securityGroups";
import { DESIGNATE_OPENRC, SSH_PRIVATE_KEY } from "./secrets";

/** Arguments of {@link CallystoEnvironment}. */
export interface CallystoEnvironmentArgs {
    /** The validated `runbooks:callysto` section. */
    config: CallystoConfig;
    /**
     * What the program decided: the OpenStack provider every resource and lookup uses, the secrets (the keypair's
     * private key for Ansible, the openrc of the certbot DNS hook) and whether the zone (when owned), new volumes
     * and new floating IPs are protected and retained.
     */
    context: OpenStackContext;
    /** Current renewal-check window of the certificate (see `renewalWindow`). */
    renewalWindow: string;
}

/** What operators look up after a run: addresses per host, the zone, the inventory. */
export interface HostAddresses {
    address: pulumi.Output<string>;
    ipv6: pulumi.Output<string>;
}

/**
 * A Callysto environment on OpenStack (terraform/<env> + ansible + letsencrypt of callysto/infrastructure): keypair,
 * security groups per role, the DNS zone or records in an external one, every host and the workstation, the
 * wildcard certificate, Ansible provisioning and users' ZFS quotas.
 */
export class CallystoEnvironment extends RunbookComponent {
    public readonly zoneId: pulumi.Output<string>;
    /** FQDN → addresses. */
    public readonly hosts: Record<string, HostAddresses> = {};
    public readonly inventory?: pulumi.Output<string>;
    public readonly certificateDir?: string;

    constructor(name: string, args: CallystoEnvironmentArgs, opts?: pulumi.ComponentResourceOptions) {
        super("runbooks:callysto:Environment", name, opts, args.context.openstack);
        const cfg = args.config;
        const { openstack: provider, protectStateful, secrets } = args.context;
        // Lookups are not children, but ask the same provider.
        const lookup = { parent: this, provider };

        const keypair = new openstack.compute.Keypair(
            this.childName("keypair"),
            { name: cfg.keypair.name, publicKey: cfg.keypair.publicKey },
            // A keypair's id is its name; the import fails unless the public key is the one it holds.
            this.child(cfg.keypair.adopt ? { import: cfg.keypair.name } : {}),
        );

        const createZone = cfg.dns.createZone;
        let zoneId: pulumi.Output<string>;
        if (createZone) {
            const importId = createZone.importId;
            zoneId = new openstack.dns.Zone(
                this.childName("zone"),
                {
                    name: absolute(cfg.domain),
                    email: createZone.email,
                    ttl: createZone.ttl,
                    type: "PRIMARY",
                    // An adopted zone keeps its own description, so the import finds nothing to change.
                    ...(importId === undefined
                        ? { description: `Callysto ${cfg.environment} (managed by Pulumi)` }
                        : {}),
                },
                this.child(
                    importId === undefined
                        ? statefulOptions(protectStateful)
                        : // Made by hand (runbook 004): protected in every tier, so destroying stage never deletes it.
                          { import: importId, ...statefulOptions(true) },
                ),
            ).id;
        } else {
            zoneId = pulumi.output(cfg.dns.zoneId!);
        }
        this.zoneId = zoneId;

        const hosts = resolveHosts(cfg);
        const profiles: SecurityProfile[] = hosts.map((h) => h.role);
        if (cfg.packerSecurityGroup) profiles.push("packer");
        const groups = new SecurityGroups(
            this.childName("secgroups"),
            { environment: cfg.environment, profiles, sshSources: cfg.sshSources, provider },
            this.child(),
        );

        // One lookup per name: hosts sharing an image boot from the same (newest at lookup) image.
        const images = new Map<string, pulumi.Output<string>>();
        const imageId = (image: string) => {
            const pinned = cfg.pinnedIds.images[image];
            if (pinned) return pulumi.output(pinned);
            if (!images.has(image)) {
                images.set(
                    image,
                    openstack.images.getImageOutput({ name: image, mostRecent: true }, lookup).id,
                );
            }
            return images.get(image)!;
        };
        const networks = new Map<string, pulumi.Output<string>>();
        const networkId = (network: string) => {
            const pinned = cfg.pinnedIds.networks[network];
            if (pinned) return pulumi.output(pinned);
            if (!networks.has(network)) {
                networks.set(network, openstack.networking.getNetworkOutput({ name: network }, lookup).id);
            }
            return networks.get(network)!;
        };

        const created: ProvisionedHost[] = hosts.map((host) => {
            const machine = new Host(
                this.childName(host.name),
                {
                    host,
                    imageId: imageId(host.image),
                    networkId: networkId(host.network),
                    keyPair: keypair.name,
                    securityGroupId: groups.ids[host.role]!,
                    userData: cloudInit(host, cfg.defaultUser),
                    zoneId,
                    recordTtl: cfg.dns.recordTtl,
                    records: cfg.dns.records,
                    floatingIpPool: cfg.floatingIpPool,
                    environment: cfg.environment,
                    protectStateful,
                    provider,
                },
                this.child(),
            );
            this.hosts[host.fqdn] = { address: machine.address, ipv6: machine.ipv6 };
            return { host, address: machine.address, volumeIds: machine.volumeIds, dependsOn: [machine] };
        });

        let certificate: WildcardCertificate | undefined;
        const certs = cfg.certificates;
        if (certs?.enabled) {
            certificate = new WildcardCertificate(
                this.childName("certificate"),
                {
                    domain: cfg.domain,
                    zoneId,
                    email: certs.email,
                    directory: certs.directory,
                    renewBeforeDays: certs.renewBeforeDays,
                    window: args.renewalWindow,
                    acmeServer: certs.acmeServer,
                    propagationSeconds: certs.propagationSeconds,
                    designateOpenrc: secrets.require(DESIGNATE_OPENRC),
                },
                this.child(),
            );
            this.certificateDir = certificate.directory;
        }

        const prov = cfg.provisioning;
        if (prov?.enabled) {
            const sshPrivateKey = secrets.require(SSH_PRIVATE_KEY);
            const inventory = { environment: cfg.environment, user: cfg.defaultUser };
            const provisioning = new Provisioning(
                this.childName("provisioning"),
                {
                    hosts: created,
                    inventory,
                    config: prov,
                    certificate: certificate && {
                        directory: certificate.directory,
                        generation: certificate.generation,
                        resource: certificate.command,
                    },
                    sshPrivateKey,
                },
                this.child(),
            );
            this.inventory = provisioning.inventory;
            for (const h of created) {
                if (Object.keys(h.host.quotas).length === 0) continue;
                new UserQuotas(
                    this.childName(`${h.host.name}-quotas`),
                    {
                        hub: inventoryHost(h),
                        hubName: inventoryName(h.host),
                        inventory,
                        quotas: h.host.quotas,
                        sshPrivateKey,
                    },
                    // The datasets exist once the hub's playbook has run.
                    this.child({ dependsOn: [provisioning.runs[h.host.name]] }),
                );
            }
        }

        this.registerOutputs({
            zoneId: this.zoneId,
            hosts: this.hosts,
            inventory: this.inventory,
            certificateDir: this.certificateDir,
        });
    }
}
