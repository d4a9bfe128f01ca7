import * as pulumi from "@pulumi/pulumi";

type DependsOn = pulumi.CustomResourceOptions["dependsOn"];

function merge(a: DependsOn, b: DependsOn): DependsOn {
    if (a === undefined) return b;
    if (b === undefined) return a;
    if (Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
    const asList = (d: DependsOn) =>
        pulumi
            .output(d as pulumi.Input<pulumi.Input<pulumi.Resource>[]>)
            .apply((v) => (Array.isArray(v) ? v : [v]));
    return pulumi.all([asList(a), asList(b)]).apply(([x, y]) => [...x, ...y]);
}

/**
 * Options for a component's children. The engine does not make children wait for their component's
 * `dependsOn` (it only expands a dependency *on* a component to its children), so a Deployment inside a
 * component that depends on a Namespace would race the Namespace. Children therefore carry it themselves.
 */
export function childOptions(
    parent: pulumi.ComponentResource,
    opts: pulumi.ComponentResourceOptions | undefined,
    extra: pulumi.CustomResourceOptions = {},
): pulumi.CustomResourceOptions {
    const dependsOn = merge(opts?.dependsOn, extra.dependsOn);
    return { ...extra, parent, ...(dependsOn !== undefined ? { dependsOn } : {}) };
}
