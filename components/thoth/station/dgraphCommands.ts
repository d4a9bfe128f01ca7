/** Where alpha finds its TLS material (Secret dgraph-tls). */
export const DGRAPH_TLS_DIR = "/var/run/secrets/dgraph";

/**
 * zero of the HA layout: the StatefulSet ordinal gives the Raft index (`--idx`, 1-based); members after the first
 * join through zero-0. `--replicas` is how many copies alpha keeps of each group.
 */
export function zeroHaScript(replicas: number): string {
    return [
        "set -ex",
        "[[ `hostname` =~ -([0-9]+)$ ]] || exit 1",
        "ordinal=${BASH_REMATCH[1]}",
        "idx=$(($ordinal + 1))",
        "if [[ $ordinal -eq 0 ]]; then",
        `  exec dgraph zero --my=$(hostname -f):5080 --idx $idx --replicas ${replicas}`,
        "else",
        `  exec dgraph zero --my=$(hostname -f):5080 --peer zero-0.zero.\${POD_NAMESPACE}.svc.cluster.local:5080 --idx $idx --replicas ${replicas}`,
        "fi",
    ].join("\n");
}

/** zero of the single-pod layout. */
export function zeroSingleScript(): string {
    return "set -ex\nexec dgraph zero --my=$(hostname -f):5080";
}

export interface AlphaOptions {
    /** Address of a zero: `zero-0.zero.<ns>...:5080` (HA) or the pod itself (single). */
    zero: string;
    lruMb: number;
    /** `--whitelist` of admin endpoints. */
    whitelist?: string;
}

/** alpha, serving TLS from {@link DGRAPH_TLS_DIR}. */
export function alphaScript(options: AlphaOptions): string {
    const args = [
        "dgraph alpha",
        "--my=$(hostname -f):7080",
        `--lru_mb ${options.lruMb}`,
        `--zero ${options.zero}`,
        `--tls_dir ${DGRAPH_TLS_DIR}`,
        ...(options.whitelist ? [`--whitelist ${options.whitelist}`] : []),
    ];
    return `set -ex\nexec ${args.join(" ")}`;
}

/** Zero address alpha joins in the HA layout. */
export const HA_ZERO_ADDRESS = "zero-0.zero.${POD_NAMESPACE}.svc.cluster.local:5080";
/** Zero address in the single-pod layout: the same pod. */
export const SINGLE_ZERO_ADDRESS = "$(hostname -f):5080";
