import { isSha256Digest, parseImageRef } from "../../components/shared/imageRef";
import { containersOf, describe, kindOf, podSpecOf } from "./k8s";
import { Rule, isObj, objectsOf } from "./types";

/**
 * Why an image reference is not pinned, or undefined when it is: a digest (`@sha256:...`) or a tag other than
 * `latest`. The registry's port (`host:5000/app`) is not a tag.
 */
export function unpinnedReason(image: string): string | undefined {
    const ref = image.trim();
    if (ref === "") return "is empty";
    const { tag, digest } = parseImageRef(ref);
    if (digest !== undefined) return isSha256Digest(digest) ? undefined : "has a malformed digest";
    if (tag === undefined) return "has no tag (which means latest)";
    if (tag === "" || tag === "latest") return `uses the tag "${tag}"`;
    return undefined;
}

/** Images are pinned (a tag other than `latest`, or a digest), so a deployment is reproducible and reviewable. */
export const pinnedImages: Rule = {
    name: "pinned-images",
    description: "Container images and ImageStream sources are pinned: a tag other than latest, or a digest.",
    check({ type, props }) {
        const where = describe(type, props);
        const violations: string[] = [];
        const pod = podSpecOf(type, props);
        for (const c of pod ? containersOf(pod) : []) {
            // A computed image (unknown during preview) is checked where it is computed from.
            if (typeof c.container.image !== "string") continue;
            const reason = unpinnedReason(c.container.image);
            if (reason)
                violations.push(`${where}: container "${c.name}" image "${c.container.image}" ${reason}`);
        }
        if (kindOf(type) === "ImageStream" && isObj(props.spec)) {
            for (const tag of objectsOf(props.spec.tags)) {
                const from = isObj(tag.from) ? tag.from : undefined;
                if (from?.kind !== "DockerImage" || typeof from.name !== "string") continue;
                const reason = unpinnedReason(from.name);
                if (reason)
                    violations.push(
                        `${where}: tag "${String(tag.name)}" imports "${from.name}", which ${reason}`,
                    );
            }
        }
        return violations;
    },
};
