import { CallystoSection, CheckedHost, HostRole } from "./config";

export type MachineRole = HostRole | "workstation";

/** A volume a host gets attached: created with a size, or an existing one adopted by id (name and size its own). */
export interface VolumeSpec {
    name: string;
    size: number;
    existingId?: string;
}

/** A host with every default applied: what the Host component builds. */
export interface ResolvedHost {
    /** Short name as in config (`hub-dev`); also the Pulumi name prefix of its resources. */
    name: string;
    fqdn: string;
    role: MachineRole;
    flavor: string;
    image: string;
    network: string;
    /** An existing address to associate (adopted when its id is known), or the pool a new one is allocated from. */
    floatingIp: { address: string; id?: string } | { pool: string };
    /**
     * A running instance adopted by id (imported), its attachments and association left as they are, and its port,
     * whose security groups become exactly its role's.
     */
    adopt?: { instanceId: string; portId: string };
    /** Ansible runs on it: every created host; an adopted one only when its adopt.provision asks for it. */
    provision: boolean;
    /** In attach order; for ZFS hosts the two mirror disks. */
    volumes: VolumeSpec[];
    /** True when `volumes` are the ZFS mirror (host vars zfs_disk_1/2). */
    zfs: boolean;
    quotas: Record<string, string>;
}

/** A host's name in the stack's domain: its server, port and DNS record name. */
export function fqdnOf(name: string, domain: string): string {
    return `${name}.${domain}`;
}

/** Designate names are absolute: a trailing dot. */
export function absolute(name: string): string {
    return name.endsWith(".") ? name : `${name}.`;
}

/** A host's volumes in attach order: its existing ZFS volumes, two new ones of its size, or none. */
function hostVolumes(config: CallystoSection, host: CheckedHost, fqdn: string): VolumeSpec[] {
    const existing = host.zfs?.existingVolumes;
    if (existing) return existing.map((v) => ({ name: v.name, size: v.size, existingId: v.id }));
    const zfsSize = host.zfs?.size ?? config.roleDefaults[host.role]?.zfsSize;
    if (zfsSize === undefined) return [];
    // Named as Terraform named them (`%s-zfs-%02d`).
    return [`${fqdn}-zfs-01`, `${fqdn}-zfs-02`].map((name) => ({ name, size: zfsSize }));
}

function resolveHost(config: CallystoSection, host: CheckedHost): ResolvedHost {
    const fqdn = fqdnOf(host.name, config.domain);
    const volumes = hostVolumes(config, host, fqdn);
    return {
        name: host.name,
        fqdn,
        role: host.role,
        flavor: host.flavor,
        image: host.image,
        network: host.network ?? config.network,
        floatingIp: host.floatingIp
            ? { address: host.floatingIp, id: host.floatingIpId }
            : { pool: config.floatingIpPool },
        ...(host.adopt ? { adopt: { instanceId: host.adopt.instanceId, portId: host.adopt.portId } } : {}),
        provision: host.adopt?.provision ?? true,
        volumes,
        zfs: volumes.length > 0,
        quotas: host.quotas ?? {},
    };
}

/** The team workstation, in the terms of every other host; none unless workstation.create says so. */
function workstationHosts(config: CallystoSection): ResolvedHost[] {
    const ws = config.workstation;
    if (!ws?.create) return [];
    const fqdn = fqdnOf(ws.name, config.domain);
    return [
        {
            name: ws.name,
            fqdn,
            role: "workstation",
            flavor: ws.flavor,
            image: ws.image,
            network: ws.network ?? config.network,
            floatingIp: ws.floatingIp ? { address: ws.floatingIp } : { pool: config.floatingIpPool },
            volumes: [
                { name: `${fqdn}-homedir`, size: ws.homeSize },
                { name: `${fqdn}-docker`, size: ws.dockerSize },
            ],
            zfs: false,
            quotas: {},
            provision: true,
        },
    ];
}

/**
 * Applies role defaults and the environment's network and pool to every host of the checked section (whose flavor
 * and image the check chose), and describes the workstation in the same terms, so one component builds both.
 */
export function resolveHosts(config: CallystoSection): ResolvedHost[] {
    return [...config.hosts.map((host) => resolveHost(config, host)), ...workstationHosts(config)];
}

/**
 * cloud-init user data: the default user Ansible logs in as. It must stay stable: Nova replaces an instance
 * whose user data changes.
 */
export function cloudInit(host: Pick<ResolvedHost, "name" | "fqdn">, user: string): string {
    return [
        "#cloud-config",
        `hostname: ${host.name}`,
        `fqdn: ${host.fqdn}`,
        "system_info:",
        "  default_user:",
        `    name: ${user}`,
        "",
    ].join("\n");
}

/** Strips the brackets OpenStack puts around IPv6 access addresses (`[2001:db8::1]`). */
export function bareIpv6(address: string): string {
    return address.replace(/[[\]]/g, "");
}
