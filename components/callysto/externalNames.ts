import { ExternalName, ExternalNameContext, endpoint } from "../config/externalNames";
import { CallystoConfig } from "./config";
import { fqdnOf } from "./hosts";
import { SecurityProfile, securityGroupName } from "./securityRules";

// What Callysto names in the OpenStack project and the Designate service the stacks share, by the functions its
// components name them with: the keypair the servers boot with, the zone and host records where the zone is ours, and
// the security groups (Neutron allows two of one name, and then anything that names a group names either).

export function callystoExternalNames(
    config: CallystoConfig,
    { openstack: o }: ExternalNameContext,
): ExternalName[] {
    if (!o) return [];
    const cloud = `openstack ${endpoint(o.authUrl)}`;
    const project = `${cloud} ${o.region} ${o.projectDomainName}/${o.projectName}`;
    const names: ExternalName[] = [
        {
            key: "callysto.keypair.name",
            what: "OpenStack keypair",
            scope: project,
            name: config.keypair.name,
        },
    ];
    const byName = "a second one of that name in the project makes every lookup by name ambiguous";
    // The groups SecurityGroups makes: one per role of a host (the workstation's too), and Packer's where asked.
    const profiles = new Set<SecurityProfile>(config.hosts.map((h) => h.role));
    if (config.workstation?.create) profiles.add("workstation");
    if (config.packerSecurityGroup) profiles.add("packer");
    for (const profile of [...profiles].sort()) {
        names.push({
            key: profile === "packer" ? "callysto.packerSecurityGroup" : "callysto.environment",
            what: "OpenStack security group",
            scope: project,
            name: securityGroupName(config.environment, profile),
            why: byName,
        });
    }
    if (config.dns.zone !== "ours") return names;
    // Designate zone names are unique in the cloud; a record name is one per zone and type.
    const dns = `${cloud} designate`;
    if (config.dns.createZone)
        names.push({ key: "callysto.domain", what: "DNS zone", scope: dns, name: config.domain });
    config.hosts.forEach((h, i) =>
        names.push({
            key: `callysto.hosts[${i}].name`,
            what: "DNS record",
            scope: dns,
            name: fqdnOf(h.name, config.domain),
        }),
    );
    if (config.workstation?.create) {
        names.push({
            key: "callysto.workstation.name",
            what: "DNS record",
            scope: dns,
            name: fqdnOf(config.workstation.name, config.domain),
        });
    }
    return names;
}
