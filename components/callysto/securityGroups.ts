import * as openstack from "@pulumi/openstack";
import * as pulumi from "@pulumi/pulumi";
import { OpenStackContext } from "../config/system";
import { SystemArgs, SystemPart } from "../config/systemComponent";
import { CallystoSection } from "./config";
import { RoleGroup } from "./host";
import { ResolvedHost } from "./hosts";
import { SecurityProfile, ingressRules, ruleSuffix, securityGroupName, terraformOf } from "./securityRules";

export interface SecurityGroupsArgs extends SystemArgs<CallystoSection, OpenStackContext> {
    hosts: readonly ResolvedHost[];
}

/**
 * One Neutron security group per role in use (and `packer` where packerSecurityGroup asks for it), each with the
 * ingress rules Terraform gives its role (IPv4 and IPv6; production: the runbook's Terraform, see terraformOf). The
 * group's name holds the environment, so both environments can share a project; servers take ssh only from
 * sshSources (Terraform's 0.0.0.0/0 and ::/0 when unset: local stack only).
 */
export class SecurityGroups extends SystemPart<CallystoSection, OpenStackContext> {
    public readonly ids: Partial<Record<SecurityProfile, pulumi.Output<string>>> = {};

    constructor(name: string, args: SecurityGroupsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("runbooks:callysto:SecurityGroups", name, args, opts);
        const profiles: SecurityProfile[] = args.hosts.map((h) => h.role);
        if (this.config.packerSecurityGroup) profiles.push("packer");
        for (const profile of [...new Set(profiles)].sort()) this.group(profile);
        this.registerOutputs({ ids: this.ids });
    }

    /** The group of `profile`, made with its rules the first time a profile is asked for. */
    groupOf(profile: SecurityProfile): RoleGroup {
        return { id: this.ids[profile] ?? this.group(profile), rules: this };
    }

    private group(profile: SecurityProfile): pulumi.Output<string> {
        const environment = this.config.environment;
        const group = new openstack.networking.SecGroup(
            this.childName(profile),
            {
                name: securityGroupName(environment, profile),
                description: `Callysto ${environment} ${profile} (managed by Pulumi)`,
            },
            this.child(),
        );
        const terraform = terraformOf(this.context.tier);
        const rules = ingressRules(profile, terraform, this.config.sshSources);
        if (rules === undefined) {
            // The check refuses such a stack first (rolesOutsideTerraform); reaching here is a defect of the program.
            throw new pulumi.ResourceError(`${terraform.source} has no security group for ${profile}`, this);
        }
        for (const rule of rules) {
            new openstack.networking.SecGroupRule(
                this.childName(`${profile}-${ruleSuffix(rule)}`),
                { direction: "ingress", securityGroupId: group.id, ...rule },
                this.child(),
            );
        }
        this.ids[profile] = group.id;
        return group.id;
    }
}
