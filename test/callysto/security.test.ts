import { strict as assert } from "assert";
import fc from "fast-check";
import { callystoProblems } from "../../components/callysto/checks";
import { CallystoConfig, callystoSchema } from "../../components/callysto/config";
import {
    IngressRule,
    LATER_TERRAFORM,
    RUNBOOK_TERRAFORM,
    SecurityProfile,
    ingressRules,
    ruleSuffix,
} from "../../components/callysto/securityRules";
import { fakeId } from "../../tools/mocks/fakes";
import { field } from "../harness";
import { OPERATOR_SOURCE } from "../placeholders";
import { PLACEHOLDER } from "../../components/shared/placeholder";
import { T, callystoValues, planEdited } from "./helpers";

/** The rules of a profile that Terraform has a group for. */
function rules(
    profile: SecurityProfile,
    terraform = LATER_TERRAFORM,
    sources?: readonly string[],
): IngressRule[] {
    const found = ingressRules(profile, terraform, sources);
    assert.ok(found, `${terraform.source} has a ${profile} group`);
    return found;
}

function describeRule(r: IngressRule | Record<string, unknown>): string {
    const ports = r.portRangeMin === undefined ? "" : `:${r.portRangeMin}-${r.portRangeMax}`;
    return `${r.ethertype} ${r.protocol}${ports} from ${r.remoteIpPrefix}`;
}

const WEB = [
    "IPv4 tcp:80-80 from 0.0.0.0/0",
    "IPv4 tcp:443-443 from 0.0.0.0/0",
    "IPv4 tcp:9999-9999 from 0.0.0.0/0",
    "IPv6 tcp:80-80 from ::/0",
    "IPv6 tcp:443-443 from ::/0",
    "IPv6 tcp:9999-9999 from ::/0",
    "IPv4 icmp from 0.0.0.0/0",
    "IPv6 ipv6-icmp from ::/0",
].sort();

describe("callysto security groups", function () {
    this.timeout(120_000);

    it("opens http, https, 9999 and ICMP to everyone, and ssh only from the listed sources, on the later layout's servers", () => {
        for (const role of ["hub", "sharder", "ssp", "stats"] as const) {
            assert.deepEqual(
                rules(role, LATER_TERRAFORM, ["203.0.113.10/32", "2001:db8::/64"]).map(describeRule).sort(),
                [...WEB, "IPv4 tcp:22-22 from 203.0.113.10/32", "IPv6 tcp:22-22 from 2001:db8::/64"].sort(),
                role,
            );
            // Without a list (the local stack only: validation requires one elsewhere), Terraform's rules.
            assert.deepEqual(
                rules(role).map(describeRule).sort(),
                [...WEB, "IPv4 tcp:22-22 from 0.0.0.0/0", "IPv6 tcp:22-22 from ::/0"].sort(),
            );
        }
        const suffixes = rules("hub", LATER_TERRAFORM, ["203.0.113.10/32", "2001:db8::/64"]).map(ruleSuffix);
        assert.ok(suffixes.includes("tcp-22-v4-203.0.113.10-32"));
        assert.equal(new Set(suffixes).size, suffixes.length);
    });

    it("opens only ssh and ICMP on the workstation, and every tcp/udp port and ICMP for packer", () => {
        assert.deepEqual(rules("workstation").map(describeRule).sort(), [
            "IPv4 icmp from 0.0.0.0/0",
            "IPv4 tcp:22-22 from 0.0.0.0/0",
            "IPv6 ipv6-icmp from ::/0",
            "IPv6 tcp:22-22 from ::/0",
        ]);
        assert.deepEqual(rules("packer").map(describeRule).sort(), [
            "IPv4 icmp from 0.0.0.0/0",
            "IPv4 tcp:1-65535 from 0.0.0.0/0",
            "IPv4 udp:1-65535 from 0.0.0.0/0",
            "IPv6 ipv6-icmp from ::/0",
            "IPv6 tcp:1-65535 from ::/0",
            "IPv6 udp:1-65535 from ::/0",
        ]);
        const suffixes = rules("packer").map(ruleSuffix);
        assert.equal(new Set(suffixes).size, suffixes.length, "rule names are unique within a group");
    });

    it("creates one group per role in use, each with its own rules (dev also gets packer's)", async () => {
        // Stage (its ssh source set as an operator has it) without the certificate and the playbook runs, which make
        // no group or rule: only the hosts' roles and the packer flag decide which groups exist.
        const plan = await planEdited("stage", (c) => {
            c.certificates!.enabled = false;
            c.provisioning!.enabled = false;
        });
        const groups = plan.ofType(T.group);
        assert.deepEqual(groups.map((g) => g.inputs.name).sort(), [
            "callysto-dev-hub",
            "callysto-dev-sharder",
            "callysto-dev-ssp",
            "callysto-dev-stats",
            "packer",
        ]);
        const groupIdByName = new Map(groups.map((g) => [g.inputs.name as string, fakeId(T.group, g.name)]));
        const rules = plan.ofType(T.rule);
        const rulesOf = (groupName: string) =>
            rules
                .filter((r) => r.inputs.securityGroupId === groupIdByName.get(groupName))
                .map((r) => {
                    assert.equal(r.inputs.direction, "ingress");
                    return describeRule(r.inputs);
                })
                .sort();
        const server = [...WEB, `IPv4 tcp:22-22 from ${OPERATOR_SOURCE}`].sort();
        assert.deepEqual(rulesOf("callysto-dev-hub"), server);
        assert.deepEqual(rulesOf("callysto-dev-ssp"), server);
        assert.equal(rulesOf("packer").length, 6);
        assert.equal(rules.length, 4 * server.length + 6);
        assert.ok(
            !rules.some(
                (r) =>
                    r.inputs.portRangeMin === 22 &&
                    String(r.inputs.remoteIpPrefix).endsWith("/0") &&
                    r.inputs.securityGroupId !== groupIdByName.get("packer"),
            ),
            "no server takes ssh from the whole internet",
        );
    });

    it("puts each host's port in its role's group, and a new workstation in its ssh-only group (prod)", async () => {
        const plan = await planEdited("prod", (c) => (c.workstation!.create = true));
        const groupIds = new Map(
            plan.ofType(T.group).map((g) => [g.inputs.name as string, fakeId(T.group, g.name)]),
        );
        assert.ok(!groupIds.has("packer"), "production builds no images");
        const portGroup = (host: string) => {
            const port = plan.ofType(T.port).find((p) => p.inputs.name === host)!;
            return field(port.inputs, "securityGroupIds[0]");
        };
        assert.equal(portGroup("clavius.callysto.ca"), groupIds.get("callysto-prod-workstation"));
        const workstationRules = plan
            .ofType(T.rule)
            .filter((r) => r.inputs.securityGroupId === groupIds.get("callysto-prod-workstation"));
        assert.deepEqual(
            workstationRules.map((r) => r.inputs.portRangeMin).filter((p) => p !== undefined),
            [22, 22],
        );
    });
});

describe("callysto production: the security groups of runbook 004's Terraform", function () {
    this.timeout(120_000);
    const prod = (): CallystoConfig => callystoSchema.parse(callystoValues("prod").callysto);
    const keyed = (config: CallystoConfig, key: string) =>
        callystoProblems(config, "production").filter((p) => p.key === `runbooks:callysto.${key}`);

    it("gives the hub ssh, http, https and ICMP over IPv4 and IPv6 and never 9999, as the runbook's Terraform does", () => {
        assert.deepEqual(rules("hub", RUNBOOK_TERRAFORM).map(describeRule).sort(), [
            "IPv4 icmp from 0.0.0.0/0",
            "IPv4 tcp:22-22 from 0.0.0.0/0",
            "IPv4 tcp:443-443 from 0.0.0.0/0",
            "IPv4 tcp:80-80 from 0.0.0.0/0",
            "IPv6 ipv6-icmp from ::/0",
            "IPv6 tcp:22-22 from ::/0",
            "IPv6 tcp:443-443 from ::/0",
            "IPv6 tcp:80-80 from ::/0",
        ]);
        for (const role of ["sharder", "ssp", "stats"] as const) {
            assert.equal(ingressRules(role, RUNBOOK_TERRAFORM), undefined, role);
        }
    });

    it("makes the prod hub's group with those rules, ssh narrowed to the sources of each family", async () => {
        const sources = ["203.0.113.10/32", "2001:db8::/64"];
        const plan = await planEdited("prod", (c) => (c.sshSources = sources));
        const [group] = plan.ofType(T.group).filter((g) => g.inputs.name === "callysto-prod-hub");
        assert.ok(group, "the hub's group is made");
        const hubRules = plan
            .ofType(T.rule)
            .filter((r) => r.inputs.securityGroupId === fakeId(T.group, group.name))
            .map((r) => describeRule(r.inputs))
            .sort();
        assert.deepEqual(
            hubRules,
            [
                "IPv4 icmp from 0.0.0.0/0",
                "IPv4 tcp:22-22 from 203.0.113.10/32",
                "IPv4 tcp:443-443 from 0.0.0.0/0",
                "IPv4 tcp:80-80 from 0.0.0.0/0",
                "IPv6 ipv6-icmp from ::/0",
                "IPv6 tcp:22-22 from 2001:db8::/64",
                "IPv6 tcp:443-443 from ::/0",
                "IPv6 tcp:80-80 from ::/0",
            ],
            "no 9999, and ssh over IPv6",
        );
    });

    it("refuses a production host whose role the runbook's Terraform has no group for, asking rather than making it a second hub", () => {
        fc.assert(
            fc.property(fc.constantFrom("hub", "sharder", "ssp", "stats") as fc.Arbitrary<"hub">, (role) => {
                const config = prod();
                config.hosts[0].role = role;
                const found = keyed(config, "hosts[0].role");
                if (role === "hub") {
                    assert.deepEqual(found, []);
                } else {
                    assert.equal(found.length, 1, role);
                    assert.match(found[0].message, /9999 from 0\.0\.0\.0\/0, tcp 9999 from ::\/0/);
                    assert.equal(found[0].fix, undefined);
                    assert.match(found[0].message, /remove hosts\[0\] from the production stack/);
                    // Stage runs the later layout: the same role is allowed there.
                    assert.deepEqual(
                        callystoProblems(config, "staging").filter((p) => /hosts\[0\]\.role/.test(p.key)),
                        [],
                    );
                }
            }),
        );
    });

    it("refuses production ssh sources that leave out a family the runbook's hub takes ssh over, naming the fix for it", () => {
        const v4 = fc.ipV4().map((a) => `${a}/32`);
        const v6 = fc.ipV6().map((a) => `${a}/128`);
        fc.assert(
            fc.property(fc.array(v4, { maxLength: 3 }), fc.array(v6, { maxLength: 3 }), (fours, sixes) => {
                fc.pre(fours.length + sixes.length > 0);
                const config = prod();
                config.sshSources = [...fours, ...sixes];
                const found = keyed(config, "sshSources").filter((p) => /lists no IPv/.test(p.message));
                const missing = [
                    ...(fours.length === 0 ? ["IPv4"] : []),
                    ...(sixes.length === 0 ? ["IPv6"] : []),
                ];
                assert.deepEqual(
                    found.map((p) => /lists no (IPv\d)/.exec(p.message)![1]),
                    missing,
                );
                for (const p of found) {
                    // The workstation's own address is read, never written for the operator.
                    assert.match(p.fix!, /^curl (-6 )?-fsS https:\/\//);
                }
            }),
        );
        // A placeholder stands for the family still missing: its fix reads the workstation's IPv6 address.
        const placeholder = prod();
        placeholder.sshSources = ["203.0.113.10/32", PLACEHOLDER];
        const [asked, ...more] = keyed(placeholder, "sshSources[1]");
        assert.deepEqual(more, []);
        // The read of the address alone: the operator writes it (no command sets a value).
        assert.equal(asked.fix, "curl -6 -fsS https://api6.ipify.org");
        assert.deepEqual(
            keyed(placeholder, "sshSources").filter((p) => /lists no IPv/.test(p.message)),
            [],
            "the placeholder's own problem asks for it",
        );
    });
});
