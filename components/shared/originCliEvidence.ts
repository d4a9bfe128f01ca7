import type { At, FlagFact, ImageEvidence } from "./evidence/types";

// What the upstream source of quay.io/openshift/origin-cli:4.15 says of it: one entry, which every system running the
// image (its jobs' scripts) puts in its own evidence table, so the image has one reading whichever system runs it. Facts carried over with their lines, no code.
//
// The image is openshift/oc's images/cli/Dockerfile.rhel on release-4.15, read at that branch's head (82316376e2,
// 2024-10-03, "Merge pull request #1893 ...", the head on the day below). oc vendors kubectl, client-go and
// cli-runtime 0.28.2 (go.mod:57,61): the flags below are those vendored files'.

const COMMIT = "82316376e25f6453b58258df6bf1e11ec4abb670";
const RESOLVED = "2024-10-03";

const at = (path: string, lines: string | number): At => `openshift/oc@82316376e2:${path}:${lines}`;
const VENDOR = "vendor/k8s.io";

/** The configuration flags both oc and kubectl add to every command (genericclioptions ConfigFlags.AddFlags). */
const CONFIG_FLAGS = `${VENDOR}/cli-runtime/pkg/genericclioptions/config_flags.go`;

const flag = (name: string, path: string, line: number, command?: string): FlagFact => ({
    name,
    ...(command ? { command } : {}),
    at: at(path, line),
});

/**
 * oc, and kubectl as a link to it, which runs kubectl's own command tree (cmd/oc/oc.go:47-48, pkg/cli/cli.go:405-407).
 * It serves nothing and has no command of its own the program uses: every container runs a bash script a system
 * writes, and what those scripts expand is theirs. The flags listed are those the scripts were checked for, by the command that defines each (not
 * every flag oc has); a flag a script passes that is not here fails the evidence check.
 */
export const ORIGIN_CLI_EVIDENCE: ImageEvidence = {
    image: "quay.io/openshift/origin-cli",
    version: "4.15",
    source: {
        repo: "openshift/oc",
        commit: COMMIT,
        moving: { branch: "release-4.15", resolved: RESOLVED },
    },
    facts: {
        state: "read",
        listens: [],
        binaries: ["oc", "kubectl"],
        flags: [
            // Global: the namespace of the request, added to every command by oc (pkg/cli/cli.go:220-223) and by
            // kubectl (vendor/k8s.io/kubectl/pkg/cmd/cmd.go:369).
            { name: "namespace", at: at(CONFIG_FLAGS, 380) },
            { name: "n", at: at(CONFIG_FLAGS, 380) },
            // get: kubectl's get, wrapped by oc (pkg/cli/kubectlwrappers/wrappers.go:61-62).
            flag("output", `${VENDOR}/kubectl/pkg/cmd/get/get_flags.go`, 134, "get"),
            flag("o", `${VENDOR}/kubectl/pkg/cmd/get/get_flags.go`, 134, "get"),
            // AddLabelSelectorFlagVar, which get calls (get/get.go:188).
            flag("selector", `${VENDOR}/kubectl/pkg/cmd/util/helpers.go`, 511, "get"),
            flag("l", `${VENDOR}/kubectl/pkg/cmd/util/helpers.go`, 511, "get"),
            // delete: kubectl's (wrappers.go:82-83), its DeleteFlags (delete/delete.go:163).
            flag("wait", `${VENDOR}/kubectl/pkg/cmd/delete/delete_flags.go`, 155, "delete"),
            // patch: kubectl's (wrappers.go:77-78; kubectl's own tree: cmd.go:447).
            flag("patch", `${VENDOR}/kubectl/pkg/cmd/patch/patch.go`, 140, "patch"),
            flag("p", `${VENDOR}/kubectl/pkg/cmd/patch/patch.go`, 140, "patch"),
            flag("type", `${VENDOR}/kubectl/pkg/cmd/patch/patch.go`, 142, "patch"),
            // import-image: oc's own (pkg/cli/cli.go:253).
            flag("from", "pkg/cli/importimage/importimage.go", 128, "import-image"),
            flag("confirm", "pkg/cli/importimage/importimage.go", 129, "import-image"),
            flag("all", "pkg/cli/importimage/importimage.go", 130, "import-image"),
            flag("reference-policy", "pkg/cli/importimage/importimage.go", 131, "import-image"),
            flag("import-mode", "pkg/cli/importimage/importimage.go", 132, "import-image"),
            flag("scheduled", "pkg/cli/importimage/importimage.go", 134, "import-image"),
        ],
        env: [
            // The discovery cache: $KUBECACHEDIR, else $HOME/.kube/cache (config_flags.go:296-303), through client-go's
            // homedir; the kubeconfig's default is under it too.
            { name: "HOME", at: at(`${VENDOR}/client-go/util/homedir/homedir.go`, "33,91") },
            { name: "KUBECACHEDIR", at: at(CONFIG_FLAGS, "299") },
            { name: "KUBECONFIG", at: at(`${VENDOR}/client-go/tools/clientcmd/loader.go`, 41) },
            // In a pod without a kubeconfig: the in-cluster configuration, from the variables the kubelet sets.
            { name: "KUBERNETES_SERVICE_HOST", at: at(`${VENDOR}/client-go/rest/config.go`, 516) },
            { name: "KUBERNETES_SERVICE_PORT", at: at(`${VENDOR}/client-go/rest/config.go`, 516) },
        ],
        files: [
            // The service account's token and CA, which the in-cluster configuration reads.
            {
                name: "/var/run/secrets/kubernetes.io/serviceaccount/token",
                at: at(`${VENDOR}/client-go/rest/config.go`, 513),
            },
            {
                name: "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt",
                at: at(`${VENDOR}/client-go/rest/config.go`, 514),
            },
        ],
    },
};
