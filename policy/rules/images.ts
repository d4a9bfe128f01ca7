import { INTERNAL_REGISTRY, isSha256Digest, parseImageRef } from "../../components/shared/imageRef";
import { containersOf, describe, kindOf, podSpecOf } from "./k8s";
import { Obj, Rule, isObj, objectsOf } from "./types";

/**
 * Why an image reference is not pinned, or undefined when it is: a digest (`@sha256:...`) or a tag other than
 * `latest`. The registry's port (`host:5000/app`) is not a tag.
 */
export function unpinnedReason(image: string): string | undefined {
    const ref = image.trim();
    if (ref === "") return "is empty";
    // A tag of an ImageStream in OpenShift's integrated registry: what it holds is the stream's source, pinned or not
    // (checked on the ImageStream below), as Thoth's CronWorkflows pull `<stream>:latest` of a pinned import.
    if (ref.startsWith(`${INTERNAL_REGISTRY}/`)) return undefined;
    const { tag, digest } = parseImageRef(ref);
    if (digest !== undefined) return isSha256Digest(digest) ? undefined : "has a malformed digest";
    if (tag === undefined) return "has no tag (which means latest)";
    if (tag === "" || tag === "latest") return `uses the tag "${tag}"`;
    return undefined;
}

/** Where Argo's kinds keep their templates: a CronWorkflow inside its workflowSpec, the others in their spec. */
const WORKFLOW_TEMPLATES: Record<string, string[]> = {
    CronWorkflow: ["spec", "workflowSpec", "templates"],
    Workflow: ["spec", "templates"],
    WorkflowTemplate: ["spec", "templates"],
    ClusterWorkflowTemplate: ["spec", "templates"],
};

/** Every container of an Argo kind's templates (container, script, init containers, sidecars), with where it is. */
function workflowContainers(type: string, props: Obj): { path: string; image: unknown }[] {
    const steps = WORKFLOW_TEMPLATES[kindOf(type) ?? ""];
    if (!steps) return [];
    let node: unknown = props;
    for (const step of steps) node = isObj(node) ? node[step] : undefined;
    return objectsOf(node).flatMap((t, i) => {
        const at = `${steps.join(".")}[${i}]`;
        const one = (field: string) =>
            isObj(t[field]) ? [{ path: `${at}.${field}`, image: t[field].image }] : [];
        const many = (field: string) =>
            objectsOf(t[field]).map((c, j) => ({ path: `${at}.${field}[${j}]`, image: c.image }));
        return [...one("container"), ...one("script"), ...many("initContainers"), ...many("sidecars")];
    });
}

/** Images are pinned (a tag other than `latest`, or a digest), so a deployment is reproducible and reviewable. */
export const pinnedImages: Rule = {
    name: "pinned-images",
    description:
        "Container images (Argo Workflow templates included) and ImageStream sources are pinned: a tag other than latest, or a digest.",
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
        for (const c of workflowContainers(type, props)) {
            if (typeof c.image !== "string") continue;
            const reason = unpinnedReason(c.image);
            if (reason) violations.push(`${where}: ${c.path} image "${c.image}" ${reason}`);
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
