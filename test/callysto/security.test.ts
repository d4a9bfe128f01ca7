import { strict as assert } from "assert";
import { IngressRule, ingressRules, ruleSuffix } from "../../components/callysto/securityRules";
import { fakeId } from "../../tools/mocks/fakes";
import { field } from "../harness";
import { OPERATOR_SOURCE } from "../placeholders";
import { runSystem } from "../fixtures/system";
import { CALLYSTO, T, editing, planOf } from "./helpers";

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

    it("opens http, https, 9999 and ICMP to everyone, and ssh only from the listed sources, on servers", () => {
        for (const role of ["hub", "sharder", "ssp", "stats"] as const) {
            assert.deepEqual(
                ingressRules(role, ["203.0.113.10/32", "2001:db8::/64"]).map(describeRule).sort(),
                [...WEB, "IPv4 tcp:22-22 from 203.0.113.10/32", "IPv6 tcp:22-22 from 2001:db8::/64"].sort(),
                role,
            );
            // Without a list (the local stack only: validation requires one elsewhere), Terraform's rules.
            assert.deepEqual(
                ingressRules(role).map(describeRule).sort(),
                [...WEB, "IPv4 tcp:22-22 from 0.0.0.0/0", "IPv6 tcp:22-22 from ::/0"].sort(),
            );
        }
        const suffixes = ingressRules("hub", ["203.0.113.10/32", "2001:db8::/64"]).map(ruleSuffix);
        assert.ok(suffixes.includes("tcp-22-v4-203.0.113.10-32"));
        assert.equal(new Set(suffixes).size, suffixes.length);
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
        // Stage (its ssh source set as an operator has it) without the certificate and the playbook runs, which make
        // no group or rule: only the hosts' roles and the packer flag decide which groups exist.
        const plan = await planOf(
            runSystem(
                CALLYSTO,
                "stage",
                editing((c) => {
                    c.certificates!.enabled = false;
                    c.provisioning!.enabled = false;
                }),
            ),
        );
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
        const plan = await planOf(
            runSystem(
                CALLYSTO,
                "prod",
                editing((c) => (c.workstation!.create = true)),
            ),
        );
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
