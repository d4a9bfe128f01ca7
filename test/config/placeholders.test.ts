import { strict as assert } from "assert";
import { loadProgramConfig } from "../../components/config/load";
import { placeholderImageProblems } from "../../components/config/placeholders";
import { memoryConfigSource } from "../../components/config/source";
import { SYSTEMS } from "../../components/systems";
import { realRunProblems, stackSecrets, liveStackFile } from "../harness";

const PGBOUNCER = "runbooks:thoth.station.modules.images.pgbouncer";

describe("unconfirmed images (`:to-be-pinned`)", () => {
    it("finds the mark at any depth of a parsed section, with the full key, and nothing else", () => {
        const found = placeholderImageProblems("thoth", {
            images: { pgbouncer: "quay.io/x/pgbouncer:to-be-pinned", postgres: "quay.io/x/pg:15" },
            list: [{ image: "registry.example.org:5000/a/b:to-be-pinned" }, "to-be-pinned-but-not-an-image"],
        });
        assert.deepEqual(
            found.map((p) => p.key),
            ["runbooks:thoth.images.pgbouncer", "runbooks:thoth.list[0].image"],
        );
        assert.ok(found.every((p) => p.placeholder));
        assert.match(found[1].message, /registry\.example\.org:5000\/a\/b:<tag>/);
    });

    for (const stack of ["stage", "prod"] as const) {
        it(`${stack}: a real run stops on the pgbouncer placeholder before anything is created, with a fix`, () => {
            const problem = realRunProblems(stack).find((p) => p.key === PGBOUNCER);
            assert.ok(problem, `${PGBOUNCER} must stop a real run of ${stack}`);
            if (stack === "stage") {
                assert.match(problem.message, /to-be-pinned.*cannot pull/);
                assert.match(problem.message, /\(quay\.io\/openshiftio\/bayesian-coreapi-pgbouncer:<tag>\)$/);
                assert.match(problem.fix ?? "", /^oc get deployment -A /);
            } else {
                // On production the confirmation rule says it, once: no tag is enough there, only the digest.
                assert.equal(realRunProblems(stack).filter((p) => p.key === PGBOUNCER).length, 1);
                assert.match(
                    problem.message,
                    /^is quay\.io\/openshiftio\/bayesian-coreapi-pgbouncer:to-be-pinned: /,
                );
                assert.ok(
                    problem.fix!.endsWith(
                        "pulumi config set --stack prod --path thoth.station.modules.images.pgbouncer quay.io/openshiftio/bayesian-coreapi-pgbouncer@sha256:<the digest printed>",
                    ),
                    problem.fix,
                );
            }
        });
    }

    it("the offline plan goes on and lists it among the values only the operator can fill in", () => {
        const values = liveStackFile("stage").values;
        const config = loadProgramConfig(
            memoryConfigSource(values, stackSecrets("stage", values), { stack: "stage" }),
            SYSTEMS,
            { placeholderSecret: () => "x" },
        );
        assert.ok(config.operatorValues.some((p) => p.key === PGBOUNCER));
    });

    it("a pinned tag passes", () => {
        const problems = realRunProblems("stage", (v) => {
            const images = (v.thoth as { station: { modules: { images: Record<string, string> } } }).station
                .modules.images;
            images.pgbouncer = "quay.io/openshiftio/bayesian-coreapi-pgbouncer:1.2.3";
        });
        assert.equal(
            problems.find((p) => p.key === PGBOUNCER),
            undefined,
        );
    });
});
