// What the first `pulumi up` does to running machines it adopts: no playbook unless asked for, no second clavius,
// and the adopted hub's ssh governed by sshSources through the group its port actually holds.
import { strict as assert } from "assert";
import fc from "fast-check";
import * as ipaddr from "ipaddr.js";
import { CallystoConfig } from "../../components/callysto/config";
import { CERTIFICATE_ROLES } from "../../components/callysto/inventory";
import { SSH_PORT } from "../../components/callysto/securityRules";
import { fakeId } from "../../tools/mocks/fakes";
import { RecordedResource } from "../../tools/mocks/recorder";
import { operatorId } from "../placeholders";
import { runSystem } from "../fixtures/system";
import { CALLYSTO, Plan, T, planEdited, planOf, stageWithoutPacker } from "./helpers";

const ASSOCIATE = "openstack:networking/portSecGroupAssociate:PortSecGroupAssociate";
/** The commit the stacks pin as 904146a, whole: a recorded tree (facts/trees/callysto-infrastructure.yaml). */
const FULL_PIN = "904146a3d8bc1fd4e7cc168343d20a757cb439be";

function env(c: RecordedResource): Record<string, string> {
    return (c.inputs.environment ?? {}) as Record<string, string>;
}

/** The Ansible runs of a plan: each command's name, limit (host or hosts) and playbooks (none: ad-hoc steps). */
function ansibleRuns(plan: Plan): { name: string; limit: string[]; playbooks?: string }[] {
    return plan
        .ofType(T.command)
        .filter((c) => "ANSIBLE_PLAYBOOKS" in env(c) || "ANSIBLE_ADHOC_STEPS" in env(c))
        .map((c) => ({
            name: c.name,
            limit: env(c).ANSIBLE_LIMIT.split(","),
            playbooks: env(c).ANSIBLE_PLAYBOOKS,
        }));
}

const CERTIFICATES = "callysto-provisioning-certificates";

/** Takes stage host `i` over as a running instance, as the stack file of an adopted host has it. */
function adopt(config: CallystoConfig, i: number, provision: boolean | undefined): void {
    const host = config.hosts[i];
    const key = `callysto.hosts[${i}]`;
    host.floatingIp = `203.0.113.${20 + i}`;
    host.floatingIpId = operatorId(`${key}.floatingIpId`);
    host.adopt = {
        instanceId: operatorId(`${key}.adopt.instanceId`),
        portId: operatorId(`${key}.adopt.portId`),
        ...(provision === undefined ? {} : { provision }),
    } as NonNullable<typeof host.adopt>;
    if ((host.zfs?.size ?? config.roleDefaults[host.role]?.zfsSize) !== undefined) {
        host.zfs = {
            existingVolumes: [1, 2].map((n) => ({
                id: operatorId(`${key}.zfs.existingVolumes[${n}].id`),
                name: `${host.name}.${config.domain}-home-${n}`,
                size: 25,
            })),
        };
    }
}

describe("callysto adopted machines on the first pulumi up", function () {
    this.timeout(300_000);

    it("runs playbooks on created hosts and on adopted ones only where adopt.provision is true (unset is false); the certificate on all", async () => {
        // Stage's four hosts, each created, adopted as it is (provision unset or false) or adopted to be provisioned.
        const choice = fc.constantFrom<"created" | "unset" | "off" | "on">("created", "unset", "off", "on");
        await fc.assert(
            fc.asyncProperty(fc.array(choice, { minLength: 4, maxLength: 4 }), async (choices) => {
                const plan = await stageWithoutPacker((c) =>
                    choices.forEach((what, i) => {
                        if (what !== "created") adopt(c, i, { unset: undefined, off: false, on: true }[what]);
                    }),
                );
                const names = ["hub-dev", "hub", "ssp", "stats"].map((n) => `${n}.callysto.space`);
                const expected = names.filter((_, i) => choices[i] === "created" || choices[i] === "on");
                const runs = ansibleRuns(plan);
                const perHost = runs.filter((r) => r.name !== CERTIFICATES);
                assert.deepEqual(perHost.map((r) => r.limit[0]).sort(), [...expected].sort());
                for (const r of perHost) assert.match(r.playbooks!, /^plays\/init\.yml plays\//);
                // No playbook of its own reaches a host adopted as it is; the renewed certificate reaches every web
                // host, as the runbook's renewal does, adopted ones included.
                const certs = runs.filter((r) => r.name === CERTIFICATES);
                assert.equal(certs.length, 1);
                assert.deepEqual([...certs[0].limit].sort(), [...CERTIFICATE_ROLES].sort());
            }),
            { numRuns: 8 },
        );
    });

    it("production: nothing runs on the live hub until adopt.provision is set; then init and hub at the pin, again when the pin moves", async () => {
        const asCommitted = await planOf(runSystem(CALLYSTO, "prod"));
        assert.deepEqual(
            ansibleRuns(asCommitted).map((r) => r.name),
            [CERTIFICATES],
            "the first up runs no playbook of its own on hub.callysto.ca, only the certificate deployment",
        );

        const on = await planEdited("prod", (c) => (c.hosts[0].adopt!.provision = true));
        const run = on.byName("callysto-provisioning-hub", T.command);
        assert.equal(env(run).ANSIBLE_LIMIT, "hub.callysto.ca");
        assert.equal(env(run).ANSIBLE_PLAYBOOKS, "plays/init.yml plays/hub-aio.yml");
        assert.equal(env(run).PLAYBOOK_VERSION, "904146a");
        // Switched on later, the command is new (it runs once); a new pin changes its triggers (it runs again). The
        // only other pin a check lets through is the recorded commit spelt out in full (facts/trees/).
        const moved = await planEdited("prod", (c) => {
            c.hosts[0].adopt!.provision = true;
            c.provisioning!.version = FULL_PIN;
        });
        const triggers = (p: Plan) => p.byName("callysto-provisioning-hub", T.command).inputs.triggers;
        assert.notDeepEqual(triggers(moved), triggers(on));
        assert.ok(JSON.stringify(triggers(moved)).includes(FULL_PIN));
    });

    it("builds a workstation only where workstation.create says so: production's clavius is never made again", async () => {
        const prod = await planOf(runSystem(CALLYSTO, "prod"));
        assert.deepEqual(
            prod.ofType(T.instance).map((i) => i.inputs.name),
            ["hub.callysto.ca"],
            "no second clavius",
        );
        assert.ok(!prod.ofType(T.group).some((g) => g.inputs.name === "callysto-prod-workstation"));
        for (const create of [false, true, undefined]) {
            const plan = await planEdited("stage", (c) => {
                c.workstation = {
                    name: "clavius",
                    flavor: "m1.small",
                    image: "Alma Linux 9",
                    homeSize: 20,
                    dockerSize: 100,
                } as NonNullable<CallystoConfig["workstation"]>;
                if (create !== undefined) c.workstation.create = create;
            });
            const made = plan.ofType(T.instance).some((i) => i.inputs.name === "clavius.callysto.space");
            assert.equal(made, create === true, `create: ${String(create)}`);
        }
    });

    it("the groups on the adopted hub's port are exactly its role's group, whose ssh rules are sshSources, for any list of both families", async () => {
        // Narrower than one network even as a union of two (checks.ts ONE_NETWORK: wider needs a stated reason).
        const v4 = fc.tuple(fc.ipV4(), fc.integer({ min: 17, max: 32 })).map(([ip, bits]) => `${ip}/${bits}`);
        // Outside ::/16: there ::/96 and ::ffff:0:0/96 write IPv4 ranges in IPv6 notation, which the rule reads as
        // IPv4 (`::0.0.0.0/96` admits every IPv4 address and is refused, with its fix).
        const v6 = fc
            .tuple(
                fc.ipV6().filter((ip) => ipaddr.IPv6.parse(ip).parts[0] !== 0),
                fc.integer({ min: 33, max: 128 }),
            )
            .map(([ip, bits]) => `${ip}/${bits}`);
        await fc.assert(
            fc.asyncProperty(
                // Both families: production refuses a list that leaves one out (security.test.ts).
                fc
                    .tuple(
                        fc.uniqueArray(v4, { minLength: 1, maxLength: 2 }),
                        fc.uniqueArray(v6, { minLength: 1, maxLength: 2 }),
                    )
                    .map(([fours, sixes]) => [...fours, ...sixes]),
                async (sources) => {
                    const plan = await planEdited("prod", (c) => (c.sshSources = sources));
                    const associations = plan.ofType(ASSOCIATE);
                    assert.equal(associations.length, 1);
                    const [association] = associations;
                    assert.equal(association.inputs.portId, operatorId("callysto.hosts[0].adopt.portId"));
                    // enforce: the port holds these groups and no other (Terraform's, with ssh from anywhere, go).
                    assert.equal(association.inputs.enforce, true);
                    assert.ok(association.retainOnDelete, "never strips the port of every group on delete");
                    const attached = association.inputs.securityGroupIds as string[];
                    const groups = plan
                        .ofType(T.group)
                        .filter((g) => attached.includes(fakeId(T.group, g.name)));
                    assert.deepEqual(
                        groups.map((g) => g.inputs.name),
                        ["callysto-prod-hub"],
                    );
                    const ssh = plan
                        .ofType(T.rule)
                        .filter(
                            (r) =>
                                attached.includes(r.inputs.securityGroupId as string) &&
                                (r.inputs.portRangeMin as number) <= SSH_PORT &&
                                SSH_PORT <= (r.inputs.portRangeMax as number),
                        );
                    assert.deepEqual(ssh.map((r) => r.inputs.remoteIpPrefix).sort(), [...sources].sort());
                    // The port switches only once those rules exist: ssh from the operators never lapses.
                    for (const r of ssh) assert.ok(association.dependencies.includes(r.urn), r.name);
                },
            ),
            { numRuns: 8 },
        );
    });
});
