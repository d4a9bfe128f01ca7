import { strict as assert } from "assert";
import { fakeId, fakeIpv4, fakeIpv6 } from "../../tools/mocks/fakes";
import { RecordedResource } from "../../tools/mocks/recorder";
import { operatorId } from "../placeholders";
import { runSystem } from "../fixtures/system";
import { CALLYSTO, Plan, T, editing, planEdited, unchangedPlans } from "./helpers";
import { evaluatingAgain } from "../harness";

// The module behind `openstack.images.getImageOutput`; its export is looked up on every call, so a test can wrap it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const getImageModule = require("@pulumi/openstack/images/getImage") as {
    getImageOutput: (...args: unknown[]) => unknown;
};

function instanceOf(plan: Plan, fqdn: string): RecordedResource {
    const found = plan.ofType(T.instance).filter((i) => i.inputs.name === fqdn);
    assert.equal(found.length, 1, `one instance ${fqdn}`);
    return found[0];
}

function attachmentsOf(plan: Plan, host: string): RecordedResource[] {
    return plan.ofType(T.attach).filter((a) => a.name.startsWith(`callysto-${host}-`));
}

/**
 * What `run` registers, with the image lookups the program makes while it runs: only observed where the program
 * really ran (evaluatingAgain), so "no lookup" cannot pass without evaluating.
 */
async function withLookups(
    run: () => Promise<RecordedResource[]>,
): Promise<{ plan: Plan; lookups: unknown[] }> {
    const lookups: unknown[] = [];
    const original = getImageModule.getImageOutput;
    getImageModule.getImageOutput = (...args: unknown[]) => {
        lookups.push(args[0]);
        return original(...args);
    };
    try {
        return { plan: new Plan([...(await evaluatingAgain(run))]), lookups };
    } finally {
        getImageModule.getImageOutput = original;
    }
}

/** This file's own evaluation of the unchanged prod stack (see unchangedPlans). */
const stackPlan = unchangedPlans();

describe("callysto hosts", function () {
    this.timeout(120_000);

    // The unchanged stage stack, evaluated once for the cases that read it, with the image lookups it makes.
    let stage: Plan;
    let stageLookups: unknown[];
    before(async () => {
        ({ plan: stage, lookups: stageLookups } = await withLookups(() => runSystem(CALLYSTO, "stage")));
    });

    it("uses pinned image and network ids without any lookup (previews need no cloud)", async () => {
        const hubImage = "c0ffee00-0000-4000-8000-0000000000a1";
        const almaImage = "c0ffee00-0000-4000-8000-0000000000a2";
        const network = "c0ffee00-0000-4000-8000-0000000000b1";
        const { plan, lookups } = await withLookups(() =>
            runSystem(
                CALLYSTO,
                "stage",
                editing((c) => {
                    // Only the hosts look anything up: the groups' packer profile, the certificate and the
                    // playbook runs are left out (the unpinned lookups are the stage evaluation's, in full).
                    c.packerSecurityGroup = false;
                    c.certificates!.enabled = false;
                    c.provisioning!.enabled = false;
                    c.pinnedIds = {
                        images: { "callysto-hub": hubImage, "Alma Linux 9": almaImage },
                        networks: { default: network },
                    };
                }),
            ),
        );
        assert.deepEqual(lookups, []);
        assert.equal(instanceOf(plan, "hub-dev.callysto.space").inputs.imageId, hubImage);
        assert.equal(instanceOf(plan, "ssp.callysto.space").inputs.imageId, almaImage);
        assert.equal(plan.byName("callysto-hub-dev-port", T.port).inputs.networkId, network);
    });

    it("boots every host from the newest image of its name and never replaces it for a newer one", () => {
        const plan = stage;
        const lookups = [...stageLookups];
        assert.deepEqual(
            lookups.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
            [
                { name: "Alma Linux 9", mostRecent: true },
                { name: "callysto-hub", mostRecent: true },
            ],
            "one lookup per image name, always the most recent image",
        );
        const hub = instanceOf(plan, "hub-dev.callysto.space");
        assert.equal(hub.inputs.imageId, "image-callysto-hub");
        assert.equal(hub.inputs.flavorName, "m1.40g100g4c8g");
        assert.deepEqual(hub.ignoreChanges, ["imageId"]);
        assert.equal(instanceOf(plan, "ssp.callysto.space").inputs.imageId, "image-Alma Linux 9");
        for (const instance of plan.ofType(T.instance)) {
            assert.deepEqual(instance.ignoreChanges, ["imageId"], instance.name);
            assert.match(String(instance.inputs.userData), /default_user:\n {4}name: ptty2u\n/);
            assert.equal(instance.inputs.keyPair, "callysto-dev");
        }
        const port = plan.byName("callysto-hub-dev-port", T.port);
        assert.equal(port.inputs.networkId, "network-default");
        assert.deepEqual(hub.inputs.networks, [{ port: fakeId(T.port, port.name) }]);
    });

    it("creates the ZFS volumes of dev hosts with the configured sizes and attaches them in order", () => {
        const plan = stage;
        const volumes = new Map(plan.ofType(T.volume).map((v) => [v.inputs.name, v]));
        for (const [name, size] of [
            ["hub-dev.callysto.space-zfs-01", 25],
            ["hub-dev.callysto.space-zfs-02", 25],
            ["hub.callysto.space-zfs-01", 5],
            ["stats.callysto.space-zfs-02", 25],
        ] as const) {
            assert.equal(volumes.get(name)?.inputs.size, size, name);
        }
        assert.ok(![...volumes.keys()].some((n) => String(n).startsWith("ssp.")), "the SSP has no volumes");
        const [first, second] = attachmentsOf(plan, "hub-dev");
        const instanceId = fakeId(T.instance, "callysto-hub-dev-instance");
        assert.deepEqual(
            [first.inputs, second.inputs],
            [
                {
                    instanceId,
                    volumeId: fakeId(T.volume, volumes.get("hub-dev.callysto.space-zfs-01")!.name),
                },
                {
                    instanceId,
                    volumeId: fakeId(T.volume, volumes.get("hub-dev.callysto.space-zfs-02")!.name),
                },
            ],
        );
        assert.ok(second.dependencies.includes(first.urn), "the second disk attaches after the first");
    });

    it("adopts the production hub's two 250 GB home volumes and its address by id, protected, and creates no hub", async () => {
        const plan = await stackPlan("prod");
        assert.deepEqual(
            plan.ofType(T.instance).map((i) => [i.inputs.name, i.importId !== ""]),
            [["hub.callysto.ca", true]],
            "the running hub.callysto.ca is imported, never created anew; clavius exists and is not built again",
        );
        for (const [n, name] of [
            [0, "hub.callysto.ca-home-1"],
            [1, "hub.callysto.ca-home-2"],
        ] as const) {
            const volume = plan.byName(`callysto-hub-home-${n + 1}`, T.volume);
            assert.deepEqual(volume.inputs, { name, size: 250 });
            assert.equal(volume.importId, operatorId(`callysto.hosts[0].zfs.existingVolumes[${n}].id`));
            assert.ok(volume.protect && volume.retainOnDelete, `${name} is protected and retained`);
        }
        const fip = plan.byName("callysto-hub-fip", T.fip);
        assert.deepEqual(fip.inputs, { pool: "public", address: "162.246.156.97" });
        assert.equal(fip.importId, operatorId("callysto.hosts[0].floatingIpId"));
        assert.ok(fip.protect && fip.retainOnDelete);
        assert.equal(attachmentsOf(plan, "hub").length, 0, "the hub's disks stay attached as they are");
        assert.equal(
            plan.ofType(T.associate).filter((a) => a.name.startsWith("callysto-hub-")).length,
            0,
            "the production address is never re-associated",
        );
        assert.ok(
            !plan.ofType(T.volume).some((v) => /-zfs-0[12]$/.test(String(v.inputs.name))),
            "no new ZFS volumes in production",
        );
    });

    it("protects and retains new volumes and floating IPs in production; the hand-made dev zone is adopted and protected", async () => {
        // A new clavius asked for (workstation.create): its volumes and address are the new stateful objects.
        const plan = await planEdited("prod", (c) => (c.workstation!.create = true));
        assert.equal(plan.byName("callysto-clavius-homedir", T.volume).inputs.size, 20);
        assert.equal(attachmentsOf(plan, "clavius").length, 2);
        const stateful = [...plan.ofType(T.volume), ...plan.ofType(T.fip)];
        assert.equal(stateful.length, 6);
        for (const r of stateful) {
            assert.ok(r.protect && r.retainOnDelete, `${r.name} is protected and retained`);
        }
        assert.equal(plan.ofType(T.zone).length, 0, "the production zone is managed elsewhere");
        assert.equal(plan.ofType(T.record).length, 0, "nothing is written to a zone managed outside");

        const dev = stage;
        const zones = dev.ofType(T.zone);
        assert.equal(zones.length, 1);
        assert.deepEqual(zones[0].inputs, {
            name: "callysto.space.",
            email: "sysadmin@callysto.ca",
            ttl: 3600,
            type: "PRIMARY",
        });
        assert.equal(zones[0].importId, operatorId("callysto.dns.createZone.importId"));
        assert.ok(zones[0].protect && zones[0].retainOnDelete, "destroying stage never deletes the zone");
        for (const r of [...dev.ofType(T.volume), ...dev.ofType(T.fip)]) {
            assert.ok(!r.protect && !r.retainOnDelete, `${r.name} is not protected in dev`);
        }
    });

    it("publishes A = floating IP and AAAA = instance IPv6 with TTL 60 for every dev host, in the adopted zone", () => {
        const dev = stage;
        const records = dev.ofType(T.record);
        const zoneId = fakeId(T.zone, dev.ofType(T.zone)[0].name);
        assert.equal(records.length, 8);
        for (const r of records) {
            assert.equal(r.inputs.ttl, 60);
            assert.equal(r.inputs.zoneId, zoneId);
        }
        const record = (name: string, type: string) => {
            const found = records.filter((r) => r.inputs.name === name && r.inputs.type === type);
            assert.equal(found.length, 1, `${type} ${name}`);
            return found[0].inputs.records;
        };
        assert.deepEqual(record("hub-dev.callysto.space.", "A"), [fakeIpv4("fip/callysto-hub-dev-fip")]);
        assert.deepEqual(record("hub-dev.callysto.space.", "AAAA"), [
            fakeIpv6("v6/callysto-hub-dev-instance"),
        ]);
    });

    it("uses the stack's OpenStack provider for every OpenStack resource", () => {
        const plan = stage;
        const provider = plan.byName("openstack", "pulumi:providers:openstack");
        const openstack = plan
            .ofType(T.instance)
            .concat(
                plan.ofType(T.volume),
                plan.ofType(T.fip),
                plan.ofType(T.associate),
                plan.ofType(T.port),
                plan.ofType(T.record),
            )
            .concat(plan.ofType(T.group), plan.ofType(T.rule), plan.ofType(T.attach), plan.ofType(T.keypair));
        assert.ok(openstack.length > 80);
        for (const r of openstack) {
            assert.ok(r.provider.startsWith(`${provider.urn}::`), `${r.name} uses ${r.provider}`);
        }
    });
});
