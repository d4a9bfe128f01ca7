import { strict as assert } from "assert";
import { IngressRule, ingressRules, ruleSuffix } from "../../components/callysto/securityRules";
import { fakeId } from "../../tools/mocks/fakes";
import { field } from "../harness";
import { T, stackPlan } from "./helpers";

function describeRule(r: IngressRule | Record<string, unknown>): string {
    const ports = r.portRangeMin === undefined ? "" : `:${r.portRangeMin}-${r.portRangeMax}`;
    return `${r.ethertype} ${r.protocol}${ports} from ${r.remoteIpPrefix}`;
}

const WEB = [
    "IPv4 tcp:22-22 from 0.0.0.0/0",
    "IPv4 tcp:80-80 from 0.0.0.0/0",
    "IPv4 tcp:443-443 from 0.0.0.0/0",
    "IPv4 tcp:9999-9999 from 0.0.0.0/0",
    "IPv6 tcp:22-22 from ::/0",
    "IPv6 tcp:80-80 from ::/0",
    "IPv6 tcp:443-443 from ::/0",
    "IPv6 tcp:9999-9999 from ::/0",
    "IPv4 icmp from 0.0.0.0/0",
    "IPv6 ipv6-icmp from ::/0",
].sort();

describe("callysto security groups", function () {
    this.timeout(120_000);

    it("opens ssh, http, https, 9999 and ICMP on both IP families for hub, sharder, ssp and stats", () => {
        for (const role of ["hub", "sharder", "ssp", "stats"] as const) {
            assert.deepEqual(ingressRules(role).map(describeRule).sort(), WEB, role);
        }
    });

    it("opens only ssh and ICMP on the workstation, and every tcp/udp port and ICMP for packer", () => {
        assert.deepEqual(ingressRules("workstation").map(describeRule).sort(), [
            "IPv4 icmp from 0.0.0.0/0",
            "IPv4 tcp:22-22 from 0.0.0.0/0",
            "IPv6 ipv6-icmp from ::/0",
            "IPv6 tcp:22-22 from ::/0",
        ]);
        assert.deepEqual(ingressRules("packer").map(describeRule).sort(), [
            "IPv4 icmp from 0.0.0.0/0",
            "IPv4 tcp:1-65535 from 0.0.0.0/0",
            "IPv4 udp:1-65535 from 0.0.0.0/0",
            "IPv6 ipv6-icmp from ::/0",
            "IPv6 tcp:1-65535 from ::/0",
            "IPv6 udp:1-65535 from ::/0",
        ]);
        const suffixes = ingressRules("packer").map(ruleSuffix);
        assert.equal(new Set(suffixes).size, suffixes.length, "rule names are unique within a group");
    });

    it("creates one group per role in use, each with its own rules (dev also gets packer's)", async () => {
        const plan = await stackPlan("stage");
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
        assert.deepEqual(rulesOf("callysto-dev-hub"), WEB);
        assert.deepEqual(rulesOf("callysto-dev-ssp"), WEB);
        assert.equal(rulesOf("packer").length, 6);
        assert.equal(rules.length, 4 * WEB.length + 6);
    });

    it("puts each host's port in its role's group, and the workstation in its ssh-only group (prod)", async () => {
        const plan = await stackPlan("prod");
        const groupIds = new Map(
            plan.ofType(T.group).map((g) => [g.inputs.name as string, fakeId(T.group, g.name)]),
        );
        assert.ok(!groupIds.has("packer"), "production builds no images");
        const portGroup = (host: string) => {
            const port = plan.ofType(T.port).find((p) => p.inputs.name === host)!;
            return field(port.inputs, "securityGroupIds[0]");
        };
        assert.equal(portGroup("hub-01.callysto.ca"), groupIds.get("callysto-prod-hub"));
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
