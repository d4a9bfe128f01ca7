import { containersOf, describe, podSpecOf } from "./k8s";
import { Obj, Rule, isObj } from "./types";

function securityContext(of: Obj): Obj {
    return isObj(of.securityContext) ? of.securityContext : {};
}

function bool(v: unknown): boolean | undefined {
    return typeof v === "boolean" ? v : undefined;
}

function uid(v: unknown): number | undefined {
    return typeof v === "number" ? v : undefined;
}

/**
 * Containers run as non-root: `runAsNonRoot: true` (at pod level, as OpenShift's restricted SCC expects, or on each
 * container) or a non-zero `runAsUser`; never privileged; never `allowPrivilegeEscalation: true`.
 */
export const nonRoot: Rule = {
    name: "non-root",
    description: "Containers run as non-root, unprivileged, without privilege escalation.",
    check({ type, props }) {
        const pod = podSpecOf(type, props);
        if (!pod) return [];
        const podContext = securityContext(pod.spec);
        const where = describe(type, props);
        const violations: string[] = [];
        for (const c of containersOf(pod)) {
            const sc = securityContext(c.container);
            const nonRootFlag = bool(sc.runAsNonRoot) ?? bool(podContext.runAsNonRoot);
            const user = uid(sc.runAsUser) ?? uid(podContext.runAsUser);
            const label = `${c.init ? "init " : ""}container "${c.name}"`;
            if (user === 0) {
                violations.push(`${where}: ${label} runs as UID 0 (runAsUser: 0)`);
            } else if (nonRootFlag === false || (nonRootFlag !== true && user === undefined)) {
                violations.push(
                    `${where}: ${label} may run as root; set securityContext.runAsNonRoot: true on the pod (${pod.path}.securityContext) or the container`,
                );
            }
            if (sc.privileged === true) violations.push(`${where}: ${label} is privileged`);
            if (sc.allowPrivilegeEscalation === true) {
                violations.push(
                    `${where}: ${label} allows privilege escalation (allowPrivilegeEscalation: true)`,
                );
            }
        }
        return violations;
    },
};
