import { isPlaceholder } from "../shared/placeholder";
import type { ClustersConfig } from "./program";
import { ConfigProblem, STACK_FILE, fullKey } from "./problems";

/**
 * A system on a plain Kubernetes cluster needs its ingress controller's namespace for the NetworkPolicies; nothing
 * says which it is, so the fix asks, and a placeholder stops a real run (a wrong one cuts off every endpoint).
 */
export function ingressNamespaceProblems(cluster: unknown, clusters: ClustersConfig): ConfigProblem[] {
    if (typeof cluster !== "string") return [];
    const entry = clusters[cluster];
    if (entry?.platform !== "kubernetes") return [];
    const key = `clusters.${cluster}.ingressNamespace`;
    const fix = `edit ${STACK_FILE}: set ${fullKey(key)} to the namespace of this cluster's ingress controller pods (kubectl get pods -A -l app.kubernetes.io/component=controller)`;
    if (entry.ingressNamespace === undefined) {
        return [
            {
                key: fullKey(key),
                message: `is required on a Kubernetes cluster: the NetworkPolicies admit the ingress controller's pods to exposed Services by their namespace`,
                fix,
            },
        ];
    }
    if (isPlaceholder(entry.ingressNamespace)) {
        return [
            {
                key: fullKey(key),
                message: `is a placeholder: the NetworkPolicies would admit no router, and every Ingress of this cluster would stop answering`,
                fix,
                placeholder: true,
            },
        ];
    }
    return [];
}
