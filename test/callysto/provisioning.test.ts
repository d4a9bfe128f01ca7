import { operatorId } from "../placeholders";
import { strict as assert } from "assert";
import { parse } from "yaml";
import { PLAYBOOK_SCRIPT } from "../../components/callysto/ansible";
import {
    InventoryHost,
    buildInventory,
    provisioningTriggers,
    provisioningVars,
    renderInventory,
} from "../../components/callysto/inventory";
import { RecordedResource } from "../../tools/mocks/recorder";
import { Plan, SECRETS, T, planEdited, stageWithoutPacker } from "./helpers";
import { Sandbox, recordArgs } from "./scripts";

/** Prod with the adopted hub's provisioning asked for and a new clavius: every host Ansible can run on. */
let provisioned: Promise<Plan> | undefined;
function provisionedProd(): Promise<Plan> {
    provisioned ??= planEdited("prod", (c) => {
        c.hosts[0].adopt!.provision = true;
        c.workstation!.create = true;
    });
    return provisioned;
}

const HOSTS: InventoryHost[] = [
    {
        name: "hub-01",
        fqdn: "hub-01.callysto.ca",
        role: "hub",
        address: "162.246.156.72",
        zfsVolumeIds: ["ff4f2adc-4487-4515-93e1-4785f74b841a", "b5cf8c8e-152a-43e0-b703-7eeaab40cccc"],
    },
    { name: "hub", fqdn: "hub.callysto.ca", role: "sharder", address: "162.246.156.97", zfsVolumeIds: [] },
    { name: "ssp", fqdn: "ssp.callysto.ca", role: "ssp", address: "203.0.113.9", zfsVolumeIds: [] },
    {
        name: "clavius",
        fqdn: "clavius.callysto.ca",
        role: "workstation",
        address: "203.0.113.10",
        zfsVolumeIds: [],
    },
];
const OPTIONS = { environment: "prod", user: "ptty2u" };

function hostRuns(plan: Plan): RecordedResource[] {
    return plan
        .ofType(T.command)
        .filter(
            (c) =>
                c.name.startsWith("callysto-provisioning-") &&
                c.name !== "callysto-provisioning-certificates",
        );
}

/**
 * Host name → the triggers of its playbook run. Any other input that changed would re-run the command as well,
 * so this also checks that the rest of the inputs changed for exactly the same hosts.
 */
function triggers(plan: Plan): Record<string, unknown> {
    const runs = hostRuns(plan);
    const hostOf = (c: RecordedResource) => c.name.slice("callysto-provisioning-".length);
    const result = Object.fromEntries(runs.map((c) => [hostOf(c), c.inputs.triggers]));
    inputsByHost.set(result, Object.fromEntries(runs.map((c) => [hostOf(c), c.inputs])));
    return result;
}
const inputsByHost = new WeakMap<object, Record<string, unknown>>();

function env(command: RecordedResource): Record<string, string> {
    return command.inputs.environment as Record<string, string>;
}

/** Hosts whose triggers differ between two plans (and, checked, exactly those whose inputs differ). */
function changed(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
    const differs = (a: Record<string, unknown>, b: Record<string, unknown>) =>
        Object.keys(b)
            .filter((host) => JSON.stringify(a[host]) !== JSON.stringify(b[host]))
            .sort();
    const hosts = differs(before, after);
    assert.deepEqual(
        differs(inputsByHost.get(before)!, inputsByHost.get(after)!),
        hosts,
        "inputs change with triggers",
    );
    return hosts;
}

/** This file's baseline of those cases: stage unchanged (but for the packer group), evaluated once. */
let stageBaseline: Promise<Plan> | undefined;
function unchangedStage(): Promise<Plan> {
    stageBaseline ??= stageWithoutPacker();
    return stageBaseline;
}

describe("callysto inventory and provisioning", function () {
    this.timeout(120_000);

    it("groups hosts by role and environment, with address and ZFS disks as host vars", () => {
        const inventory = buildInventory(HOSTS, OPTIONS);
        assert.deepEqual(inventory.all.children, {
            hub: { hosts: { "hub-01.callysto.ca": null } },
            infra: { hosts: { clavius: null } },
            prod: {
                hosts: {
                    clavius: null,
                    "hub-01.callysto.ca": null,
                    "hub.callysto.ca": null,
                    "ssp.callysto.ca": null,
                },
            },
            sharder: { hosts: { "hub.callysto.ca": null } },
            // The service providers SimpleSAMLphp reads metadata from (inventory.ts playbookGroups).
            shibboleth_hosts: { hosts: { "hub-01.callysto.ca": null, "hub.callysto.ca": null } },
            ssp: { hosts: { "ssp.callysto.ca": null } },
        });
        assert.deepEqual(inventory.all.hosts["hub-01.callysto.ca"], {
            ansible_host: "162.246.156.72",
            // Bare ids: the pinned zfs role makes them /dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_<id>.
            zfs_disk_1: "ff4f2adc-4487-4515-93e1-4785f74b841a",
            zfs_disk_2: "b5cf8c8e-152a-43e0-b703-7eeaab40cccc",
            zfs_pool_name: "tank",
        });
        assert.deepEqual(inventory.all.hosts["ssp.callysto.ca"], { ansible_host: "203.0.113.9" });
        assert.deepEqual(inventory.all.hosts.clavius, { ansible_host: "203.0.113.10" });
        assert.equal(inventory.all.vars.ansible_user, "ptty2u");
        assert.deepEqual(parse(renderInventory(inventory)), inventory, "the YAML file says the same");
    });

    it("keeps only the focused host's details, so another host's changes leave its inventory alone", () => {
        const focused = buildInventory(HOSTS, OPTIONS, "hub-01.callysto.ca");
        assert.equal(focused.all.hosts["hub-01.callysto.ca"].zfs_pool_name, "tank");
        assert.deepEqual(focused.all.hosts["hub.callysto.ca"], { ansible_host: "hub.callysto.ca" });
        const moved = HOSTS.map((h) => (h.name === "ssp" ? { ...h, address: "203.0.113.99" } : h));
        assert.deepEqual(buildInventory(moved, OPTIONS, "hub-01.callysto.ca"), focused);
        assert.notDeepEqual(
            buildInventory(moved, OPTIONS, "ssp.callysto.ca"),
            buildInventory(HOSTS, OPTIONS, "ssp.callysto.ca"),
        );
        assert.deepEqual(
            buildInventory([...HOSTS].reverse(), OPTIONS),
            buildInventory(HOSTS, OPTIONS),
            "order does not matter",
        );
    });

    it("gives hubs the announcement and hub variables, and web hosts the certificate directory", () => {
        const options = {
            vars: { timezone: "America/Edmonton", ssh_public_keys: [{ name: "Andrew", user: "ptty2u" }] },
            hubVars: { jhub_docker_cull_cull_s: 10800, jupyterhub_announcement: "overridden" },
            groupVars: {},
            announcement: "Maintenance Friday",
            certificateDir: "/certs/live/star_callysto_ca",
        };
        assert.deepEqual(provisioningVars("hub", options), {
            callysto_ssl_cert_dir: "/certs/live/star_callysto_ca",
            jhub_docker_cull_cull_s: 10800,
            jupyterhub_announcement: "Maintenance Friday",
            ssh_public_keys: [{ name: "Andrew", user: "ptty2u" }],
            timezone: "America/Edmonton",
        });
        assert.deepEqual(Object.keys(provisioningVars("ssp", options)), [
            "callysto_ssl_cert_dir",
            "ssh_public_keys",
            "timezone",
        ]);
        assert.deepEqual(Object.keys(provisioningVars("workstation", options)), [
            "ssh_public_keys",
            "timezone",
        ]);
        const inv = buildInventory(HOSTS, OPTIONS, "ssp.callysto.ca");
        const base = provisioningTriggers(inv, "ssp.callysto.ca", { a: 1 }, "904146a");
        assert.deepEqual(
            provisioningTriggers(inv, "ssp.callysto.ca", { a: 1 }, "904146a"),
            base,
            "deterministic",
        );
        assert.notDeepEqual(provisioningTriggers(inv, "ssp.callysto.ca", { a: 2 }, "904146a"), base);
        assert.notDeepEqual(provisioningTriggers(inv, "ssp.callysto.ca", { a: 1 }, "abc1234"), base);
    });

    it("merges a group's variables into the environment's, dictionaries key by key (runbook 004's per-group keys)", () => {
        const key = (k: string) => ({ user: "ptty2u", state: "present", public_key: `ssh-ed25519 ${k}` });
        const options = {
            vars: { ssh_public_keys: { alice: key("A") }, hub_metrics: true },
            groupVars: { ssp: { ssh_public_keys: { bob: key("B") } }, infra: { hub_metrics: false } },
            hubVars: { ssh_public_keys: { carol: key("C") } },
            announcement: "",
        };
        assert.deepEqual(provisioningVars("ssp", options).ssh_public_keys, {
            alice: key("A"),
            bob: key("B"),
        });
        assert.deepEqual(provisioningVars("hub", options).ssh_public_keys, {
            alice: key("A"),
            carol: key("C"),
        });
        assert.deepEqual(provisioningVars("sharder", options).ssh_public_keys, { alice: key("A") });
        // The workstation is in infra (group_vars/infra), whose value wins over the environment's.
        assert.equal(provisioningVars("workstation", options).hub_metrics, false);
    });

    it("runs init and the role's playbook on each host alone, against its own inventory, after the host exists", async () => {
        const plan = await provisionedProd();
        const hub = plan.byName("callysto-provisioning-hub", T.command);
        const e = env(hub);
        assert.equal(e.ANSIBLE_LIMIT, "hub.callysto.ca");
        assert.equal(e.ANSIBLE_PLAYBOOKS, "plays/init.yml plays/hub-aio.yml");
        assert.equal(e.PLAYBOOK_REPO, "https://github.com/callysto/infrastructure.git");
        assert.equal(e.PLAYBOOK_VERSION, "904146a");
        const inventory = parse(e.ANSIBLE_INVENTORY_YAML);
        const disk = (n: number) => operatorId(`callysto.hosts[0].zfs.existingVolumes[${n}].id`);
        assert.deepEqual(inventory.all.hosts["hub.callysto.ca"], {
            ansible_host: "162.246.156.97",
            zfs_disk_1: disk(0),
            zfs_disk_2: disk(1),
            zfs_pool_name: "tank",
        });
        assert.deepEqual(JSON.parse(e.ANSIBLE_EXTRA_VARS), {
            admin_email: "sysadmin@callysto.ca",
            callysto_html_longname: "Callysto",
            callysto_ssl_cert_dir: "/home/ptty2u/work/callysto-infra/letsencrypt/prod/certs/star_callysto_ca",
            hub_metrics: true,
            jhub_docker_cull_cull_s: 10800,
            jhub_docker_cull_run_s: 1800,
            jupyterhub_announcement: "",
            jupyterhub_authenticator: "shib",
            jupyterhub_docker_container: "docker.io/callysto/pims-r:latest",
            jupyterhub_docker_image: "docker.io/callysto/pims-r",
            jupyterhub_spawner: "dockerspawner",
            openstack_ephemeral_docker_disk: "/dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_drive-scsi0-0-0-1",
            ssp_domain: "{{ groups['ssp'][0] }}",
            stats_username: "stats",
            support_email: "support@callysto.ca",
        });
        // The SSP's credentials a shib hub asserts reach it only secret-marked, from their stack secrets.
        assert.deepEqual(Object.keys(JSON.parse(e.ANSIBLE_SECRET_EXTRA_VARS)).sort(), [
            "ssp_idp_multi_admin_password",
            "ssp_idp_multi_salt",
            "ssp_idp_multi_saml_cert",
            "ssp_idp_multi_saml_key",
            "ssp_refresh_key",
        ]);
        assert.ok(hub.secretPaths.includes("environment.ANSIBLE_SECRET_EXTRA_VARS"), hub.secretPaths.join());
        // A component in dependsOn stands for every resource in it: the adopted volumes and address.
        for (const [name, type] of [
            ["callysto-hub-home-2", T.volume],
            ["callysto-hub-fip", T.fip],
        ] as const) {
            assert.ok(hub.dependencies.includes(plan.byName(name, type).urn), `waits for ${name}`);
        }
        assert.ok(hub.dependencies.includes(plan.byName("callysto-certificate-check", T.command).urn));
        const clavius = env(plan.byName("callysto-provisioning-clavius", T.command));
        assert.equal(clavius.ANSIBLE_LIMIT, "clavius");
        assert.equal(clavius.ANSIBLE_PLAYBOOKS, "plays/init.yml plays/clavius.yml");
        assert.ok(
            plan
                .byName("callysto-provisioning-clavius", T.command)
                .dependencies.includes(plan.byName("callysto-clavius-instance", T.instance).urn),
        );
    });

    it("keeps the SSH key secret: only in a secret environment value, never in scripts, inventories or variables", async () => {
        const plan = await provisionedProd();
        const key = SECRETS["callysto-ssh-private-key"];
        const commands = plan.ofType(T.command).filter((c) => "ANSIBLE_LIMIT" in env(c));
        assert.ok(commands.length >= 2);
        for (const c of commands) {
            // The key, and the credentials among the variables (secrets.ts ANSIBLE_SECRETS): nothing else is secret.
            assert.deepEqual(
                c.secretPaths.filter((p) => p !== "environment.ANSIBLE_SECRET_EXTRA_VARS"),
                ["environment.ANSIBLE_SSH_PRIVATE_KEY"],
                c.name,
            );
            assert.ok(!String(env(c).ANSIBLE_SECRET_EXTRA_VARS).includes("sshkeymaterial"), c.name);
            assert.equal(env(c).ANSIBLE_SSH_PRIVATE_KEY, key);
            assert.ok(
                !JSON.stringify(c.masked).includes("sshkeymaterial"),
                `${c.name} shows no key material`,
            );
            assert.ok(!String(c.inputs.create).includes("set -x"), "the script never traces its commands");
        }
    });

    it("re-runs only the hubs when the announcement changes, and every host for a new playbook version", async () => {
        const base = triggers(await unchangedStage());
        assert.deepEqual(Object.keys(base).sort(), ["hub", "hub-dev", "ssp", "stats"]);
        const same = triggers(await stageWithoutPacker());
        assert.deepEqual(changed(base, same), [], "an unchanged config changes no trigger");

        const announced = triggers(
            await stageWithoutPacker((c) => {
                c.provisioning!.announcement = "Hub maintenance on Friday";
            }),
        );
        assert.deepEqual(changed(base, announced), ["hub-dev"]);

        const upgraded = triggers(
            await stageWithoutPacker((c) => {
                // Another spelling of the pinned commit: the only other pin the record of the tree lets through.
                c.provisioning!.version = "904146a3d8bc1fd4e7cc168343d20a757cb439be";
            }),
        );
        assert.deepEqual(changed(base, upgraded), ["hub", "hub-dev", "ssp", "stats"]);
    });

    it("re-runs only the host that changed: a new address for one host leaves the others alone, a flavor none", async () => {
        const base = triggers(await unchangedStage());
        const moved = triggers(
            await stageWithoutPacker((c) => {
                c.hosts.find((h) => h.name === "ssp")!.floatingIp = "162.246.156.143";
            }),
        );
        assert.deepEqual(changed(base, moved), ["ssp"]);

        const resized = triggers(
            await stageWithoutPacker((c) => {
                c.hosts.find((h) => h.name === "stats")!.flavor = "m1.large";
            }),
        );
        assert.deepEqual(changed(base, resized), [], "a resize needs no playbook run");
    });

    it("beside a stats server, runs stats_client after the role's playbook on every hub, sharder and ssp, as hub-cluster.yml does", async () => {
        const playbooks = (plan: Plan) =>
            Object.fromEntries(hostRuns(plan).map((c) => [c.name, env(c).ANSIBLE_PLAYBOOKS]));
        assert.deepEqual(playbooks(await unchangedStage()), {
            "callysto-provisioning-hub-dev":
                "plays/init.yml plays/hub-aio.yml plays/imports/stats_client.yml",
            "callysto-provisioning-hub":
                "plays/init.yml plays/imports/sharder.yml plays/imports/stats_client.yml",
            "callysto-provisioning-ssp":
                "plays/init.yml plays/imports/ssp.yml plays/imports/stats_client.yml",
            "callysto-provisioning-stats": "plays/init.yml plays/imports/stats.yml",
        });
        // Nothing scrapes them without a stats server: no caddy on 9999.
        const noStats = await stageWithoutPacker((c) => {
            c.hosts = c.hosts.filter((h) => h.role !== "stats");
        });
        assert.deepEqual(playbooks(noStats), {
            "callysto-provisioning-hub-dev": "plays/init.yml plays/hub-aio.yml",
            "callysto-provisioning-hub": "plays/init.yml plays/imports/sharder.yml",
            "callysto-provisioning-ssp": "plays/init.yml plays/imports/ssp.yml",
        });
    });

    it("groups an all-in-one hub as the SSP too, and hubs and sharders as Shibboleth hosts, as the pinned plays read them", () => {
        const aio = buildInventory(
            HOSTS.filter((h) => h.role === "hub"),
            OPTIONS,
        ).all.children;
        assert.deepEqual(Object.keys(aio).sort(), ["hub", "prod", "shibboleth_hosts", "ssp"]);
        assert.deepEqual(aio.ssp, { hosts: { "hub-01.callysto.ca": null } }, "groups['ssp'][0] is the hub");
        // With an SSP of its own, the hub is not one.
        const cluster = buildInventory(HOSTS, OPTIONS).all.children;
        assert.deepEqual(cluster.ssp, { hosts: { "ssp.callysto.ca": null } });
        assert.ok(
            !("clavius" in cluster.shibboleth_hosts.hosts) &&
                !("ssp.callysto.ca" in cluster.shibboleth_hosts.hosts),
        );
    });

    it("checks out the pinned version and runs the playbooks in order, limited to the host, with the variables", () => {
        const sandbox = new Sandbox({
            git: [recordArgs("git"), 'if [ "$1" = clone ]; then mkdir -p "$4/ansible"; fi'].join("\n"),
            "ansible-playbook": [
                recordArgs("ansible-playbook"),
                // Where it runs, and that the inventory is there, beside the repository's group_vars/.
                'test -f inventory.yml && pwd >> "$CALLS/cwd"',
                'vars="$(printf \'%s\\n\' "$@" | grep -A1 -- --extra-vars | tail -1)"',
                'cat "${vars#@}" >> "$CALLS/vars"; echo >> "$CALLS/vars"',
            ].join("\n"),
        });
        sandbox.run(PLAYBOOK_SCRIPT, {
            ANSIBLE_SSH_PRIVATE_KEY: "KEY",
            ANSIBLE_INVENTORY_YAML: "all: {}\n",
            ANSIBLE_LIMIT: "hub-01.callysto.ca",
            ANSIBLE_EXTRA_VARS: JSON.stringify({ jupyterhub_announcement: "Maintenance Friday" }),
            PLAYBOOK_REPO: "https://github.com/callysto/infrastructure.git",
            PLAYBOOK_VERSION: "904146a",
            ANSIBLE_PLAYBOOKS: "plays/init.yml plays/hub-aio.yml",
        });
        const git = sandbox.calls("git");
        assert.match(
            git[0],
            /^clone --quiet https:\/\/github\.com\/callysto\/infrastructure\.git \S+\/repo$/,
        );
        assert.match(git[1], /^-C \S+\/repo checkout --quiet 904146a$/);
        const runs = sandbox.calls("ansible-playbook");
        assert.equal(runs.length, 2);
        assert.match(runs[0], /--limit hub-01\.callysto\.ca plays\/init\.yml$/);
        assert.match(runs[1], /--limit hub-01\.callysto\.ca plays\/hub-aio\.yml$/);
        assert.match(runs[0], /^--private-key \S+\/id_rsa -i inventory\.yml --extra-vars @\S+\/vars\.json /);
        for (const cwd of sandbox.calls("cwd")) assert.match(cwd, /\/repo\/ansible$/);
        assert.equal(sandbox.calls("cwd").length, 2);
        assert.deepEqual(
            sandbox.calls("vars").map((v) => JSON.parse(v)),
            [
                { jupyterhub_announcement: "Maintenance Friday" },
                { jupyterhub_announcement: "Maintenance Friday" },
            ],
        );
    });
});
