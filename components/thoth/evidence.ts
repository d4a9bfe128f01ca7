import type { EvidenceTable } from "../config/evidenceVerdicts";
import { BOT_IMAGES } from "./upstream/bots";
import { JOB_IMAGES } from "./upstream/jobs";
import { PLATFORM_IMAGES } from "./upstream/platform";
import { SERVICE_IMAGES } from "./upstream/services";

// The images the thoth system runs, by version, and what their upstream source says of each (issue 51): read at the
// commit each tag was built from, with the libraries its lock file pins (components/thoth/upstream/). An image whose
// source could not be read keeps an unread entry that says why; the evidence replay (test/evidence) lists its
// containers as unread and the plans notice it.

/** The evidence of every image the thoth system runs. */
export const THOTH_EVIDENCE: EvidenceTable = {
    file: "components/thoth/evidence.ts",
    images: [...SERVICE_IMAGES, ...JOB_IMAGES, ...PLATFORM_IMAGES, ...BOT_IMAGES],
};
