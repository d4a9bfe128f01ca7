import { ReplacedByObjects, ResourceRef, TestRef, testRef, testsIn, runbookTable } from "../step";

// Runbook 004 (callysto/infrastructure PROCESSES.md). Stage is its development environment (zone callysto.space,
// hosts hub-dev, hub (sharder), ssp, stats, all provisioned by Ansible); prod is its production hub hub.callysto.ca,
// adopted with its volumes and address, on which no playbook runs while callysto.hosts[0].adopt.provision is false.
// The workstation clavius exists and is where pulumi up runs: both committed stacks leave callysto.workstation.create
// false, so no plan holds it and its steps are manual, naming the key that would build it.

/** A resource of the OpenStack provider, by its type token after `openstack:` (`compute/instance:Instance`). */
const openstack =
    (type: string) =>
    (name: ResourceRef["name"]): ResourceRef => ({ type: `openstack:${type}`, name });
const instance = openstack("compute/instance:Instance");
const volume = openstack("blockstorage/volume:Volume");
const floatingIp = openstack("networking/floatingIp:FloatingIp");
const secGroup = openstack("networking/secGroup:SecGroup");
const secGroupRule = openstack("networking/secGroupRule:SecGroupRule");
const command = (name: ResourceRef["name"]): ResourceRef => ({ type: "command:local:Command", name });
const zone: ResourceRef = { type: "openstack:dns/zone:Zone", name: "callysto-zone" };

/** Every Ansible run of stage, one per host: each checks out provisioning.repo at provisioning.version. */
const stageProvisioning = ["hub-dev", "hub", "ssp", "stats"].map((h) =>
    command(`callysto-provisioning-${h}`),
);
/** The Ansible run of stage's one JupyterHub (role hub): what hub variables and the announcement reach. */
const stageHubProvisioning = command("callysto-provisioning-hub-dev");

const test = testsIn("callysto");
const T = {
    provisioningRuns: test("provisioning", "checks out the pinned version and runs the playbooks in order"),
    provisioningPerHost: test("provisioning", "runs init and the role's playbook on each host alone"),
    provisioningReruns: test(
        "provisioning",
        "re-runs only the hubs when the announcement changes, and every host for a new playbook version",
    ),
    provisioningVars: test(
        "provisioning",
        "gives hubs the announcement and hub variables, and web hosts the certificate directory",
    ),
    prodRunsNothing: test(
        "adoption",
        "production: nothing runs on the live hub until adopt.provision is set",
    ),
    workstationOnlyWhenCreated: test(
        "adoption",
        "builds a workstation only where workstation.create says so",
    ),
    workstationGroup: test(
        "security",
        "puts each host's port in its role's group, and a new workstation in its ssh-only group",
    ),
    claviusNotice: test("dns", "tells the operator what stays by hand on a new clavius"),
    prodIds: test(
        "operator",
        "stops a real prod run until every id of the adopted hub, volumes and address is set",
    ),
    prodVolumes: test("hosts", "adopts the production hub's two 250 GB home volumes and its address by id"),
    prodResolved: test("config", "resolves the production hub as runbook 004 has it"),
};

/**
 * A step stage's Ansible runs carry out (every host's, or only `runs`): the keys that feed them and the tests that
 * prove it. Prod's hub runs no playbook while callysto.hosts[0].adopt.provision is false, which the last test proves.
 */
const byStageAnsible = (
    config: string[],
    tests: TestRef[],
    runs: ResourceRef[] = stageProvisioning,
): ReplacedByObjects => ({ by: "objects", objects: runs, config, tests: [...tests, T.prodRunsNothing] });

/** Where an operator reads how to set a key and deploy: the deploy page of the docs. */
const DEPLOY = { doc: "docs/operate/deploy.md#deploying-for-real" };
/** The first deploy's Callysto row: what is adopted, and that no new clavius is built (workstation.create: false). */
const FIRST_DEPLOY = { doc: "docs/operate/first-deploy.md#first-deploy-taking-over-what-runs-today" };
/** Printed only where callysto.workstation.create is true: what stays by hand on a new clavius. */
const CLAVIUS_BY_HAND = { doc: "docs/systems/callysto-notes.md#clavius-the-workstation-by-hand" };
const CLAVIUS_NOT_BUILT =
    "clavius exists and runs pulumi up, so both committed stacks leave callysto.workstation.create false and no plan builds it";

export const callystoTable = runbookTable({
    system: "callysto",
    runbook: "004-callysto.txt",
    steps: [
        {
            lines: "40-41",
            says: "Make sure your OpenStack account has a sufficient quota",
            step: "check the OpenStack project's quota before building anything",
            by: "objects",
            // The Environment component gates every OpenStack object and command on the quota check.
            objects: [{ type: "runbooks:callysto:Environment", name: "callysto" }],
            config: ["callysto.quotaCheck", "callysto.hosts", "callysto.roleDefaults"],
            tests: [
                test("projectQuota", "counts what the stack holds when complete"),
                test(
                    "projectQuota",
                    "stops before any OpenStack object or command is created when one quota is too small",
                ),
            ],
        },
        {
            lines: "43-46",
            says: "Download or generate a standard `openrc` file",
            step: "source an openrc before every command; keep credentials out of the repository",
            by: "objects",
            objects: [{ type: "pulumi:providers:openstack", name: "openstack" }],
            config: [
                "openstack.authUrl",
                "openstack.region",
                "openstack.projectName",
                "openstack.projectDomainName",
                "openstack.userDomainName",
                "openstack.userName",
                "openstack-password",
            ],
            tests: [
                test("hosts", "uses the stack's OpenStack provider for every OpenStack resource"),
                testRef(
                    "test/config/passes/secrets.test.ts",
                    "an enabled OpenStack-side system wants the openstack section and its credential",
                ),
            ],
        },
        {
            lines: "50-55",
            says: "Clone this repository to your local workstation",
            step: "clone callysto/infrastructure to the workstation",
            by: "objects",
            // Stage: every Ansible run clones it at the pin. Prod runs no playbook; its checkout on clavius holds
            // the hand-made certificate, which the check command reads.
            objects: [
                command({ stage: "callysto-provisioning-hub-dev", prod: "callysto-certificate-check" }),
                { type: "runbooks:callysto:Provisioning", name: "callysto-provisioning" },
            ],
            config: [
                "callysto.provisioning.repo",
                "callysto.provisioning.version",
                "callysto.certificates.directory",
            ],
            tests: [
                T.provisioningRuns,
                test("adoptedHub", "stops, saying how to regenerate it, when it is missing"),
            ],
        },
        {
            lines: "60-66",
            says: "Next, create an ssh keypair",
            step: "create the ssh keypair keys/id_rsa, kept out of the repository",
            by: "objects",
            objects: [{ type: "openstack:compute/keypair:Keypair", name: "callysto-keypair" }],
            config: [
                "callysto.keypair.name",
                "callysto.keypair.publicKey",
                "callysto.keypair.adopt",
                "callysto-ssh-private-key",
            ],
            tests: [
                test("operator", "ships stage and prod with a placeholder public key and ssh source"),
                test("operator", "refuses the local test stack's key in staging and production"),
                test("config", "requires the SSH key and the Designate openrc as secrets, read from files"),
            ],
        },
        {
            lines: "68-74",
            says: "Next, set up Terraform",
            step: "make setup in terraform/",
            by: "dropped",
            reason: "Terraform is gone: this program declares the OpenStack resources through its own provider, so there is no Terraform directory to initialise.",
        },
        {
            lines: "78-84",
            says: "Next, set up Ansible",
            step: "make setup in ansible/ (external roles and collections)",
            stacks: ["stage"],
            // Each run installs requirements.yml's roles and collections into its own checkout.
            ...byStageAnsible(
                ["callysto.provisioning.repo", "callysto.provisioning.version"],
                [T.provisioningRuns],
            ),
        },
        {
            lines: "93",
            says: "The production domain name can be managed outside of this repository.",
            step: "leave the production domain callysto.ca to its managers",
            stacks: ["prod"],
            by: "manual",
            reason: "callysto.dns.zone is outside on prod: the program writes no zone, record or DNS-01 challenge in callysto.ca; the notice lists each record (A, AAAA, TTL 60) its managers must hold.",
            procedure: { notice: "callysto.ca is managed outside this stack" },
            tests: [
                test("dns", "writes nothing into production's callysto.ca"),
                test("dns", "lists for the operator every record the outside zone must hold"),
            ],
        },
        {
            lines: "95-97",
            says: "The development domain name must be added to OpenStack Designate",
            step: "add the development zone callysto.space to Designate",
            stacks: ["stage"],
            by: "objects",
            // The zone made by hand is imported by id, protected and retained: destroying stage keeps it.
            objects: [zone],
            config: [
                "callysto.dns.zone",
                "callysto.dns.createZone.importId",
                "callysto.dns.createZone.email",
                "callysto.dns.createZone.ttl",
            ],
            tests: [
                test("hosts", "the hand-made dev zone is adopted and protected"),
                test("dns", "stage's own zone gets the records and certbot's challenge"),
            ],
        },
        {
            lines: "99",
            says: "Make note of the Zone ID and set it as the `zone_id`",
            step: "put the zone id into the environment's main.tf",
            stacks: ["stage"],
            by: "objects",
            objects: [zone],
            config: ["callysto.dns.createZone.importId"],
            tests: [
                test(
                    "operator",
                    "stops a real stage run until the operator sets their key, their address and the zone id",
                ),
            ],
        },
        {
            lines: "103-117",
            says: "Create a central workstation which can be used by all members",
            step: "build the workstation clavius with Terraform (make env=clavius apply)",
            by: "manual",
            reason: `${CLAVIUS_NOT_BUILT}; callysto.workstation.create: true in Pulumi.prod.yaml builds a new one on pulumi up: callysto-clavius-instance, -port, -fip, the -homedir (20 GB) and -docker (100 GB) volumes, the group callysto-secgroups-workstation (ssh and ICMP), A/AAAA where callysto.dns.zone is ours, else listed in the notices.`,
            procedure: FIRST_DEPLOY,
            tests: [T.workstationOnlyWhenCreated, T.workstationGroup],
        },
        {
            lines: "119-141",
            says: "Once Terraform has finished, use Ansible to provision it",
            step: "add the team's public keys, then run plays/init.yml and plays/clavius.yml on clavius",
            by: "manual",
            reason: `${CLAVIUS_NOT_BUILT}; with callysto.workstation.create true, pulumi up runs plays/init.yml and plays/clavius.yml on it (callysto.provisioning.playbooks.workstation) as callysto-provisioning-clavius, with the team keys in callysto.provisioning.vars.ssh_public_keys.`,
            procedure: FIRST_DEPLOY,
            tests: [T.workstationOnlyWhenCreated, T.provisioningRuns],
        },
        {
            lines: "143-159",
            says: "Once this is complete, log in to `clavius.callysto.farm`",
            step: "log in to clavius and LUKS-format, open and mount its work volume",
            by: "manual",
            reason: "The LUKS passphrase is held by people (1Password) and never belongs in a stack; the notice, printed where callysto.workstation.create is true, says to do it by hand once after the first pulumi up.",
            procedure: CLAVIUS_BY_HAND,
            tests: [T.claviusNotice],
        },
        {
            lines: "161-170",
            says: "Next, re-clone the infrastructure repository and repeat the initial setup",
            step: "on clavius, clone the repository again, make a key and set up Ansible",
            by: "manual",
            reason: "Deploys run from clavius (the callysto-* jobs on its self-hosted runner, or by hand), so the checkout of this program lives there; the key comes from the stack secret callysto-ssh-private-key and each Ansible run makes its own checkout.",
            procedure: { doc: "docs/operate/deploy.md#delivery-pull-requests-deploys-drift-policy" },
            tests: [
                testRef("test/delivery/callystoRunner.test.ts", "hosted jobs leave out exactly Callysto"),
            ],
        },
        {
            lines: "175-176",
            says: "Additionally, you should also copy the `terraform/clavius/terraform.tfstate`",
            step: "copy clavius's terraform.tfstate to the new workstation",
            by: "dropped",
            reason: "There is no Terraform state: Pulumi keeps the stack's state in its backend (pulumi login), reachable from any workstation.",
        },
        {
            lines: "186-198",
            says: "To generate the wildcard certificates, first review the following files",
            step: "configure letsencrypt/<env> and generate the wildcard certificate (make generate env=dev)",
            by: "objects",
            // Stage: certbot DNS-01 through Designate in its own zone. Prod (zone outside): generated by hand on
            // clavius as before (the notice "The certificate of *.callysto.ca is generated by hand"); the
            // program checks it before every up.
            objects: [command({ stage: "callysto-certificate-certbot", prod: "callysto-certificate-check" })],
            config: [
                "callysto.certificates.obtainedBy",
                "callysto.certificates.email",
                "callysto.certificates.acmeServer",
                "callysto.certificates.propagationSeconds",
                "callysto.certificates.renewBeforeDays",
                "callysto.certificates.checkEveryDays",
                "callysto-designate-openrc",
            ],
            tests: [
                test("certificates", "runs certbot for *.<domain> against the environment's zone"),
                test("certificates", "renews only when the certificate expires within renewBeforeDays"),
                test("certificates", "never runs a DNS-01 challenge in production's zone"),
                test("dns", "says the production certificate is made by hand on clavius"),
            ],
        },
        {
            lines: "200-205",
            says: "Finally, set the `callysto_ssl_cert_dir` variable",
            step: "set callysto_ssl_cert_dir so callysto-html copies the certificate to the servers",
            by: "objects",
            // Stage deploys it to its web hosts; prod checks the directory and deploys to no host while the
            // adopted hub is not provisioned.
            objects: [
                command({ stage: "callysto-provisioning-certificates", prod: "callysto-certificate-check" }),
            ],
            config: ["callysto.certificates.directory", "callysto.provisioning.certificatesPlaybook"],
            tests: [
                T.provisioningVars,
                test("dns", "says the production certificate is made by hand on clavius"),
            ],
        },
        {
            lines: "212-219",
            says: "As a pre-requisite, you will need to ensure an OpenStack security group exists",
            step: "create Packer's security group (make env=packer apply)",
            stacks: ["stage"],
            by: "objects",
            objects: [
                secGroup("callysto-secgroups-packer"),
                secGroupRule("callysto-secgroups-packer-tcp-1-65535-v4"),
                secGroupRule("callysto-secgroups-packer-tcp-1-65535-v6"),
                secGroupRule("callysto-secgroups-packer-udp-1-65535-v4"),
                secGroupRule("callysto-secgroups-packer-udp-1-65535-v6"),
                secGroupRule("callysto-secgroups-packer-icmp-v4"),
                secGroupRule("callysto-secgroups-packer-icmp-v6"),
            ],
            config: ["callysto.packerSecurityGroup"],
            tests: [
                test("security", "every tcp/udp port and ICMP for packer"),
                test(
                    "security",
                    "creates one group per role in use, each with its own rules (dev also gets packer's)",
                ),
            ],
        },
        {
            lines: "221-230",
            says: "Next, build the image",
            step: "build the callysto-hub image with Packer (make build/hub) after OS or ZFS upgrades",
            by: "dropped",
            reason: "The image build stays in callysto/infrastructure (packer/, make build/hub), run there as before: an image is no resource this program owns; it only boots the newest callysto-hub (next step).",
        },
        {
            lines: "232-233",
            says: "By default, Terraform is configured to automatically search for the generated",
            step: "new hubs boot the newest callysto-hub image",
            by: "objects",
            // Prod's hub is adopted as it runs (imageId ignored); a newer image never replaces a running hub.
            objects: [instance({ stage: "callysto-hub-dev-instance", prod: "callysto-hub-instance" })],
            config: ["callysto.roleDefaults.hub.image"],
            tests: [
                test("hosts", "boots every host from the newest image of its name"),
                test("adoptedHub", "ignores what Terraform set from values this stack does not have"),
            ],
        },
        {
            lines: "244-249",
            says: "First, create two 250gb volumes",
            step: "create the home volumes hub.callysto.ca-home-1 and -2 (250 GB)",
            stacks: ["prod"],
            by: "objects",
            // They exist: imported by id, protected and retained, never recreated empty.
            objects: [volume("callysto-hub-home-1"), volume("callysto-hub-home-2")],
            config: ["callysto.hosts[0].zfs.existingVolumes"],
            tests: [T.prodVolumes, T.prodResolved],
        },
        {
            lines: "251-255",
            says: "Next, allocate a Floating IP",
            step: "allocate the production floating IP",
            stacks: ["prod"],
            by: "objects",
            objects: [floatingIp("callysto-hub-fip")],
            config: ["callysto.hosts[0].floatingIp", "callysto.hosts[0].floatingIpId"],
            tests: [T.prodVolumes, T.prodResolved],
        },
        {
            lines: "257-262",
            says: "Next, create a new Terraform environment",
            step: "create the Terraform environment hub-prod (make new-hub/prod env=prod)",
            stacks: ["prod"],
            by: "objects",
            objects: [
                { type: "runbooks:callysto:Environment", name: "callysto" },
                { type: "runbooks:callysto:Host", name: "callysto-hub" },
            ],
            config: [
                "callysto.environment",
                "callysto.domain",
                "callysto.hosts",
                "callysto.roleDefaults.hub",
            ],
            tests: [test("config", "accepts both stack files as they are"), T.prodResolved],
        },
        {
            lines: "264-267",
            says: "Next, edit `hub-prod/main.tf` and modify as needed",
            step: "put the volume UUIDs and the floating IP into hub-prod/main.tf",
            stacks: ["prod"],
            by: "objects",
            objects: [
                volume("callysto-hub-home-1"),
                volume("callysto-hub-home-2"),
                floatingIp("callysto-hub-fip"),
            ],
            config: [
                "callysto.hosts[0].zfs.existingVolumes[0].id",
                "callysto.hosts[0].zfs.existingVolumes[1].id",
                "callysto.hosts[0].floatingIp",
                "callysto.hosts[0].floatingIpId",
            ],
            tests: [T.prodIds, T.prodVolumes],
        },
        {
            lines: "269-274",
            says: "Finally, deploy the hub",
            step: "deploy the production hub (make apply env=hub-prod)",
            stacks: ["prod"],
            by: "objects",
            // The running hub is imported, not built; its port gets exactly callysto-prod-hub.
            objects: [
                instance("callysto-hub-instance"),
                {
                    type: "openstack:networking/portSecGroupAssociate:PortSecGroupAssociate",
                    name: "callysto-hub-port-secgroups",
                },
                secGroup("callysto-secgroups-hub"),
                secGroupRule("callysto-secgroups-hub-tcp-22-v4-set-by-operator"),
            ],
            config: [
                "callysto.hosts[0].adopt.instanceId",
                "callysto.hosts[0].adopt.portId",
                "callysto.hosts[0].adopt.provision",
                "callysto.sshSources",
            ],
            tests: [
                test("adoptedHub", "is imported by its id, protected and retained"),
                test("adoption", "the groups on the adopted hub's port are exactly its role's group"),
                T.prodRunsNothing,
                T.prodIds,
            ],
        },
        {
            lines: "278-282",
            says: "To deploy a development environment, run the following",
            step: "build the development environment's machines (make env=hub-dev apply)",
            stacks: ["stage"],
            by: "objects",
            objects: [
                instance("callysto-hub-dev-instance"),
                { type: "openstack:networking/port:Port", name: "callysto-hub-dev-port" },
                floatingIp("callysto-hub-dev-fip"),
                volume("callysto-hub-dev-zfs-01"),
                volume("callysto-hub-dev-zfs-02"),
                { type: "openstack:dns/recordSet:RecordSet", name: "callysto-hub-dev-a" },
                { type: "openstack:dns/recordSet:RecordSet", name: "callysto-hub-dev-aaaa" },
                instance("callysto-hub-instance"),
                instance("callysto-ssp-instance"),
                instance("callysto-stats-instance"),
            ],
            config: [
                "callysto.hosts",
                "callysto.roleDefaults",
                "callysto.network",
                "callysto.floatingIpPool",
            ],
            tests: [
                test("hosts", "creates the ZFS volumes of dev hosts"),
                test("hosts", "publishes A = floating IP and AAAA = instance IPv6"),
            ],
        },
        {
            lines: "283-287",
            says: "pushd ../ansible",
            step: "provision the development hub with Ansible (make env=hub-dev hub/apply)",
            stacks: ["stage"],
            by: "objects",
            objects: stageProvisioning,
            config: [
                "callysto.provisioning.playbooks",
                "callysto.provisioning.initPlaybook",
                "callysto.provisioning.version",
            ],
            tests: [T.provisioningPerHost, T.provisioningRuns],
        },
        {
            lines: "291-301",
            says: "To deploy a custom environment, run the following",
            step: "create a custom environment hub-<name> (make new-hub/dev env=<name>)",
            stacks: ["stage"],
            by: "objects",
            // A custom environment is one more callysto.hosts entry; each entry becomes a Host of this shape
            // with its own Ansible run (its group_vars are provisioning.vars / hubVars).
            objects: [{ type: "runbooks:callysto:Host", name: "callysto-hub-dev" }, stageHubProvisioning],
            config: ["callysto.hosts", "callysto.provisioning.vars", "callysto.provisioning.hubVars"],
            tests: [test("hosts", "creates the ZFS volumes of dev hosts"), T.provisioningPerHost],
        },
        {
            lines: "308-316",
            says: "First, clone the `docker-stacks` repo",
            step: "on clavius, clone callysto/docker-stacks on branch ianabc",
            by: "manual",
            reason: "The notebook images are built by a person on clavius: a push changes what every hub's users spawn and needs a review; the notice (printed where callysto.workstation.create is true) names the steps.",
            procedure: CLAVIUS_BY_HAND,
            tests: [T.claviusNotice],
        },
        {
            lines: "318-338",
            says: "Next, build the images in succession",
            step: "build the notebook images (one by one, callysto-swift, or make build-test-all)",
            by: "manual",
            reason: "Built by hand on clavius when the images change, as before: no infrastructure change calls for it.",
            procedure: CLAVIUS_BY_HAND,
            tests: [T.claviusNotice],
        },
        {
            lines: "340-345",
            says: "Once the images have been built, you can push them to DockerHub",
            step: "push the images to DockerHub with ~/work/rc/dockerhub",
            by: "manual",
            reason: "The DockerHub credentials stay with the team on clavius, never in a stack, and a push needs a person's review.",
            procedure: CLAVIUS_BY_HAND,
            tests: [T.claviusNotice],
        },
        {
            lines: "352-360",
            says: "To install `hubtraf`, do the following on Clavius",
            step: "install hubtraf on clavius",
            by: "manual",
            reason: "A load-test tool installed when someone benchmarks (pip3 install --user -e ./hubtraf: AlmaLinux 9 has no pip3.6); as a provisioning step it would run at every up.",
            procedure: CLAVIUS_BY_HAND,
            tests: [T.claviusNotice],
        },
        {
            lines: "364-372",
            says: "Run the following",
            step: "load-test a hub with hubtraf (dummy authenticator only)",
            by: "manual",
            reason: "Synthetic users only against a hub with the dummy authenticator, never production's shib hub: run by a person, never by pulumi up.",
            procedure: CLAVIUS_BY_HAND,
            tests: [T.claviusNotice],
        },
        {
            lines: "379-380",
            says: "To add a base package, edit the `ansible/roles/internal/base-packages/vars/RedHat.yml`",
            step: "add a base package to the base-packages role of callysto/infrastructure",
            stacks: ["stage"],
            // The edit is a commit of callysto/infrastructure; pinning it re-runs every host.
            ...byStageAnsible(["callysto.provisioning.version"], [T.provisioningReruns]),
        },
        {
            lines: "384-400",
            says: "You can define SSH keys in the `local_vars.yml` file",
            step: "define ssh_public_keys for every host or per environment",
            stacks: ["stage"],
            // The stack is the environment: its provisioning.vars reach every host's run (all committed stacks hold
            // none today).
            ...byStageAnsible(["callysto.provisioning.vars"], [T.provisioningRuns]),
        },
        {
            lines: "406-413",
            says: "Set the `jupyterhub_announcement` variable",
            step: "set jupyterhub_announcement and run hub/apply",
            stacks: ["stage"],
            // Re-runs the hubs only.
            ...byStageAnsible(
                ["callysto.provisioning.announcement"],
                [T.provisioningReruns, T.provisioningVars],
                [stageHubProvisioning],
            ),
        },
        {
            lines: "423-441",
            says: "If you need to alter the actual Jupyter Notebook itself",
            step: "override a notebook template in the jupyterhub role (wrapped in raw tags)",
            stacks: ["stage"],
            // The template is a commit of callysto/infrastructure; pinning it re-runs the hubs' playbooks.
            ...byStageAnsible(["callysto.provisioning.version"], [T.provisioningReruns]),
        },
        {
            lines: "445-450",
            says: "The `ansible/Makefile` contains a handful of tasks to manage a user's quota",
            step: "read users' quotas (make quota/get)",
            by: "dropped",
            reason: "A read-only look, still run ad hoc against the stack's inventory: pulumi stack output callysto --json | jq -r .inventory > inventory.yml && ansible <hub> -i inventory.yml -b -m command -a 'zfs get used,refquota tank/home/<hash>'.",
        },
        {
            lines: "451-453",
            says: "make quota/set env=<env> user=<user> refquota=<10G>",
            step: "set a user's ZFS refquota (make quota/set)",
            by: "manual",
            reason: "No committed stack sets a quota, so no plan has one: pulumi config set --path 'callysto.hosts[<i>].quotas.<hash>' 10G, then pulumi up, runs zfs set refquota=10G tank/home/<hash> on that hub, one command per user.",
            procedure: DEPLOY,
            tests: [
                test("quotas", "sets the refquota of a user's home dataset"),
                test("quotas", "applies each user's quota with its own command on the hub"),
            ],
        },
    ],
    context: {
        "title and prose": ["1-4"],
        "table of contents (link list)": ["6-26"],
        "headings and prose": ["28-38"],
        heading: ["48", "101", "276", "289", "362", "382", "443"],
        "prose: where later commands run": ["57-58"],
        "prose: read the Makefile": ["76"],
        "prose, heading and prose": ["86-91"],
        "prose: why the setup is repeated": ["172-174"],
        "heading and prose": ["178-184", "207-210", "235-242", "303-306", "347-350", "374-377"],
        headings: ["402-404"],
        "prose (where the announcement shows) and heading": ["415-421"],
    },
});
