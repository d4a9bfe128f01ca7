import { canonicalImage } from "../confirmedImages";
import { parseImageRef } from "../imageRef";
import type { ImageEvidence } from "./types";

/** `registry/repository` and version (digest before tag: a pinned digest is what runs) of a reference. */
export function imageVersion(image: string): { repository: string; version: string | undefined } {
    const ref = parseImageRef(image.trim());
    const bare = canonicalImage(`${ref.registry !== undefined ? `${ref.registry}/` : ""}${ref.repository}`);
    return { repository: bare, version: ref.digest ?? ref.tag };
}

/** The entry for exactly this image version, and the versions the table has of its repository otherwise. */
export function evidenceFor(
    table: readonly ImageEvidence[],
    image: string,
): { entry?: ImageEvidence; others: string[] } {
    const { repository, version } = imageVersion(image);
    const same = table.filter((e) => imageVersion(e.image).repository === repository);
    const entry = same.find((e) => e.version === version);
    return { entry, others: same.filter((e) => e !== entry).map((e) => e.version) };
}

/** `repository:tag` or `repository@digest` of an entry, for messages. */
export function entryRef(entry: ImageEvidence): string {
    return `${entry.image}${entry.version.startsWith("sha256:") ? "@" : ":"}${entry.version}`;
}
