import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { OpenStackContext } from "../config/system";
import { contentHash } from "../shared/naming";
import { SystemArgs, SystemPart } from "../config/systemComponent";
import { AdhocCommand, PlaybookCommand } from "./ansible";
import { CERT_DIR_VARIABLE, certificateDeploySteps } from "./certificates";
import { CallystoSection, ProvisioningConfig } from "./config";
import { Host } from "./host";
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
import { SSH_PRIVATE_KEY, ansibleSecretsOf } from "./secrets";
import { hostPlaybooks } from "./upstream";

export interface ProvisioningCertificate {
    /** `callysto_ssl_cert_dir`. */
    directory: string;
    /** Changes when the certificate may have been renewed. */
    generation: string;
    /** The certbot run or the check of the certificate made by hand. */
    command: command.local.Command;
}

export interface ProvisioningArgs extends SystemArgs<CallystoSection, OpenStackContext> {
    provisioning: ProvisioningConfig;
    hosts: readonly Host[];
    certificate?: ProvisioningCertificate;
}

/** The inventory's group of the environment and the user Ansible logs in as (cloud-init's default user). */
export function inventoryOptions(config: CallystoSection): InventoryOptions {
    return { environment: config.environment, user: config.defaultUser };
}

/** A machine as the inventory needs it, once its address and volumes are known. */
export function inventoryHost(h: Host): pulumi.Output<InventoryHost> {
    return pulumi.all([h.address, pulumi.all(h.volumeIds)]).apply(([address, ids]) => ({
        name: h.host.name,
        fqdn: h.host.fqdn,
        role: h.host.role,
        address,
        zfsVolumeIds: h.host.zfs ? ids : [],
    }));
}

/**
 * Ansible for every host to be provisioned (see `ResolvedHost.provision`), each run on its own (`init.yml`, then the
 * role's or workstation playbook, then stats_client beside a stats server, limited to the host: see `hostPlaybooks`)
 * and re-run only when the host, its variables or the playbook version change; then the wildcard certificate deployed
 * to every web host, adopted ones included, whenever it may have been renewed.
 */
export class Provisioning extends SystemPart<CallystoSection, OpenStackContext> {
    /** The whole environment's inventory (YAML), for ad-hoc runs by operators. */
    public readonly inventory: pulumi.Output<string>;
    /** Host name (config) → its playbook run; none for an adopted host left unprovisioned. */
    public readonly runs: Partial<Record<string, command.local.Command>> = {};
    readonly #settings: ProvisioningConfig;
    readonly #sshPrivateKey: pulumi.Output<string>;

    constructor(name: string, args: ProvisioningArgs, opts?: pulumi.ComponentResourceOptions) {
        super("runbooks:callysto:Provisioning", name, args, opts);
        this.#settings = args.provisioning;
        this.#sshPrivateKey = this.context.secrets.require(SSH_PRIVATE_KEY);
        const all = pulumi.all(args.hosts.map(inventoryHost));
        this.inventory = all.apply((hosts) =>
            renderInventory(buildInventory(hosts, inventoryOptions(this.config))),
        );
        // Every host is in the inventory (an adopted one's address and disks included), but playbooks run only on
        // those whose provisioning is asked for: a running host adopted as it is is left as it is.
        const provisioned = args.hosts.filter((h) => h.host.provision);
        // A stats server scrapes the others whether or not a playbook runs on it here.
        const withStats = args.hosts.some((h) => h.host.role === "stats");
        for (const h of provisioned)
            this.runs[h.host.name] = this.playbooks(h, all, withStats, args.certificate);
        if (args.certificate) this.deployCertificate(args.hosts, args.certificate);
        this.registerOutputs({ inventory: this.inventory });
    }

    /** `init.yml`, the role's playbook and, beside a stats server, stats_client on one host, its inventory focused on it. */
    private playbooks(
        h: Host,
        all: pulumi.Output<InventoryHost[]>,
        withStats: boolean,
        certificate: ProvisioningCertificate | undefined,
    ): PlaybookCommand {
        const cfg = this.#settings;
        const target = inventoryName(h.host);
        const inventory = all.apply((hosts) => buildInventory(hosts, inventoryOptions(this.config), target));
        const vars = provisioningVars(h.host.role, {
            vars: cfg.vars,
            hubVars: cfg.hubVars,
            groupVars: cfg.groupVars,
            announcement: cfg.announcement,
            certificateDir: certificate?.directory,
        });
        const reader = { role: h.host.role, vars, withStats };
        const secretVars = Object.fromEntries(
            ansibleSecretsOf(reader).map((s) => [s.variable, this.context.secrets.require(s.key)]),
        );
        return new PlaybookCommand(
            this.childName(h.host.name),
            {
                inventory: inventory.apply(renderInventory),
                limit: target,
                sshPrivateKey: this.#sshPrivateKey,
                repo: cfg.repo,
                version: cfg.version,
                playbooks: hostPlaybooks(cfg, h.host.role, withStats),
                extraVars: vars,
                secretVars,
                triggers: inventory.apply((inv) => provisioningTriggers(inv, target, vars, cfg.version)),
            },
            // Neither the whole host (volumes attached, records written) nor the certificate is a command input.
            // order: the playbooks run on the finished host and deploy the certificate once it is checked or renewed.
            this.foreignChild({ dependsOn: [h, ...(certificate ? [certificate.command] : [])] }),
        );
    }

    /**
     * The wildcard certificate deployed to every web host, whenever it may have been renewed: a host adopted as it is
     * (no playbook of its own) gets it too, since installing the renewed certificate is the runbook's renewal step, not
     * provisioning (runbook 004: callysto_ssl_cert_dir, whose files Ansible copies to /etc/pki/tls/ on the servers).
     * The program's own steps do it (see certificateDeploySteps), or the repository's playbook where one is named.
     */
    private deployCertificate(hosts: readonly Host[], certificate: ProvisioningCertificate): void {
        const cfg = this.#settings;
        const web = hosts.filter((h) => CERTIFICATE_ROLES.includes(h.host.role));
        if (web.length === 0) return;
        const common = {
            inventory: this.inventory,
            limit: CERTIFICATE_ROLES.join(","),
            sshPrivateKey: this.#sshPrivateKey,
            triggers: this.inventory.apply((inv) => [
                certificate.generation,
                `inventory:${contentHash(inv)}`,
                `version:${cfg.version}`,
            ]),
        };
        const options = this.foreignChild({
            // order: after the certificate is checked or renewed, and after each web host's own playbooks, or, on
            // a host adopted as it is, after its port has the group that lets Ansible's ssh in.
            dependsOn: [certificate.command, ...web.map((h) => this.runs[h.host.name] ?? h)],
        });
        const name = this.childName("certificates");
        if (cfg.certificatesPlaybook === undefined) {
            new AdhocCommand(
                name,
                {
                    ...common,
                    steps: certificateDeploySteps(),
                    environment: { [CERT_DIR_VARIABLE]: certificate.directory },
                },
                options,
            );
            return;
        }
        new PlaybookCommand(
            name,
            {
                ...common,
                repo: cfg.repo,
                version: cfg.version,
                playbooks: [cfg.certificatesPlaybook],
                extraVars: { callysto_ssl_cert_dir: certificate.directory },
            },
            options,
        );
    }
}
