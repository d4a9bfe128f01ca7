import { KubeObject, apiGroup } from "./model";
import { ManagedFieldsEntry, clusterController, isProgramManager } from "../drift/managers";

// The program's and the cluster's own field managers: one list, shared with drift (tools/drift/managers.ts). An
// object carrying the program's was applied by a `pulumi up` (an earlier, interrupted run of this stack); another
// team's Pulumi program uses the same names, so the managers alone cannot tell the two apart.

/**
 * The field managers of a live object other than the program's and the cluster's own, sorted: who applies or
 * edits it today (Argo CD, Helm, kubectl or oc by hand, another tenant's tooling). Entries on a subresource
 * (status, scale) are skipped: controllers write those, not the object's owner.
 */
export function otherManagers(live: KubeObject): string[] {
    const entries = (live.metadata.managedFields ?? []) as ManagedFieldsEntry[];
    const names = entries
        .filter((e) => !e.subresource)
        .map((e) => e.manager ?? "")
        .filter((m) => m !== "" && !isProgramManager(m) && !clusterController(m));
    return [...new Set(names)].sort();
}

/** The `kubectl` resource of an object's kind, qualified by its API group (`clusterrole.rbac.authorization.k8s.io`). */
export function kubectlResource(obj: { apiVersion: string; kind: string }): string {
    const group = apiGroup(obj.apiVersion);
    return group ? `${obj.kind.toLowerCase()}.${group}` : obj.kind.toLowerCase();
}

/** Why a cluster-wide object another manager has is not adopted: the first deploy would take it over for everybody. */
export function clusterWideReason(obj: KubeObject, managers: readonly string[]): string {
    return (
        `cluster-wide and managed today by ${managers.join(", ")} (metadata.managedFields): the first deploy would ` +
        "force the program's fields over theirs, and deleting it from the stack would delete it for every tenant " +
        "of the cluster. If it belongs to another team or to the cluster setup, leave it out of this stack's " +
        "configuration. Only if it is this team's and nothing applies it any more, drop the record of its old " +
        `managers (no field changes): kubectl patch ${kubectlResource(obj)} ${obj.metadata.name} --type=merge ` +
        `-p '{"metadata":{"managedFields":[{}]}}', then run the report again`
    );
}

/** The warning of a namespaced object another manager has: adoption takes it over, but the other must stop. */
export function managedElsewhereWarning(managers: readonly string[]): string {
    return (
        `also managed today by ${managers.join(", ")} (metadata.managedFields): the first deploy takes its fields ` +
        "over; whatever applies it under that name (an Argo CD application, a Helm release, a script, kubectl or " +
        "oc by hand) must stop after the deploy, or it and the program undo each other's changes"
    );
}
