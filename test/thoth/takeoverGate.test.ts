import { strict as assert } from "assert";
import { writeFileSync } from "fs";
import * as path from "path";
import { thothCheck, thothProblems } from "../../components/thoth/checks";
import { ThothConfig, thothSchema } from "../../components/thoth/config";
import { StackTier } from "../../components/config/system";
import { encodeHeader } from "../fixtures/dumps";
import { scratchDir } from "../fixtures/scratch";
import { thothStack } from "./fixtures";

// The knowledge graph's PostgreSQL starts on claim pgsql-data, today's data on the stage and production stations:
// `pulumi up` itself refuses that takeover, while the cluster's adoptExisting is on, until the migration report
// proves the data's major version and a fresh dump (the rule Packit's up applies, config/takeoverProof.ts).

const NOW = new Date("2026-11-26T10:00:00Z");
const KEY = "runbooks:thoth.station.modules.postgresql.takeoverReport";

/** Prod's thoth section (the test station, PostgreSQL 10 in thoth-test-core), with `takeoverReport` when given. */
function station(takeoverReport?: string): ThothConfig {
    const t = thothSchema.parse(thothStack("prod").thoth);
    if (takeoverReport) t.station!.modules!.postgresql.takeoverReport = takeoverReport;
    return t;
}

/** A migration report of the takeover of pgsql-data, with its dump made `ageHours` ago of a `dumpMajor` server. */
function report(ageHours: number, dumpMajor: number, dataVersion = 10): string {
    const dir = scratchDir("thoth-takeover-");
    const made = new Date(Math.floor((NOW.getTime() - ageHours * 3_600_000) / 1000) * 1000);
    const dump = path.join(dir, "thoth-test-core-postgres.dump");
    writeFileSync(
        dump,
        encodeHeader({ archive: [1, 14], made, database: "thoth", server: `${dumpMajor}.23` }),
    );
    const file = path.join(dir, "report.json");
    writeFileSync(
        file,
        JSON.stringify({
            stack: "prod",
            databases: [
                {
                    cluster: "psi",
                    system: "thoth",
                    namespace: "thoth-test-core",
                    server: "postgresql",
                    claim: "pgsql-data",
                    version: 10,
                    versionKey: "thoth.station.modules.images.postgresql",
                    dataVersion,
                    dump: { path: dump, made: made.toISOString(), serverVersion: `${dumpMajor}.23` },
                    problems: [],
                },
            ],
        }),
    );
    return file;
}

// At the test's own clock: the dump's age is measured from NOW, whatever day the suite runs.
const keys = (config: ThothConfig, tier: StackTier, adoptExisting: boolean) =>
    thothProblems(config, tier, { [config.cluster]: { adoptExisting } }, NOW)
        .filter((p) => p.key === KEY)
        .map((p) => p.message);

describe("thoth: pulumi up refuses the knowledge graph's database takeover the migration report has not proved", () => {
    it("every tier × adoptExisting: required exactly on a stage or production stack adopting, with the adopt command as the fix", () => {
        for (const tier of ["production", "staging", "local"] as const)
            for (const adoptExisting of [true, false]) {
                const config = station();
                const result = thothCheck(config, tier, { [config.cluster]: { adoptExisting } });
                const problem = (result.problems ?? []).find((p) => p.key === KEY);
                const required = adoptExisting && tier !== "local";
                assert.equal(problem !== undefined, required, `${tier}, adoptExisting ${adoptExisting}`);
                if (!problem) continue;
                assert.equal(result.section, undefined, "nothing is created");
                assert.match(
                    problem.message,
                    /starts postgresql on claim pgsql-data, the data of thoth-test-core/,
                );
                assert.match(
                    problem.fix ?? "",
                    /--dump thoth-test-core=thoth-test-core-postgres\.dump --json/,
                );
                assert.match(problem.message, /then set it to thoth-test-core-takeover\.json$/);
            }
    });

    it("a report of pgsql-data at PostgreSQL 10 with a dump of an hour ago proves it; a stale dump, a dump or data of another major, or no report file does not", () => {
        assert.deepEqual(keys(station(report(1, 10)), "production", true), []);
        assert.match(keys(station(report(30, 10)), "production", true).join(), /h ago/);
        assert.match(keys(station(report(1, 12)), "production", true).join(), /not of the 10/);
        assert.match(keys(station(report(1, 10, 12)), "production", true).join(), /is PostgreSQL 12/);
        assert.equal(keys(station("/nonexistent/report.json"), "production", true).length, 1);
    });
});
