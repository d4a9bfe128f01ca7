import type { V1LabelSelector } from "@kubernetes/client-node";

/**
 * Label selectors as the Kubernetes API server reads them (metav1.LabelSelector, `LabelSelectorAsSelector` in
 * k8s.io/apimachinery): the one implementation for the program's NetworkPolicy ports, the policy pack, the manifest
 * check, the NetworkPolicy evaluator, the adoption report and the tests' fixtures.
 */

/** A `metav1.LabelSelector`. */
export type LabelSelector = V1LabelSelector;

const isRecord = (v: unknown): v is Record<string, unknown> =>
    typeof v === "object" && v !== null && !Array.isArray(v);

/** Whether `labels` has `key` as a label of its own: `toString` or `__proto__` is no label of `{}`. */
function hasLabel(labels: Record<string, string>, key: string): boolean {
    return Object.prototype.hasOwnProperty.call(labels, key);
}

/** The value of label `key`, or undefined when the object has no such label (never an inherited property). */
function labelValue(labels: Record<string, string>, key: string): string | undefined {
    return hasLabel(labels, key) ? labels[key] : undefined;
}

/**
 * Whether a selector selects an object with `labels`, as the API server decides it: every `matchLabels` pair and
 * every `matchExpressions` requirement must hold, so an empty selector (`{}`) selects everything and an absent one
 * (undefined, null) selects nothing. A requirement with an operator the API does not define, or a value that is not
 * a string, selects nothing (the API server would refuse the object). It reads any value, so a rule can pass
 * whatever a resource's inputs hold.
 */
export function labelSelectorMatches(selector: unknown, labels: Record<string, string>): boolean {
    if (selector === undefined || selector === null) return false;
    if (!isRecord(selector)) return false;
    const matchLabels = selector.matchLabels ?? {};
    const matchExpressions = selector.matchExpressions ?? [];
    if (!isRecord(matchLabels) || !Array.isArray(matchExpressions)) return false;
    const pairs = Object.entries(matchLabels).every(
        ([k, v]) => typeof v === "string" && labelValue(labels, k) === v,
    );
    return pairs && matchExpressions.every((r) => requirementHolds(r, labels));
}

function requirementHolds(requirement: unknown, labels: Record<string, string>): boolean {
    if (!isRecord(requirement) || typeof requirement.key !== "string") return false;
    const values = requirement.values ?? [];
    if (!Array.isArray(values) || !values.every((v) => typeof v === "string")) return false;
    const value = labelValue(labels, requirement.key);
    switch (requirement.operator) {
        case "In":
            return value !== undefined && values.includes(value);
        case "NotIn":
            return value === undefined || !values.includes(value);
        case "Exists":
            return value !== undefined;
        case "DoesNotExist":
            return value === undefined;
        default:
            return false;
    }
}

/**
 * Whether a Service's `spec.selector` (a plain map) selects a pod with `labels`. An empty or absent one selects no
 * pod: such a Service's endpoints are managed by hand.
 */
export function serviceSelects(selector: unknown, labels: Record<string, string>): boolean {
    return (
        isRecord(selector) &&
        Object.keys(selector).length > 0 &&
        labelSelectorMatches({ matchLabels: selector }, labels)
    );
}
