import * as k8s from "@pulumi/kubernetes";
import type { Platform } from "./platform";

/**
 * Non-root by default. On OpenShift the restricted SCC assigns the UID from the namespace range, so no fixed
 * UID is set there; on plain Kubernetes a fixed non-root UID is needed for images whose USER is a name.
 */
export function podSecurityContext(platform: Platform): k8s.types.input.core.v1.PodSecurityContext {
    const base: k8s.types.input.core.v1.PodSecurityContext = {
        runAsNonRoot: true,
        seccompProfile: { type: "RuntimeDefault" },
    };
    if (platform === "kubernetes") {
        base.runAsUser = 1001;
        base.runAsGroup = 0;
        base.fsGroup = 0;
    }
    return base;
}

export function containerSecurityContext(
    overrides: k8s.types.input.core.v1.SecurityContext = {},
): k8s.types.input.core.v1.SecurityContext {
    return {
        allowPrivilegeEscalation: false,
        capabilities: { drop: ["ALL"] },
        ...overrides,
    };
}
