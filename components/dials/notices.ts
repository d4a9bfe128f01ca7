import { KindedNotice, notice } from "../config/notices";
import type { StackTier } from "../config/system";
import type { DialsSection } from "./config";

const SCHEMA_OF: Record<StackTier, string> = {
    production: "production",
    staging: "stage",
    local: "local",
};

/**
 * What an operator must read before `pulumi up` of DIALS: the schema migration it runs, which the check let into the
 * section only as the reviewed one. A rotated secret needs no notice: each rolls exactly the pods that read it (a
 * Redis password rolls Redis with its clients), and no database of DIALS runs in the cluster.
 */
export function dialsNotices(section: DialsSection, program: { tier: StackTier }): KindedNotice[] {
    const { migration } = section;
    if (migration === undefined) return [];
    return [
        notice(
            "SCHEMA MIGRATION",
            `this up migrates the ${SCHEMA_OF[program.tier]} schema from ${migration.from} to ${migration.to}: Job ${migration.job} runs "alembic upgrade head" with the ${migration.to} ETL image, and the ${migration.to} ETL pods start only once it succeeded (it runs once; back up the database before)`,
        ),
    ];
}
