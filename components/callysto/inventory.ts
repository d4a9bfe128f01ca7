import { stringify } from "yaml";
import { contentHash } from "../shared/naming";
import { MachineRole } from "./hosts";

/** ZFS pool every hub, sharder and stats server keeps its data in. */
export const ZFS_POOL = "tank";

/** A created host as Ansible needs it: plain values, resolved from the host's outputs. */
export interface InventoryHost {
    name: string;
    fqdn: string;
    role: MachineRole;
    address: string;
    /** The two ZFS mirror volumes, empty for hosts without ZFS. */
    zfsVolumeIds: string[];
}

export interface InventoryOptions {
    /** `dev` or `prod`: a group holding every host. */
    environment: string;
    user: string;
}

type Vars = Record<string, string | number | boolean>;

/** The YAML inventory format: host vars under `all.hosts`, membership in child groups. */
export interface AnsibleInventory {
    all: {
        vars: Vars;
        hosts: Record<string, Vars>;
        children: Record<string, { hosts: Record<string, null> }>;
    };
}

/** Inventory name: the FQDN, except the workstation, which the playbooks and host_vars know as `clavius`. */
export function inventoryName(host: Pick<InventoryHost, "name" | "fqdn" | "role">): string {
    return host.role === "workstation" ? host.name : host.fqdn;
}

/** The group of a role; the workstation is in `infra` (group_vars/infra). */
export function ansibleGroup(role: MachineRole): string {
    return role === "workstation" ? "infra" : role;
}

/** The group of Shibboleth service providers (see playbookGroups). */
export const SHIBBOLETH_GROUP = "shibboleth_hosts";

/**
 * The groups a host is in besides its role's and the environment's, that the playbooks at the pin read of every
 * layout (callysto/infrastructure@904146a3d8bc1fd4e7cc168343d20a757cb439be):
 * - `ssp`, for a hub where no host is the SSP: the hub plays decide whether the hub runs SimpleSAMLphp itself by
 *   comparing groups['ssp'][0] with groups['hub'][0] (ansible/plays/imports/hub.yml:218-221), which stops every hub
 *   run of an inventory without the group; the all-in-one hub is in both, as terraform/hub-dev/main.tf:83-88 puts it.
 * - `shibboleth_hosts`, for hubs and sharders: SimpleSAMLphp reads its service providers' metadata from each of them
 *   (ansible/roles/internal/ssp-idp-multi/templates/simplesamlphp/config-metarefresh.php.j2:27), and its template
 *   stops without the group; terraform/templates/dev-hub-cluster.tf:147-153,186-192 puts hubs and the sharder there.
 */
function playbookGroups(host: InventoryHost, hosts: readonly InventoryHost[]): string[] {
    const groups: string[] = [];
    if (host.role === "hub" && !hosts.some((h) => h.role === "ssp")) groups.push("ssp");
    if (host.role === "hub" || host.role === "sharder") groups.push(SHIBBOLETH_GROUP);
    return groups;
}

function sorted<T>(entries: [string, T][]): Record<string, T> {
    return Object.fromEntries(entries.sort(([a], [b]) => a.localeCompare(b)));
}

function hostVars(host: InventoryHost): Vars {
    const vars: Vars = { ansible_host: host.address };
    if (host.zfsVolumeIds.length === 2) {
        // The bare Cinder volume ids, as Terraform passes them (callysto/infrastructure@904146a3d8bc1fd4e7cc168343d20a757cb439be:
        // terraform/hub-dev/main.tf:95-96): the zfs role builds the path /dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_<id>
        // itself (ansible/roles/internal/zfs/tasks/main.yml:87), so a path here names no disk.
        vars.zfs_disk_1 = host.zfsVolumeIds[0];
        vars.zfs_disk_2 = host.zfsVolumeIds[1];
        vars.zfs_pool_name = ZFS_POOL;
    }
    return vars;
}

/**
 * The inventory of an environment: groups by role and by environment, host vars for address and ZFS disks.
 *
 * With `focus`, only that host carries its details; every other host appears by name (reached through DNS), so
 * group lookups in the playbooks still work while the focused host's inventory changes only when that host
 * changes or hosts are added or removed. That is what lets each host's provisioning re-run on its own.
 */
export function buildInventory(
    hosts: readonly InventoryHost[],
    options: InventoryOptions,
    focus?: string,
): AnsibleInventory {
    const groups = new Map<string, string[]>();
    const add = (group: string, host: string) => groups.set(group, [...(groups.get(group) ?? []), host]);
    const vars: [string, Vars][] = [];
    for (const host of hosts) {
        const name = inventoryName(host);
        vars.push([
            name,
            focus === undefined || focus === name ? hostVars(host) : { ansible_host: host.fqdn },
        ]);
        add(ansibleGroup(host.role), name);
        add(options.environment, name);
        for (const group of playbookGroups(host, hosts)) add(group, name);
    }
    return {
        all: {
            vars: {
                ansible_user: options.user,
                // New instances have host keys nobody has seen yet; the Makefile's ansible runs did the same.
                ansible_ssh_common_args: "-C -o UserKnownHostsFile=/dev/null -o StrictHostKeyChecking=no",
            },
            hosts: sorted(vars),
            children: sorted(
                [...groups].map(([group, members]): [string, { hosts: Record<string, null> }] => [
                    group,
                    { hosts: sorted(members.map((m): [string, null] => [m, null])) },
                ]),
            ),
        },
    };
}

export function renderInventory(inventory: AnsibleInventory): string {
    return stringify(inventory, { sortMapEntries: true });
}

export type ExtraVars = Record<string, unknown>;

export interface VarsOptions {
    vars: ExtraVars;
    hubVars: ExtraVars;
    /** Variables by inventory group (see ansibleGroup). */
    groupVars: Partial<Record<string, ExtraVars>>;
    announcement: string;
    /** Directory holding cert.pem, chain.pem, fullchain.pem and privkey.pem, when certificates are managed. */
    certificateDir?: string;
}

/** Roles whose web servers serve the wildcard certificate (the hosts plays/deploy-certs.yml deploys it to). */
export const CERTIFICATE_ROLES: readonly MachineRole[] = ["hub", "sharder", "ssp", "stats"];

const isDict = (v: unknown): v is Record<string, unknown> =>
    typeof v === "object" && v !== null && !Array.isArray(v);

/** `over` on `base`, dictionaries merged key by key as Ansible's hash_behaviour = merge merges variables. */
function merged(base: ExtraVars, over: ExtraVars): ExtraVars {
    const out: ExtraVars = { ...base };
    for (const [k, v] of Object.entries(over)) out[k] = isDict(out[k]) && isDict(v) ? merged(out[k], v) : v;
    return out;
}

/**
 * Extra variables of a host's playbook run: the environment's, then its group's (and a hub's), merged as the
 * repository's ansible.cfg merges group_vars (callysto/infrastructure@904146a3d8bc1fd4e7cc168343d20a757cb439be:
 * ansible/ansible.cfg:9). They win over the repository's group_vars.
 */
export function provisioningVars(role: MachineRole, options: VarsOptions): ExtraVars {
    let vars = merged(options.vars, options.groupVars[ansibleGroup(role)] ?? {});
    if (options.certificateDir && CERTIFICATE_ROLES.includes(role)) {
        vars.callysto_ssl_cert_dir = options.certificateDir;
    }
    if (role === "hub") {
        vars = merged(vars, { ...options.hubVars, jupyterhub_announcement: options.announcement });
    }
    return sorted(Object.entries(vars));
}

/**
 * Triggers of a host's provisioning: its own inventory, its variables and the playbook version. Nothing else of
 * the environment is in them, so changing one host (or another host's variables) re-runs only that host.
 */
export function provisioningTriggers(
    inventory: AnsibleInventory,
    host: string,
    vars: ExtraVars,
    version: string,
): string[] {
    return [host, `inventory:${contentHash(inventory)}`, `vars:${contentHash(vars)}`, `version:${version}`];
}
