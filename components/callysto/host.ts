import * as openstack from "@pulumi/openstack";
import * as pulumi from "@pulumi/pulumi";
import { OpenStackContext } from "../config/system";
import { statefulOptions } from "../shared/protect";
import { SystemArgs, SystemPart } from "../config/systemComponent";
import { CallystoSection } from "./config";
import { ResolvedHost, absolute, bareIpv6, cloudInit } from "./hosts";

/** A role's security group: its id, and the part that holds its rules. */
export interface RoleGroup {
    id: pulumi.Output<string>;
    /** An adopted port switches to the group only once its ssh rules exist. */
    rules: pulumi.Resource;
}

export interface HostArgs extends SystemArgs<CallystoSection, OpenStackContext> {
    /** The host with defaults applied (see `resolveHosts`). */
    host: ResolvedHost;
    /** Id of the newest image of the host's image name; later images are ignored once the instance exists. */
    imageId: pulumi.Input<string>;
    networkId: pulumi.Input<string>;
    keyPair: pulumi.Input<string>;
    group: RoleGroup;
    /** Designate zone of the host's A and AAAA records (written only where dns.zone is ours). */
    zoneId: pulumi.Input<string>;
}

/** The machine itself, adopted or created: its address (the floating IP's) and its IPv6 address. */
interface Machine {
    address: pulumi.Output<string>;
    ipv6: pulumi.Output<string>;
}

/**
 * One Callysto machine: a port on its network, the instance (booted from the newest image at creation and never
 * replaced for a newer one), a floating IP (allocated or an existing address associated), its volumes (created or
 * existing, attached in order) and the A (floating IP) and AAAA (instance IPv6) records of its name.
 */
export class Host extends SystemPart<CallystoSection, OpenStackContext> {
    public readonly host: ResolvedHost;
    public readonly fqdn: string;
    /** The public IPv4 address (the floating IP): the A record and Ansible's `ansible_host`. */
    public readonly address: pulumi.Output<string>;
    public readonly ipv6: pulumi.Output<string>;
    public readonly volumeIds: pulumi.Output<string>[];

    constructor(name: string, args: HostArgs, opts?: pulumi.ComponentResourceOptions) {
        super("runbooks:callysto:Host", name, args, opts);
        this.host = args.host;
        this.fqdn = args.host.fqdn;
        const floatingAddress = this.floatingIp();
        this.volumeIds = this.volumes();
        const machine = args.host.adopt
            ? this.adoptedInstance(args.host.adopt, floatingAddress, args.group)
            : this.createdInstance(args, floatingAddress);
        this.address = machine.address;
        this.ipv6 = machine.ipv6;
        this.records(args.zoneId);
        this.registerOutputs({
            fqdn: this.fqdn,
            address: this.address,
            ipv6: this.ipv6,
            volumeIds: this.volumeIds,
        });
    }

    /** Options of an object holding data or an address: protected and retained where the tier says so. */
    private keep(): pulumi.CustomResourceOptions {
        return this.child(statefulOptions(this.context.protectStateful));
    }

    /** Adopted objects hold data or an address others depend on: protected and retained in every tier. */
    private adopted(id: string): pulumi.CustomResourceOptions {
        return this.child({ import: id, ...statefulOptions(true) });
    }

    /** The host's public address: an existing one (adopted when its id is known), or one allocated from the pool. */
    private floatingIp(): pulumi.Input<string> {
        const host = this.host;
        if (!("address" in host.floatingIp)) {
            return new openstack.networking.FloatingIp(
                this.childName("fip"),
                { pool: host.floatingIp.pool, description: host.fqdn },
                this.keep(),
            ).address;
        }
        if (host.floatingIp.id !== undefined) {
            // Only what the address already has, so the import finds nothing to change.
            new openstack.networking.FloatingIp(
                this.childName("fip"),
                { pool: this.config.floatingIpPool, address: host.floatingIp.address },
                this.adopted(host.floatingIp.id),
            );
        }
        return host.floatingIp.address;
    }

    /** The host's volumes, existing ones adopted, new ones created; their ids in attach order. */
    private volumes(): pulumi.Output<string>[] {
        const host = this.host;
        return host.volumes.map((volume) => {
            const role = volumeRole(host.fqdn, volume.name);
            if (volume.existingId !== undefined) {
                new openstack.blockstorage.Volume(
                    this.childName(role),
                    { name: volume.name, size: volume.size },
                    this.adopted(volume.existingId),
                );
                return pulumi.output(volume.existingId);
            }
            return new openstack.blockstorage.Volume(
                this.childName(role),
                { name: volume.name, size: volume.size, description: `${role} of ${host.fqdn}` },
                this.keep(),
            ).id;
        });
    }

    /**
     * The running instance adopted as Terraform had it: Pulumi owns its lifecycle from the first `up`, protected and
     * retained in every tier like the volumes it holds. Its port, volume attachments and address association stay
     * Terraform's: nothing here may replace, detach or re-associate them (only the port's security groups change).
     */
    private adoptedInstance(
        adopt: NonNullable<ResolvedHost["adopt"]>,
        floatingAddress: pulumi.Input<string>,
        group: RoleGroup,
    ): Machine {
        const host = this.host;
        const instance = new openstack.compute.Instance(
            this.childName("instance"),
            // Only what the runbook and this stack know for sure; a mismatch makes the import stop, unchanged.
            { name: host.fqdn, flavorName: host.flavor },
            this.child({
                import: adopt.instanceId,
                ...statefulOptions(true),
                ignoreChanges: ADOPTED_INSTANCE_IGNORED,
            }),
        );
        // Terraform's groups opened ssh to the whole internet, and the instance ignores its securityGroups (an import
        // must find nothing to change): the port gets exactly the role's group instead, whose ssh rules are
        // sshSources. Retained on delete, because removing an enforced association would strip the port of every
        // group.
        new openstack.networking.PortSecGroupAssociate(
            this.childName("port-secgroups"),
            { portId: adopt.portId, securityGroupIds: [group.id], enforce: true },
            // order: only once the group's ssh rules exist, so ssh from the operators never lapses.
            this.child({ retainOnDelete: true, dependsOn: [group.rules] }),
        );
        return { address: pulumi.output(floatingAddress), ipv6: instance.accessIpV6.apply(bareIpv6) };
    }

    /** A new instance on its own port, its address associated and its volumes attached one after the other. */
    private createdInstance(args: HostArgs, floatingAddress: pulumi.Input<string>): Machine {
        const host = this.host;
        const port = new openstack.networking.Port(
            this.childName("port"),
            {
                name: host.fqdn,
                networkId: args.networkId,
                adminStateUp: true,
                securityGroupIds: [args.group.id],
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
                // cloud-init user data (the default user); changing it replaces the instance.
                userData: cloudInit(host, this.config.defaultUser),
                networks: [{ port: port.id }],
                metadata: { role: host.role, environment: this.config.environment, managed_by: "pulumi" },
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
            previous = new openstack.compute.VolumeAttach(
                this.childName(`${volumeRole(host.fqdn, volume.name)}-attach`),
                { instanceId: instance.id, volumeId: this.volumeIds[i] },
                // order: one after the other, as Terraform did, so the guest sees the disks in a predictable order.
                this.child({ dependsOn: previous ? [previous] : [] }),
            );
        });
        return { address: association.floatingIp, ipv6: instance.accessIpV6.apply(bareIpv6) };
    }

    /** The host's A and AAAA records, where the zone is ours (dns.zone). */
    private records(zoneId: pulumi.Input<string>): void {
        if (this.config.dns.zone !== "ours") return;
        const record = { zoneId, name: absolute(this.fqdn), ttl: this.config.dns.recordTtl };
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
