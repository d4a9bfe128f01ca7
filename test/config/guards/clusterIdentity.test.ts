import { strict as assert } from "assert";
import fc from "fast-check";
import { canonicalApiServer, provenDistinct } from "../../../components/config/clusterIdentity";
import { stage, validate } from "../battery";
import { prodValuesIn } from "./ownedValues";
import { renamedPackit, renamedPsi } from "./renamedClusters";

// Issue 38, finding 1: a cluster is its API server, compared canonically; a renamed entry, a respelt server or an
// entry without a server never escapes production's grants, and no printed fix hands stage what production owns.

const PSI = "api.ocp4.prod.psi.redhat.com:6443";

/** Every way a client reads the same server: scheme, case, trailing slash, path, default port. */
const spellings = fc
    .record({
        scheme: fc.constantFrom("", "https://", "HTTPS://"),
        upper: fc.array(fc.boolean(), { minLength: PSI.length, maxLength: PSI.length }),
        slash: fc.constantFrom("", "/", "/api/"),
    })
    .map(({ scheme, upper, slash }) => {
        const host = [...PSI].map((ch, i) => (upper[i] ? ch.toUpperCase() : ch)).join("");
        return `${scheme}${host}${scheme === "" && slash !== "" ? "" : slash}`;
    });

describe("guards: a cluster is its API server (issue 38, finding 1)", function () {
    this.timeout(60000);

    it("one canonical form for every spelling a client reads as the same server", () => {
        fc.assert(
            fc.property(spellings, (s) => canonicalApiServer(s) === PSI),
            { seed: 38, numRuns: 200 },
        );
        assert.equal(canonicalApiServer("api.example.org"), "api.example.org:443");
        assert.equal(canonicalApiServer("https://api.example.org:443/"), "api.example.org:443");
        assert.equal(canonicalApiServer("http://api.example.org:6443"), undefined);
        assert.equal(canonicalApiServer("https://user:pw@api.example.org"), undefined);
    });

    it("entries are distinct only when a mark both have differs and none is equal; loopback proves nothing", () => {
        const server = (s: string | undefined) => ({ server: canonicalApiServer(s) });
        assert.equal(provenDistinct(server(PSI), server(`https://${PSI.toUpperCase()}/`)), false);
        assert.equal(provenDistinct(server(undefined), server(PSI)), false);
        assert.equal(provenDistinct(server(undefined), server(undefined)), false);
        assert.equal(provenDistinct(server("api.a.example:6443"), server("api.b.example:6443")), true);
        // Issue 52: a loopback spelling is no longer "another cluster" than one that names no server.
        assert.equal(provenDistinct(server("127.0.0.1"), server(undefined)), false);
        // One pin in common is one cluster, whatever the servers say.
        assert.equal(provenDistinct({ server: "a:443", uid: "u" }, { server: "b:443", uid: "u" }), false);
    });

    it("a renamed PSI entry with a respelt API server cannot put stage into production's namespace", () => {
        fc.assert(
            fc.property(spellings, (server) => {
                const out = validate(stage(renamedPsi(server, "aicoe-prod-bots")));
                assert.ok(out.problems.length > 0, "accepted");
                assert.ok(
                    out.problems.some((p) => p.key === "runbooks:thoth.bots.namespace"),
                    out.message,
                );
                for (const p of out.problems) assert.deepEqual(prodValuesIn(p.fix), [], p.fix);
            }),
            { seed: 38, numRuns: 6 },
        );
    });

    it("a renamed entry without an API server is production's cluster as far as grants go", () => {
        const out = validate(stage(renamedPackit()));
        assert.deepEqual(out.problems.map((p) => p.key).sort(), [
            "runbooks:clusters.packit-elsewhere.namespaces.packit-prod",
            "runbooks:packit.namespace",
        ]);
        for (const p of out.problems) assert.deepEqual(prodValuesIn(p.fix), [], p.fix);
        // How to tell two clusters apart is said where it matters: each entry names its API server.
        assert.match(
            out.problems[0].message,
            /name each one's \(runbooks:clusters\.packit-elsewhere\.apiServer/,
        );
    });
});
