import { KubeObject, at, objectId } from "./model";
import { serviceSelects } from "../../components/shared/labelSelector";
import { labelsOf, selectorArgument, templateLabels } from "./selectors";

// A Service the program does not manage keeps the selector its owner gave it. When it selects today's pods of a
// workload the program takes over, hands over or replaces, by a label the program's pods lack (a label today's
// template carries, or one a DeploymentConfig's controller adds to its pods), it selects no pod once today's are gone:
// whoever reaches it (a Route, another team's client) is cut off, and nothing in the program's own checks sees it.

/**
 * The live Services (`services`, the cluster's) of `desired`'s namespace that the program does not manage (`managed`:
 * object ids) and that select one of today's pods of the workload (`today`: the live workload, and the pods it runs
 * when they were read) but not the pods of the program's workload: each loses every endpoint once today's pods are
 * gone.
 */
export function strandedServices(
    desired: KubeObject,
    today: readonly KubeObject[],
    services: readonly KubeObject[],
    managed: ReadonlySet<string>,
): KubeObject[] {
    const ns = desired.metadata.namespace ?? "";
    const mine = templateLabels(desired);
    const theirs = today.map((o) => (o.kind === "Pod" ? labelsOf(o) : templateLabels(o)));
    return services.filter((s) => {
        if (s.kind !== "Service" || (s.metadata.namespace ?? "") !== ns || managed.has(objectId(s)))
            return false;
        const selector = at(s, "spec", "selector");
        return theirs.some((labels) => serviceSelects(selector, labels)) && !serviceSelects(selector, mine);
    });
}

/** Why a stranded Service blocks, and the two ways out (which one is right is its owner's call). */
export function strandedServiceReason(service: KubeObject, desired: KubeObject): string {
    const selector = (at(service, "spec", "selector") ?? {}) as Record<string, string>;
    const mine = templateLabels(desired);
    const lacking = Object.entries(selector)
        .filter(([k, v]) => mine[k] !== v)
        .map(([k, v]) => `${k}=${v}`);
    return (
        `Service ${service.metadata.name}, which the program does not manage, selects today's pods ` +
        `(${selectorArgument({ matchLabels: selector })}) by ${lacking.join(", ")}, which the program's ` +
        `${desired.kind} ${desired.metadata.name} does not put on its pods: once today's pods are gone it has no ` +
        "endpoint. Ask its owner what it should select: the program's pods (its selector changed by its owner before " +
        "step 5) or nothing any more (retired by its owner); the report blocks until no Service is left without its pods"
    );
}
