import { memoByString } from "./memo";

// The one reading of an image reference (`[registry/]repository[:tag][@digest]`): the version label, the
// ImageStream tag, the policy's "pinned" rule and the image preflight all split references here, so one image
// gets one version label in every system.

/** An image reference as written, split; nothing is filled in (no `docker.io`, no `latest`). */
export interface ImageReference {
    /** The first path component when it is a host: it has a dot or a port, or is `localhost`. */
    registry?: string;
    repository: string;
    /** After the last `:` of the last path component (a registry's port is not a tag); may be empty. */
    tag?: string;
    /** After the `@`, e.g. `sha256:<hex>`. */
    digest?: string;
}

/** Splits `image` (each reference once: see memoByString). */
export const parseImageRef = memoByString(splitImageRef);

function splitImageRef(image: string): ImageReference {
    let rest = image;
    let digest: string | undefined;
    const at = rest.indexOf("@");
    if (at >= 0) {
        digest = rest.slice(at + 1);
        rest = rest.slice(0, at);
    }
    let tag: string | undefined;
    const colon = rest.lastIndexOf(":");
    if (colon > rest.lastIndexOf("/")) {
        tag = rest.slice(colon + 1);
        rest = rest.slice(0, colon);
    }
    const slash = rest.indexOf("/");
    const first = slash >= 0 ? rest.slice(0, slash) : "";
    const hasHost = slash >= 0 && (first.includes(".") || first.includes(":") || first === "localhost");
    return {
        ...(hasHost ? { registry: first } : {}),
        repository: hasHost ? rest.slice(slash + 1) : rest,
        ...(tag !== undefined ? { tag } : {}),
        ...(digest !== undefined ? { digest } : {}),
    };
}

/** A digest is `sha256:` and 64 lowercase hex digits (what registries and the config schema accept). */
export function isSha256Digest(digest: string): boolean {
    return /^sha256:[a-f0-9]{64}$/.test(digest);
}

/**
 * The version an image runs, for the `app.kubernetes.io/version` label: the digest's hex when it is pinned by
 * digest (the digest is what runs, even with a tag beside it), else its tag.
 */
export function imageVersion(image: string): string | undefined {
    const { tag, digest } = parseImageRef(image);
    if (digest !== undefined) return digest.slice(digest.indexOf(":") + 1);
    return tag;
}

/** The ImageStream tag of a reference: its tag, or `sha256-<hex>` for a digest (stream tags cannot hold ':'). */
export function streamTag(image: string): string {
    const { tag, digest } = parseImageRef(image);
    if (digest !== undefined) return digest.replace(":", "-");
    return tag || "latest";
}

/** OpenShift's integrated registry, where pods pull ImageStream tags (reference policy `Local`). */
export const INTERNAL_REGISTRY = "image-registry.openshift-image-registry.svc:5000";
