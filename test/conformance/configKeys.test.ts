import { strict as assert } from "assert";
import { committedReadKeys, unreadKeyReason } from "./configKeys";
import { repoRoot } from "../../tools/root";

describe("conformance: the configuration keys a step may name are the ones the program reads", () => {
    const read = committedReadKeys(repoRoot());

    it("reads sections, paths through their schemas (records and lists too), and declared secrets", () => {
        for (const key of [
            "thoth",
            "thoth.bots.namespace",
            "runbooks:thoth.bots.seshetaConfig.repositories[0]",
            "clusters",
            "tier",
            "callysto.hosts[0].adopt.portId",
            "callysto-ssh-private-key",
            "dials-django-database-uri",
        ])
            assert.equal(unreadKeyReason(key, read), undefined, key);
    });

    it("names why a key is not read: an unknown section, a field no schema has, an undeclared secret", () => {
        assert.match(
            unreadKeyReason("thot.bots.namespace", read)!,
            /^not a section \(tier, clusters, openstack, thoth, /,
        );
        assert.equal(
            unreadKeyReason("thoth.bots.namespce", read),
            "section thoth has no field bots.namespce",
        );
        assert.match(unreadKeyReason("thoth-no-such-token", read)!, /^not a section/);
    });
});
