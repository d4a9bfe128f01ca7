import { fullKey } from "../config/problems";
import { parseImageRef } from "./imageRef";

/**
 * An image the stack sets that no runbook or source confirms: the runbook deploys it another way (an untagged
 * import, an in-cluster build), so the tag in the stack file is a guess until someone reads what runs today.
 */
export interface UnconfirmedImage {
    /** Config key without the project namespace, e.g. `thoth.bots.kebechet.image`. */
    key: string;
    image: string;
    /** How the runbook deploys it instead, i.e. why nothing confirms the tag. */
    why: string;
    /** Namespace where the runbook's deployment runs today. */
    namespace: string;
    /** A fragment of the names of its pods there. */
    pods: string;
}

/**
 * The command that prints, per pod, the digest each container runs (`imageID`): the one fact that confirms an
 * image. It reads only pod status, so it is safe on production; a CronJob's finished pods keep theirs.
 */
export function runningImagesCommand(namespace: string, pods: string): string {
    return `oc get pods -n ${namespace} -o jsonpath='{range .items[*]}{.metadata.name}{"\\t"}{.status.containerStatuses[*].imageID}{"\\n"}{end}' | grep ${pods}`;
}

/**
 * The notice an operator must read before the first `pulumi up` for an unconfirmed image, or nothing when the image
 * is pinned by digest: a digest is what the operator read from the running pods, which is the confirmation.
 */
export function unconfirmedImageNotice(u: UnconfirmedImage): string | undefined {
    if (parseImageRef(u.image).digest !== undefined) return undefined;
    return (
        `UNCONFIRMED IMAGE ${fullKey(u.key)} = ${u.image}: ${u.why}, so nobody has confirmed this tag exists or is ` +
        `what runs today. Before the first pulumi up, read the digest running today: ` +
        `${runningImagesCommand(u.namespace, u.pods)} ; then pin exactly that: ` +
        `pulumi config set --path ${u.key} <the imageID printed, e.g. quay.io/org/name@sha256:...>`
    );
}
