import { strict as assert } from "assert";
import fc from "fast-check";
import { thothProblems } from "../../components/thoth/checks";
import { thothSchema } from "../../components/thoth/config";
import { sclorgPostgresMajor } from "../../components/shared/postgresServer";
import { thothStack } from "../thoth/fixtures";

// The takeover check (tools/adopt/databases.ts) compares the data directory on a claim with the major version the
// server runs. Thoth's knowledge graph declares it from its image's repository name, as sclorg/rhscl images carry it.
describe("PostgreSQL servers declare their major version", () => {
    it("reads it from sclorg and rhscl repository names, whatever the registry, tag or digest", () => {
        assert.equal(sclorgPostgresMajor("registry.access.redhat.com/rhscl/postgresql-10-rhel7:1"), 10);
        assert.equal(sclorgPostgresMajor("quay.io/sclorg/postgresql-15-c9s:c9s"), 15);
        assert.equal(sclorgPostgresMajor(`quay.io/sclorg/postgresql-16-c10s@sha256:${"a".repeat(64)}`), 16);
        for (const other of [
            "docker.io/library/postgres:15",
            "quay.io/x/postgresql:latest",
            "quay.io/x/pgsql-15-c9s",
        ])
            assert.equal(sclorgPostgresMajor(other), undefined, other);
        fc.assert(
            fc.property(
                fc.constantFrom("", "quay.io/", "registry.access.redhat.com/", "localhost:5000/"),
                fc.constantFrom("sclorg/", "rhscl/", "a/b/"),
                fc.integer({ min: 9, max: 99 }),
                fc.constantFrom("", "-rhel7", "-c9s", "-el8"),
                fc.constantFrom("", ":1", ":c9s", `@sha256:${"0".repeat(64)}`),
                (registry, path, major, suffix, ref) =>
                    sclorgPostgresMajor(`${registry}${path}postgresql-${major}${suffix}${ref}`) === major,
            ),
        );
    });

    it("Thoth stops on a knowledge-graph image that does not name its major, with a fix that asks for today's image", () => {
        const thoth = structuredClone(thothStack("prod").thoth) as {
            station: { modules: { images: { postgresql: string } } };
        };
        assert.deepEqual(
            thothProblems(thothSchema.parse(thoth)).filter((p) => p.key.endsWith("images.postgresql")),
            [],
        );
        thoth.station.modules.images.postgresql = "docker.io/library/postgres:10";
        const problems = thothProblems(thothSchema.parse(thoth)).filter((p) =>
            p.key.endsWith("images.postgresql"),
        );
        assert.equal(problems.length, 1);
        assert.equal(problems[0].key, "runbooks:thoth.station.modules.images.postgresql");
        assert.match(problems[0].fix ?? "", /^oc get pods -n thoth-test-core .*grep postgresql$/);
        assert.match(problems[0].message, /set it to the image running today/);
    });
});
