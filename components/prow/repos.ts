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
/**
 * The triage plugins the kubevirt organisation enables on all its repositories (ORG_PLUGINS); repositories of other
 * organisations that want them (FULL) enable them one by one.
 */
const TRIAGE = ["assign", "blunderbuss", "lifecycle", "verify-owners", "skip", "override", "wip"] as const;
const FULL = [
    "size",
    "label",
    "hold",
    "lgtm",
    "approve",
    "release-note",
    "owners-label",
    ...TRIAGE,
    "dco",
    "trigger",
] as const;

/** The repositories tide merges with a merge commit; it squashes every other one. */
const MERGE_COMMITS = ["kubevirt/kubevirt", "kubevirt/node-maintenance-operator"];

/** Repositories that share tide's label policy and plugins, in the order given. */
const alike = (strict: boolean, plugins: readonly string[], ...repos: string[]) =>
    repos.map((repo): RepoPolicy => ({
        repo,
        merge: MERGE_COMMITS.includes(repo) ? "merge" : "squash",
        strict,
        plugins,
    }));

/** The repositories KubeVirt's Prow serves (kubevirt/project-infra config.yaml and plugins.yaml, 2020-10). */
export const REPOS: readonly RepoPolicy[] = [
    ...alike(
        true,
        STANDARD,
        "kubevirt/kubevirt",
        "kubevirt/containerized-data-importer",
        "kubevirt/hostpath-provisioner",
        "kubevirt/cluster-network-addons-operator",
        "kubevirt/ovs-cni",
        "kubevirt/macvtap-cni",
        "kubevirt/bridge-marker",
        "kubevirt/node-maintenance-operator",
        "kubevirt/hyperconverged-cluster-operator",
        "kubevirt/common-templates",
        "kubevirt/ssp-operator",
        "kubevirt/kubevirt-csi",
        "kubevirt/must-gather",
    ),
    ...alike(false, [...CI_ONLY, "config-updater"], "kubevirt/project-infra"),
    ...alike(false, CI_ONLY, "kubevirt/kubevirtci", "kubevirt/kubectl-virt-plugin"),
    ...alike(false, DOCS, "kubevirt/kubevirt.github.io", "kubevirt/kubevirt-tutorial"),
    ...alike(false, ["approve", "lgtm", "owners-label"], "kubevirt/community"),
    ...alike(true, FULL, "nmstate/kubernetes-nmstate"),
    ...alike(
        true,
        FULL.filter((p) => p !== "owners-label"),
        "k8snetworkplumbingwg/kubemacpool",
    ),
];

/** Plugins enabled for a whole organisation. */
export const ORG_PLUGINS: Record<string, readonly string[]> = {
    kubevirt: ["size", "label", "hold", ...TRIAGE, "pony", "dog", "cat", "dco", "invalidcommitmsg"],
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
