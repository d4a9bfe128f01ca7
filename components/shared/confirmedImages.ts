import { z } from "zod";
import { loadFacts } from "./facts";
import { isSha256Digest, parseImageRef } from "./imageRef";
import { memoByString } from "./memo";

// The one rule that decides whether an image reference is confirmed: pinned by a digest (the digest an operator read
// from the running pods or the registry is the confirmation), or named exactly by a source the runbooks point to. A
// tag in a stack file is otherwise a guess: production runs no guess (components/config/passes/systems.ts stops
// `pulumi up` on it), stage may try one and is told so.

const sourcedImagesFile = z.strictObject({
    images: z.array(z.strictObject({ image: z.string().min(1), source: z.string().min(1) })).readonly(),
});

/** A reference a source names, with the line that names it. */
export type SourcedImage = z.infer<typeof sourcedImagesFile>["images"][number];

/**
 * The references the sources a system's runbook points to name exactly (facts/images/<system>.yaml), each with where:
 * what confirms one of its images without a digest.
 */
export function sourcedImages(system: string): readonly SourcedImage[] {
    return loadFacts(`facts/images/${system}.yaml`, sourcedImagesFile, "a list of sourced images").images;
}

/**
 * A reference as a registry serves it, so one image has one spelling: Docker Hub's host and `library/` filled in
 * (`registry:2.7.1` = `docker.io/library/registry:2.7.1` = `index.docker.io/library/registry:2.7.1`).
 */
export const canonicalImage = memoByString(spelledAsServed);

function spelledAsServed(image: string): string {
    const { registry: host, repository, tag, digest } = parseImageRef(image.trim());
    const hub =
        host === undefined ||
        host === "docker.io" ||
        host === "index.docker.io" ||
        host === "registry-1.docker.io";
    const registry = hub ? "docker.io" : host;
    const path = hub && !repository.includes("/") ? `library/${repository}` : repository;
    return `${registry}/${path}${tag !== undefined ? `:${tag}` : ""}${digest !== undefined ? `@${digest}` : ""}`;
}

// Each table read once, however many images a stack runs.
const canonical = new WeakMap<readonly SourcedImage[], Map<string, string>>();

function sourcesByImage(sourced: readonly SourcedImage[]): Map<string, string> {
    let found = canonical.get(sourced);
    if (found === undefined) {
        found = new Map(sourced.map((s) => [canonicalImage(s.image), s.source]));
        canonical.set(sourced, found);
    }
    return found;
}

/**
 * What confirms an image: its digest, or the source that names it in `sourced` (the references the system running
 * it names, facts/images/<system>.yaml); undefined when nothing does.
 */
export function confirmation(image: string, sourced: readonly SourcedImage[]): string | undefined {
    const { digest } = parseImageRef(image.trim());
    if (digest !== undefined) return isSha256Digest(digest) ? "pinned by digest" : undefined;
    return sourcesByImage(sourced).get(canonicalImage(image));
}

export function isConfirmedImage(image: string, sourced: readonly SourcedImage[]): boolean {
    return confirmation(image, sourced) !== undefined;
}
