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
