import { strict as assert } from "assert";
import { writeFileSync } from "fs";
import * as path from "path";
import fc from "fast-check";
import { packitCheck } from "../../components/packit/checks";
import { PackitConfig, packitSchema } from "../../components/packit/config";
import { encodeHeader } from "../fixtures/dumps";
import { scratchDir } from "../fixtures/scratch";
import { packitValues } from "./fixtures";

// Issue 50: `pulumi up` itself, not only `npm run adopt`, refuses to start PostgreSQL on an adopted claim until the
// data directory's major version and a recent dump are proven: the same rule (components/shared/databaseTakeover.ts)
// evaluated again, at the up, over the migration report the stack names.

const NOW = new Date("2026-11-25T10:00:00Z");
const HOUR = 3_600_000;
const KEY = "runbooks:packit.postgres.takeoverReport";

/** Stage's packit section with claim `postgres-data` adopted (version 15), and `takeoverReport` when given. */
function adopted(takeoverReport?: string): PackitConfig {
    const raw = structuredClone(packitValues("stage").packit) as Record<string, Record<string, unknown>>;
    raw.postgres = {
        ...raw.postgres,
        claimName: "postgres-data",
        ...(takeoverReport ? { takeoverReport } : {}),
    };
    return packitSchema.parse(raw);
}

/** The program-wide config the check sees: the section's cluster with adoptExisting on or off. */
const program = (config: PackitConfig, adoptExisting: boolean) => ({
    clusters: { [config.cluster]: { adoptExisting } },
});

/** A migration report (as `npm run adopt --json` writes it) of the takeover, with a dump file `ageHours` old. */
function report(input: {
    dataVersion?: number;
    ageHours: number;
    dumpMajor: number;
    claim?: string;
}): string {
    const dir = scratchDir("takeover-");
    const made = new Date(Math.floor((NOW.getTime() - input.ageHours * HOUR) / 1000) * 1000);
    const dump = path.join(dir, "packit-stg-postgres.dump");
    writeFileSync(
        dump,
        encodeHeader({ archive: [1, 14], made, database: "packit", server: `${input.dumpMajor}.4` }),
    );
    const file = path.join(dir, "report.json");
    const config = adopted();
    writeFileSync(
        file,
        JSON.stringify({
            stack: "stage",
            databases: [
                {
                    cluster: config.cluster,
                    system: "packit",
                    namespace: "packit-stg",
                    server: "postgres-15",
                    claim: input.claim ?? "postgres-data",
                    version: 15,
                    versionKey: "packit.postgres.version",
                    ...(input.dataVersion !== undefined ? { dataVersion: input.dataVersion } : {}),
                    dump: { path: dump, made: made.toISOString(), serverVersion: `${input.dumpMajor}.4` },
                    problems: [],
                },
            ],
        }),
    );
    return file;
}

const keysOf = (result: ReturnType<typeof packitCheck>) => (result.problems ?? []).map((p) => p.key);

describe("packit: pulumi up refuses a database takeover the migration report has not proved", () => {
    it("with adoptExisting on and no report: rejected, naming the key and the adopt command that makes the proof", () => {
        const config = adopted();
        const result = packitCheck("packit", config, program(config, true), NOW);
        assert.equal(result.section, undefined, "the section is not built: nothing is created");
        const problem = (result.problems ?? []).find((p) => p.key === KEY);
        assert.ok(problem, keysOf(result).join(", "));
        assert.match(problem.message, /starts postgres-15 on claim postgres-data/);
        // The stack is named where the stack is known: the whole configuration's error (test/config/stackNamed.test.ts).
        assert.match(
            problem.fix ?? "",
            /^npm run adopt -- --dump packit-stg=packit-stg-postgres\.dump --json \S+$/,
        );
        assert.match(problem.message, /then set it to \S+-takeover\.json$/);
    });

    it("with adoptExisting off (every later up) or no adopted claim: nothing to prove", () => {
        const config = adopted();
        assert.ok(packitCheck("packit", config, program(config, false), NOW).section);
        const fresh = packitSchema.parse(structuredClone(packitValues("stage").packit));
        const noClaim = { ...fresh, postgres: { ...fresh.postgres, claimName: undefined } };
        assert.ok(packitCheck("packit", noClaim, program(noClaim, true), NOW).section);
    });

    it("a report of the claim with its PG_VERSION and a dump of an hour ago proves it; one of another claim does not", () => {
        const ready = adopted(report({ dataVersion: 15, ageHours: 1, dumpMajor: 15 }));
        assert.deepEqual(keysOf(packitCheck("packit", ready, program(ready, true), NOW)), []);
        const other = adopted(report({ dataVersion: 15, ageHours: 1, dumpMajor: 15, claim: "another" }));
        assert.deepEqual(keysOf(packitCheck("packit", other, program(other, true), NOW)), [KEY]);
        const missing = adopted("/nonexistent/report.json");
        assert.deepEqual(keysOf(packitCheck("packit", missing, program(missing, true), NOW)), [KEY]);
    });

    it("a report file that is not a migration report proves nothing, and says why", () => {
        const dir = scratchDir("takeover-");
        for (const [content, why] of [
            ["{}", "it holds no database takeovers"],
            ["null", "it holds no database takeovers"],
            ['{"databases": {}}', "it holds no database takeovers"],
            ["{", "JSON"],
        ]) {
            const file = path.join(dir, "report.json");
            writeFileSync(file, content);
            const config = adopted(file);
            const problems = packitCheck("packit", config, program(config, true), NOW).problems ?? [];
            assert.deepEqual(
                problems.map((p) => p.key),
                [KEY],
                content,
            );
            assert.match(problems[0].message, /cannot be read as one/, content);
            assert.ok(problems[0].message.includes(why), `${content}: ${problems[0].message}`);
        }
    });

    it("generated proofs: accepted exactly when PG_VERSION and the dump's server are 15 and the dump is 0-24 h old at the up", () => {
        fc.assert(
            fc.property(
                fc.option(fc.integer({ min: 12, max: 17 }), { nil: undefined }),
                fc.integer({ min: -3, max: 48 }),
                fc.integer({ min: 12, max: 17 }),
                (dataVersion, ageHours, dumpMajor) => {
                    const config = adopted(report({ dataVersion, ageHours, dumpMajor }));
                    const accepted =
                        packitCheck("packit", config, program(config, true), NOW).section !== undefined;
                    const proven = dataVersion === 15 && dumpMajor === 15 && ageHours <= 24 && ageHours >= -1;
                    return accepted === proven;
                },
            ),
            { numRuns: 60 },
        );
    });
});
