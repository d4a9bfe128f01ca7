import { StationTier } from "./tiers";

/** The Deployments restarted in one namespace. */
export interface RestartGroup {
    namespace: string;
    deployments: string[];
}

/** The annotation `kubectl rollout restart` sets; changing it rolls the pods like any template change. */
export const RESTARTED_AT = "kubectl.kubernetes.io/restartedAt";

/** Groups restart targets by the namespace their tier maps to, so each namespace gets its own narrow RBAC. */
export function restartGroups(
    targets: readonly { tier: StationTier; deployment: string }[],
    namespaces: Record<StationTier, string>,
): RestartGroup[] {
    const groups = new Map<string, Set<string>>();
    for (const t of targets) {
        const ns = namespaces[t.tier];
        groups.set(ns, (groups.get(ns) ?? new Set()).add(t.deployment));
    }
    return [...groups.keys()]
        .sort()
        .map((namespace) => ({ namespace, deployments: [...groups.get(namespace)!].sort() }));
}

/** The only permission the restart job has: read and patch exactly these Deployments. */
export function restartRule(deployments: readonly string[]) {
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
