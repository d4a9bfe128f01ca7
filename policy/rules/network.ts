import { kindOf } from "./k8s";
import { PolicyInput, StackRule, isObj, objectsOf, stringsOf } from "./types";

/**
 * A NetworkPolicy that isolates its namespace's pods for ingress and admits nothing: the default deny. It selects
 * every pod, or the program's own (`app.kubernetes.io/managed-by: pulumi`): a namespace may hold workloads the
 * program leaves running, whose callers a deny of every pod would cut off.
 */
function isDefaultDeny(resource: PolicyInput): boolean {
    if (kindOf(resource.type) !== "NetworkPolicy" || !isObj(resource.props.spec)) return false;
    const spec = resource.props.spec;
    if (!isObj(spec.podSelector) || objectsOf(spec.podSelector.matchExpressions).length > 0) return false;
    const labels = isObj(spec.podSelector.matchLabels) ? spec.podSelector.matchLabels : {};
    const selects = Object.keys(labels).length === 0 || labels["app.kubernetes.io/managed-by"] === "pulumi";
    const ingress = spec.policyTypes === undefined || stringsOf(spec.policyTypes).includes("Ingress");
    return selects && ingress && objectsOf(spec.ingress).length === 0;
}

/** The namespace a Kubernetes resource is placed in (a Namespace: itself). */
function namespaceOf(resource: PolicyInput): string | undefined {
    if (!resource.type.startsWith("kubernetes:") || !isObj(resource.props.metadata)) return undefined;
    const { name, namespace } = resource.props.metadata;
    if (kindOf(resource.type) === "Namespace") return typeof name === "string" ? name : undefined;
    return typeof namespace === "string" ? namespace : undefined;
}

/**
 * Every namespace the stack writes carries a default deny of ingress, so a pod is reachable only on the paths its
 * namespace's other policies open (derived from the program's references; components/shared/network.ts). Without
 * it any pod of any tenant of a shared cluster reaches the databases.
 */
export const defaultDenyIngress: StackRule = {
    name: "default-deny-ingress",
    description: "Every namespace the stack writes has a NetworkPolicy that denies all ingress by default.",
    checkStack(resources) {
        const denied = new Set(resources.filter(isDefaultDeny).map((r) => namespaceOf(r)));
        const first = new Map<string, PolicyInput>();
        for (const r of resources) {
            const ns = namespaceOf(r);
            if (ns !== undefined && !first.has(ns)) first.set(ns, r);
        }
        return [...first]
            .filter(([ns]) => !denied.has(ns))
            .map(([ns, r]) => ({
                urn: r.urn,
                message: `namespace ${ns} has no default-deny ingress NetworkPolicy: every pod of the cluster can reach its pods. Its Namespace component writes one (components/shared/network.ts); open a path with a reference in code, never by removing it`,
            }));
    },
};
