import { z } from "zod";
import { systemSwitches } from "../config/system";
import { cidrBlock, gigabytes, hostName, ipv4Address, k8sName, positiveInt } from "../config/fields";
import { orPlaceholder } from "../shared/placeholder";

/** Roles of the hosts in the list; the workstation (clavius) has a section of its own. */
export const HOST_ROLES = ["hub", "sharder", "ssp", "stats"] as const;
export const hostRole = z.enum(HOST_ROLES).meta({ example: "hub" });
export type HostRole = z.infer<typeof hostRole>;

/** The host part of a name in the environment's domain: `hub-dev` becomes `hub-dev.callysto.space`. */
const hostLabel = (example: string) => k8sName(example);

/** A flavor or image name as OpenStack lists it. */
const openstackName = (example: string) => z.string().min(1).meta({ example });
const networkName = z.string().min(1).meta({ example: "default" });
const uuidOf = (what: string) =>
    z.uuid({ error: `must be ${what} (a UUID)` }).meta({ example: "c0ffee00-0000-4000-8000-00000000000a" });
/** An id of an existing object, or the placeholder until the operator has looked it up. */
const existingId = (what: string) => orPlaceholder(uuidOf(what));

/** A source address range allowed to reach ssh: IPv4 or IPv6 CIDR. */
const cidr = cidrBlock("203.0.113.10/32");
/** An existing floating IP that stays when hosts come and go (production addresses live in DNS elsewhere too). */
const floatingAddress = ipv4Address("162.246.156.219");

/** ZFS refquota as `zfs set` accepts it: a size with a unit, or `none` to lift the limit. */
export const refquota = z
    .string()
    .regex(/^([0-9]+(\.[0-9]+)?[KMGTP]|none)$/, "must be a ZFS size such as 5G or 500M, or none")
    .meta({ example: "5G" });

/** A user's home dataset name under tank/home (the hash JupyterHub gives each user). */
const userHash = z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,128}$/, "must be a user hash (letters, digits, '-' and '_')")
    .meta({ example: "3b4c9e0f1a2d" });

/**
 * An existing Cinder volume (runbook 004: production home volumes are created once by hand): adopted with the
 * `import` option, protected and retained in every tier, so no destroy or replacement can delete it. Name and
 * size must be the volume's own, or the import stops without touching it.
 */
export const existingVolumeSchema = z.strictObject({
    id: existingId("a Cinder volume id"),
    name: z.string().min(1).meta({ example: "hub.example.org-home-1" }),
    size: gigabytes(250),
});

/** Two ZFS volumes (the pool is a mirror): created with a size, or existing volumes adopted by id. */
export const zfsSchema = z.strictObject({
    size: gigabytes(25).optional().meta({
        description: "Size of each new volume `<host>-zfs-01/02` in GB; the role's default size when unset.",
    }),
    existingVolumes: z
        .array(existingVolumeSchema)
        .length(2, "must list exactly two volumes (the ZFS mirror)")
        .optional()
        .meta({
            description:
                "Existing volumes (production: `hub.callysto.ca-home-1/-2`, created by hand so data outlives the host).",
        }),
});

/**
 * A running instance adopted by id (`import`), protected and retained in every tier, with what Terraform set from
 * values this stack lacks ignored (see ADOPTED_INSTANCE_IGNORED): Pulumi owns its lifecycle as Terraform did. Its
 * volume attachments and floating IP association stay as Terraform made them; its volumes and address are adopted.
 * Its port gets exactly the security group of its role, so `sshSources` governs its ssh as it does every created
 * host's. Ansible runs on it only when `provision` says so.
 */
export const adoptSchema = z.strictObject({
    instanceId: existingId("a Nova instance id"),
    portId: existingId("a Neutron port id").meta({
        description:
            "The instance's one Neutron port (Terraform's): its security groups become exactly its role's group.",
    }),
    provision: z.boolean().default(false).meta({
        description:
            "Run the init and role playbooks (and the certificate deployment) on this running host. Off by default: the first `pulumi up` of an adopted host must not re-provision a live machine; turn it on after reviewing what provisioning.version's playbooks do to it (the plan's notices name them).",
        example: "false",
    }),
});

export const hostSchema = z.strictObject({
    name: hostLabel("hub-dev").meta({
        description: "DNS label; the host is `<name>.<domain>`. Hubs are `hub-<name>`, the sharder is `hub`.",
    }),
    role: hostRole,
    flavor: openstackName("m1.40g100g4c8g")
        .optional()
        .meta({ description: "Nova flavor; the role's default flavor when unset." }),
    image: openstackName("callysto-hub").optional().meta({
        description:
            "Glance image name (the newest image of that name is used); the role's default when unset.",
    }),
    network: networkName
        .optional()
        .meta({ description: "Network of the host's port; the environment's network when unset." }),
    floatingIp: floatingAddress.optional().meta({
        description: "An existing floating IP to associate; a new one is allocated from the pool when unset.",
    }),
    floatingIpId: existingId("a Neutron floating IP id").optional().meta({
        description:
            "Id of that floating IP: it is adopted (`import`) and protected, so it can never be released.",
    }),
    adopt: adoptSchema
        .optional()
        .meta({ description: "Take over a running instance instead of creating one (see adoptSchema)." }),
    zfs: zfsSchema.optional(),
    quotas: z
        .record(userHash, refquota)
        .optional()
        .meta({ description: "Hub only: user hash → ZFS refquota of `tank/home/<hash>`." }),
});
export type HostConfig = z.infer<typeof hostSchema>;

export const roleDefaultsSchema = z.strictObject({
    flavor: openstackName("m1.small").optional(),
    image: openstackName("Alma Linux 9").optional(),
    /** Size in GB of each of the two ZFS volumes created for hosts of this role. */
    zfsSize: gigabytes(25).optional(),
});

/** The team workstation "clavius": its own security group, home and docker volumes, a floating IP. */
export const workstationSchema = z.strictObject({
    create: z.boolean().default(false).meta({
        description:
            "Create this workstation. Off by default: clavius exists once the team has bootstrapped (runbook 004) and is where `pulumi up` runs, so a stack describing it must not build a second one unless asked.",
        example: "false",
    }),
    name: hostLabel("clavius").default("clavius"),
    flavor: openstackName("m1.small"),
    image: openstackName("Alma Linux 9"),
    network: networkName.optional(),
    floatingIp: floatingAddress.optional(),
    homeSize: gigabytes(20)
        .default(20)
        .meta({ description: "Home directory volume in GB (LUKS-encrypted by hand after the first boot)." }),
    dockerSize: gigabytes(100).default(100).meta({ description: "Docker storage volume in GB." }),
});

/**
 * Whose the zone of `domain` is. `ours`: this stack writes it (the host records, and certbot's DNS-01 TXT record
 * when certificates.obtainedBy is designate). `outside`: someone else manages it (runbook 004: "the production
 * domain name can be managed outside of this repository"); nothing is written to it and the notices list the records
 * the operator must have created there. No default: which one it is must be a decision, never a guess.
 */
export const ZONE_OWNERS = ["ours", "outside"] as const;

export const dnsSchema = z.strictObject({
    zone: z.enum(ZONE_OWNERS).meta({ example: "ours" }),
    zoneId: z.string().min(1).optional().meta({
        description:
            "Zone ours: a Designate zone of this project whose records this stack writes (the zone itself is not managed).",
        example: "1cf42d24-a04e-431b-a715-1701f297100e",
    }),
    createZone: z
        .strictObject({
            email: z.email().meta({ example: "hostmaster@example.org" }),
            ttl: positiveInt(3600).default(3600),
            importId: existingId("a Designate zone id").optional().meta({
                description:
                    "The zone exists already (runbook 004 adds it by hand): its id. It is adopted (`import`) and protected in every tier, so destroying the stack never deletes it.",
            }),
        })
        .optional()
        .meta({ description: "Zone ours: create and own the zone `<domain>.` with this SOA e-mail." }),
    recordTtl: positiveInt(60).default(60).meta({
        description: "TTL of every host record (systems.md: 60), written here or listed for the operator.",
    }),
});

/** A playbook path inside the repository's ansible/ directory. */
const playbookPath = (example: string) =>
    z
        .string()
        .regex(/^[A-Za-z0-9._/-]+\.ya?ml$/, "must be a playbook path such as plays/hub-aio.yml")
        .meta({ example });

/** Ansible variables by name, each value any JSON (lists such as `ssh_public_keys` included). */
const ansibleVars = () =>
    z
        .record(z.string().regex(/^[a-z_][a-z0-9_]*$/), z.json())
        .default({})
        .meta({ example: "{}" });

export const provisioningSchema = z.strictObject({
    enabled: z.boolean().default(true).meta({ example: "true" }),
    repo: z.url().meta({
        description: "The Ansible repository (callysto/infrastructure) and the commit or tag to run.",
        example: "https://github.com/callysto/infrastructure.git",
    }),
    version: z
        .string()
        .regex(/^[A-Za-z0-9._/-]+$/, "must be a git commit, tag or branch")
        .meta({ example: "904146a" }),
    initPlaybook: playbookPath("plays/init.yml")
        .default("plays/init.yml")
        .meta({ description: "Run first on every host (`make hub/init/apply`, `clavius/init/apply`)." }),
    playbooks: z
        .strictObject({
            hub: playbookPath("plays/hub-aio.yml").default("plays/hub-aio.yml"),
            sharder: playbookPath("plays/imports/sharder.yml").default("plays/imports/sharder.yml"),
            ssp: playbookPath("plays/imports/ssp.yml").default("plays/imports/ssp.yml"),
            stats: playbookPath("plays/imports/stats.yml").default("plays/imports/stats.yml"),
            workstation: playbookPath("plays/clavius.yml").default("plays/clavius.yml"),
        })
        .prefault({})
        .meta({
            description:
                "The playbook of each role, run limited to one host at a time: each must be a playbook the record of the pinned tree (facts/trees/callysto-infrastructure.yaml) holds for that role.",
        }),
    statsClientPlaybook: playbookPath("plays/imports/stats_client.yml")
        .default("plays/imports/stats_client.yml")
        .meta({
            description:
                "Run after the role's playbook on every hub, sharder and ssp when the stack has a stats server: the caddy and node exporter its Prometheus scrapes (what hub-cluster.yml runs after the roles).",
        }),
    certificatesPlaybook: playbookPath("plays/deploy-certs.yml").optional().meta({
        description:
            "A playbook of the repository that deploys the certificate instead of the program's own step (copy the four files to /etc/pki/tls/, then restart whichever of httpd, httpd24-httpd and caddy runs and predates them). Unset by default: plays/deploy-certs.yml at 904146a restarts caddy whether or not the host has it, so on a hub that serves TLS with httpd alone (runbook 004's) every renewal fails before httpd is restarted.",
    }),
    announcement: z.string().default("").meta({
        description: "Banner shown on every hub (`jupyterhub_announcement`); empty for none.",
        example: "Scheduled maintenance Friday 18:00 MT",
    }),
    hubVars: ansibleVars().meta({
        description: "Further variables for hubs only, e.g. `jhub_docker_cull_cull_s`.",
    }),
    groupVars: z
        .partialRecord(z.enum(["sharder", "ssp", "stats", "infra"]), ansibleVars())
        .default({})
        .meta({
            description:
                "Variables of one inventory group's hosts (`sharder`, `ssp`, `stats`, or `infra` for the workstation): runbook 004's group_vars/<group>/local_vars.yml, e.g. `ssh_public_keys` for that group alone. Dictionaries merge with those of `vars` (and a hub's with hubVars), as callysto/infrastructure's hash_behaviour = merge merges them.",
            example: '{"ssp": {"ssh_public_keys": {}}}',
        }),
    vars: ansibleVars().meta({
        description: "Variables for every host (the environment's group_vars/<env>/local_vars.yml).",
    }),
});
export type ProvisioningConfig = z.infer<typeof provisioningSchema>;

/**
 * How the wildcard certificate is obtained. `designate`: certbot's DNS-01 challenge, its TXT record written to the
 * zone through Designate (only where dns.zone is ours). `operator`: generated by hand on clavius as runbook 004 does
 * it (`letsencrypt/`, `make generate env=<env>`; the production hook has people add the TXT record where the zone is
 * managed); the program checks it and deploys it.
 */
export const CERTIFICATE_SOURCES = ["designate", "operator"] as const;

export const certificatesSchema = z.strictObject({
    enabled: z.boolean().default(true).meta({ example: "true" }),
    obtainedBy: z.enum(CERTIFICATE_SOURCES).meta({ example: "designate" }),
    email: z
        .email()
        .meta({ description: "ACME account e-mail (expiry notices).", example: "sysadmin@callysto.ca" }),
    directory: z
        .string()
        .regex(/^\/[^\s]*$/, "must be an absolute path without spaces")
        .meta({
            description:
                "designate: certbot's config dir on the machine running `pulumi up` (clavius); it must persist between runs. operator: the directory holding the certificate generated by hand (cert.pem, privkey.pem, fullchain.pem): `callysto_ssl_cert_dir` as the runbook sets it.",
            example: "/home/ptty2u/work/letsencrypt/prod",
        }),
    renewBeforeDays: positiveInt(30).default(30).meta({
        description:
            "designate: renew when it expires within this many days; operator: stop and ask for a new one then.",
    }),
    checkEveryDays: positiveInt(7).default(7).meta({
        description:
            "How often (days) a `pulumi up` re-checks the expiry; at most renewBeforeDays so no window is missed.",
    }),
    acmeServer: z
        .url()
        .default("https://acme-v02.api.letsencrypt.org/directory")
        .meta({ example: "https://acme-v02.api.letsencrypt.org/directory" }),
    propagationSeconds: positiveInt(60).default(60).meta({
        description: "Seconds the hook waits for the TXT record to reach Designate's name servers.",
    }),
});
export type CertificatesConfig = z.infer<typeof certificatesSchema>;

export const callystoSchema = z.strictObject({
    ...systemSwitches,
    environment: z
        .enum(["dev", "prod"])
        .meta({ description: "Inventory group of every host: `dev` or `prod`.", example: "dev" }),
    domain: hostName("callysto.space"),
    dns: dnsSchema,
    keypair: z.strictObject({
        name: z.string().min(1).meta({ example: "example-dev" }),
        publicKey: orPlaceholder(
            z
                .string()
                .regex(
                    /^(ssh-(rsa|ed25519)|ecdsa-sha2-nistp(256|384|521)) [A-Za-z0-9+/=]+( .*)?$/,
                    "must be an OpenSSH public key",
                )
                .meta({ example: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHkA operator" }),
        ).meta({
            description:
                "Content of `keys/id_rsa.pub`: a key whose private half only the operators hold (the secret callysto-ssh-private-key). Committed stack files carry the placeholder until it is set.",
            example: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHkA operator",
            // An example key would let nobody in (or whoever holds its private half): only the operator has it.
            ask: "the public half of a key pair only the operators hold (ssh-keygen -t ed25519 -f keys/id_rsa, then the one line of keys/id_rsa.pub)",
        }),
        adopt: z.boolean().default(false).meta({
            description:
                "The keypair exists in OpenStack already (Terraform made it): adopt it by name instead of creating it.",
            example: "false",
        }),
    }),
    sshSources: z.array(orPlaceholder(cidr)).min(1, "must list at least one address range").optional().meta({
        description:
            "Where ssh (22) to hubs, sharder, ssp and stats may come from: Ansible runs from the team workstation, so its address. Unset keeps Terraform's 0.0.0.0/0, which only the local test stack may do.",
    }),
    allowSshFromAnywhere: z
        .string()
        .min(10, "must say why (at least 10 characters, e.g. a ticket and a reason)")
        .optional()
        .meta({
            description:
                "Production only: why ssh (22) may come from anywhere (`0.0.0.0/0` or `::/0` in sshSources), e.g. a ticket. Without it such a source is refused: the whole internet would reach every production host's ssh.",
            example: "INC-1234: workstation address changes daily",
        }),
    defaultUser: z
        .string()
        .regex(/^[a-z_][a-z0-9_-]*$/, "must be a Linux user name")
        .default("ptty2u")
        .meta({
            description: "Default user cloud-init creates on every instance; Ansible logs in as this user.",
            example: "ptty2u",
        }),
    network: networkName.meta({ description: "Network of every port unless a host names another." }),
    floatingIpPool: z.string().min(1).default("public").meta({ example: "public" }),
    roleDefaults: z.partialRecord(hostRole, roleDefaultsSchema).default({}).meta({ example: "{}" }),
    hosts: z.array(hostSchema).default([]),
    workstation: workstationSchema.optional(),
    packerSecurityGroup: z
        .boolean()
        .default(false)
        .meta({ description: "Create the `packer` security group used by image builds.", example: "true" }),
    quotaCheck: z.boolean().default(true).meta({
        description:
            "Compare what the stack holds (instances, cores, RAM, volumes, gigabytes, floating IPs) with the project's OpenStack quota before anything is created. Off only where no OpenStack answers (the local test stack).",
        example: "true",
    }),
    pinnedIds: z
        .strictObject({
            images: z
                .record(z.string().min(1), z.uuid({ error: "must be a Glance image id (a UUID)" }))
                .default({})
                .meta({ example: '{"callysto-hub": "c0ffee00-0000-4000-8000-000000000001"}' }),
            networks: z
                .record(z.string().min(1), z.uuid({ error: "must be a Neutron network id (a UUID)" }))
                .default({})
                .meta({ example: '{"default": "c0ffee00-0000-4000-8000-000000000002"}' }),
        })
        .default({ images: {}, networks: {} })
        .meta({
            description:
                "Image and network ids pinned by name. A pinned name is not looked up in Glance/Neutron: a hub can be held on one exact image build, and a preview needs no API call (delayed authentication).",
        }),
    provisioning: provisioningSchema.optional(),
    certificates: certificatesSchema.optional(),
});
export type CallystoConfig = z.infer<typeof callystoSchema>;

/** A Designate zone created here, or adopted by its id (runbook 004 adds it by hand). */
export type CreateZoneConfig = NonNullable<CallystoConfig["dns"]["createZone"]>;

/**
 * The zone as the check proved it (components/callysto/checks.ts): managed outside (this stack writes nothing to it),
 * or ours through exactly one of an existing zone's id and a zone made or adopted here.
 */
export type CheckedDns =
    | { zone: "outside"; recordTtl: number }
    | { zone: "ours"; recordTtl: number; zoneId: string; createZone?: undefined }
    | { zone: "ours"; recordTtl: number; createZone: CreateZoneConfig; zoneId?: undefined };

/** A host whose flavor and image the check chose: its own, or its role's default. */
export type CheckedHost = HostConfig & { flavor: string; image: string };

/** The section once the check passed: what the Callysto component, its parts and the notices read. */
export type CallystoSection = Omit<CallystoConfig, "dns" | "hosts"> & {
    dns: CheckedDns;
    hosts: CheckedHost[];
};
