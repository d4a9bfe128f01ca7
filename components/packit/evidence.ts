import { evidenceTable } from "../shared/evidence/load";

/**
 * What the upstream source of each image the packit system runs (and stream, which shares its layout) says of it
 * (facts/evidence/packit/), with the shared images it runs: the import and sandbox clean-up jobs' oc, and the Redis
 * building block's image, the Celery broker.
 */
export const PACKIT_EVIDENCE = evidenceTable("components/packit/evidence.ts", "packit", [
    "origin-cli@4.15",
    "redis-7-c9s@c9s",
]);
