import * as k8s from "@pulumi/kubernetes";
import { DefinitionError } from "./errors";

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
    if (size.cpu !== undefined) out.cpu = size.cpu;
    out.memory = size.memory;
    return out;
}

/** Bytes of memory that go with one core on a general-purpose node (1 vCPU : 4 GiB). */
const MEMORY_PER_CORE = 4 * 1024 ** 3;

/**
 * The CPU request of a container its source sizes by memory only: the share of a general-purpose node (1 vCPU to
 * 4 GiB) that its memory request already takes, in whole 10m steps, at least 10m. The scheduler then places it where
 * that CPU is free, instead of counting it as needing none and packing it onto a node whose CPU is taken (where it
 * gets only the leftover, the cause of slow starts and failed probes under load). With a CPU limit and no request the
 * request is the limit, as the API server would default it.
 */
export function cpuRequestOf(sizing: Sizing): string {
    if (sizing.requests.cpu !== undefined) return sizing.requests.cpu;
    if (sizing.limits.cpu !== undefined) return sizing.limits.cpu;
    const millis = Math.ceil(((parseQuantity(sizing.requests.memory) / MEMORY_PER_CORE) * 1000) / 10) * 10;
    return `${Math.max(10, millis)}m`;
}

/** Kubernetes' requests and limits of a sizing; every container requests CPU ({@link cpuRequestOf}). */
export function toResourceRequirements(sizing: Sizing): k8s.types.input.core.v1.ResourceRequirements {
    return {
        requests: side({ ...sizing.requests, cpu: cpuRequestOf(sizing) }),
        limits: side(sizing.limits),
    };
}

// Every suffix of the Kubernetes grammar, which the config's check (components/config/checks.ts) accepts: a value
// it lets through and this cannot read would stop the program with no key to fix.
const SUFFIX: Record<string, number> = {
    "": 1,
    n: 1e-9,
    u: 1e-6,
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
    const m = /^([+-]?[0-9.]+(?:[eE][+-]?[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|)$/.exec(q.trim());
    if (!m) return undefined;
    const value = Number(m[1]) * SUFFIX[m[2]];
    return Number.isFinite(value) ? value : undefined;
}

/** Parses a Kubernetes quantity to a number (bytes or cores), for comparing requests with limits. */
export function parseQuantity(q: string): number {
    const value = quantityValue(q);
    if (value === undefined) throw new DefinitionError(`not a Kubernetes quantity: ${q}`);
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
