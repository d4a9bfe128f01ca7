import * as pulumi from "@pulumi/pulumi";
import { StationTier } from "../tiers";

/**
 * What runbook 000 restarts, and the station tier each name stands for. The runbook's NOTE on watchers that go deaf
 * after ~30 minutes says "Deployment which is event based is **workload-operator** and **backend-operator**" and runs
 * `./autokill_patch.sh workload-operator-thoth-middletier-stage workload-operator-thoth-backend-stage` (the
 * workload-operator ran once per tier). thoth-station.md §2.11: those operators no longer exist, their work is done by
 * the investigator consumers and the namespaced Argo controllers; backend-operator's, which watched the backend tier's
 * work, by the backend tier's. Nothing else is restarted: amun-inspection's controller, for one, is no runbook name's
 * successor.
 */
export const RUNBOOK_RESTARTS: readonly { runbookName: string; tier: StationTier }[] = [
    { runbookName: "workload-operator-thoth-middletier-stage", tier: "middletier" },
    { runbookName: "workload-operator-thoth-backend-stage", tier: "backend" },
    { runbookName: "backend-operator", tier: "backend" },
];

/** The runbook names a workload serving these tiers succeeds; empty: the runbook does not restart it. */
export function runbookNamesFor(tiers: readonly StationTier[]): string[] {
    return RUNBOOK_RESTARTS.filter((r) => tiers.includes(r.tier)).map((r) => r.runbookName);
}

/** The Deployments restarted in one namespace. */
export interface RestartGroup {
    namespace: string;
    deployments: string[];
}

/** The annotation `kubectl rollout restart` sets; changing it rolls the pods like any template change. */
export const RESTARTED_AT = "kubectl.kubernetes.io/restartedAt";

/** Groups restart targets by namespace, so each namespace gets its own narrow RBAC. */
export function restartGroups<T>(targets: readonly { namespace: string; target: T }[]): {
    namespace: string;
    targets: T[];
}[] {
    const groups = new Map<string, T[]>();
    for (const t of targets) groups.set(t.namespace, [...(groups.get(t.namespace) ?? []), t.target]);
    return [...groups]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([namespace, targets]) => ({ namespace, targets }));
}

/** The only permission the restart job has: read and patch exactly these Deployments. */
export function restartRule(deployments: readonly pulumi.Input<string>[]) {
    return {
        apiGroups: ["apps"],
        resources: ["deployments"],
        resourceNames: [...deployments],
        verbs: ["get", "patch"],
    };
}

/**
 * The job's script: what `kubectl rollout restart` does, spelled out as a patch of the pod template's
 * restartedAt annotation, so it needs no `list` and the Deployment rolls with its own surge/unavailable
 * settings. Every target is tried; the job fails if any failed, so the failure shows in the CronJob's history.
 */
export function restartScript(group: RestartGroup): string {
    return [
        "set -u",
        'stamp="$(date -u +%Y-%m-%dT%H:%M:%SZ)"',
        `patch="{\\"spec\\":{\\"template\\":{\\"metadata\\":{\\"annotations\\":{\\"${RESTARTED_AT}\\":\\"$stamp\\"}}}}}"`,
        "failed=0",
        `for deployment in ${group.deployments.join(" ")}; do`,
        `  kubectl --namespace ${group.namespace} patch deployment "$deployment" --type=strategic --patch "$patch" || failed=1`,
        "done",
        'exit "$failed"',
    ].join("\n");
}
