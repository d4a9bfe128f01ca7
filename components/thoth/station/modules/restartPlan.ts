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
    return [...groups.keys()].sort().map((namespace) => ({ namespace, targets: groups.get(namespace)! }));
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
