import { createHash } from "crypto";
import stableStringify from "safe-stable-stringify";

export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** RFC 1123 label, as Kubernetes requires for namespaces and services: at most 63 characters. */
export function dnsLabelProblem(value: string): string | undefined {
    if (value.length > 63) return `must be at most 63 characters (a DNS label), not ${value.length}`;
    if (!DNS_LABEL.test(value)) {
        return "must be a DNS label: lower-case letters, digits and '-', starting and ending alphanumeric";
    }
    return undefined;
}

/** True when `name` is a valid DNS-1123 label (namespaces, services, most object names that become DNS names). */
export function isDnsLabel(name: string): boolean {
    return dnsLabelProblem(name) === undefined;
}

/** A short stable hash of content, for annotations that roll pods when a ConfigMap or Secret changes. */
export function contentHash(content: unknown): string {
    // Keys sorted: the same value always gives the same text (and hash), whatever order it was built in.
    return createHash("sha256")
        .update(stableStringify(content) ?? "")
        .digest("hex")
        .slice(0, 16);
}

/** Finds values that appear more than once, e.g. duplicate workspace or host names in config. */
export function duplicates<T>(values: readonly T[]): T[] {
    const seen = new Set<T>();
    const dup = new Set<T>();
    for (const v of values) {
        if (seen.has(v)) dup.add(v);
        seen.add(v);
    }
    return [...dup];
}
