import * as k8s from "@pulumi/kubernetes";

/** CPU and memory of one side (requests or limits). Memory is required: every container gets a memory limit. */
export interface Size {
    cpu?: string;
    memory: string;
}

/** Requests and limits of a container, as in the source manifests. */
export interface Sizing {
    requests: Size;
    limits: Size;
}

/** `cpu/memory` for both requests and limits (e.g. Kebechet's 2 cpu / 2Gi). */
export function fixedSize(cpu: string | undefined, memory: string): Sizing {
    return { requests: { cpu, memory }, limits: { cpu, memory } };
}

/** Requests → limits, the way systems.md writes them: `sized("125m", "128Mi", "500m", "256Mi")`. */
export function sized(
    requestCpu: string | undefined,
    requestMemory: string,
    limitCpu: string | undefined,
    limitMemory: string,
): Sizing {
    return {
        requests: { cpu: requestCpu, memory: requestMemory },
        limits: { cpu: limitCpu, memory: limitMemory },
    };
}

function side(size: Size): Record<string, string> {
    const out: Record<string, string> = {};
    if (size.cpu !== undefined) {
        out.cpu = size.cpu;
    }
    out.memory = size.memory;
    return out;
}

export function toResourceRequirements(sizing: Sizing): k8s.types.input.core.v1.ResourceRequirements {
    return { requests: side(sizing.requests), limits: side(sizing.limits) };
}

const SUFFIX: Record<string, number> = {
    "": 1,
    m: 1e-3,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    P: 1e15,
    E: 1e18,
    Ki: 1024,
    Mi: 1024 ** 2,
    Gi: 1024 ** 3,
    Ti: 1024 ** 4,
    Pi: 1024 ** 5,
    Ei: 1024 ** 6,
};

/** A Kubernetes quantity (`10Gi`, `500m`, `1e9`) as a number (bytes or cores), undefined when it is not one. */
export function quantityValue(q: unknown): number | undefined {
    if (typeof q === "number") return q;
    if (typeof q !== "string") return undefined;
    const m = /^([+-]?[0-9.]+(?:[eE][+-]?[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E|)$/.exec(q.trim());
    if (!m) return undefined;
    const n = Number(m[1]);
    return Number.isFinite(n) ? n * SUFFIX[m[2]] : undefined;
}

/** Parses a Kubernetes quantity to a number (bytes or cores), for comparing requests with limits. */
export function parseQuantity(q: string): number {
    const value = quantityValue(q);
    if (value === undefined) {
        throw new Error(`not a Kubernetes quantity: ${q}`);
    }
    return value;
}

/** Problems with a sizing (request above limit), as messages; empty when it is sound. */
export function sizingProblems(sizing: Sizing): string[] {
    const problems: string[] = [];
    if (parseQuantity(sizing.requests.memory) > parseQuantity(sizing.limits.memory)) {
        problems.push(`memory request ${sizing.requests.memory} is above the limit ${sizing.limits.memory}`);
    }
    if (
        sizing.requests.cpu !== undefined &&
        sizing.limits.cpu !== undefined &&
        parseQuantity(sizing.requests.cpu) > parseQuantity(sizing.limits.cpu)
    ) {
        problems.push(`cpu request ${sizing.requests.cpu} is above the limit ${sizing.limits.cpu}`);
    }
    return problems;
}
