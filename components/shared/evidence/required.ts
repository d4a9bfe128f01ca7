import { imageVersion } from "./lookup";
import type { ImageEvidence, NamedFact } from "./types";

/**
 * The entries of `images` with the variables each repository's processes cannot do without marked `required` (added
 * to the variables read where the entry does not list them), for any version: the shared check then demands them of
 * every container of the image.
 */
export function requiringEnv(
    images: readonly ImageEvidence[],
    required: Readonly<Record<string, readonly NamedFact[]>>,
): ImageEvidence[] {
    return images.map((entry) => {
        const needs = required[imageVersion(entry.image).repository] ?? [];
        if (needs.length === 0 || entry.facts.state !== "read") return entry;
        const names = new Set(needs.map((n) => n.name));
        const env = [
            ...entry.facts.env.filter((e) => !names.has(e.name)),
            ...needs.map((n) => ({ ...n, required: true })),
        ];
        return { ...entry, facts: { ...entry.facts, env } };
    });
}
