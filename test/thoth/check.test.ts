import { strict as assert } from "assert";
import { thothCheck } from "../../components/thoth/checks";
import { ThothConfig, thothSchema } from "../../components/thoth/config";
import { thothStack } from "./fixtures";

function parsed(stack: "stage" | "prod", change?: (t: ThothConfig) => void): ThothConfig {
    const t = thothSchema.parse(thothStack(stack).thoth);
    change?.(t);
    return t;
}

describe("thoth check: the section deploy reads", () => {
    it("hands the station's Dgraph its Route hosts and the modules their domain, derived from thoth.domain", () => {
        const section = thothCheck(parsed("stage")).section;
        assert.ok(section?.station?.dgraph && section.station.modules);
        assert.deepEqual(section.station.dgraph.hosts, {
            zeroRest: "zero-rest-thoth-dgraph-stage.apps.ocp4.prod.psi.redhat.com",
            alphaRest: "alpha-rest-thoth-dgraph-stage.apps.ocp4.prod.psi.redhat.com",
            alphaGrpc: "alpha-grpc-thoth-dgraph-stage.apps.ocp4.prod.psi.redhat.com",
        });
        assert.equal(section.station.modules.domain, "apps.ocp4.prod.psi.redhat.com");
        assert.equal(
            thothCheck(parsed("prod")).section?.nodepool?.apiServer,
            "api.ocp4.prod.psi.redhat.com:6443",
        );
    });

    it("keeps a configured Dgraph host and leaves disabled parts out", () => {
        const section = thothCheck(
            parsed("prod", (t) => {
                t.station!.dgraph!.hosts.alphaGrpc = "dgraph.example.com";
                t.station!.modules!.enabled = false;
                t.station!.watcherRestart!.enabled = false;
                t.nodepool!.enabled = false;
            }),
        ).section;
        assert.equal(section?.station?.dgraph?.hosts.alphaGrpc, "dgraph.example.com");
        assert.equal(section?.station?.modules, undefined);
        assert.equal(section?.nodepool, undefined);
    });

    it("builds nothing when a part lacks what it needs, and says which key", () => {
        const result = thothCheck(
            parsed("prod", (t) => {
                delete t.domain;
                delete t.apiServer;
            }),
        );
        assert.equal(result.section, undefined);
        const keys = result.problems?.map((p) => p.key) ?? [];
        assert.ok(keys.includes("runbooks:thoth.domain"), keys.join(", "));
        assert.ok(keys.includes("runbooks:thoth.apiServer"), keys.join(", "));
    });
});
