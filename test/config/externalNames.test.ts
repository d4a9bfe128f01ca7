import * as assert from "node:assert/strict";
import fc from "fast-check";
import { loadProgramConfig } from "../../components/config/load";
import { ConfigError, ConfigProblem } from "../../components/config/problems";
import { SYSTEMS } from "../../components/systems";
import { readStackFile, stackFileSource } from "../../tools/plan/stackfile";
import { SECRET_MASK } from "../../tools/mocks/recorder";

// A name a stack writes outside its namespaces is one stack's (components/config/externalNames.ts): stage writing
// production's GCS bucket or booting with production's keypair in the OpenStack project both use is refused at
// stage's key, without production's value in the message.

type Values = Record<string, Record<string, unknown>>;

/** The problems of the stage stack file edited by `edit` (nothing else of the checkout changed). */
function stageProblems(edit: (v: Values) => void): ConfigProblem[] {
    const file = readStackFile("stage");
    const values = structuredClone(file.values) as Values;
    edit(values);
    try {
        loadProgramConfig(stackFileSource({ ...file, values }, SECRET_MASK), SYSTEMS, {
            placeholderSecret: () => SECRET_MASK,
        });
        return [];
    } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        return [...err.problems];
    }
}

const prod = readStackFile("prod").values as Values;
const PROD_BUCKET = String(prod.prow.bucket);
const PROD_KEYPAIR = String((prod.callysto.keypair as { name: string }).name);
const owned = (problems: ConfigProblem[]) =>
    problems.filter((p) => p.message.includes("that stack prod writes"));

/** Every spelling the services read as one name: case and a trailing dot. */
const spellings = (name: string) => [name, name.toUpperCase(), `${name}.`];

describe("external names: one stack's", function () {
    this.timeout(120_000);

    it("the committed stage stack writes no name production writes", () => {
        assert.deepEqual(owned(stageProblems(() => {})), []);
    });

    it("stage's Prow with production's GCS bucket is refused at prow.bucket, without production's bucket in the message", () => {
        const problems = owned(stageProblems((v) => (v.prow.bucket = PROD_BUCKET)));
        assert.deepEqual(
            problems.map((p) => p.key),
            ["runbooks:prow.bucket"],
        );
        assert.match(problems[0].message, /the GCS bucket that stack prod writes/);
        assert.ok(!problems[0].message.toLowerCase().includes(PROD_BUCKET), problems[0].message);
        assert.equal(problems[0].fix, undefined);
    });

    it("stage's Callysto with production's keypair, in any spelling, is refused at callysto.keypair.name", () => {
        for (const name of spellings(PROD_KEYPAIR)) {
            const problems = owned(
                stageProblems((v) => ((v.callysto.keypair as { name: string }).name = name)),
            );
            assert.deepEqual(
                problems.map((p) => p.key),
                ["runbooks:callysto.keypair.name"],
                name,
            );
            assert.ok(!problems[0].message.toLowerCase().includes(PROD_KEYPAIR.toLowerCase()));
        }
    });

    it("generated: a stage keypair is refused exactly when it is production's, however spelt", () => {
        fc.assert(
            fc.property(
                fc.oneof(
                    fc.constantFrom(...spellings(PROD_KEYPAIR)),
                    fc.stringMatching(/^[a-z][a-z0-9-]{2,12}$/),
                ),
                (name) => {
                    const problems = owned(
                        stageProblems((v) => ((v.callysto.keypair as { name: string }).name = name)),
                    );
                    const same = name.replace(/\.$/, "").toLowerCase() === PROD_KEYPAIR.toLowerCase();
                    assert.equal(problems.length, same ? 1 : 0, name);
                },
            ),
            { numRuns: 12, seed: 8503 },
        );
    });

    it("legitimate: a bucket and keypair of stage's own plan", () => {
        const problems = owned(
            stageProblems((v) => {
                v.prow.bucket = "stage-prow-artifacts";
                (v.callysto.keypair as { name: string }).name = "callysto-dev-2";
            }),
        );
        assert.deepEqual(problems, []);
    });

    it("a Callysto of another OpenStack project may use the same keypair name", () => {
        const problems = owned(
            stageProblems((v) => {
                (v.callysto.keypair as { name: string }).name = PROD_KEYPAIR;
                v.openstack.projectName = "callysto-staging";
            }),
        );
        assert.deepEqual(problems, []);
    });
});
