/** Identity of a workload for the recommended `app.kubernetes.io/*` labels. */
export interface AppIdentity {
    /** The application, e.g. `kebechet`. */
    name: string;
    /** The system the app belongs to, e.g. `thoth-station`. */
    partOf: string;
    /** The role inside the system, e.g. `bot`, `worker`, `database`. */
    component?: string;
    /** Distinguishes two installs of the same app (e.g. packit vs stream); defaults to the name. */
    instance?: string;
    /** The deployed version, usually the image tag. */
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
    if (id.component) {
        labels["app.kubernetes.io/component"] = id.component;
    }
    return labels;
}

/** Labels of the objects that do change with a release: the Deployment/StatefulSet/CronJob and its pods. */
export function workloadLabels(id: AppIdentity): Record<string, string> {
    const labels = standardLabels(id);
    if (id.version) {
        labels["app.kubernetes.io/version"] = sanitizeLabelValue(id.version);
    }
    return labels;
}

/** Label values are limited to 63 characters of [A-Za-z0-9_.-]; image digests and long tags are cut to fit. */
export function sanitizeLabelValue(value: string): string {
    const cleaned = value.replace(/[^A-Za-z0-9_.-]/g, "_").slice(0, 63);
    return cleaned.replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, "");
}
