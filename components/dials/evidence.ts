import { evidenceTable } from "../shared/evidence/load";

/**
 * What the upstream sources say of the images DIALS runs (facts/evidence/dials/), and the shared Redis building
 * block's image: the broker and the web cache.
 */
export const DIALS_EVIDENCE = evidenceTable("components/dials/evidence.ts", "dials", ["redis-7-c9s@c9s"]);
