// The commands that print what a stack pins of a cluster: the schema (./program.ts) offers them as the way to find
// each value, and the pin checks (./clusterPin.ts) read that schema's config, so they live below both.

/** The read-only command that prints a cluster's kube-system uid, the value `identity.uid` pins. */
export const KUBE_SYSTEM_UID_ASK =
    "kubectl --kubeconfig <that cluster's kubeconfig> get namespace kube-system -o jsonpath='{.metadata.uid}'";

/** The command that prints the SHA-256 fingerprint of the CA a kubeconfig trusts. */
export const CA_FINGERPRINT_ASK =
    "kubectl --kubeconfig <that cluster's kubeconfig> config view --raw --minify -o jsonpath='{.clusters[0].cluster.certificate-authority-data}' | base64 -d | openssl x509 -noout -fingerprint -sha256";
