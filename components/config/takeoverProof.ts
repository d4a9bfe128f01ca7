import { ConfigProblem, fullKey } from "./problems";
import { PlannedTakeover, dumpFile, takeoverProofProblems } from "../shared/databaseTakeover";

/**
 * The database takeover in `pulumi up` itself: while `adoptExisting` is on, PostgreSQL starts on the adopted claim
 * only once the migration report named by `key` proves the data's major version and a fresh dump.
 */
export function takeoverProof(
    key: string,
    report: string | undefined,
    planned: PlannedTakeover,
    now: Date,
): ConfigProblem[] {
    const { namespace } = planned;
    const file = `${namespace}-takeover.json`;
    // The report is read from the live cluster: the command that makes it; the key then names its file.
    const make = `npm run adopt -- --dump ${namespace}=${dumpFile(namespace)} --json ${file}`;
    const then = `: run its dump command first, until the takeover of ${namespace} says [ready], then set it to ${file}`;
    if (report === undefined)
        return [
            {
                key: fullKey(key),
                message:
                    `is required while clusters.${planned.cluster}.adoptExisting is on: pulumi up starts ${planned.server} ` +
                    `on claim ${planned.claim}, the data of ${namespace} today, and does so only once a migration report ` +
                    `has read the data directory's major version and a dump under a day old${then}`,
                fix: make,
            },
        ];
    const problems = takeoverProofProblems(report, planned, now);
    return problems.length === 0
        ? []
        : [
              {
                  key: fullKey(key),
                  message: `does not prove the takeover: ${problems.join("; ")}${then}`,
                  fix: make,
              },
          ];
}
