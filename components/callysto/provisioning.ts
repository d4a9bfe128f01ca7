import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { RunbookComponent } from "../shared/component";
import { contentHash } from "../shared/naming";
import { PlaybookCommand } from "./ansible";
import { ProvisioningConfig } from "./config";
import { ResolvedHost } from "./hosts";
import {
    CERTIFICATE_ROLES,
    InventoryHost,
    InventoryOptions,
    buildInventory,
    inventoryName,
    provisioningTriggers,
    provisioningVars,
    renderInventory,
} from "./inventory";

/** A machine of the environment: its resolved config and what was created for it. */
export interface ProvisionedHost {
    host: ResolvedHost;
    /** The host's public address and ZFS volume ids (Outputs of the Host component). */
    address: pulumi.Input<string>;
    volumeIds: pulumi.Input<string>[];
    /** Resources the playbook needs in place first (the Host component). */
    dependsOn: pulumi.Resource[];
}

/** The certificate handed to provisioning. */
export interface ProvisioningCertificate {
    /** `callysto_ssl_cert_dir`. */
    directory: string;
    /** Changes when the certificate may have been renewed. */
    generation: string;
    /** The certbot run. */
    resource: pulumi.Resource;
}

/** Arguments of {@link Provisioning}. */
export interface ProvisioningArgs {
    hosts: ProvisionedHost[];
    inventory: InventoryOptions;
    config: ProvisioningConfig;
    certificate?: ProvisioningCertificate;
    /** Private key of the environment's keypair; a secret Output. */
    sshPrivateKey: pulumi.Input<string>;
}

/** A created host as the inventory needs it, once its address and volumes are known. */
export function inventoryHost(h: ProvisionedHost): pulumi.Output<InventoryHost> {
    return pulumi.all([h.address, pulumi.all(h.volumeIds)]).apply(([address, ids]) => ({
        name: h.host.name,
        fqdn: h.host.fqdn,
        role: h.host.role,
        address,
        zfsVolumeIds: h.host.zfs ? ids : [],
    }));
}

/**
 * Ansible for every host to be provisioned (see `ResolvedHost.provision`), each run on its own (`init.yml`, then the environment or workstation playbook, limited
 * to the host) and re-run only when the host, its variables or the playbook version change; then the wildcard
 * certificate deployed to the web hosts whenever it may have been renewed.
 */
export class Provisioning extends RunbookComponent {
    /** The whole environment's inventory (YAML), for ad-hoc runs by operators. */
    public readonly inventory: pulumi.Output<string>;
    /** Host name (config) → its playbook run; none for an adopted host left unprovisioned. */
    public readonly runs: Partial<Record<string, command.local.Command>> = {};

    constructor(name: string, args: ProvisioningArgs, opts?: pulumi.ComponentResourceOptions) {
        super("runbooks:callysto:Provisioning", name, opts);
        const cfg = args.config;
        const all = pulumi.all(args.hosts.map(inventoryHost));
        this.inventory = all.apply((hosts) => renderInventory(buildInventory(hosts, args.inventory)));
        const varsOptions = {
            vars: cfg.vars,
            hubVars: cfg.hubVars,
            announcement: cfg.announcement,
            certificateDir: args.certificate?.directory,
        };

        // Every host is in the inventory (an adopted one's address and disks included), but playbooks run only on
        // those whose provisioning is asked for: a running host adopted as it is is left as it is.
        const provisioned = args.hosts.filter((h) => h.host.provision);
        for (const h of provisioned) {
            const target = inventoryName(h.host);
            const inventory = all.apply((hosts) => buildInventory(hosts, args.inventory, target));
            const vars = provisioningVars(h.host.role, varsOptions);
            this.runs[h.host.name] = new PlaybookCommand(
                this.childName(h.host.name),
                {
                    inventory: inventory.apply(renderInventory),
                    limit: target,
                    sshPrivateKey: args.sshPrivateKey,
                    repo: cfg.repo,
                    version: cfg.version,
                    playbooks: [cfg.initPlaybook, cfg.playbooks[h.host.role]],
                    extraVars: vars,
                    triggers: inventory.apply((inv) => provisioningTriggers(inv, target, vars, cfg.version)),
                },
                this.child({
                    dependsOn: [...h.dependsOn, ...(args.certificate ? [args.certificate.resource] : [])],
                }),
            );
        }

        const web = provisioned.filter((h) => CERTIFICATE_ROLES.includes(h.host.role));
        // By group while every web host is provisioned; by name when one is not, so it is left alone too.
        const everyWebHost =
            web.length === args.hosts.filter((h) => CERTIFICATE_ROLES.includes(h.host.role)).length;
        const limit = everyWebHost
            ? CERTIFICATE_ROLES.join(",")
            : web.map((h) => inventoryName(h.host)).join(",");
        if (args.certificate && web.length > 0) {
            const certificate = args.certificate;
            const extraVars = { callysto_ssl_cert_dir: certificate.directory };
            new PlaybookCommand(
                this.childName("certificates"),
                {
                    inventory: this.inventory,
                    limit,
                    sshPrivateKey: args.sshPrivateKey,
                    repo: cfg.repo,
                    version: cfg.version,
                    playbooks: [cfg.certificatesPlaybook],
                    extraVars,
                    triggers: this.inventory.apply((inv) => [
                        certificate.generation,
                        `inventory:${contentHash(inv)}`,
                        `version:${cfg.version}`,
                    ]),
                },
                this.child({
                    dependsOn: [certificate.resource, ...web.flatMap((h) => this.runs[h.host.name] ?? [])],
                }),
            );
        }
        this.registerOutputs({ inventory: this.inventory });
    }
}
