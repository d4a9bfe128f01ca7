import * as openstack from "@pulumi/openstack";
import * as pulumi from "@pulumi/pulumi";
import { RunbookComponent } from "../shared/component";
import { statefulOptions } from "../shared/protect";
import { ResolvedHost, absolute, bareIpv6 } from "./hosts";

/** Arguments of {@link Host}. */
export interface HostArgs {
    /** The host with defaults applied (see `resolveHosts`). */
    host: ResolvedHost;
    /** Id of the newest image of the host's image name; later images are ignored once the instance exists. */
    imageId: pulumi.Input<string>;
    networkId: pulumi.Input<string>;
    keyPair: pulumi.Input<string>;
    securityGroupId: pulumi.Input<string>;
    /** What holds the group's rules: an adopted port switches to the group only once its ssh rules exist. */
    securityRules: pulumi.Resource;
    /** cloud-init user data (the default user); changing it replaces the instance. */
    userData: string;
    /** Designate zone of the host's A and AAAA records. */
    zoneId: pulumi.Input<string>;
    recordTtl: number;
    /** Write the host's A and AAAA records: the zone is ours (dns.zone). */
    records: boolean;
    /** Pool of an adopted floating IP (its import must match what it has). */
    floatingIpPool: string;
    /** `dev` or `prod`, kept in the instance metadata. */
    environment: string;
    /** Production: new volumes and floating IPs are protected and retained on delete. */
    protectStateful: boolean;
    provider: openstack.Provider;
}

/**
 * One Callysto machine: a port on its network, the instance (booted from the newest image at creation and never
 * replaced for a newer one), a floating IP (allocated or an existing address associated), its volumes (created or
 * existing, attached in order) and the A (floating IP) and AAAA (instance IPv6) records of its name.
 */
export class Host extends RunbookComponent {
    public readonly fqdn: string;
    public readonly instanceId: pulumi.Output<string>;
    /** The public IPv4 address (the floating IP): the A record and Ansible's `ansible_host`. */
    public readonly address: pulumi.Output<string>;
    public readonly ipv6: pulumi.Output<string>;
    /** Ids of the attached volumes, in attach order. */
    public readonly volumeIds: pulumi.Output<string>[];

    constructor(name: string, args: HostArgs, opts?: pulumi.ComponentResourceOptions) {
        super("runbooks:callysto:Host", name, opts, args.provider);
        const host = args.host;
        const keep = this.child(statefulOptions(args.protectStateful));
        this.fqdn = host.fqdn;

        // Adopted objects hold data or an address others depend on: protected and retained in every tier.
        const adopted = (id: string) => this.child({ import: id, ...statefulOptions(true) });

        let floatingAddress: pulumi.Input<string>;
        if ("address" in host.floatingIp) {
            floatingAddress = host.floatingIp.address;
            if (host.floatingIp.id !== undefined) {
                // Only what the address already has, so the import finds nothing to change.
                new openstack.networking.FloatingIp(
                    this.childName("fip"),
                    { pool: args.floatingIpPool, address: host.floatingIp.address },
                    adopted(host.floatingIp.id),
                );
            }
        } else {
            const fip = new openstack.networking.FloatingIp(
                this.childName("fip"),
                { pool: host.floatingIp.pool, description: host.fqdn },
                keep,
            );
            floatingAddress = fip.address;
        }

        this.volumeIds = host.volumes.map((volume) => {
            if (volume.existingId !== undefined) {
                new openstack.blockstorage.Volume(
                    this.childName(volumeRole(host.fqdn, volume.name)),
                    { name: volume.name, size: volume.size },
                    adopted(volume.existingId),
                );
                return pulumi.output(volume.existingId);
            }
            return new openstack.blockstorage.Volume(
                this.childName(volumeRole(host.fqdn, volume.name)),
                {
                    name: volume.name,
                    size: volume.size,
                    description: `${volumeRole(host.fqdn, volume.name)} of ${host.fqdn}`,
                },
                keep,
            ).id;
        });

        if (host.adoptInstanceId !== undefined) {
            // The running instance is adopted as Terraform had it: Pulumi owns its lifecycle from the first `up`,
            // protected and retained in every tier like the volumes it holds. Its port, volume attachments and
            // address association stay Terraform's: nothing here may replace, detach or re-associate them (only the
            // port's security groups change, below).
            const instance = new openstack.compute.Instance(
                this.childName("instance"),
                // Only what the runbook and this stack know for sure; a mismatch makes the import stop, unchanged.
                { name: host.fqdn, flavorName: host.flavor },
                this.child({
                    import: host.adoptInstanceId,
                    ...statefulOptions(true),
                    ignoreChanges: ADOPTED_INSTANCE_IGNORED,
                }),
            );
            if (host.adoptPortId === undefined) throw new Error(`${name}: an adopted host needs its port id`);
            // Terraform's groups opened ssh to the whole internet, and the instance ignores its securityGroups (an
            // import must find nothing to change): the port gets exactly the role's group instead, whose ssh rules
            // are sshSources. Only after those rules exist, so ssh from the operators never lapses; retained on
            // delete, because removing an enforced association would strip the port of every group.
            new openstack.networking.PortSecGroupAssociate(
                this.childName("port-secgroups"),
                { portId: host.adoptPortId, securityGroupIds: [args.securityGroupId], enforce: true },
                this.child({ retainOnDelete: true, dependsOn: [args.securityRules] }),
            );
            this.instanceId = instance.id;
            this.address = pulumi.output(floatingAddress);
            this.ipv6 = instance.accessIpV6.apply(bareIpv6);
        } else {
            const port = new openstack.networking.Port(
                this.childName("port"),
                {
                    name: host.fqdn,
                    networkId: args.networkId,
                    adminStateUp: true,
                    securityGroupIds: [args.securityGroupId],
                },
                this.child(),
            );
            const instance = new openstack.compute.Instance(
                this.childName("instance"),
                {
                    name: host.fqdn,
                    flavorName: host.flavor,
                    imageId: args.imageId,
                    keyPair: args.keyPair,
                    userData: args.userData,
                    networks: [{ port: port.id }],
                    metadata: { role: host.role, environment: args.environment, managed_by: "pulumi" },
                },
                // A newer image must never replace a running hub: users' servers and state live on it.
                this.child({ ignoreChanges: ["imageId"] }),
            );
            const association = new openstack.networking.FloatingIpAssociate(
                this.childName("fip-associate"),
                { floatingIp: floatingAddress, portId: port.id },
                this.child(),
            );
            let previous: pulumi.Resource | undefined;
            host.volumes.forEach((volume, i) => {
                // One after the other, as Terraform did, so the guest sees the disks in a predictable order.
                previous = new openstack.compute.VolumeAttach(
                    this.childName(`${volumeRole(host.fqdn, volume.name)}-attach`),
                    { instanceId: instance.id, volumeId: this.volumeIds[i] },
                    this.child({ dependsOn: previous ? [previous] : [] }),
                );
            });
            this.address = association.floatingIp;
            this.ipv6 = instance.accessIpV6.apply(bareIpv6);
            this.instanceId = instance.id;
        }

        if (args.records) {
            const record = { zoneId: args.zoneId, name: absolute(host.fqdn), ttl: args.recordTtl };
            new openstack.dns.RecordSet(
                this.childName("a"),
                { ...record, type: "A", records: [this.address] },
                this.child(),
            );
            new openstack.dns.RecordSet(
                this.childName("aaaa"),
                { ...record, type: "AAAA", records: [this.ipv6] },
                this.child(),
            );
        }

        this.registerOutputs({
            fqdn: this.fqdn,
            address: this.address,
            ipv6: this.ipv6,
            volumeIds: this.volumeIds,
        });
    }
}

/**
 * Properties of an adopted instance that Terraform set from values this stack does not have (hub-prod/main.tf and
 * its cloud-init template are not in the runbook), each of which the provider would act on: @pulumi/openstack's
 * Instance docs say a change of keyPair, userData, networks, availabilityZone, blockDevices or configDrive "creates a
 * new server", of imageId/imageName "rebuilds the existing server" (the hub booted an older `callysto-hub` build),
 * and securityGroups and metadata are rewritten in place (Terraform's groups and metadata stay as they are). Ignored,
 * the import takes them from the running instance and no later `up` touches them. name and flavorName are declared:
 * they are known (the lookup command of the id finds the server by that name), and a mismatch stops the import.
 */
export const ADOPTED_INSTANCE_IGNORED = [
    "imageId",
    "imageName",
    "keyPair",
    "userData",
    "networks",
    "securityGroups",
    "metadata",
    "availabilityZone",
    "blockDevices",
    "configDrive",
];

/** `hub.example.org-home-1` of host `hub.example.org` is `home-1`: the Pulumi name suffix of a volume. */
function volumeRole(fqdn: string, volumeName: string): string {
    return volumeName.startsWith(`${fqdn}-`) ? volumeName.slice(fqdn.length + 1) : volumeName;
}
