import * as openstack from "@pulumi/openstack";
import * as pulumi from "@pulumi/pulumi";
import { OpenStackContext } from "../config/system";
import { statefulOptions } from "../shared/protect";
import { SystemArgs, SystemComponent } from "../config/systemComponent";
import { ProvidedCertificate, WildcardCertificate } from "./certificates";
import { CallystoSection } from "./config";
import { Host } from "./host";
import { ResolvedHost, absolute, resolveHosts } from "./hosts";
import { Provisioning } from "./provisioning";
import { openstackQuotaSource, quotaGate } from "./projectQuota";
import { UserQuotas } from "./quotas";
import { SecurityGroups } from "./securityGroups";

/** What operators look up after a run: the addresses of one host. */
export interface HostAddresses {
    address: pulumi.Output<string>;
    ipv6: pulumi.Output<string>;
}

export type CallystoOutputs = {
    /** The Designate zone written to; empty where the zone is managed outside. */
    zoneId: pulumi.Output<string>;
    hosts: Record<string, HostAddresses>;
    /** The whole environment's Ansible inventory, where provisioning is enabled. */
    inventory: pulumi.Output<string> | undefined;
    /** `callysto_ssl_cert_dir`, where certificates are enabled. */
    certificateDir: string | undefined;
};

/**
 * A Callysto environment on OpenStack (terraform/<env> + ansible + letsencrypt of callysto/infrastructure): keypair,
 * security groups per role, the DNS zone or records in an external one, every host and the workstation, the
 * wildcard certificate, Ansible provisioning and users' ZFS quotas. (Named for its type token, which is part of
 * every URN in existing state.)
 */
export class Environment extends SystemComponent<CallystoSection, OpenStackContext, CallystoOutputs> {
    /** No resources once the stack fits the project's quota; fails the run otherwise (see `quotaGate`). */
    #quotaCheck?: pulumi.Output<pulumi.Resource[]>;

    constructor(
        name: string,
        args: SystemArgs<CallystoSection, OpenStackContext>,
        opts?: pulumi.ComponentResourceOptions,
    ) {
        super("runbooks:callysto:Environment", name, args, opts);
        const hosts = resolveHosts(this.config);
        this.#quotaCheck = this.checkQuota(hosts);
        const keypair = this.keypair();
        const zoneId = this.zone();
        const groups = new SecurityGroups(this.childName("secgroups"), { ...args, hosts }, this.gated());
        const machines = this.machines(hosts, keypair, groups, zoneId);
        const certificate = this.certificate(zoneId);
        const provisioning = this.provisioning(machines, certificate);
        this.userQuotas(machines, provisioning);
        this.setOutputs({
            zoneId,
            hosts: Object.fromEntries(machines.map((m) => [m.fqdn, { address: m.address, ipv6: m.ipv6 }])),
            inventory: provisioning?.inventory,
            certificateDir: certificate?.directory,
        });
    }

    /** Lookups are not children, but ask the same provider. */
    private get lookup(): pulumi.InvokeOptions {
        return { parent: this, provider: this.context.openstack };
    }

    /** What the stack holds against the project's quota, before anything is created (where quotaCheck is on). */
    private checkQuota(hosts: readonly ResolvedHost[]): pulumi.Output<pulumi.Resource[]> | undefined {
        return this.config.quotaCheck ? quotaGate(hosts, openstackQuotaSource(this.lookup)) : undefined;
    }

    /** Options of a creating child: a stack that does not fit the project's quota creates nothing. */
    private gated(extra: pulumi.CustomResourceOptions = {}): pulumi.CustomResourceOptions {
        // order: every creating child waits for the quota check (an Output that fails when the stack cannot fit).
        return this.child(this.#quotaCheck ? { ...extra, dependsOn: this.#quotaCheck } : extra);
    }

    /** The keypair every created instance boots with; adopted by name where it exists. */
    private keypair(): openstack.compute.Keypair {
        const keypair = this.config.keypair;
        return new openstack.compute.Keypair(
            this.childName("keypair"),
            { name: keypair.name, publicKey: keypair.publicKey },
            // A keypair's id is its name; the import fails unless the public key is the one it holds.
            this.gated(keypair.adopt ? { import: keypair.name } : {}),
        );
    }

    /** The zone the host records go to: made or adopted here, an existing one's id, or none where it is outside. */
    private zone(): pulumi.Output<string> {
        const dns = this.config.dns;
        if (dns.zone === "outside") return pulumi.output("");
        if (dns.createZone === undefined) return pulumi.output(dns.zoneId);
        const { importId, email, ttl } = dns.createZone;
        return new openstack.dns.Zone(
            this.childName("zone"),
            {
                name: absolute(this.config.domain),
                email,
                ttl,
                type: "PRIMARY",
                // An adopted zone keeps its own description, so the import finds nothing to change.
                ...(importId === undefined
                    ? { description: `Callysto ${this.config.environment} (managed by Pulumi)` }
                    : {}),
            },
            this.gated(
                importId === undefined
                    ? statefulOptions(this.context.protectStateful)
                    : // Made by hand (runbook 004): protected in every tier, so destroying stage never deletes it.
                      { import: importId, ...statefulOptions(true) },
            ),
        ).id;
    }

    private machines(
        hosts: readonly ResolvedHost[],
        keypair: openstack.compute.Keypair,
        groups: SecurityGroups,
        zoneId: pulumi.Output<string>,
    ): Host[] {
        const imageId = this.lookups(
            (image) => openstack.images.getImageOutput({ name: image, mostRecent: true }, this.lookup).id,
            this.config.pinnedIds.images,
        );
        const networkId = this.lookups(
            (network) => openstack.networking.getNetworkOutput({ name: network }, this.lookup).id,
            this.config.pinnedIds.networks,
        );
        return hosts.map(
            (host) =>
                new Host(
                    this.childName(host.name),
                    {
                        config: this.config,
                        context: this.context,
                        host,
                        imageId: imageId(host.image),
                        networkId: networkId(host.network),
                        keyPair: keypair.name,
                        group: groups.groupOf(host.role),
                        zoneId,
                    },
                    this.gated(),
                ),
        );
    }

    /**
     * An id by name: pinned, or looked up once per name, so hosts sharing an image boot from the same (newest at
     * lookup) image.
     */
    private lookups(
        find: (name: string) => pulumi.Output<string>,
        pinned: Record<string, string>,
    ): (name: string) => pulumi.Output<string> {
        const found = new Map<string, pulumi.Output<string>>();
        return (name) => {
            const pin = pinned[name];
            if (pin) return pulumi.output(pin);
            const id = found.get(name) ?? find(name);
            found.set(name, id);
            return id;
        };
    }

    /** The wildcard certificate: obtained through Designate, or generated by hand and checked. */
    private certificate(
        zoneId: pulumi.Output<string>,
    ): WildcardCertificate | ProvidedCertificate | undefined {
        const certificates = this.config.certificates;
        if (!certificates?.enabled) return undefined;
        const args = { config: this.config, context: this.context, certificates };
        if (certificates.obtainedBy === "operator") {
            return new ProvidedCertificate(this.childName("certificate"), args, this.gated());
        }
        // Its challenge writes a TXT record: nothing is written before the quota check passes either.
        return new WildcardCertificate(this.childName("certificate"), { ...args, zoneId }, this.gated());
    }

    /** Ansible on every host to be provisioned, and the certificate deployed to the web hosts. */
    private provisioning(
        machines: Host[],
        certificate: WildcardCertificate | ProvidedCertificate | undefined,
    ): Provisioning | undefined {
        const provisioning = this.config.provisioning;
        if (!provisioning?.enabled) return undefined;
        return new Provisioning(
            this.childName("provisioning"),
            { config: this.config, context: this.context, provisioning, hosts: machines, certificate },
            this.child(),
        );
    }

    /** The ZFS refquotas of each hub's users, once Ansible has made their home datasets. */
    private userQuotas(machines: Host[], provisioning: Provisioning | undefined): void {
        if (provisioning === undefined) return;
        for (const hub of machines.filter((m) => Object.keys(m.host.quotas).length > 0)) {
            new UserQuotas(
                this.childName(`${hub.host.name}-quotas`),
                { config: this.config, context: this.context, hub },
                // order: the datasets exist once the hub's playbook has run (an unprovisioned adopted hub has them).
                this.child({ dependsOn: [provisioning.runs[hub.host.name] ?? hub] }),
            );
        }
    }
}
