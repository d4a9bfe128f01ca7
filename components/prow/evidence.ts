import { evidenceTable } from "../shared/evidence/load";

/**
 * What kubernetes/test-infra at the pinned release says of each Prow binary the program runs, and what the other
 * images of systems.md §3 say where their source could be read: facts/evidence/prow/.
 */
export const PROW_EVIDENCE = evidenceTable("components/prow/evidence.ts", "prow");
