import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { OpenStackContext } from "../config/system";
import { SystemArgs, SystemPart } from "../config/systemComponent";
import { AdhocCommand } from "./ansible";
import { CallystoSection } from "./config";
import { Host } from "./host";
import { ZFS_POOL, buildInventory, inventoryName, renderInventory } from "./inventory";
import { inventoryHost, inventoryOptions } from "./provisioning";
import { SSH_PRIVATE_KEY } from "./secrets";

/** The command the Makefile's `quota/set` ran through plays/quota_tasks.yml. */
export function quotaCommand(userHash: string, refquota: string): string {
    return `zfs set refquota=${refquota} ${ZFS_POOL}/home/${userHash}`;
}

export interface UserQuotasArgs extends SystemArgs<CallystoSection, OpenStackContext> {
    hub: Host;
}

/**
 * ZFS refquotas of users' home datasets on one hub: one command per user, whose inputs are that user's hash and
 * size and the hub, so changing one entry re-runs only that user's command. Removing an entry leaves the quota
 * in place (there is no safe value to go back to).
 */
export class UserQuotas extends SystemPart<CallystoSection, OpenStackContext> {
    public readonly commands: Record<string, command.local.Command> = {};

    constructor(name: string, args: UserQuotasArgs, opts?: pulumi.ComponentResourceOptions) {
        super("runbooks:callysto:UserQuotas", name, args, opts);
        const hub = args.hub.host;
        const hubName = inventoryName(hub);
        const options = inventoryOptions(this.config);
        const inventory = inventoryHost(args.hub).apply((h) => renderInventory(buildInventory([h], options)));
        const sshPrivateKey = this.context.secrets.require(SSH_PRIVATE_KEY);
        for (const userHash of Object.keys(hub.quotas).sort()) {
            const refquota = hub.quotas[userHash];
            this.commands[userHash] = new AdhocCommand(
                this.childName(userHash),
                {
                    inventory,
                    limit: hubName,
                    sshPrivateKey,
                    steps: [{ module: "ansible.builtin.command", args: quotaCommand(userHash, refquota) }],
                    triggers: [hubName, userHash, refquota],
                },
                // Waits for what the component waits for (the hub's playbook, which creates the home datasets).
                this.foreignChild(),
            );
        }
        this.registerOutputs({ users: Object.keys(this.commands) });
    }
}
