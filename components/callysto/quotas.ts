import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { RunbookComponent } from "../shared/component";
import { adhocCommand } from "./ansible";
import { InventoryHost, InventoryOptions, ZFS_POOL, buildInventory, renderInventory } from "./inventory";

/** The command the Makefile's `quota/set` ran through plays/quota_tasks.yml. */
export function quotaCommand(userHash: string, refquota: string): string {
    return `zfs set refquota=${refquota} ${ZFS_POOL}/home/${userHash}`;
}

/** Arguments of {@link UserQuotas}. */
export interface UserQuotasArgs {
    /** The hub, once created. */
    hub: pulumi.Input<InventoryHost>;
    /** Inventory name of the hub (its FQDN). */
    hubName: string;
    inventory: InventoryOptions;
    /** User hash → refquota. */
    quotas: Record<string, string>;
    sshPrivateKey: pulumi.Input<string>;
}

/**
 * ZFS refquotas of users' home datasets on one hub: one command per user, whose inputs are that user's hash and
 * size and the hub, so changing one entry re-runs only that user's command. Removing an entry leaves the quota
 * in place (there is no safe value to go back to).
 */
export class UserQuotas extends RunbookComponent {
    /** User hash → its command. */
    public readonly commands: Record<string, command.local.Command> = {};

    constructor(name: string, args: UserQuotasArgs, opts?: pulumi.ComponentResourceOptions) {
        super("runbooks:callysto:UserQuotas", name, opts);
        const inventory = pulumi
            .output(args.hub)
            .apply((hub) => renderInventory(buildInventory([hub], args.inventory)));
        for (const userHash of Object.keys(args.quotas).sort()) {
            const refquota = args.quotas[userHash];
            this.commands[userHash] = adhocCommand(
                this.childName(userHash),
                {
                    inventory,
                    limit: args.hubName,
                    sshPrivateKey: args.sshPrivateKey,
                    moduleArgs: quotaCommand(userHash, refquota),
                    triggers: [args.hubName, userHash, refquota],
                },
                // Waits for what the component waits for (the hub's playbook, which creates the home datasets).
                this.child(),
            );
        }
        this.registerOutputs({ users: Object.keys(this.commands) });
    }
}
