import { spawnSync } from "child_process";

/** A kubeconfig: a file (relative certificate paths resolve next to it) or the text of a stack secret. */
export type KubeconfigSource = { file: string } | { text: string };

/**
 * The kubeconfig of a cluster: the file given on the command line, else the stack's secret `kubeconfig-<cluster>`
 * through the Pulumi CLI. The value stays in memory and is never printed.
 */
export function kubeconfigOf(
    stack: string,
    cluster: string,
    files: ReadonlyMap<string, string>,
): KubeconfigSource {
    const file = files.get(cluster);
    if (file) return { file };
    const res = spawnSync("pulumi", ["config", "get", "--stack", stack, `kubeconfig-${cluster}`], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
        maxBuffer: 16 * 1024 * 1024,
    });
    if (res.error || res.status !== 0) {
        const why = res.error
            ? "the Pulumi CLI is not installed"
            : `pulumi config get failed: ${res.stderr.trim()}`;
        throw new Error(
            `no kubeconfig for cluster ${cluster} (${why}); pass --kubeconfig ${cluster}=<path to its kubeconfig>`,
        );
    }
    return { text: res.stdout };
}
