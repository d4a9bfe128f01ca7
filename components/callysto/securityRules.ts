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

/** Ports every public Callysto server opens to everyone: http, https and 9999 (the stats/sharder endpoint). */
export const WEB_PORTS = [80, 443, 9999] as const;
export const SSH_PORT = 22;

const FAMILIES = [
    { ethertype: "IPv4", remoteIpPrefix: "0.0.0.0/0", icmp: "icmp" },
    // Neutron stores ICMP for IPv6 as ipv6-icmp; asking for that directly avoids a diff on every refresh.
    { ethertype: "IPv6", remoteIpPrefix: "::/0", icmp: "ipv6-icmp" },
] as const;

function tcpPorts(ports: readonly number[]): IngressRule[] {
    return FAMILIES.flatMap((f) =>
        ports.map((port): IngressRule => ({
            ethertype: f.ethertype,
            protocol: "tcp",
            portRangeMin: port,
            portRangeMax: port,
            remoteIpPrefix: f.remoteIpPrefix,
        })),
    );
}

function allPorts(protocol: "tcp" | "udp"): IngressRule[] {
    return FAMILIES.map((f) => ({
        ethertype: f.ethertype,
        protocol,
        portRangeMin: 1,
        portRangeMax: 65535,
        remoteIpPrefix: f.remoteIpPrefix,
    }));
}

function icmp(): IngressRule[] {
    return FAMILIES.map((f) => ({
        ethertype: f.ethertype,
        protocol: f.icmp,
        remoteIpPrefix: f.remoteIpPrefix,
    }));
}

/** ssh from each listed range, in the family of its address. */
function sshFrom(sources: readonly string[]): IngressRule[] {
    return sources.map((source) => ({
        ethertype: source.includes(":") ? "IPv6" : "IPv4",
        protocol: "tcp",
        portRangeMin: SSH_PORT,
        portRangeMax: SSH_PORT,
        remoteIpPrefix: source,
    }));
}

/**
 * The ingress rules of a profile, IPv4 and IPv6 alike (terraform/modules/*\/security_groups.tf, terraform/packer).
 * Servers take ssh only from `sshSources` when it is given (Terraform opened it to the world); the workstation keeps
 * ssh open, as the team logs in to it from wherever they are (runbook 004, "ssh ptty2u@clavius...").
 */
export function ingressRules(profile: SecurityProfile, sshSources?: readonly string[]): IngressRule[] {
    switch (profile) {
        case "hub":
        case "sharder":
        case "ssp":
        case "stats":
            return [
                ...(sshSources ? sshFrom(sshSources) : tcpPorts([SSH_PORT])),
                ...tcpPorts(WEB_PORTS),
                ...icmp(),
            ];
        case "workstation":
            return [...tcpPorts([SSH_PORT]), ...icmp()];
        case "packer":
            return [...allPorts("tcp"), ...allPorts("udp"), ...icmp()];
    }
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
