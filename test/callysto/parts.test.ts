import { strict as assert } from "assert";
import { callysto } from "../../components/callysto";
import { resolveHosts } from "../../components/callysto/hosts";
import { SecurityGroups } from "../../components/callysto/securityGroups";
import { evaluatePart } from "../fixtures/part";
import { CALLYSTO, T } from "./helpers";

// A part of an OpenStack system is tested as a Kubernetes one is: built alone from the section the program's check
// narrows and the OpenStack context the program deploys Callysto with (test/fixtures/part.ts).

describe("Callysto's parts, built alone", () => {
    it("SecurityGroups makes one group per role of the stack's hosts, on the program's OpenStack provider", async () => {
        let roles: string[] = [];
        const resources = await evaluatePart(CALLYSTO, callysto, "stage", undefined, (section, context) => {
            const hosts = resolveHosts(section);
            roles = [...new Set(hosts.map((h) => h.role))];
            new SecurityGroups("callysto-security", { config: section, context, hosts });
        });
        const groups = resources.filter((r) => r.type === T.group);
        const extra = resources.some((r) => r.type === T.group && /packer/.test(String(r.inputs.name)))
            ? 1
            : 0;
        assert.ok(roles.length > 0, "the stage stack has hosts");
        assert.equal(groups.length, roles.length + extra);
        assert.ok(
            groups.every((g) => g.provider.includes("pulumi:providers:openstack")),
            "the program's provider",
        );
        assert.ok(!resources.some((r) => r.type === T.instance), "only the part: no host is built");
    });
});
