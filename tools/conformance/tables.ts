import { RunbookTable } from "./step";
import { callystoTable } from "./steps/callysto";

/**
 * Every runbook's table. Each system's table lives in `steps/<system>.ts`; a runbook under `runbooks/` without a
 * table here fails the conformance test.
 */
export const TABLES: readonly RunbookTable[] = [callystoTable];
