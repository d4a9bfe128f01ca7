import { RunbookTable } from "./step";
import { dialsTable } from "./steps/dials";
import { thothTable } from "./steps/thoth";

/**
 * Every runbook's table. Each system's table lives in `steps/<system>.ts`; a runbook under `runbooks/` without a
 * table here fails the conformance test.
 */
export const TABLES: readonly RunbookTable[] = [thothTable, dialsTable];
