import * as k8s from "@pulumi/kubernetes";

type Probe = k8s.types.input.core.v1.Probe;

export interface ProbeTiming {
    initialDelaySeconds?: number;
    periodSeconds?: number;
    timeoutSeconds?: number;
    failureThreshold?: number;
}

const DEFAULT_TIMING: ProbeTiming = { periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 };

export function httpProbe(
    path: string,
    port: number | string,
    timing: ProbeTiming = {},
    scheme?: "HTTP" | "HTTPS",
): Probe {
    return { httpGet: { path, port, ...(scheme ? { scheme } : {}) }, ...DEFAULT_TIMING, ...timing };
}

export function tcpProbe(port: number | string, timing: ProbeTiming = {}): Probe {
    return { tcpSocket: { port }, ...DEFAULT_TIMING, ...timing };
}

export function execProbe(command: string[], timing: ProbeTiming = {}): Probe {
    return { exec: { command }, ...DEFAULT_TIMING, ...timing };
}

/**
 * The probes of the sclorg PostgreSQL images (`quay.io/sclorg/postgresql-*`, `rhscl/postgresql-*`): their own
 * `check-container` script; liveness waits two minutes for a first start or a recovery. The readiness timeout is the
 * one thing deployments of it set differently.
 */
export function sclorgPostgresProbes(readinessTimeoutSeconds: number): {
    livenessProbe: Probe;
    readinessProbe: Probe;
} {
    return {
        livenessProbe: execProbe(["/usr/libexec/check-container", "--live"], {
            initialDelaySeconds: 120,
            timeoutSeconds: 10,
        }),
        readinessProbe: execProbe(["/usr/libexec/check-container"], {
            initialDelaySeconds: 5,
            timeoutSeconds: readinessTimeoutSeconds,
        }),
    };
}
