import { COMMON_EVIDENCE } from "./commonImages";
import { imageVersion } from "./lookup";
import type { ImageEvidence } from "./types";
import type { EvidenceTable } from "./verdicts";

/**
 * The entries a system's images are looked up in: the images several systems run (read once, in
 * {@link COMMON_EVIDENCE}) before the system's own, so a copy left in a system's table never shadows them.
 */
export function systemEntries(table: EvidenceTable): readonly ImageEvidence[] {
    return [...COMMON_EVIDENCE.images, ...table.images];
}

/** The file that holds (or would hold) the evidence of an image's repository: the common file for a common image. */
export function evidenceFileOf(image: string, table: EvidenceTable): string {
    const { repository } = imageVersion(image);
    return COMMON_EVIDENCE.images.some((e) => imageVersion(e.image).repository === repository)
        ? COMMON_EVIDENCE.file
        : table.file;
}
