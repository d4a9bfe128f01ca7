import * as openstack from "@pulumi/openstack";
import * as pulumi from "@pulumi/pulumi";
import { RunbookComponent } from "../shared/component";
import { SecurityProfile, ingressRules, ruleSuffix, securityGroupName } from "./securityRules";

/** Arguments of {@link SecurityGroups}. */
export interface SecurityGroupsArgs {
    /** `dev` or `prod`: part of each group's name, so both environments can share a project. */
    environment: string;
    /** Profiles to create a group for (the roles in use, `workstation`, `packer`). */
    profiles: SecurityProfile[];
    /** Address ranges allowed to reach ssh on servers; Terraform's 0.0.0.0/0 when unset (local stack only). */
    sshSources?: readonly string[];
    provider: openstack.Provider;
}

/** One Neutron security group per role, each with the ingress rules of its role (IPv4 and IPv6). */
export class SecurityGroups extends RunbookComponent {
    /** Profile → security group id. */
    public readonly ids: Partial<Record<SecurityProfile, pulumi.Output<string>>> = {};

    constructor(name: string, args: SecurityGroupsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("runbooks:callysto:SecurityGroups", name, opts, args.provider);
        for (const profile of [...new Set(args.profiles)].sort()) {
            const groupName = securityGroupName(args.environment, profile);
            const group = new openstack.networking.SecGroup(
                this.childName(profile),
                {
                    name: groupName,
                    description: `Callysto ${args.environment} ${profile} (managed by Pulumi)`,
                },
                this.child(),
            );
            for (const rule of ingressRules(profile, args.sshSources)) {
                new openstack.networking.SecGroupRule(
                    this.childName(`${profile}-${ruleSuffix(rule)}`),
                    { direction: "ingress", securityGroupId: group.id, ...rule },
                    this.child(),
                );
            }
            this.ids[profile] = group.id;
        }
        this.registerOutputs({ ids: this.ids });
    }

    /** The group of `profile`; the caller lists every profile it asks for here in `profiles`. */
    idOf(profile: SecurityProfile): pulumi.Output<string> {
        const id = this.ids[profile];
        if (id === undefined) throw new Error(`${this.baseName}: no security group for profile ${profile}`);
        return id;
    }
}
