import { strict as assert } from "assert";
import { callysto } from "../../components/callysto";
import { callystoProblems } from "../../components/callysto/checks";
import { CallystoConfig, callystoSchema } from "../../components/callysto/config";
import { resolveHosts } from "../../components/callysto/hosts";
import { configErrorOf, onlyProblem, recorder, runWith } from "../harness";
import { operatorId } from "../placeholders";
import { SECRETS, callystoValues, checked, section } from "./helpers";

const configError = (values: Record<string, unknown>, secrets: Record<string, string> = SECRETS) =>
    configErrorOf(() => runWith({ values, secrets, systems: [callysto] }));

function parsed(stack: "stage" | "prod"): CallystoConfig {
    return callystoSchema.parse(callystoValues(stack).callysto);
}

describe("callysto config", () => {
    it("accepts both stack files as they are", () => {
        assert.deepEqual(callystoProblems(parsed("stage"), "staging"), []);
        assert.deepEqual(callystoProblems(parsed("prod"), "production"), []);
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
                    existingVolumes: [
                        { id: "ad112939-111b-4929-8bd4-b9e5662d0945", name: "hub-old-1", size: 25 },
                        { id: "b92bdad9-d9ea-4921-9a5f-2d556400a179", name: "hub-old-2", size: 25 },
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
        // A valid value is the operator's to write: the message says what is allowed, no command.
        assert.equal(byKey("hosts[1].name").fix, undefined);
        assert.match(byKey("hosts[2].zfs.size").message, /both a size .* and existing volume ids/);
        assert.equal(byKey("hosts[2].zfs.size").fix, undefined);
        assert.match(
            byKey("hosts[3].flavor").message,
            /no flavor and roleDefaults\.stats\.flavor is not set/,
        );
        // Only the operator knows which flavor: no value is printed for them.
        assert.equal(byKey("hosts[3].flavor").fix, undefined);
        for (const p of err.problems) {
            assert.ok(err.message.includes(`${p.key}: ${p.message}`), `message lists ${p.key}`);
        }
        assert.equal(recorder.resources.length, 0, "nothing is registered when the config is wrong");
    });

    it("rejects a floating IP that is not an IPv4 address, and an existing volume id that is not a UUID", async () => {
        const values = callystoValues("prod");
        const cfg = section(values);
        cfg.hosts[0].floatingIp = "162.246.156.300";
        cfg.hosts[0].zfs!.existingVolumes![1].id = "hub-home-2";
        const err = await configError(values);
        assert.deepEqual(err.problems.map((p) => p.key).sort(), [
            "runbooks:callysto.hosts[0].floatingIp",
            "runbooks:callysto.hosts[0].zfs.existingVolumes[1].id",
        ]);
        const ip = err.problems.find((p) => p.key.endsWith("floatingIp"))!;
        assert.match(ip.message, /must be an IPv4 address/);
        assert.equal(ip.fix, undefined);
        assert.equal(recorder.resources.length, 0);
    });

    it("needs exactly one of an existing zone id or a zone to create where the zone is ours", async () => {
        const values = callystoValues("stage");
        section(values).dns.zoneId = "1cf42d24-a04e-431b-a715-1701f297100e";
        const err = await configError(values);
        const p = onlyProblem(err, "runbooks:callysto.dns.zoneId");
        assert.match(p.message, /set exactly one of dns\.zoneId .* or dns\.createZone/);
        assert.equal(p.fix, undefined);
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
            "pulumi config set --secret callysto-ssh-private-key --stack <stack> < id_rsa",
        );
        assert.equal(
            fixes["runbooks:callysto-designate-openrc"],
            "pulumi config set --secret callysto-designate-openrc --stack <stack> < designate-openrc.sh",
        );
    });

    it("resolves the production hub as runbook 004 has it: hub.callysto.ca, adopted with its home volumes and address", () => {
        const hosts = resolveHosts(checked(parsed("prod")));
        const byName = Object.fromEntries(hosts.map((h) => [h.name, h]));
        // clavius exists and runs pulumi up: described (create: false), never built a second time.
        assert.deepEqual(Object.keys(byName).sort(), ["hub"]);
        assert.deepEqual(byName.hub, {
            name: "hub",
            fqdn: "hub.callysto.ca",
            role: "hub",
            flavor: "m1.40g100g8c32g",
            image: "callysto-hub",
            network: "default",
            floatingIp: { address: "162.246.156.97", id: operatorId("callysto.hosts[0].floatingIpId") },
            adopt: {
                instanceId: operatorId("callysto.hosts[0].adopt.instanceId"),
                portId: operatorId("callysto.hosts[0].adopt.portId"),
            },
            provision: false,
            volumes: [
                {
                    name: "hub.callysto.ca-home-1",
                    size: 250,
                    existingId: operatorId("callysto.hosts[0].zfs.existingVolumes[0].id"),
                },
                {
                    name: "hub.callysto.ca-home-2",
                    size: 250,
                    existingId: operatorId("callysto.hosts[0].zfs.existingVolumes[1].id"),
                },
            ],
            zfs: true,
            quotas: {},
        });
        const withClavius = parsed("prod");
        withClavius.workstation!.create = true;
        const clavius = resolveHosts(checked(withClavius)).find((h) => h.name === "clavius")!;
        assert.equal(clavius.role, "workstation");
        assert.deepEqual(clavius.volumes, [
            { name: "clavius.callysto.ca-homedir", size: 20 },
            { name: "clavius.callysto.ca-docker", size: 100 },
        ]);
    });
});
