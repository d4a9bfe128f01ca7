import { isPlaceholder } from "../shared/placeholder";
import type { ClustersConfig } from "./program";
import { ConfigProblem, fullKey } from "./problems";

/**
 * A system on a plain Kubernetes cluster needs its ingress controller's namespace for the NetworkPolicies; nothing
 * says which it is, so the fix asks, and a placeholder stops a real run (a wrong one cuts off every endpoint).
 */
export function ingressNamespaceProblems(cluster: unknown, clusters: ClustersConfig): ConfigProblem[] {
    if (typeof cluster !== "string") return [];
    const entry = clusters[cluster];
    if (entry?.platform !== "kubernetes") return [];
    const key = `clusters.${cluster}.ingressNamespace`;
    // The one command printing the value: the namespace of this cluster's ingress controller pods.
    const fix = "kubectl get pods -A -l app.kubernetes.io/component=controller";
    if (entry.ingressNamespace === undefined) {
        return [
            {
                key: fullKey(key),
                message: `is required on a Kubernetes cluster: the NetworkPolicies admit the ingress controller's pods to exposed Services by their namespace: set it to the namespace of this cluster's ingress controller pods`,
                fix,
            },
        ];
    }
    if (isPlaceholder(entry.ingressNamespace)) {
        return [
            {
                key: fullKey(key),
                message: `is a placeholder: the NetworkPolicies would admit no router, and every Ingress of this cluster would stop answering: set it to the namespace of this cluster's ingress controller pods`,
                fix,
                placeholder: true,
            },
        ];
    }
    return [];
}
