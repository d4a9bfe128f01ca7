import { chmodSync, mkdirSync, writeFileSync } from "fs";
import * as path from "path";

// kwok runs no containers, so `kubectl exec` into its pods has no filesystem to read. kwok answers an exec with a
// local command when a ClusterExec selects the pod (sigs.k8s.io/kwok@v0.8.0 pkg/apis/v1alpha1/cluster_exec_types.go,
// pkg/kwok/server/debugging_exec.go): it looks the command up on its own PATH and runs it with the ClusterExec's
// environment. Here a `cat` on that PATH reads an absolute path below the namespace's POD_ROOT, a directory standing
// for the files of that namespace's pods, and behaves as cat everywhere else.

/** The files of the pods of each namespace, by absolute path in the pod. */
export type PodFiles = Readonly<Record<string, Readonly<Record<string, string>>>>;

const CAT = `#!/bin/sh
# cat, reading absolute paths below POD_ROOT when kwok runs it for an exec into a pod.
[ -n "$POD_ROOT" ] || exec /bin/cat "$@"
for a in "$@"; do
  case $a in /*) set -- "$@" "$POD_ROOT$a" ;; *) set -- "$@" "$a" ;; esac
  shift
done
exec /bin/cat "$@"
`;

/**
 * Writes the pods' files below `dir`, the `cat` and the ClusterExec documents; returns the environment of
 * `e2e/cluster.sh start` that hands them to kwok (its PATH and E2E_KWOK_EXTRA_CONFIG).
 */
export function podFilesystem(dir: string, files: PodFiles): Record<string, string> {
    const bin = path.join(dir, "bin");
    mkdirSync(bin, { recursive: true });
    writeFileSync(path.join(bin, "cat"), CAT);
    chmodSync(path.join(bin, "cat"), 0o755);
    const docs: string[] = [];
    for (const [namespace, byPath] of Object.entries(files)) {
        const root = path.join(dir, "pods", namespace);
        for (const [file, content] of Object.entries(byPath)) {
            mkdirSync(path.join(root, path.dirname(file)), { recursive: true });
            writeFileSync(path.join(root, file), content);
        }
        docs.push(
            JSON.stringify({
                apiVersion: "kwok.x-k8s.io/v1alpha1",
                kind: "ClusterExec",
                metadata: { name: `pod-files-${namespace}` },
                spec: {
                    selector: { matchNamespaces: [namespace] },
                    execs: [{ local: { envs: [{ name: "POD_ROOT", value: root }] } }],
                },
            }),
        );
    }
    const config = path.join(dir, "kwok-exec.yaml");
    writeFileSync(config, docs.join("\n---\n") + "\n");
    return { E2E_KWOK_EXTRA_CONFIG: config, PATH: `${bin}:${process.env.PATH ?? ""}` };
}
