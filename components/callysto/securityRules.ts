import { StackTier, isProductionTier } from "../config/system";
import { MachineRole } from "./hosts";

/** A security group profile: a host role, or `packer` for image builds. */
export type SecurityProfile = MachineRole | "packer";

/** One ingress rule, in the terms of `openstack.networking.SecGroupRule`. */
export interface IngressRule {
    ethertype: "IPv4" | "IPv6";
    protocol: "tcp" | "udp" | "icmp" | "ipv6-icmp";
    portRangeMin?: number;
    portRangeMax?: number;
    remoteIpPrefix: string;
}

export const SSH_PORT = 22;

const FAMILIES = [
    { ethertype: "IPv4", remoteIpPrefix: "0.0.0.0/0", icmp: "icmp" },
    // Neutron stores ICMP for IPv6 as ipv6-icmp (Terraform's `icmp` with ethertype IPv6 included); asking for that
    // directly avoids a diff on every refresh.
    { ethertype: "IPv6", remoteIpPrefix: "::/0", icmp: "ipv6-icmp" },
] as const;

/** One rule open to the whole of family `f`, on the port range `ports` where the protocol has ports. */
function worldRule(
    f: (typeof FAMILIES)[number],
    protocol: IngressRule["protocol"],
    ports?: readonly [number, number],
): IngressRule {
    return {
        ethertype: f.ethertype,
        protocol,
        ...(ports ? { portRangeMin: ports[0], portRangeMax: ports[1] } : {}),
        remoteIpPrefix: f.remoteIpPrefix,
    };
}

function tcpPorts(ports: readonly number[]): IngressRule[] {
    return FAMILIES.flatMap((f) => ports.map((port) => worldRule(f, "tcp", [port, port])));
}

function allPorts(protocol: "tcp" | "udp"): IngressRule[] {
    return FAMILIES.map((f) => worldRule(f, protocol, [1, 65535]));
}

function icmp(): IngressRule[] {
    return FAMILIES.map((f) => worldRule(f, f.icmp));
}

/** The security groups of one state of callysto/infrastructure's Terraform: each profile's ingress rules. */
export interface TerraformGroups {
    /** repository@commit and the files the rules were read from. */
    source: string;
    groups: Partial<Record<SecurityProfile, readonly IngressRule[]>>;
}

const PACKER = [...allPorts("tcp"), ...allPorts("udp"), ...icmp()];
const WORKSTATION = [...tcpPorts([SSH_PORT]), ...icmp()];

/**
 * The Terraform runbook 004 runs: callysto/infrastructure at the commit whose PROCESSES.md is the runbook word for word.
 * Its hub takes ssh, http and https from everyone over IPv4 and IPv6 (and ICMP); nothing opens 9999.
 */
export const RUNBOOK_TERRAFORM: TerraformGroups = {
    source: "callysto/infrastructure@6af2abb14bcc4b8b876a9ba3f9c1c41196a75a28 (PROCESSES.md = runbook 004): terraform/modules/hub/security_groups.tf, terraform/modules/clavius/security_groups.tf, terraform/packer/main.tf",
    groups: {
        hub: [...tcpPorts([SSH_PORT, 80, 443]), ...icmp()],
        workstation: WORKSTATION,
        packer: PACKER,
    },
};

/**
 * The later layout (hub-prod-r9: a sharder, hubs, ssp, stats), where every public server also opens 9999, the stats
 * client's caddy (ansible/plays/imports/stats_client.yml caddy_port). Only there.
 */
export const LATER_TERRAFORM: TerraformGroups = {
    source: "callysto/infrastructure@904146a3d8bc1fd4e7cc168343d20a757cb439be: terraform/modules/{hub,sharder,ssp,stats,clavius}/security_groups.tf, terraform/packer/main.tf",
    groups: {
        ...Object.fromEntries(
            (["hub", "sharder", "ssp", "stats"] as const).map((role) => [
                role,
                [...tcpPorts([SSH_PORT, 80, 443, 9999]), ...icmp()],
            ]),
        ),
        workstation: WORKSTATION,
        packer: PACKER,
    },
};

/**
 * The Terraform a stack's groups follow: production is the system runbook 004 runs (the runbook wins over the
 * repository's later state); stage and the local stack run the later layout, whose roles only it has.
 */
export function terraformOf(tier: StackTier | undefined): TerraformGroups {
    return isProductionTier(tier) ? RUNBOOK_TERRAFORM : LATER_TERRAFORM;
}

export function familyOf(range: string): IngressRule["ethertype"] {
    return range.includes(":") ? "IPv6" : "IPv4";
}

const isSsh = (r: IngressRule): boolean =>
    r.protocol === "tcp" && r.portRangeMin === SSH_PORT && r.portRangeMax === SSH_PORT;

/**
 * The ingress rules of a profile: Terraform's, with ssh on servers narrowed to `sshSources` when it is given, one rule
 * per source in the family of its address (Terraform opened it to the world; the workstation keeps that, as the team
 * logs in to it from wherever they are, runbook 004 "ssh ptty2u@clavius..."). Undefined for a profile that Terraform
 * has no group for.
 */
export function ingressRules(
    profile: SecurityProfile,
    terraform: TerraformGroups,
    sshSources?: readonly string[],
): IngressRule[] | undefined {
    const rules = terraform.groups[profile];
    if (rules === undefined) return undefined;
    if (profile === "workstation" || profile === "packer" || sshSources === undefined) return [...rules];
    // One rule per distinct source: the offline plan's placeholders are one value until the operator sets each.
    const sources = [...new Set(sshSources)];
    return rules.flatMap((rule) =>
        isSsh(rule)
            ? sources
                  .filter((source) => familyOf(source) === rule.ethertype)
                  .map((source) => ({ ...rule, remoteIpPrefix: source }))
            : [rule],
    );
}

/** A stable Pulumi name suffix for a rule: `tcp-443-v6`, `udp-1-65535-v4`, `icmp-v4`. */
export function ruleSuffix(rule: IngressRule): string {
    const family = rule.ethertype === "IPv4" ? "v4" : "v6";
    const protocol = rule.protocol === "ipv6-icmp" ? "icmp" : rule.protocol;
    if (rule.portRangeMin === undefined) return `${protocol}-${family}`;
    const ports =
        rule.portRangeMin === rule.portRangeMax
            ? `${rule.portRangeMin}`
            : `${rule.portRangeMin}-${rule.portRangeMax}`;
    const world = rule.remoteIpPrefix === "0.0.0.0/0" || rule.remoteIpPrefix === "::/0";
    // One rule per source range: the range is part of the name (`tcp-22-v4-203.0.113.10-32`).
    const from = world ? "" : `-${rule.remoteIpPrefix.replace(/[/:]/g, "-")}`;
    return `${protocol}-${ports}-${family}${from}`;
}

/** Name of a profile's security group in OpenStack; `packer` keeps the name the Packer templates look up. */
export function securityGroupName(environment: string, profile: SecurityProfile): string {
    return profile === "packer" ? "packer" : `callysto-${environment}-${profile}`;
}
