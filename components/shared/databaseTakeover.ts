import { readFileSync } from "fs";
import { DumpHeader, majorOf, readDumpHeader } from "./dumpHeader";

/**
 * The one rule of a database takeover (a PostgreSQL server of the program started on a claim that holds data today):
 * the data directory is of the major version the server runs, and a recent dump of that server exists. The migration
 * report (`npm run adopt`) evaluates it against the live cluster; the program evaluates it again, at `pulumi up`,
 * over the report the operator names (a section's `postgres.takeoverReport`), so the up itself refuses a takeover the
 * report has not proved, or proved too long ago.
 */

/** How old a dump may be: the takeover happens in the session that made it; an older one misses writes since. */
export const DUMP_MAX_AGE_HOURS = 24;

export function dumpFile(namespace: string): string {
    return `${namespace}-postgres.dump`;
}

/** The problems of one takeover, from what was read: the rule, without the cluster. */
export function takeoverProblems(input: {
    namespace: string;
    server: string;
    claim: string;
    version: number;
    /** The stack key that sets `version`. */
    versionKey: string;
    /** The data directory's PG_VERSION, or why it is unknown (with the command to read it). */
    dataVersion: number | { unknown: string };
    /** The header of the named dump, its problem, or undefined when none was named. */
    dump: (DumpHeader & { path: string }) | { path: string; problem: string } | undefined;
    /** The command that makes the dump (undefined when no server runs to dump). */
    makeDump: string | undefined;
    now: Date;
}): string[] {
    const { namespace, server, claim, version, versionKey } = input;
    const problems: string[] = [];
    if (typeof input.dataVersion === "number") {
        if (input.dataVersion !== version) {
            problems.push(
                `the data directory on claim ${claim} is PostgreSQL ${input.dataVersion}, but ${server} runs ${version}: ` +
                    `it would refuse to start on it. Set the version running today (${versionKey}: ${input.dataVersion}, ` +
                    `with its image), or make the upgrade a real one where the system has one (its docs/systems/<system>-notes.md)`,
            );
        }
    } else {
        problems.push(
            `the major version of the data on claim ${claim} is unknown: ${input.dataVersion.unknown}`,
        );
    }
    const rerun = `then run the report again with --dump ${namespace}=${dumpFile(namespace)}`;
    const make = input.makeDump
        ? `make one while the old server still runs: ${input.makeDump} ; ${rerun}`
        : "no running pod mounts the claim to dump from: start the old server again and run the report";
    const dump = input.dump;
    if (!dump) {
        problems.push(`no dump of the database on claim ${claim}: ${make}`);
    } else if ("problem" in dump) {
        problems.push(`the dump ${dump.path} ${dump.problem}: ${make}`);
    } else {
        const ageHours = (input.now.getTime() - dump.made.getTime()) / 3_600_000;
        const dumped = majorOf(dump.serverVersion);
        if (ageHours > DUMP_MAX_AGE_HOURS) {
            problems.push(
                `the dump ${dump.path} was made ${dump.made.toISOString()}, ${Math.floor(ageHours)} h ago (at most ` +
                    `${DUMP_MAX_AGE_HOURS} h: it misses every write since): ${make}`,
            );
        } else if (ageHours < -1) {
            problems.push(
                `the dump ${dump.path} says it was made ${dump.made.toISOString()}, in the future: ${make}`,
            );
        }
        if (dumped !== version) {
            problems.push(
                `the dump ${dump.path} is of a PostgreSQL ${dump.serverVersion} server, not of the ${version} that ` +
                    `${server} runs: it is not a dump of this database, or ${versionKey} is not what runs: ${make}`,
            );
        }
    }
    return problems;
}

/** The takeover `pulumi up` is about to make: which server starts on which claim. */
export interface PlannedTakeover {
    cluster: string;
    namespace: string;
    claim: string;
    server: string;
    version: number;
    versionKey: string;
}

/** What the migration report's JSON (`npm run adopt -- --json <file>`) records of each takeover. */
interface RecordedTakeover {
    cluster: string;
    namespace: string;
    claim: string;
    server: string;
    dataVersion?: number;
    dump?: { path: string; made: string };
}

/**
 * Whether the migration report at `reportPath` proves `planned` now: it read that claim's data directory version,
 * and the dump it read is still there, unchanged, and passes {@link takeoverProblems} at `now` (so a report or dump
 * older than {@link DUMP_MAX_AGE_HOURS} no longer proves anything). Empty: proven.
 */
export function takeoverProofProblems(
    reportPath: string,
    planned: PlannedTakeover,
    now: Date,
    read: (path: string) => string = (path) => readFileSync(path, "utf8"),
): string[] {
    const rerun = `npm run adopt -- --dump ${planned.namespace}=${dumpFile(planned.namespace)} --json ${reportPath}`;
    const unreadable = (why: string) => [
        `the migration report ${reportPath} cannot be read as one (${why}): make it with ${rerun}`,
    ];
    let report: { databases?: unknown } | null;
    try {
        report = JSON.parse(read(reportPath)) as { databases?: unknown } | null;
    } catch (err) {
        return unreadable((err as NodeJS.ErrnoException).code ?? (err as Error).message);
    }
    if (!Array.isArray(report?.databases)) return unreadable("it holds no database takeovers");
    const recorded = report.databases as RecordedTakeover[];
    const entry = recorded.find(
        (d) =>
            d.cluster === planned.cluster &&
            d.namespace === planned.namespace &&
            d.claim === planned.claim &&
            d.server === planned.server,
    );
    if (!entry)
        return [
            `the migration report ${reportPath} checked no takeover of claim ${planned.claim} by ${planned.server} in ` +
                `${planned.namespace} on cluster ${planned.cluster}: run it again while the old server runs, ${rerun}`,
        ];
    let dump: (DumpHeader & { path: string }) | { path: string; problem: string } | undefined;
    if (entry.dump) {
        const header = readDumpHeader(entry.dump.path);
        dump =
            "problem" in header
                ? { path: entry.dump.path, problem: header.problem }
                : header.made.getTime() !== new Date(entry.dump.made).getTime()
                  ? {
                        path: entry.dump.path,
                        problem: "is not the dump the report read (another pg_dump run)",
                    }
                  : { path: entry.dump.path, ...header };
    }
    return takeoverProblems({
        namespace: planned.namespace,
        server: planned.server,
        claim: planned.claim,
        version: planned.version,
        versionKey: planned.versionKey,
        dataVersion: entry.dataVersion ?? { unknown: `the report could not read it: ${rerun}` },
        dump,
        makeDump: `the dump command the report prints, ${rerun}`,
        now,
    });
}
