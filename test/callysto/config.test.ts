import { strict as assert } from "assert";
import { callysto } from "../../components/callysto";
import { CallystoConfig, callystoProblems, callystoSchema } from "../../components/callysto/config";
import { resolveHosts } from "../../components/callysto/hosts";
import { ConfigError } from "../../components/config/problems";
import { recorder, runWith } from "../harness";
import { SECRETS, callystoValues, section } from "./helpers";

async function configError(
    values: Record<string, unknown>,
    secrets: Record<string, string> = SECRETS,
): Promise<ConfigError> {
    try {
        await runWith({ values, secrets, systems: [callysto] });
    } catch (err) {
        assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
        return err;
    }
    assert.fail("expected the configuration to be rejected");
}

function parsed(stack: "stage" | "prod"): CallystoConfig {
    return callystoSchema.parse(callystoValues(stack).callysto);
}

describe("callysto config", () => {
    it("accepts both stack files as they are", () => {
        assert.deepEqual(callystoProblems(parsed("stage")), []);
        assert.deepEqual(callystoProblems(parsed("prod")), []);
    });

    it("rejects two hosts with one name, an existing volume with a size and a missing flavor, all at once", async () => {
        const values = callystoValues("stage");
        const cfg = section(values);
        cfg.roleDefaults = { ...cfg.roleDefaults, stats: { image: "Alma Linux 9", zfsSize: 25 } }; // no flavor
        cfg.hosts = [
            { name: "hub-dev", role: "hub" },
            { name: "hub-dev", role: "hub" },
            {
                name: "hub-old",
                role: "hub",
                zfs: {
                    size: 25,
                    existingVolumeIds: [
                        "ad112939-111b-4929-8bd4-b9e5662d0945",
                        "b92bdad9-d9ea-4921-9a5f-2d556400a179",
                    ],
                },
            },
            { name: "stats", role: "stats" },
        ];
        const err = await configError(values);
        assert.deepEqual(err.problems.map((p) => p.key).sort(), [
            "runbooks:callysto.hosts[1].name",
            "runbooks:callysto.hosts[2].zfs.size",
            "runbooks:callysto.hosts[3].flavor",
        ]);
        const byKey = (k: string) => err.problems.find((p) => p.key === `runbooks:callysto.${k}`)!;
        assert.match(byKey("hosts[1].name").message, /"hub-dev" is used twice/);
        assert.equal(
            byKey("hosts[1].name").fix,
            "pulumi config set --path 'callysto.hosts[1].name' hub-dev-2",
        );
        assert.match(byKey("hosts[2].zfs.size").message, /both a size .* and existing volume ids/);
        assert.equal(byKey("hosts[2].zfs.size").fix, "pulumi config rm --path 'callysto.hosts[2].zfs.size'");
        assert.match(
            byKey("hosts[3].flavor").message,
            /no flavor and roleDefaults\.stats\.flavor is not set/,
        );
        assert.equal(
            byKey("hosts[3].flavor").fix,
            "pulumi config set --path 'callysto.hosts[3].flavor' m1.small",
        );
        for (const p of err.problems) {
            assert.ok(err.message.includes(p.fix), `message lists the fix ${p.fix}`);
        }
        assert.equal(recorder.resources.length, 0, "nothing is registered when the config is wrong");
    });

    it("rejects a floating IP that is not an IPv4 address, and an existing volume id that is not a UUID", async () => {
        const values = callystoValues("prod");
        const cfg = section(values);
        cfg.hosts[0].floatingIp = "162.246.156.300";
        cfg.hosts[2].zfs = { existingVolumeIds: ["ff4f2adc-4487-4515-93e1-4785f74b841a", "hub-01-zfs-02"] };
        const err = await configError(values);
        assert.deepEqual(err.problems.map((p) => p.key).sort(), [
            "runbooks:callysto.hosts[0].floatingIp",
            "runbooks:callysto.hosts[2].zfs.existingVolumeIds[1]",
        ]);
        const ip = err.problems.find((p) => p.key.endsWith("floatingIp"))!;
        assert.match(ip.message, /must be an IPv4 address/);
        assert.equal(ip.fix, "pulumi config set --path 'callysto.hosts[0].floatingIp' 162.246.156.219");
        assert.ok(err.message.includes(ip.fix));
        assert.equal(recorder.resources.length, 0);
    });

    it("needs exactly one of an external zone id or a zone to create", async () => {
        const values = callystoValues("prod");
        section(values).dns.createZone = { email: "sysadmin@callysto.ca", ttl: 3600 };
        const err = await configError(values);
        assert.deepEqual(
            err.problems.map((p) => p.key),
            ["runbooks:callysto.dns.zoneId"],
        );
        assert.match(err.problems[0].fix, /pulumi config rm --path callysto\.dns\.createZone/);
    });

    it("rejects a hub without ZFS, quotas on a non-hub and a renewal check rarer than the renewal window", async () => {
        const values = callystoValues("stage");
        const cfg = section(values);
        cfg.roleDefaults = { ...cfg.roleDefaults, hub: { flavor: "m1.40g100g4c8g", image: "callysto-hub" } };
        cfg.hosts = [
            { name: "hub-dev", role: "hub" },
            { name: "ssp", role: "ssp", quotas: { abc123: "5G" } },
        ];
        cfg.certificates = { ...cfg.certificates!, checkEveryDays: 45, renewBeforeDays: 30 };
        const err = await configError(values);
        assert.deepEqual(err.problems.map((p) => p.key).sort(), [
            "runbooks:callysto.certificates.checkEveryDays",
            "runbooks:callysto.hosts[0].zfs.size",
            "runbooks:callysto.hosts[1].quotas",
        ]);
    });

    it("asks for a bad quota size and a bad user hash with their full keys", async () => {
        const values = callystoValues("stage");
        section(values).hosts[0].quotas = { "user;rm -rf /": "5G", abc: "lots" };
        const err = await configError(values);
        const keys = err.problems.map((p) => p.key).sort();
        assert.deepEqual(keys, [
            "runbooks:callysto.hosts[0].quotas.abc",
            'runbooks:callysto.hosts[0].quotas["user;rm -rf /"]',
        ]);
    });

    it("requires the SSH key and the Designate openrc as secrets, read from files", async () => {
        const err = await configError(callystoValues("stage"), { "openstack-password": "pw" });
        const fixes = Object.fromEntries(err.problems.map((p) => [p.key, p.fix]));
        assert.equal(
            fixes["runbooks:callysto-ssh-private-key"],
            "pulumi config set --secret callysto-ssh-private-key < id_rsa",
        );
        assert.equal(
            fixes["runbooks:callysto-designate-openrc"],
            "pulumi config set --secret callysto-designate-openrc < designate-openrc.sh",
        );
    });

    it("resolves role defaults, the workstation and new or existing volumes and addresses", () => {
        const hosts = resolveHosts(parsed("prod"));
        const byName = Object.fromEntries(hosts.map((h) => [h.name, h]));
        assert.deepEqual(byName["hub-01"], {
            name: "hub-01",
            fqdn: "hub-01.callysto.ca",
            role: "hub",
            flavor: "m1.40g100g8c32g",
            image: "callysto-hub",
            network: "default",
            floatingIp: { address: "162.246.156.72" },
            volumes: [
                { name: "hub-01.callysto.ca-zfs-01", existingId: "ff4f2adc-4487-4515-93e1-4785f74b841a" },
                { name: "hub-01.callysto.ca-zfs-02", existingId: "b5cf8c8e-152a-43e0-b703-7eeaab40cccc" },
            ],
            zfs: true,
            quotas: {},
        });
        assert.deepEqual(byName.hub.volumes, [
            { name: "hub.callysto.ca-zfs-01", size: 10 },
            { name: "hub.callysto.ca-zfs-02", size: 10 },
        ]);
        assert.deepEqual(byName.ssp.floatingIp, { pool: "public" });
        assert.deepEqual(byName.ssp.volumes, []);
        assert.equal(byName.clavius.role, "workstation");
        assert.deepEqual(byName.clavius.volumes, [
            { name: "clavius.callysto.ca-homedir", size: 20 },
            { name: "clavius.callysto.ca-docker", size: 100 },
        ]);
    });
});
