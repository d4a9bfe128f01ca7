import * as pulumi from "@pulumi/pulumi";

/**
 * Options for stateful resources (databases, PVCs, volumes, DNS zones). In production they are protected, so
 * `pulumi destroy` or a removed config entry fails instead of deleting data, and retained if a delete is forced.
 */
export function statefulOptions(
    protect: boolean,
): Pick<pulumi.CustomResourceOptions, "protect" | "retainOnDelete"> {
    return protect ? { protect: true, retainOnDelete: true } : {};
}
