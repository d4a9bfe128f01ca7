import { RunbookTable } from "./step";
import { callystoTable } from "./steps/callysto";
import { dialsTable } from "./steps/dials";
import { packitTable } from "./steps/packit";
import { prowTable } from "./steps/prow";
import { thothTable } from "./steps/thoth";

/**
 * Every runbook's table, in runbook order. Each system's table lives in `steps/<system>.ts`; a runbook under
 * `runbooks/` without a table here fails the conformance test.
 */
export const TABLES: readonly RunbookTable[] = [
    thothTable,
    packitTable,
    prowTable,
    dialsTable,
    callystoTable,
];
