import * as openstack from "@pulumi/openstack";
import * as pulumi from "@pulumi/pulumi";
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
    /** cloud-init user data (the default user); changing it replaces the instance. */
    userData: string;
    /** Designate zone of the host's A and AAAA records. */
    zoneId: pulumi.Input<string>;
    recordTtl: number;
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
export class Host extends pulumi.ComponentResource {
    public readonly fqdn: string;
    public readonly instanceId: pulumi.Output<string>;
    /** The public IPv4 address (the floating IP): the A record and Ansible's `ansible_host`. */
    public readonly address: pulumi.Output<string>;
    public readonly ipv6: pulumi.Output<string>;
    /** Ids of the attached volumes, in attach order. */
    public readonly volumeIds: pulumi.Output<string>[];

    constructor(name: string, args: HostArgs, opts?: pulumi.ComponentResourceOptions) {
        super("runbooks:callysto:Host", name, {}, opts);
        const host = args.host;
        const options = { parent: this, provider: args.provider };
        const keep = statefulOptions(args.protectStateful);
        this.fqdn = host.fqdn;

        const port = new openstack.networking.Port(
            `${name}-port`,
            {
                name: host.fqdn,
                networkId: args.networkId,
                adminStateUp: true,
                securityGroupIds: [args.securityGroupId],
            },
            options,
        );

        const instance = new openstack.compute.Instance(
            `${name}-instance`,
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
            { ...options, ignoreChanges: ["imageId"] },
        );

        let floatingAddress: pulumi.Input<string>;
        if ("address" in host.floatingIp) {
            floatingAddress = host.floatingIp.address;
        } else {
            const fip = new openstack.networking.FloatingIp(
                `${name}-fip`,
                { pool: host.floatingIp.pool, description: host.fqdn },
                { ...options, ...keep },
            );
            floatingAddress = fip.address;
        }
        const association = new openstack.networking.FloatingIpAssociate(
            `${name}-fip-associate`,
            { floatingIp: floatingAddress, portId: port.id },
            options,
        );

        this.volumeIds = [];
        let previous: pulumi.Resource | undefined;
        for (const volume of host.volumes) {
            const role = volume.name.startsWith(`${host.fqdn}-`)
                ? volume.name.slice(host.fqdn.length + 1)
                : volume.name;
            let volumeId: pulumi.Output<string>;
            if ("existingId" in volume) {
                volumeId = pulumi.output(volume.existingId);
            } else {
                volumeId = new openstack.blockstorage.Volume(
                    `${name}-${role}`,
                    { name: volume.name, size: volume.size, description: `${role} of ${host.fqdn}` },
                    { ...options, ...keep },
                ).id;
            }
            // One after the other, as Terraform did, so the guest sees the disks in a predictable order.
            previous = new openstack.compute.VolumeAttach(
                `${name}-${role}-attach`,
                { instanceId: instance.id, volumeId },
                { ...options, dependsOn: previous ? [previous] : [] },
            );
            this.volumeIds.push(volumeId);
        }

        this.address = association.floatingIp;
        this.ipv6 = instance.accessIpV6.apply(bareIpv6);
        this.instanceId = instance.id;
        const record = { zoneId: args.zoneId, name: absolute(host.fqdn), ttl: args.recordTtl };
        new openstack.dns.RecordSet(`${name}-a`, { ...record, type: "A", records: [this.address] }, options);
        new openstack.dns.RecordSet(
            `${name}-aaaa`,
            { ...record, type: "AAAA", records: [this.ipv6] },
            options,
        );

        this.registerOutputs({
            fqdn: this.fqdn,
            address: this.address,
            ipv6: this.ipv6,
            volumeIds: this.volumeIds,
        });
    }
}
