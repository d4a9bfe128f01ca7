import * as pulumi from "@pulumi/pulumi";
import type { StackTier } from "../config/system";

/**
 * Options for stateful resources (databases, PVCs, volumes, DNS zones). In production they are protected, so
 * `pulumi destroy` or a removed config entry fails instead of deleting data, and retained if a delete is forced.
 */
export function statefulOptions(
    protect: boolean,
): Pick<pulumi.CustomResourceOptions, "protect" | "retainOnDelete"> {
    return protect ? { protect: true, retainOnDelete: true } : {};
}

/**
 * Whether a stack keeps its long-lived data (a knowledge graph, a graph database: what no `pulumi up` can rebuild):
 * every stack but a local one, whose cluster is thrown away with it. A staging environment that others use holds
 * such data as much as production does; what else it runs stays easy to tear down.
 */
export function keepsLongLivedData(tier: StackTier): boolean {
    return tier !== "local";
}
