import type { EvidenceSource, ImageEvidence } from "./schema";

/** The entry of an image version whose source was not read: it is in the table (so it is known), nothing is checked. */
export function unreadImage(
    image: string,
    version: string,
    source: EvidenceSource,
    why: string,
): ImageEvidence {
    return { image, version, source, facts: { state: "unread", why } };
}
