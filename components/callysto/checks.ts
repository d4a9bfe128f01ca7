import { isWholeInternet, worldAdmittedBy } from "../config/checks";
import { ConfigProblem, keysBelow, shellQuote } from "../config/problems";
import { worldWords } from "../config/sourceRanges";
import { AddressSet } from "../shared/addressRanges";
import { Refined, Rejected, StackTier, isProductionTier } from "../config/system";
import { duplicates } from "../shared/naming";
import { isPlaceholder } from "../shared/placeholder";
import { CallystoConfig, CallystoSection, CheckedDns, CheckedHost, HostConfig } from "./config";
import {
    IngressRule,
    LATER_TERRAFORM,
    SSH_PORT,
    SecurityProfile,
    familyOf,
    terraformOf,
} from "./securityRules";
import { fqdnOf } from "./hosts";
import { isKnownTestKey } from "./testKeys";
import { playbookProblems } from "./upstream";

const SECTION = "callysto";

/** A value the check proved, or why it could not: the problems that stop the run. */
type Proof<T> = { value: T } | Rejected;

const { problem } = keysBelow(SECTION);

/** A placeholder the operator must replace, with the command that reads the real value; none for a real value. */
function placeholderProblems(
    path: string,
    value: string | undefined,
    what: string,
    command: string,
): ConfigProblem[] {
    if (!isPlaceholder(value)) return [];
    return [
        {
            ...problem(path, `is a placeholder: set it to ${what}`, command),
            placeholder: true,
        },
    ];
}

/** The public key: only the operators' own, never a placeholder or a key whose private half is in the repository. */
function keypairProblems(config: CallystoConfig, tier: StackTier | undefined): ConfigProblem[] {
    const path = "keypair.publicKey";
    const fromFile = "cat keys/id_rsa.pub";
    const key = config.keypair.publicKey;
    if (isPlaceholder(key)) {
        return placeholderProblems(
            path,
            key,
            `the public half of keys/id_rsa, a key only this environment's operators hold (create it with ssh-keygen -t ed25519 -f keys/id_rsa; its private half is the secret callysto-ssh-private-key)`,
            fromFile,
        );
    }
    if (tier !== "local" && isKnownTestKey(key)) {
        return [
            problem(
                path,
                `is the local test stack's key, whose private half is committed to the repository (decryptable with the test passphrase): anyone could log in to ${tier ?? "this"} hosts. Create a key only the operators hold (ssh-keygen -t ed25519 -f keys/id_rsa) and set its public half`,
            ),
        ];
    }
    return [];
}

function hostAdoptionProblems(config: CallystoConfig, host: HostConfig, i: number): ConfigProblem[] {
    const fqdn = fqdnOf(host.name, config.domain);
    return [
        ...placeholderProblems(
            `hosts[${i}].adopt.instanceId`,
            host.adopt?.instanceId,
            `the id of the running instance ${fqdn}`,
            `openstack server show -f value -c id ${fqdn}`,
        ),
        ...placeholderProblems(
            `hosts[${i}].adopt.portId`,
            host.adopt?.portId,
            `the id of the port of the running instance ${fqdn}`,
            `openstack port list --server ${fqdn} -f value -c ID`,
        ),
        ...placeholderProblems(
            `hosts[${i}].floatingIpId`,
            host.floatingIpId,
            `the id of the floating IP ${host.floatingIp ?? ""}`.trim(),
            `openstack floating ip show -f value -c id ${host.floatingIp ?? "<address>"}`,
        ),
        ...(host.zfs?.existingVolumes ?? []).flatMap((volume, v) =>
            placeholderProblems(
                `hosts[${i}].zfs.existingVolumes[${v}].id`,
                volume.id,
                `the id of the existing volume ${volume.name}`,
                // A Cinder volume's name is free text: quoted, so the pasted command reads it as one word.
                `openstack volume show -f value -c id ${shellQuote(volume.name)}`,
            ),
        ),
    ];
}

function adoptionProblems(config: CallystoConfig): ConfigProblem[] {
    return [
        ...placeholderProblems(
            "dns.createZone.importId",
            config.dns.createZone?.importId,
            `the id of the existing zone ${config.domain}.`,
            `openstack zone show -f value -c id ${config.domain}.`,
        ),
        ...config.hosts.flatMap((host, i) => hostAdoptionProblems(config, host, i)),
    ];
}

// Ansible runs on the machine that runs `pulumi up` (the team workstation): its public address.
const OWN_ADDRESS = "curl -fsS https://checkip.amazonaws.com";
/** How an operator reads the workstation's own address in each family, and the prefix length of one address. */
const OWN_ADDRESSES = {
    IPv4: { command: OWN_ADDRESS, bits: 32 },
    IPv6: { command: "curl -6 -fsS https://api6.ipify.org", bits: 128 },
} as const;

/** The read-only command printing the workstation's own address in `family` (a range of it ends /32 or /128). */
function ownAddressFix(family: IngressRule["ethertype"]): string {
    return OWN_ADDRESSES[family].command;
}
const OPEN_TO_ALL =
    "List the address ranges Ansible and the operators connect from (the team workstation that runs pulumi up); if it must be open, set callysto.allowSshFromAnywhere to the reason (a ticket), and it is allowed";

/**
 * The widest block one organisation's operators connect from: an IPv4 /16, and the IPv6 /32 an RIR allocates to a
 * whole provider (RIPE-738 5.1.2). Runbook 004's operators reach the hosts from clavius and their workstations;
 * wider than this is no list of those, so production asks for the same stated reason as the whole internet.
 */
const ONE_NETWORK = { IPv4: 16, IPv6: 32 } as const;

/** The blocks of the union of `sources` wider than {@link ONE_NETWORK}. */
function widerThanOneNetwork(sources: readonly string[]): string[] {
    const set = AddressSet.of(sources.filter((b) => AddressSet.of([b]) !== undefined));
    return (set?.toCidrs() ?? []).filter((b) => {
        const bits = Number(b.slice(b.indexOf("/") + 1));
        return b.includes(":") ? bits < ONE_NETWORK.IPv6 : bits < ONE_NETWORK.IPv4;
    });
}

/** Who reaches ssh: required outside the local stack, never the whole internet in production unless a reason says so. */
function sshProblems(config: CallystoConfig, tier: StackTier | undefined): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    if (tier !== undefined && tier !== "local" && config.sshSources === undefined) {
        problems.push(
            problem(
                "sshSources",
                "is required outside the local stack: without it ssh (port 22) of every host is open to the whole internet. List the address ranges Ansible and the operators connect from (the team workstation that runs pulumi up)",
                ownAddressFix("IPv4"),
            ),
        );
    }
    const guarded = isProductionTier(tier) && config.allowSshFromAnywhere === undefined;
    // Together, several ranges open ssh as widely as 0.0.0.0/0 does: the union is what the security group admits.
    const sources = (config.sshSources ?? []).filter((s) => !isPlaceholder(s));
    const world = worldAdmittedBy(sources);
    if (guarded && world.length > 0 && !sources.some(isWholeInternet)) {
        problems.push(
            problem(
                "sshSources",
                `together admit ${worldWords(world)}: ssh (port 22) of every production host would be open to the whole internet. ${OPEN_TO_ALL}`,
                OWN_ADDRESS,
            ),
        );
    }
    const wide = world.length > 0 ? [] : widerThanOneNetwork(sources);
    if (guarded && wide.length > 0) {
        problems.push(
            problem(
                "sshSources",
                `together admit ${wide.slice(0, 3).join(", ")}${wide.length > 3 ? ` and ${wide.length - 3} more blocks` : ""}, wider than one network (an IPv4 /${ONE_NETWORK.IPv4}, an IPv6 /${ONE_NETWORK.IPv6}): ssh (port 22) of every production host would be open to networks nobody named. ${OPEN_TO_ALL}`,
                OWN_ADDRESS,
            ),
        );
    }
    const families = placeholderFamilies(config, tier);
    config.sshSources?.forEach((source, i) =>
        problems.push(...sshSourceProblems(source, i, guarded, families[i])),
    );
    return problems;
}

/** The profiles a stack's groups are made for, each with the key that asks for it and what asks for none. */
function profilesInUse(
    config: CallystoConfig,
): { path: string; profile: SecurityProfile; instead: string }[] {
    return [
        // A host's role has no runbook value to write: "hub" would make a second hub of it, so the operator is asked.
        ...config.hosts.map((h, i) => ({
            path: `hosts[${i}].role`,
            profile: h.role,
            instead: `remove hosts[${i}] from the production stack or move it to a stack that runs the later layout (runbook 004's production has no ${h.role})`,
        })),
        ...(
            [
                ["workstation.create", "workstation", config.workstation?.create],
                ["packerSecurityGroup", "packer", config.packerSecurityGroup],
            ] as const
        )
            .filter(([, , inUse]) => inUse)
            .map(([path, profile]) => ({ path, profile, instead: "set it to false" })),
    ];
}

/**
 * The address families production servers take ssh over in runbook 004's Terraform (none outside production, where
 * sshSources alone decides).
 */
function runbookSshFamilies(config: CallystoConfig, tier: StackTier | undefined): IngressRule["ethertype"][] {
    if (!isProductionTier(tier)) return [];
    const terraform = terraformOf(tier);
    const families = profilesInUse(config)
        .filter((u) => u.profile !== "workstation" && u.profile !== "packer")
        .flatMap((u) => terraform.groups[u.profile] ?? [])
        .filter((r) => r.protocol === "tcp" && r.portRangeMin === SSH_PORT)
        .map((r) => r.ethertype);
    return (["IPv4", "IPv6"] as const).filter((f) => families.includes(f));
}

/**
 * The family each placeholder of sshSources stands for: in production the families the runbook's servers take ssh
 * over that no real source covers yet, in order; IPv4 otherwise (the workstation's address).
 */
function placeholderFamilies(
    config: CallystoConfig,
    tier: StackTier | undefined,
): IngressRule["ethertype"][] {
    const sources = config.sshSources ?? [];
    const real = sources.filter((s) => !isPlaceholder(s));
    const missing = runbookSshFamilies(config, tier).filter((f) => !real.some((s) => familyOf(s) === f));
    let next = 0;
    return sources.map((s) => (isPlaceholder(s) ? (missing[next++] ?? "IPv4") : familyOf(s)));
}

/**
 * Production opens only what runbook 004's Terraform opens, no more and no less: a group it has no counterpart for
 * (the later layout's sharder, ssp and stats, with 9999 open to everyone) is refused, and so are ssh sources that
 * leave out an address family whose ssh the runbook's group keeps (its hub takes ssh over IPv4 and IPv6).
 */
function runbookGroupProblems(config: CallystoConfig, tier: StackTier | undefined): ConfigProblem[] {
    if (!isProductionTier(tier)) return [];
    const terraform = terraformOf(tier);
    const problems: ConfigProblem[] = [];
    const inUse = profilesInUse(config);
    // What the runbook's servers open (packer's open-everything group is for image builds, not servers).
    const runbookOpens = (["hub", "workstation"] as const).flatMap((p) => terraform.groups[p] ?? []);
    const opened = (r: IngressRule) =>
        runbookOpens.some(
            (o) =>
                o.ethertype === r.ethertype &&
                o.protocol === r.protocol &&
                o.portRangeMin === r.portRangeMin &&
                o.portRangeMax === r.portRangeMax,
        );
    for (const use of inUse.filter((u) => terraform.groups[u.profile] === undefined)) {
        const beyond = (LATER_TERRAFORM.groups[use.profile] ?? [])
            .filter((r) => !opened(r))
            .map((r) => `${r.protocol} ${r.portRangeMin ?? ""} from ${r.remoteIpPrefix}`.replace("  ", " "));
        problems.push(
            problem(
                use.path,
                `asks for a ${use.profile} security group, which runbook 004's Terraform (${terraform.source}) does not have${beyond.length > 0 ? `; it would open ${beyond.join(", ")}, which the runbook never opens` : ""}. A production stack runs the runbook's layout (groups ${Object.keys(terraform.groups).join(", ")}): ${use.instead}`,
            ),
        );
    }
    const sources = config.sshSources;
    if (sources === undefined || sources.some(isPlaceholder)) return problems;
    for (const family of runbookSshFamilies(config, tier)) {
        if (sources.some((s) => familyOf(s) === family)) continue;
        problems.push(
            problem(
                "sshSources",
                `lists no ${family} range, so the production servers would take no ssh over ${family}, which runbook 004's Terraform keeps (${family === "IPv6" ? "::/0" : "0.0.0.0/0"}, ${terraform.source}). Add the ${family} range the operators connect from; the whole family, as the runbook has it, also needs callysto.allowSshFromAnywhere set to the reason`,
                ownAddressFix(family),
            ),
        );
    }
    return problems;
}

/** One source: the whole internet where production guards ssh, or a placeholder. */
function sshSourceProblems(
    source: string,
    i: number,
    guarded: boolean,
    family: IngressRule["ethertype"],
): ConfigProblem[] {
    const fix = ownAddressFix(family);
    const problems: ConfigProblem[] = [];
    if (guarded && isWholeInternet(source)) {
        problems.push(
            problem(
                `sshSources[${i}]`,
                `is ${source}, which admits ${worldWords(worldAdmittedBy([source]))}: ssh (port 22) of every production host would be open to the whole internet. ${OPEN_TO_ALL}`,
                fix,
            ),
        );
    }
    if (isPlaceholder(source)) {
        problems.push({
            ...problem(
                `sshSources[${i}]`,
                `is a placeholder: set it to the public ${family} address of the team workstation that runs pulumi up and Ansible`,
                fix,
            ),
            placeholder: true,
        });
    }
    return problems;
}

/**
 * The zone as deploy reads it: written only where it is ours, and then through exactly one Designate zone; where it
 * is outside, nothing names one.
 */
function checkedDns(config: CallystoConfig): Proof<CheckedDns> {
    const { zone, zoneId, createZone, recordTtl } = config.dns;
    if (zone === "outside") {
        const [first, ...rest] = outsideZoneProblems(config);
        return first === undefined ? { value: { zone, recordTtl } } : { problems: [first, ...rest] };
    }
    if (zoneId !== undefined && createZone === undefined) return { value: { zone, recordTtl, zoneId } };
    if (createZone !== undefined && zoneId === undefined) return { value: { zone, recordTtl, createZone } };
    return {
        problems: [
            problem(
                "dns.zoneId",
                `set exactly one of dns.zoneId (an existing Designate zone of this project whose records this stack writes) or dns.createZone (the zone ${config.domain}. created or adopted here)`,
                ...(zoneId === undefined ? [`openstack zone show -f value -c id ${config.domain}.`] : []),
            ),
        ],
    };
}

function outsideNote(config: CallystoConfig): string {
    return `dns.zone is outside: ${config.domain} is managed outside this stack, which writes nothing to it`;
}

/** A zone managed outside: no key of this stack names one. */
function outsideZoneProblems(config: CallystoConfig): ConfigProblem[] {
    return (["zoneId", "createZone"] as const)
        .filter((key) => config.dns[key] !== undefined)
        .map((key) =>
            problem(
                `dns.${key}`,
                `must not be set: ${outsideNote(config)} (the notices list the records to create there)`,
            ),
        );
}

/** The zone's problems, and a certificate whose challenge would write into a zone managed outside. */
function dnsProblems(config: CallystoConfig): ConfigProblem[] {
    const dns = checkedDns(config);
    const problems = "problems" in dns ? [...dns.problems] : [];
    const certs = config.certificates;
    if (config.dns.zone === "outside" && certs?.enabled && certs.obtainedBy === "designate") {
        problems.push(
            problem(
                "certificates.obtainedBy",
                `is designate, whose DNS-01 challenge writes a TXT record into the zone; ${outsideNote(config)}. Generate the certificate on clavius as runbook 004 does (letsencrypt/, make generate env=${config.environment}) and let the program check and deploy it`,
            ),
        );
    }
    return problems;
}

/** Each host is one DNS name and one instance: no name twice, the workstation's included. */
function nameProblems(config: CallystoConfig): ConfigProblem[] {
    const names = config.hosts.map((h) => h.name);
    if (config.workstation?.create) names.push(config.workstation.name);
    return duplicates(names).map((dup) => {
        const index = config.hosts.map((h) => h.name).lastIndexOf(dup);
        const path = index >= 0 ? `hosts[${index}].name` : "workstation.name";
        return problem(path, `host name "${dup}" is used twice; each host is one DNS name and one instance`);
    });
}

function missingChoice(host: HostConfig, i: number, field: "flavor" | "image"): ConfigProblem {
    return problem(
        `hosts[${i}].${field}`,
        `is required: host "${host.name}" has no ${field} and roleDefaults.${host.role}.${field} is not set`,
    );
}

/** A host's flavor and image: its own, or its role's default; a host with neither cannot be built. */
function checkedHost(config: CallystoConfig, host: HostConfig, i: number): Proof<CheckedHost> {
    const defaults = config.roleDefaults[host.role] ?? {};
    const chosen = { flavor: host.flavor ?? defaults.flavor, image: host.image ?? defaults.image };
    const { flavor, image } = chosen;
    if (flavor !== undefined && image !== undefined) return { value: { ...host, flavor, image } };
    const [first, ...rest] = (["flavor", "image"] as const).filter((field) => chosen[field] === undefined);
    return {
        problems: [missingChoice(host, i, first), ...rest.map((field) => missingChoice(host, i, field))],
    };
}

/** A host taken over keeps its address and its volumes: neither may be made anew. */
function adoptedHostProblems(config: CallystoConfig, host: HostConfig, i: number): ConfigProblem[] {
    if (host.adopt === undefined) return [];
    const problems: ConfigProblem[] = [];
    if (host.floatingIp === undefined) {
        problems.push(
            problem(
                `hosts[${i}].floatingIp`,
                `is required: host "${host.name}" is a running instance taken over, and Ansible reaches it at its existing address`,
            ),
        );
    }
    const zfsSize = host.zfs?.size ?? config.roleDefaults[host.role]?.zfsSize;
    if (host.zfs?.existingVolumes === undefined && zfsSize !== undefined) {
        problems.push(
            problem(
                `hosts[${i}].zfs.existingVolumes`,
                `is required: host "${host.name}" is a running instance taken over; its home volumes exist and are adopted, never created anew`,
            ),
        );
    }
    return problems;
}

/** ZFS volumes: new ones with a size or existing ones, not both; every hub keeps user homes on ZFS. */
function zfsProblems(config: CallystoConfig, host: HostConfig, i: number): ConfigProblem[] {
    const zfs = host.zfs;
    const problems: ConfigProblem[] = [];
    if (zfs?.size !== undefined && zfs.existingVolumes !== undefined) {
        problems.push(
            problem(
                `hosts[${i}].zfs.size`,
                `host "${host.name}" sets both a size for new volumes and existing volume ids; existing volumes keep their size`,
            ),
        );
    }
    const zfsSize = zfs?.size ?? config.roleDefaults[host.role]?.zfsSize;
    if (host.role === "hub" && zfs?.existingVolumes === undefined && zfsSize === undefined) {
        problems.push(
            problem(
                `hosts[${i}].zfs.size`,
                `is required: hub "${host.name}" keeps user homes on ZFS (set a size, existing volume ids or roleDefaults.hub.zfsSize)`,
            ),
        );
    }
    return problems;
}

/** User quotas: hubs only, and applied by Ansible, so only where provisioning runs. */
function userQuotaProblems(config: CallystoConfig, host: HostConfig, i: number): ConfigProblem[] {
    if (!host.quotas || Object.keys(host.quotas).length === 0) return [];
    if (host.role !== "hub") {
        return [
            problem(
                `hosts[${i}].quotas`,
                `quotas apply to hub home directories, but "${host.name}" is a ${host.role}`,
            ),
        ];
    }
    if (config.provisioning?.enabled) return [];
    return [
        problem(
            "provisioning.enabled",
            `hub "${host.name}" has user quotas, which are applied by Ansible: provisioning must be enabled`,
        ),
    ];
}

function hostProblems(config: CallystoConfig, host: HostConfig, i: number): ConfigProblem[] {
    const chosen = checkedHost(config, host, i);
    const problems = "problems" in chosen ? [...chosen.problems] : [];
    if (host.floatingIpId !== undefined && host.floatingIp === undefined) {
        problems.push(
            problem(
                `hosts[${i}].floatingIp`,
                `is required: host "${host.name}" adopts a floating IP by id, and its address is what the host is reached at`,
            ),
        );
    }
    return [
        ...problems,
        ...adoptedHostProblems(config, host, i),
        ...zfsProblems(config, host, i),
        ...userQuotaProblems(config, host, i),
    ];
}

/** The certificate's expiry is checked often enough that no renewal window passes unchecked. */
function certificateProblems(config: CallystoConfig): ConfigProblem[] {
    const certs = config.certificates;
    if (!certs?.enabled || certs.checkEveryDays <= certs.renewBeforeDays) return [];
    return [
        problem(
            "certificates.checkEveryDays",
            `is ${certs.checkEveryDays} days, longer than renewBeforeDays (${certs.renewBeforeDays}): a renewal window could pass unchecked`,
        ),
    ];
}

/** Checks the schema cannot express: unique names, one source per value, defaults that must exist. */
export function callystoProblems(config: CallystoConfig, tier?: StackTier): ConfigProblem[] {
    return [
        ...keypairProblems(config, tier),
        ...adoptionProblems(config),
        ...sshProblems(config, tier),
        ...runbookGroupProblems(config, tier),
        ...dnsProblems(config),
        ...nameProblems(config),
        ...config.hosts.flatMap((host, i) => hostProblems(config, host, i)),
        ...certificateProblems(config),
        ...playbookProblems(config),
    ];
}

/** Every host with its flavor and image chosen, or the problems of those that have none. */
function checkedHosts(config: CallystoConfig): Proof<CheckedHost[]> {
    const proofs = config.hosts.map((host, i) => checkedHost(config, host, i));
    const [first, ...rest] = proofs.flatMap((p) => ("problems" in p ? p.problems : []));
    if (first !== undefined) return { problems: [first, ...rest] };
    return { value: proofs.flatMap((p) => ("value" in p ? [p.value] : [])) };
}

/**
 * Rejected: every problem that stops the run (the proof's among them). The placeholders are left for the run after
 * the fixes, as the offline plan lists them: only once the section can be built.
 */
function rejected(problems: ConfigProblem[], proof: Rejected): Rejected {
    const [first, ...rest] = problems.filter((p) => !p.placeholder);
    return first === undefined ? proof : { problems: [first, ...rest] };
}

/**
 * Callysto's check: the section deploy reads (the zone proven ours or outside, every host's flavor and image chosen)
 * with every problem (the placeholders an offline plan goes past, and any other, which stops the run); or, where the
 * section cannot be built, the problems that stop the run.
 */
export function callystoCheck(config: CallystoConfig, tier?: StackTier): Refined<CallystoSection> | Rejected {
    const problems = callystoProblems(config, tier);
    const dns = checkedDns(config);
    if ("problems" in dns) return rejected(problems, dns);
    const hosts = checkedHosts(config);
    if ("problems" in hosts) return rejected(problems, hosts);
    return { section: { ...config, dns: dns.value, hosts: hosts.value }, problems };
}
