import * as pulumi from "@pulumi/pulumi";
import type { AccessGrant } from "../../../shared/serviceAccount";

/** Every station namespace's reference (its Namespace's `name`), by plain name. */
export type NamespaceRefs = Readonly<Record<string, pulumi.Output<string>>>;

/**
 * `namespace` as an object of the station is placed in it: the Namespace's reference when the station makes it (the
 * object then waits for it), else the plain name of a namespace made elsewhere.
 */
export function placedIn(refs: NamespaceRefs, namespace: pulumi.Input<string>): pulumi.Input<string> {
    return typeof namespace === "string" ? (refs[namespace] ?? namespace) : namespace;
}

/** An account's grants, each placed in its namespace by {@link placedIn} (the tiers' namespaces are others'). */
export function placedGrants(refs: NamespaceRefs, grants: readonly AccessGrant[]): AccessGrant[] {
    return grants.map((grant) => ({ ...grant, namespace: placedIn(refs, grant.namespace) }));
}
