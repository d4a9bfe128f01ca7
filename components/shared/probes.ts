import * as k8s from "@pulumi/kubernetes";
import { DefinitionError } from "./errors";

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

/** What {@link sameCheck} reads of a probe: the program's probes are plain objects, and so are a plan's. */
interface CheckOf {
    httpGet?: { path?: unknown; port?: unknown };
    tcpSocket?: { port?: unknown };
    exec?: { command?: unknown };
}

/**
 * Whether two probes make the same check, by kube-score's rule (score/probes `areProbesIdentical`): the same HTTP
 * path and port, the same TCP port, or the same command. Timings do not count: a liveness probe that repeats the
 * readiness check restarts a pod for what only should take it out of its Service (a database or upstream that is
 * down), so every pod of the Service restarts at once and keeps restarting until the dependency is back.
 */
export function sameCheck(first: object, second: object): boolean {
    const [a, b] = [first as CheckOf, second as CheckOf];
    if (a.httpGet && b.httpGet) return a.httpGet.path === b.httpGet.path && a.httpGet.port === b.httpGet.port;
    if (a.tcpSocket && b.tcpSocket) return a.tcpSocket.port === b.tcpSocket.port;
    if (a.exec && b.exec) {
        const [x, y] = [a.exec.command, b.exec.command];
        return Array.isArray(x) && Array.isArray(y) && x.length === y.length && x.every((v, i) => v === y[i]);
    }
    return false;
}

/**
 * The probes of a server whose source probes one HTTP endpoint for both: that endpoint decides readiness (it may
 * check the server's dependencies), and liveness is a TCP connect to the same port (the process still accepts
 * connections), so only a hung or dead server restarts. `liveness` is the source's timing of its liveness probe.
 */
export function httpServerProbes(
    readiness: Probe,
    liveness: ProbeTiming = {},
): { readinessProbe: Probe; livenessProbe: Probe } {
    const port = (readiness as CheckOf).httpGet?.port;
    if (typeof port !== "number" && typeof port !== "string") {
        throw new DefinitionError("httpServerProbes takes an HTTP readiness probe");
    }
    return { readinessProbe: readiness, livenessProbe: tcpProbe(port, liveness) };
}
