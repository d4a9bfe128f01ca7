/**
 * An open object in a CRD schema. Spelt as the API server wants it: the SDK's typed `x_kubernetes_…` field reaches
 * the server unchanged and strict field validation refuses it (found by the e2e's real kube-apiserver).
 */
export const preserveUnknownFields = {
    type: "object",
    "x-kubernetes-preserve-unknown-fields": true,
} as const;
