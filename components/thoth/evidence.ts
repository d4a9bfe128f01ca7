import { evidenceTable } from "../shared/evidence/load";

/**
 * What the upstream source of each image the thoth system runs says of it, read at the commit its tag was built
 * from with the libraries its lock file pins (facts/evidence/thoth/), and the watcher restart's oc, shared with
 * packit. An image whose source could not be read keeps an unread entry that says why.
 */
export const THOTH_EVIDENCE = evidenceTable("components/thoth/evidence.ts", "thoth", ["origin-cli@4.15"]);
