import { SemVer, parse as parseSemver } from "semver";
import { parseImageRef } from "./imageRef";

// Which release an image tag names, and whether one is older than another: the one ordering the migration report
// (tools/adopt/imageChanges.ts) and `pulumi up`'s release gate (components/config/releaseGate.ts) both use, so a
// takeover never rolls production back. Two kinds of tag name a release: a semantic version (DIALS' `v1.12.0`,
// read by the semver library, `v` and all) and a dated build (Prow's and KubeVirt's `vYYYYMMDD-<commit>`, ordered by
// its date). Anything else (`latest`, `prod`, `c9s`, a digest alone) names none: whether it is older cannot be told.

const RELEASE_DATE = /^v(\d{8})(?:$|[-.])/;
const PRE_RELEASE = /^(alpha|beta|rc|pre|preview|dev|snapshot)/i;

/** A release a tag names. */
export type Release = { kind: "date"; date: string } | { kind: "semver"; semver: SemVer };

/** The release `tag` names, or undefined for a tag that names none (floating, a distribution, a digest). */
export function releaseOfTag(tag: string | undefined): Release | undefined {
    if (tag === undefined || tag === "") return undefined;
    const date = RELEASE_DATE.exec(tag)?.[1];
    if (date) return { kind: "date", date };
    const semver = parseSemver(tag, { loose: true });
    if (!semver) return undefined;
    // An image tag's suffix is usually a build variant (`1.27.4-alpine`, `3.11-slim`), not a pre-release that
    // semver would order before `1.27.4`: only a pre-release word (alpha, beta, rc, …) or number keeps it.
    const [first] = semver.prerelease;
    const variant = typeof first === "string" && !PRE_RELEASE.test(first);
    return {
        kind: "semver",
        semver: variant ? new SemVer(`${semver.major}.${semver.minor}.${semver.patch}`) : semver,
    };
}

/** The release an image reference's tag names (a digest alone names none). */
export function releaseOfImage(image: string): Release | undefined {
    return releaseOfTag(parseImageRef(image).tag);
}

/** Negative when `a` is older than `b`, 0 when equal, positive when newer; undefined when they cannot be ordered. */
export function compareReleases(a: Release | undefined, b: Release | undefined): number | undefined {
    if (a?.kind === "date" && b?.kind === "date") return a.date < b.date ? -1 : a.date > b.date ? 1 : 0;
    if (a?.kind === "semver" && b?.kind === "semver") return a.semver.compare(b.semver);
    return undefined;
}

/** `pinned` is a release strictly older than `running`: false where the two cannot be ordered. */
export function olderRelease(pinned: Release | undefined, running: Release | undefined): boolean {
    return (compareReleases(pinned, running) ?? 0) < 0;
}

/**
 * An image's name: the last path component of its repository, without tag or digest, the same under every registry
 * and mirror. A running release is recorded under it (for an OpenShift ImageStream, the stream: `backend` of
 * `image-registry…:5000/<ns>/backend:latest`), and the adoption report's roles compare images by it.
 */
export function imageName(image: string): string {
    return parseImageRef(image).repository.split("/").pop() ?? image;
}
