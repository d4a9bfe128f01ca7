/** How Prow treats one repository: merge method, tide's label policy, and the plugins enabled on it. */
export interface RepoPolicy {
    repo: string;
    merge: "squash" | "merge";
    /** Tide also requires release-note labels and valid commit messages before merging. */
    strict: boolean;
    plugins: readonly string[];
}

const STANDARD = ["trigger", "release-note", "owners-label", "lgtm", "approve"] as const;
const CI_ONLY = ["trigger", "lgtm", "approve"] as const;
const DOCS = ["approve", "lgtm", "owners-label", "trigger"] as const;
const FULL = [
    "size",
    "label",
    "hold",
    "lgtm",
    "approve",
    "release-note",
    "owners-label",
    "assign",
    "blunderbuss",
    "lifecycle",
    "verify-owners",
    "skip",
    "override",
    "wip",
    "dco",
    "trigger",
] as const;

/** The repositories KubeVirt's Prow serves (kubevirt/project-infra config.yaml and plugins.yaml, 2020-10). */
export const REPOS: readonly RepoPolicy[] = [
    { repo: "kubevirt/kubevirt", merge: "merge", strict: true, plugins: STANDARD },
    { repo: "kubevirt/containerized-data-importer", merge: "squash", strict: true, plugins: STANDARD },
    { repo: "kubevirt/hostpath-provisioner", merge: "squash", strict: true, plugins: STANDARD },
    { repo: "kubevirt/cluster-network-addons-operator", merge: "squash", strict: true, plugins: STANDARD },
    { repo: "kubevirt/ovs-cni", merge: "squash", strict: true, plugins: STANDARD },
    { repo: "kubevirt/macvtap-cni", merge: "squash", strict: true, plugins: STANDARD },
    { repo: "kubevirt/bridge-marker", merge: "squash", strict: true, plugins: STANDARD },
    { repo: "kubevirt/node-maintenance-operator", merge: "merge", strict: true, plugins: STANDARD },
    { repo: "kubevirt/hyperconverged-cluster-operator", merge: "squash", strict: true, plugins: STANDARD },
    { repo: "kubevirt/common-templates", merge: "squash", strict: true, plugins: STANDARD },
    { repo: "kubevirt/ssp-operator", merge: "squash", strict: true, plugins: STANDARD },
    { repo: "kubevirt/kubevirt-csi", merge: "squash", strict: true, plugins: STANDARD },
    { repo: "kubevirt/must-gather", merge: "squash", strict: true, plugins: STANDARD },
    {
        repo: "kubevirt/project-infra",
        merge: "squash",
        strict: false,
        plugins: [...CI_ONLY, "config-updater"],
    },
    { repo: "kubevirt/kubevirtci", merge: "squash", strict: false, plugins: CI_ONLY },
    { repo: "kubevirt/kubectl-virt-plugin", merge: "squash", strict: false, plugins: CI_ONLY },
    { repo: "kubevirt/kubevirt.github.io", merge: "squash", strict: false, plugins: DOCS },
    { repo: "kubevirt/kubevirt-tutorial", merge: "squash", strict: false, plugins: DOCS },
    {
        repo: "kubevirt/community",
        merge: "squash",
        strict: false,
        plugins: ["approve", "lgtm", "owners-label"],
    },
    { repo: "nmstate/kubernetes-nmstate", merge: "squash", strict: true, plugins: FULL },
    {
        repo: "k8snetworkplumbingwg/kubemacpool",
        merge: "squash",
        strict: true,
        plugins: FULL.filter((p) => p !== "owners-label"),
    },
];

/** Plugins enabled for a whole organisation. */
export const ORG_PLUGINS: Record<string, readonly string[]> = {
    kubevirt: [
        "size",
        "label",
        "hold",
        "assign",
        "blunderbuss",
        "lifecycle",
        "verify-owners",
        "skip",
        "override",
        "wip",
        "pony",
        "dog",
        "cat",
        "dco",
        "invalidcommitmsg",
    ],
};

/** External plugins (our own Services) per organisation or repository, with the events hook forwards. */
export const EXTERNAL_PLUGINS: Record<
    string,
    readonly { plugin: "needs-rebase" | "cherrypicker" | "release-blocker" | "rehearse"; events?: string[] }[]
> = {
    kubevirt: [
        { plugin: "needs-rebase", events: ["pull_request"] },
        { plugin: "cherrypicker" },
        { plugin: "release-blocker" },
    ],
    "k8snetworkplumbingwg/kubemacpool": [
        { plugin: "needs-rebase", events: ["pull_request"] },
        { plugin: "cherrypicker" },
    ],
    "nmstate/kubernetes-nmstate": [
        { plugin: "needs-rebase", events: ["pull_request"] },
        { plugin: "cherrypicker" },
    ],
    "kubevirt/project-infra": [{ plugin: "rehearse", events: ["pull_request", "issue_comment"] }],
};

/** Labels that keep a pull request out of tide's merge pool. */
export const MISSING_LABELS = [
    "do-not-merge",
    "do-not-merge/hold",
    "do-not-merge/invalid-owners-file",
    "do-not-merge/work-in-progress",
    "needs-rebase",
    "dco-signoff: no",
];
export const STRICT_MISSING_LABELS = [
    ...MISSING_LABELS.slice(0, 4),
    "do-not-merge/release-note-label-needed",
    "do-not-merge/invalid-commit-message",
    ...MISSING_LABELS.slice(4),
];
