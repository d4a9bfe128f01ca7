import { canonicalImage } from "../confirmedImages";
import { parseImageRef } from "../imageRef";
import type { ImageEvidence } from "./schema";

/** `registry/repository` and version (digest before tag: a pinned digest is what runs) of a reference. */
export function imageVersion(image: string): { repository: string; version: string | undefined } {
    const ref = parseImageRef(image.trim());
    const bare = canonicalImage(`${ref.registry !== undefined ? `${ref.registry}/` : ""}${ref.repository}`);
    return { repository: bare, version: ref.digest ?? ref.tag };
}

// A system's table is built once and looked up for every image of every configuration check: index it once. Tables
// are never changed after they are made (a test edits a copy), so the index of a table object stays true.
const indexes = new WeakMap<readonly ImageEvidence[], Map<string, ImageEvidence[]>>();

function byRepository(table: readonly ImageEvidence[]): Map<string, ImageEvidence[]> {
    let index = indexes.get(table);
    if (!index) {
        index = new Map();
        for (const e of table) {
            const { repository } = imageVersion(e.image);
            index.set(repository, [...(index.get(repository) ?? []), e]);
        }
        indexes.set(table, index);
    }
    return index;
}

/** The entry for exactly this image version, and the versions the table has of its repository otherwise. */
export function evidenceFor(
    table: readonly ImageEvidence[],
    image: string,
): { entry?: ImageEvidence; others: string[] } {
    const { repository, version } = imageVersion(image);
    const same = byRepository(table).get(repository) ?? [];
    const entry = same.find((e) => e.version === version);
    return { entry, others: same.filter((e) => e !== entry).map((e) => e.version) };
}

/** `repository:tag` or `repository@digest` of an entry, for messages. */
export function entryRef(entry: ImageEvidence): string {
    return `${entry.image}${entry.version.startsWith("sha256:") ? "@" : ":"}${entry.version}`;
}
