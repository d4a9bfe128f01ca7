import * as assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import { parseDocument } from "yaml";
import { loadProgramConfig } from "../../components/config/load";
import { ConfigError, ConfigProblem } from "../../components/config/problems";
import { SYSTEMS } from "../../components/systems";
import { readStackFile, stackFileSource } from "../../tools/plan/stackfile";
import { SECRET_MASK } from "../../tools/mocks/recorder";
import { repoRoot } from "../../tools/root";

// A name a stack writes outside its namespaces is one stack's (components/config/externalNames.ts): stage writing
// production's GCS bucket or booting with production's keypair in the OpenStack project both use is refused at
// stage's key, without production's value in the message.

type Values = Record<string, Record<string, unknown>>;

/**
 * The problems of a committed stack file (stage unless named) edited by `edit`, beside the checkout's other files (or
 * those in `root`).
 */
function problemsOf(edit: (v: Values) => void, stack = "stage", root?: string): ConfigProblem[] {
    const file = readStackFile(stack);
    const values = structuredClone(file.values) as Values;
    edit(values);
    try {
        loadProgramConfig(stackFileSource({ ...file, values }, SECRET_MASK), SYSTEMS, {
            placeholderSecret: () => SECRET_MASK,
            ...(root ? { root } : {}),
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
        assert.deepEqual(owned(problemsOf(() => {})), []);
    });

    it("stage's Prow with production's GCS bucket is refused at prow.bucket, without production's bucket in the message", () => {
        const problems = owned(problemsOf((v) => (v.prow.bucket = PROD_BUCKET)));
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
            const problems = owned(problemsOf((v) => ((v.callysto.keypair as { name: string }).name = name)));
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
                        problemsOf((v) => ((v.callysto.keypair as { name: string }).name = name)),
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
            problemsOf((v) => {
                v.prow.bucket = "stage-prow-artifacts";
                (v.callysto.keypair as { name: string }).name = "callysto-dev-2";
            }),
        );
        assert.deepEqual(problems, []);
    });

    it("a Callysto of another OpenStack project may use the same keypair name", () => {
        const problems = owned(
            problemsOf((v) => {
                (v.callysto.keypair as { name: string }).name = PROD_KEYPAIR;
                v.openstack.projectName = "callysto-staging";
            }),
        );
        assert.deepEqual(problems, []);
    });

    describe("named by the functions the components name them with", () => {
        const stage = readStackFile("stage").values as Values;
        type Shared = { deploymentName: string; ceph: { prefix: string } };
        const shared = (v: Values) => (v.thoth.station as { modules: { shared: Shared } }).modules.shared;
        const ownedBy = (stack: string) => (problems: ConfigProblem[]) =>
            problems.filter((p) => p.message.includes(`that stack ${stack} writes`));

        it("Thoth: stage writing production's object prefix in the shared Ceph bucket is refused at deploymentName", () => {
            const theirs = shared(prod).deploymentName;
            const problems = owned(problemsOf((v) => (shared(v).deploymentName = theirs)));
            assert.deepEqual(
                problems.map((p) => p.key),
                ["runbooks:thoth.station.modules.shared.deploymentName"],
            );
            assert.match(problems[0].message, /the Ceph object prefix that stack prod writes/);
            assert.ok(!problems[0].message.includes(theirs), problems[0].message);
        });

        it("generated: a Thoth prefix is refused exactly when it is production's prefix and deployment", () => {
            const mine = shared(stage);
            const theirs = shared(prod);
            fc.assert(
                fc.property(
                    fc.constantFrom(theirs.ceph.prefix, mine.ceph.prefix, "results"),
                    fc.constantFrom(theirs.deploymentName, mine.deploymentName, "ocp4-test-2", "ocp4"),
                    (prefix, name) => {
                        const problems = owned(
                            problemsOf((v) => {
                                shared(v).ceph.prefix = prefix;
                                shared(v).deploymentName = name;
                            }),
                        );
                        const same = prefix === theirs.ceph.prefix && name === theirs.deploymentName;
                        assert.equal(problems.length, same ? 1 : 0, `${prefix}/${name}`);
                    },
                ),
                { numRuns: 10, seed: 8504 },
            );
        });

        it("Callysto: production asking for the Packer group stage makes is refused at packerSecurityGroup", () => {
            const problems = ownedBy("stage")(
                problemsOf((v) => (v.callysto.packerSecurityGroup = true), "prod"),
            );
            assert.deepEqual(
                problems.map((p) => p.key),
                ["runbooks:callysto.packerSecurityGroup"],
            );
            assert.match(problems[0].message, /the OpenStack security group that stack stage writes/);
            assert.match(problems[0].message, /lookup by name ambiguous/);
        });

        it("Callysto: stage writing a record production writes, both zones ours, is refused at the host's name", () => {
            // Production's zone is outside (it writes no record): the case needs a production file whose zone is ours.
            const root = mkdtempSync(path.join(tmpdir(), "names-"));
            try {
                for (const f of readdirSync(repoRoot()).filter((f) => /^Pulumi\..+\.yaml$/.test(f)))
                    copyFileSync(path.join(repoRoot(), f), path.join(root, f));
                const ours = { zone: "ours", zoneId: "set-by-operator", recordTtl: 60 };
                const doc = parseDocument(readFileSync(path.join(root, "Pulumi.prod.yaml"), "utf8"));
                doc.setIn(["config", "runbooks:callysto", "dns"], ours);
                writeFileSync(path.join(root, "Pulumi.prod.yaml"), doc.toString({ lineWidth: 0 }));
                const hub = (stage.callysto.hosts as { name: string }[]).findIndex((h) => h.name === "hub");
                const problems = ownedBy("prod")(
                    problemsOf(
                        (v) => {
                            v.callysto.dns = ours;
                            v.callysto.domain = prod.callysto.domain;
                        },
                        "stage",
                        root,
                    ),
                );
                assert.deepEqual(
                    problems.map((p) => p.key),
                    [`runbooks:callysto.hosts[${hub}].name`],
                );
                assert.match(problems[0].message, /the DNS record that stack prod writes/);
                assert.ok(!problems[0].message.toLowerCase().includes(String(prod.callysto.domain)));
            } finally {
                rmSync(root, { recursive: true, force: true });
            }
        });
    });
});
