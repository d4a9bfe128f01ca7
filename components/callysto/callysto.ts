import * as openstack from "@pulumi/openstack";
import * as pulumi from "@pulumi/pulumi";
import { OpenStackContext } from "../config/system";
import { RunbookComponent } from "../shared/component";
import { statefulOptions } from "../shared/protect";
import { ProvidedCertificate, WildcardCertificate } from "./certificates";
import { CallystoConfig } from "./config";
import { Host } from "./host";
import { absolute, cloudInit, resolveHosts } from "./hosts";
import { inventoryName } from "./inventory";
import { ProvisionedHost, Provisioning, inventoryHost } from "./provisioning";
import { QuotaSource, openstackQuotaSource, quotaGate } from "./projectQuota";
import { UserQuotas } from "./quotas";
import { SecurityProfile } from "./securityRules";
import { SecurityGroups } from "./securityGroups";
import { DESIGNATE_OPENRC, SSH_PRIVATE_KEY } from "./secrets";

/** Arguments of {@link Environment}. */
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
    /** Where the quota check reads the project's quota; OpenStack through the stack's provider when unset. */
    quotaSource?: QuotaSource;
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
export class Environment extends RunbookComponent {
    /** The Designate zone written to; empty where the zone is managed outside. */
    public readonly zoneId: pulumi.Output<string>;
    /** No resources once the stack fits the project's quota; fails the run otherwise (see `quotaGate`). */
    public readonly quotaCheck?: pulumi.Output<pulumi.Resource[]>;
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
        const hosts = resolveHosts(cfg);

        // Every creating child waits for the quota check: a stack that cannot fit creates nothing.
        if (cfg.quotaCheck) {
            this.quotaCheck = quotaGate(hosts, args.quotaSource ?? openstackQuotaSource(lookup));
        }
        const gated = (extra: pulumi.CustomResourceOptions = {}) =>
            this.child(this.quotaCheck ? { ...extra, dependsOn: this.quotaCheck } : extra);

        const keypair = new openstack.compute.Keypair(
            this.childName("keypair"),
            { name: cfg.keypair.name, publicKey: cfg.keypair.publicKey },
            // A keypair's id is its name; the import fails unless the public key is the one it holds.
            gated(cfg.keypair.adopt ? { import: cfg.keypair.name } : {}),
        );

        const createZone = cfg.dns.createZone;
        const zoneOurs = cfg.dns.zone === "ours";
        let zoneId: pulumi.Output<string>;
        if (!zoneOurs) {
            zoneId = pulumi.output("");
        } else if (createZone) {
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
                gated(
                    importId === undefined
                        ? statefulOptions(protectStateful)
                        : // Made by hand (runbook 004): protected in every tier, so destroying stage never deletes it.
                          { import: importId, ...statefulOptions(true) },
                ),
            ).id;
        } else if (cfg.dns.zoneId !== undefined) {
            zoneId = pulumi.output(cfg.dns.zoneId);
        } else {
            // callystoProblems lets no configuration through without exactly one of the two.
            throw new Error(`${name}: dns needs zoneId or createZone`);
        }
        this.zoneId = zoneId;

        const profiles: SecurityProfile[] = hosts.map((h) => h.role);
        if (cfg.packerSecurityGroup) profiles.push("packer");
        const groups = new SecurityGroups(
            this.childName("secgroups"),
            { environment: cfg.environment, profiles, sshSources: cfg.sshSources, provider },
            gated(),
        );

        // One lookup per name: hosts sharing an image boot from the same (newest at lookup) image.
        const images = new Map<string, pulumi.Output<string>>();
        const imageId = (image: string) => {
            const pinned = cfg.pinnedIds.images[image];
            if (pinned) return pulumi.output(pinned);
            let id = images.get(image);
            if (id === undefined) {
                id = openstack.images.getImageOutput({ name: image, mostRecent: true }, lookup).id;
                images.set(image, id);
            }
            return id;
        };
        const networks = new Map<string, pulumi.Output<string>>();
        const networkId = (network: string) => {
            const pinned = cfg.pinnedIds.networks[network];
            if (pinned) return pulumi.output(pinned);
            let id = networks.get(network);
            if (id === undefined) {
                id = openstack.networking.getNetworkOutput({ name: network }, lookup).id;
                networks.set(network, id);
            }
            return id;
        };

        const created: ProvisionedHost[] = hosts.map((host) => {
            const machine = new Host(
                this.childName(host.name),
                {
                    host,
                    imageId: imageId(host.image),
                    networkId: networkId(host.network),
                    keyPair: keypair.name,
                    securityGroupId: groups.idOf(host.role),
                    securityRules: groups,
                    userData: cloudInit(host, cfg.defaultUser),
                    zoneId,
                    recordTtl: cfg.dns.recordTtl,
                    records: zoneOurs,
                    floatingIpPool: cfg.floatingIpPool,
                    environment: cfg.environment,
                    protectStateful,
                    provider,
                },
                gated(),
            );
            this.hosts[host.fqdn] = { address: machine.address, ipv6: machine.ipv6 };
            return { host, address: machine.address, volumeIds: machine.volumeIds, dependsOn: [machine] };
        });

        let certificate: WildcardCertificate | ProvidedCertificate | undefined;
        const certs = cfg.certificates;
        if (certs?.enabled && certs.obtainedBy === "designate") {
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
                // Its challenge writes a TXT record: nothing is written before the quota check passes either.
                gated(),
            );
        } else if (certs?.enabled) {
            certificate = new ProvidedCertificate(
                this.childName("certificate"),
                {
                    domain: cfg.domain,
                    environment: cfg.environment,
                    directory: certs.directory,
                    renewBeforeDays: certs.renewBeforeDays,
                    window: args.renewalWindow,
                },
                gated(),
            );
        }
        this.certificateDir = certificate?.directory;

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
                    // The datasets exist once the hub's playbook has run (an unprovisioned adopted hub has them).
                    this.child({ dependsOn: [provisioning.runs[h.host.name] ?? h.dependsOn].flat() }),
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
