import { DefinitionError } from "./errors";

/** Identity of a workload for the recommended `app.kubernetes.io/*` labels. */
export interface AppIdentity {
    name: string;
    partOf: string;
    component?: string;
    /** Distinguishes two installs of the same app (e.g. a production and a staging install in one cluster); defaults to the name. */
    instance?: string;
    version?: string;
}

export const MANAGED_BY = "pulumi";

/** Labels used as selectors. They never include the version: selectors are immutable on Deployments. */
export function selectorLabels(id: AppIdentity): Record<string, string> {
    return {
        "app.kubernetes.io/name": id.name,
        "app.kubernetes.io/instance": id.instance ?? id.name,
    };
}

/**
 * The recommended label set for objects of this app. It has no version: a Service, Route or Secret does not
 * change with a release, so an image bump must not touch them (see {@link workloadLabels}).
 */
export function standardLabels(id: AppIdentity): Record<string, string> {
    const labels: Record<string, string> = {
        ...selectorLabels(id),
        "app.kubernetes.io/part-of": id.partOf,
        "app.kubernetes.io/managed-by": MANAGED_BY,
    };
    if (id.component) labels["app.kubernetes.io/component"] = id.component;
    return labels;
}

/** Labels of the objects that do change with a release: the Deployment/StatefulSet/CronJob and its pods. */
export function workloadLabels(id: AppIdentity): Record<string, string> {
    const labels = standardLabels(id);
    if (id.version) labels["app.kubernetes.io/version"] = sanitizeLabelValue(id.version);
    return labels;
}

/**
 * The selector a workload runs with today, when it existed before the program (a kustomize `app: <name>`, a
 * template's `name: <name>`). A Deployment's, StatefulSet's or DaemonSet's selector cannot change in place, and a
 * workload replaced under a new selector leaves the old one's ReplicaSets and pods running beside the new ones; so an
 * adopted workload keeps the selector it has. Absent: the program's own {@link selectorLabels}.
 */
export type LiveSelector = Record<string, string>;

/**
 * Labels today's pods of an adopted workload carry beyond its selector, which live objects the program updates only
 * during the same deploy select them by (an `oc/prod` Service selecting `app` and `deployment`): the pods the first
 * deploy rolls keep them, so those objects select old and new pods alike whichever is updated first.
 */
export type LivePodLabels = Record<string, string>;

const LABEL_NAME = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;
const LABEL_PREFIX = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Why `key` is not a valid label key (`[prefix/]name`), or undefined. */
function labelKeyProblem(key: string): string | undefined {
    const parts = key.split("/");
    const name = parts.pop() ?? "";
    const prefix = parts.join("/");
    if (parts.length > 1) return "has more than one '/'";
    if (name === "" || !LABEL_NAME.test(name))
        return "is not a label name (≤63 of [A-Za-z0-9_.-], alphanumeric at both ends)";
    if (parts.length === 1 && (prefix.length > 253 || !LABEL_PREFIX.test(prefix)))
        return "has a prefix that is not a DNS subdomain";
    return undefined;
}

/**
 * The selector of a workload: the live one when given (checked: non-empty, valid keys and values), else
 * {@link selectorLabels}. Throws with the workload's name and the offending label.
 */
export function workloadSelector(id: AppIdentity, live?: LiveSelector): Record<string, string> {
    if (live === undefined) return selectorLabels(id);
    const entries = Object.entries(live);
    if (entries.length === 0)
        throw new DefinitionError(`${id.name}: liveSelector is empty; a selector must select something`);
    for (const [k, v] of entries) {
        const key = labelKeyProblem(k);
        if (key) throw new DefinitionError(`${id.name}: liveSelector label key "${k}" ${key}`);
        if (!LABEL_NAME.test(v))
            throw new DefinitionError(`${id.name}: liveSelector label ${k}="${v}" is not a label value`);
    }
    return { ...live };
}

/**
 * The labels of a workload's pods: {@link workloadLabels} and the selector, which the pods must carry to be
 * selected. A selector label that names one of the standard labels with another value is refused: the pods would
 * lose the program's identity.
 */
export function podLabels(
    id: AppIdentity,
    selector: Record<string, string>,
    live: LivePodLabels = {},
): Record<string, string> {
    const labels = workloadLabels(id);
    for (const [k, v] of Object.entries(selector)) {
        if (k in labels && labels[k] !== v)
            throw new DefinitionError(
                `${id.name}: selector label ${k}="${v}" contradicts the standard label ${k}="${labels[k]}"`,
            );
    }
    const selected = { ...labels, ...selector };
    for (const [k, v] of Object.entries(live)) {
        if (k in selected && selected[k] !== v)
            throw new DefinitionError(
                `${id.name}: live pod label ${k}="${v}" contradicts its label ${k}="${selected[k]}"`,
            );
        if (labelKeyProblem(k) || !LABEL_NAME.test(v))
            throw new DefinitionError(`${id.name}: live pod label ${k}="${v}" is not a label`);
    }
    return { ...selected, ...live };
}

/** Label values are limited to 63 characters of [A-Za-z0-9_.-]; image digests and long tags are cut to fit. */
export function sanitizeLabelValue(value: string): string {
    const cleaned = value.replace(/[^A-Za-z0-9_.-]/g, "_").slice(0, 63);
    return cleaned.replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, "");
}
