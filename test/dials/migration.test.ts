import { strict as assert } from "assert";
import { loadProgramConfig } from "../../components/config/load";
import { memoryConfigSource } from "../../components/config/source";
import { SYSTEMS } from "../../components/systems";
import { validateObject } from "../oracles/validate/k8s";
import { RecordedResource } from "../../tools/mocks/recorder";
import { configErrorOf, field, onlyProblem } from "../harness";
import { stackPlan } from "../fixtures/plans";
import { operatorDigest } from "../placeholders";
import { unwaitedReads } from "../fixtures/podReads";
import {
    DIALS_SECRETS,
    DialsSection,
    dialsSection,
    dialsValues,
    fewerWorkspaces,
    runDials,
} from "./fixtures";
import { JOB, DEPLOYMENT } from "../fixtures/resourceTypes";

// A wrong migration is the operator's to correct or remove: the message says what is allowed, no command is printed.
const NO_COMMAND = undefined;

/** The reviewed migration of a release: the running v1.7.0 to the deployed (and checked) v1.12.0. */
function reviewed(dials: DialsSection): void {
    // The release confirmed first (stage's file has no confirmation; prod's fixture has it already).
    dials.images.confirmed ??= {
        tag: dials.images.tag,
        etl: operatorDigest("etl"),
        backend: operatorDigest("backend"),
        frontend: operatorDigest("frontend"),
    };
    dials.migration = { from: "v1.7.0", to: dials.images.tag };
}

/** What the program says an operator must read before `pulumi up` of a stack's (changed) DIALS config. */
function notices(stack: "stage" | "prod", change?: (dials: DialsSection) => void): string[] {
    const values = dialsValues(stack);
    change?.(dialsSection(values));
    return loadProgramConfig(memoryConfigSource(values, DIALS_SECRETS), SYSTEMS).notices.map(
        (n) => `${n.system}: ${n.text}`,
    );
}

const configError = (stack: "stage" | "prod", change: (dials: DialsSection) => void) =>
    configErrorOf(() => runDials(stack, change));

/** Jobs in `namespace` that run alembic, among registered `objects` (an evaluation's, or a plan's). */
function migrationJobs<R extends { type: string; inputs: Record<string, unknown> }>(
    namespace: string,
    objects: readonly R[],
): R[] {
    return objects.filter(
        (j) =>
            j.type === JOB &&
            field(j.inputs, "metadata.namespace") === namespace &&
            JSON.stringify(j.inputs).includes("alembic"),
    );
}

/**
 * Each stack with the reviewed migration, evaluated once for both suites of this file, with three of its workspaces
 * (see fewerWorkspaces): more than ten ETL Deployments, each of which must wait for the Job.
 */
const reviewedRuns = new Map<"stage" | "prod", Promise<RecordedResource[]>>();
function withReviewedMigration(stack: "stage" | "prod"): Promise<RecordedResource[]> {
    let run = reviewedRuns.get(stack);
    if (!run) {
        run = runDials(stack, (d) => {
            fewerWorkspaces(d, 2);
            reviewed(d);
        }).then((r) => [...r]);
        reviewedRuns.set(stack, run);
    }
    return run;
}

// Issue #27 item 7: the first prod up ran `alembic upgrade head` against the production database with an unverified
// tag. A migration is now written in the stack file, reviewed, and announced before every preview and update.
describe("dials: a schema migration is an explicit, reviewed step", function () {
    this.timeout(120_000);

    it("runs no migration on either committed stack, and tells stage how to confirm the release", async () => {
        for (const [stack, namespace] of [
            ["prod", "cms-dials-prod"],
            ["stage", "cms-dials-stage"],
        ] as const) {
            // The committed stack unchanged (DIALS' section has no operator placeholder): the run's plan of it.
            const { resources } = await stackPlan(stack);
            assert.ok(
                resources.some((r) => field(r.inputs, "metadata.namespace") === namespace),
                `${stack}: the plan has DIALS' objects`,
            );
            assert.deepEqual(migrationJobs(namespace, resources), [], stack);
            const said = notices(stack);
            assert.ok(!said.some((n) => n.includes("migrates")), said.join("\n"));
            // Stage may try the release and is told how to confirm it; the prod fixture is confirmed (as an
            // operator leaves it), the committed prod file stops on it (test/config/confirmedImages.test.ts).
            const unconfirmed = said.filter((n) =>
                n.startsWith("dials: UNCONFIRMED IMAGE runbooks:dials.images.confirmed."),
            );
            assert.equal(unconfirmed.length, stack === "stage" ? 3 : 0, said.join("\n"));
            for (const n of unconfirmed) {
                assert.match(n, /runbook 003 imports the DIALS images without a tag/);
                assert.ok(n.includes(`oc get pods -n ${namespace} -o jsonpath=`), n);
                assert.ok(
                    n.includes(
                        "skopeo inspect --format '{{.Digest}}' docker://registry.cern.ch/cms-dqmdc/dials-",
                    ),
                    n,
                );
                assert.match(
                    n,
                    /pulumi config set --path dials\.images\.confirmed\.(etl|backend|frontend) sha256:<the digest printed>$/,
                );
            }
        }
    });

    it("with dials.migration from the running release to the deployed one: one Job before the ETL, and the notice", async () => {
        const recorded = await withReviewedMigration("prod");
        const [job, ...more] = migrationJobs("cms-dials-prod", recorded);
        assert.ok(job, "the migration Job exists");
        assert.deepEqual(more, []);
        assert.equal(field(job.inputs, "metadata.name"), "dials-etl-migrate-v1-12-0");
        const [c] = field(job.inputs, "spec.template.spec.containers") as {
            image: string;
            command: string[];
        }[];
        assert.deepEqual(c.command, ["alembic", "upgrade", "head"]);
        assert.ok(c.image.endsWith("/cms-dials-prod/etl:v1.12.0"), c.image);
        assert.equal(field(job.inputs, "spec.backoffLimit"), 0);
        assert.deepEqual(validateObject(job.inputs), []);
        const etl = recorded.filter(
            (d) =>
                d.type === DEPLOYMENT &&
                field(d.inputs, "metadata.namespace") === "cms-dials-prod" &&
                JSON.stringify(d.inputs).includes("dials-etl-configmap"),
        );
        assert.ok(etl.length > 10);
        for (const d of etl)
            assert.ok(d.dependencies.includes(job.urn), `${d.name} starts after the migration`);
        assert.deepEqual(notices("prod", reviewed), [
            'dials: this up migrates the production schema from v1.7.0 to v1.12.0: Job dials-etl-migrate-v1-12-0 runs "alembic upgrade head" with the v1.12.0 ETL image, and the v1.12.0 ETL pods start only once it succeeded (it runs once; back up the database before)',
        ]);
    });

    it("names the stage schema on the stage stack", () => {
        assert.match(
            notices("stage", reviewed).find((n) => n.includes("migrates")) ?? "",
            /^dials: this up migrates the stage schema from v1\.7\.0 to v1\.12\.0:/,
        );
    });

    it("refuses a migration to another release than the one deployed (one left from the last release)", async () => {
        const err = await configError("prod", (d) => {
            reviewed(d);
            d.images.tag = "v1.9.0";
            // v1.9.0 itself confirmed: only the migration left from v1.12.0 is wrong.
            d.images.confirmed = { ...d.images.confirmed!, tag: "v1.9.0" };
        });
        assert.deepEqual(
            err.problems.map((p) => [p.key, p.fix]),
            [["runbooks:dials.migration.to", NO_COMMAND]],
        );
        assert.match(
            err.problems[0].message,
            /^\(v1\.12\.0\) is not the release this up deploys \(dials\.images\.tag v1\.9\.0\)/,
        );
        assert.ok(
            err.problems[0].message.includes(
                "to migrate, write both keys: from v1.7.0 and to v1.9.0; else remove dials.migration",
            ),
            err.problems[0].message,
        );
    });

    it("refuses a migration without the confirmed running release, and one without a target, in one message", async () => {
        const err = await configError("prod", (d) => {
            d.migration = {};
        });
        assert.deepEqual(
            err.problems.map((p) => [p.key, p.fix]),
            [
                ["runbooks:dials.migration.from", NO_COMMAND],
                ["runbooks:dials.migration.to", NO_COMMAND],
            ],
        );
        assert.match(
            err.problems[0].message,
            /confirmed running today \(oc -n cms-dials-prod get imagestream etl/,
        );
        assert.ok(
            err.message.includes("runbooks:dials.migration.from") &&
                err.message.includes("runbooks:dials.migration.to"),
        );
    });

    it("refuses a migration from the deployed release to itself", async () => {
        const err = await configError("prod", (d) => {
            reviewed(d);
            d.migration = { from: "v1.12.0", to: "v1.12.0" };
        });
        assert.match(onlyProblem(err, "runbooks:dials.migration.from").message, /nothing to migrate/);
    });

    it("refuses a migration to a release nobody confirmed (stage, which may run it, still may not migrate to it)", async () => {
        const err = await configError("stage", (d) => {
            d.migration = { from: "v1.7.0", to: "v1.12.0" };
        });
        assert.deepEqual(
            err.problems.map((p) => [p.key, p.fix]),
            [["runbooks:dials.migration.to", NO_COMMAND]],
        );
        assert.match(
            err.problems[0].message,
            /registry\.cern\.ch\/cms-dqmdc\/dials-etl:v1\.12\.0, .*dials-backend:v1\.12\.0, .*dials-frontend:v1\.12\.0 nobody has confirmed/,
        );
    });
});

// Issue #28: DIALS pods (and the reviewed migration Job) read their ConfigMaps, Secrets and the EOS claim through
// handles, so each is ordered after what it reads by the reference itself.
describe("dials pods read what the program makes, and wait for it (issue 28)", function () {
    this.timeout(120000);

    for (const stack of ["stage", "prod"] as const) {
        it(`${stack}, with a reviewed migration: each object a pod names exists and comes first`, async () => {
            const recorded = await withReviewedMigration(stack);
            assert.ok(
                recorded.some((r) => r.type === "kubernetes:batch/v1:Job"),
                "the migration Job is recorded",
            );
            assert.deepEqual(unwaitedReads(recorded), { dangling: [], unwaited: [] });
        });
    }
});
