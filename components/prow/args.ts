import type { ComponentName } from "./componentNames";
import type { ProwRefs } from "./refsContract";

// Each component's arguments: code, not data, because they name the environment's Services (through the refs, so the
// network policies admit the paths they open), bucket and dry-run mode. Everything else about a component is in
// facts/prow/components.yaml.

const github = (r: ProwRefs): string[] => [
    `--github-endpoint=${r.serviceUrl("ghproxy")}`,
    "--github-endpoint=https://api.github.com",
    "--github-token-path=/etc/github/oauth",
];
/**
 * Staging logs what it would do on GitHub instead of doing it (ProwEnvironment.dryRun). The runbook's release read
 * ProwJobs through deck when dry and needed --deck-url; today's has no such flag (kubernetes-sigs/prow@7593870dc:
 * pkg/flagutil/kubernetes_cluster_clients.go:186-192), so a dry binary reads the cluster itself.
 */
const dryRunArg = (r: ProwRefs) => `--dry-run=${r.dryRun}`;
/**
 * hook cannot run dry at this release: its infrastructure client is refused in dry-run mode and it exits at start
 * (a5b49bc903:prow/cmd/hook/main.go:167-170, prow/flagutil/kubernetes_cluster_clients.go:159-174). It acts only on
 * the events GitHub delivers to its own host, signed with its own HMAC secret, so staging's hook acts on nothing
 * until a webhook is registered for it.
 */
const HOOK_ACTS = "--dry-run=false";
/** branchprotector and label_sync change GitHub only with --confirm. */
const confirmArg = (r: ProwRefs) => `--confirm=${!r.dryRun}`;
const CONFIG_ARGS = ["--config-path=/etc/config/config.yaml", "--job-config-path=/etc/job-config"];
const GCS_ARG = "--gcs-credentials-file=/etc/gcs/service-account.json";
const KUBECONFIG_ARG = "--kubeconfig=/etc/kubeconfig/config";
const HMAC_ARG = "--hmac-secret-file=/etc/webhook/hmac";
const PLUGIN_CONFIG_ARG = "--plugin-config=/etc/plugins/plugins.yaml";

/**
 * An external plugin's. Only needs-rebase defines --plugin-config; cherrypicker (kubernetes/test-infra@a5b49bc903:
 * prow/external-plugins/cherrypicker/main.go:64-72) and release-blocker (kubevirt/project-infra@145ec5a:
 * external-plugins/release-blocker/main.go:46-50) do not, and exit on a flag they do not define.
 */
const externalPlugin =
    (pluginConfig = false) =>
    (r: ProwRefs): string[] => [
        dryRunArg(r),
        ...github(r),
        HMAC_ARG,
        ...(pluginConfig ? [PLUGIN_CONFIG_ARG] : []),
    ];

export const ARGS: Record<ComponentName, (r: ProwRefs) => string[]> = {
    deck: (r) => [
        ...CONFIG_ARGS,
        `--tide-url=${r.serviceUrl("tide")}/`,
        `--hook-url=${r.serviceUrl("hook")}/plugin-help`,
        "--oauth-url=/github-login",
        "--github-oauth-config-file=/etc/githuboauth/secret",
        "--cookie-secret=/etc/cookie/secret",
        PLUGIN_CONFIG_ARG,
        "--spyglass=true",
        "--rerun-creates-job",
        ...github(r),
        GCS_ARG,
        KUBECONFIG_ARG,
    ],
    hook: (r) => [
        HOOK_ACTS,
        ...CONFIG_ARGS,
        ...github(r),
        HMAC_ARG,
        PLUGIN_CONFIG_ARG,
        "--slack-token-file=/etc/slack/token",
        KUBECONFIG_ARG,
    ],
    // plank's controller (its default, kubernetes-sigs/prow@7593870dc:cmd/prow-controller-manager/main.go:72,74, named
    // as today's deployment names it). Its --dry-run defaults to true (line 76), so it is always given. GitHub flags
    // as today's deployment gives them (kubevirt/project-infra@2c863fd manifests/upstream/
    // prow-controller-manager_deployment.yaml:22-29), through the runbook's OAuth token rather than today's GitHub App.
    "prow-controller-manager": (r) => [
        dryRunArg(r),
        ...CONFIG_ARGS,
        ...github(r),
        KUBECONFIG_ARG,
        "--enable-controller=plank",
    ],
    crier: (r) => [
        ...CONFIG_ARGS,
        ...github(r),
        "--github-workers=5",
        // With Slack reports off in config.yaml, a Slack worker makes crier exit at start
        // (kubernetes/test-infra@a5b49bc903:prow/cmd/crier/main.go:222-224).
        ...(r.slackReports ? ["--slack-workers=1"] : []),
        "--slack-token-file=/etc/slack/token",
        // Renamed from --gcs-workers/--kubernetes-gcs-workers (kubernetes-sigs/prow@7593870dc:cmd/crier/main.go:131-132).
        "--blob-storage-workers=1",
        "--kubernetes-blob-storage-workers=1",
        GCS_ARG,
        KUBECONFIG_ARG,
    ],
    tide: (r) => [
        dryRunArg(r),
        ...CONFIG_ARGS,
        ...github(r),
        GCS_ARG,
        // tide reads its history from the bucket at start and exits on credentials GCS refuses
        // (a5b49bc903:prow/cmd/tide/main.go:166-168, prow/tide/history/history.go:58-65): a throw-away cluster's
        // generated key is no key, so its tide keeps both in memory.
        ...(r.bucketCredentials
            ? [
                  `--history-uri=gs://${r.bucket}/tide-history.json`,
                  `--status-path=gs://${r.bucket}/tide-status-checkpoint.yaml`,
              ]
            : []),
    ],
    horologium: (r) => [dryRunArg(r), ...CONFIG_ARGS],
    sinker: (r) => [dryRunArg(r), ...CONFIG_ARGS, KUBECONFIG_ARG],
    statusreconciler: (r) => [
        dryRunArg(r),
        "--continue-on-error=true",
        ...CONFIG_ARGS,
        PLUGIN_CONFIG_ARG,
        ...github(r),
        GCS_ARG,
        `--status-path=gs://${r.bucket}/status-reconciler-status`,
    ],
    ghproxy: (r) => [
        "--cache-dir=/cache",
        "--cache-sizeGB=99",
        // A flag naming a Service: through the refs, so ghproxy's pushes are admitted (a name string opens nothing).
        `--push-gateway=${r.serviceHost("pushgateway")}`,
        "--serve-metrics=true",
    ],
    "needs-rebase": externalPlugin(true),
    cherrypicker: externalPlugin(),
    "prow-exporter": () => ["--config-path=/etc/config/config.yaml"],
    gcsweb: (r) => ["-upgrade-proxied-http-to-https", "-p=8080", `-b=${r.bucket}`],
    "docker-mirror": () => [],
    greenhouse: () => ["--dir=/data", "--min-percent-blocks-free=3"],
    rehearse: (r) => [
        dryRunArg(r),
        `--jobs-namespace=${r.namespaces.jobs}`,
        ...github(r),
        HMAC_ARG,
        "--cache-dir=/var/run/cache",
        // Paths in the project-infra checkout it rehearses, as today's deployment gives them (kubevirt/project-infra@
        // 2c863fd:github/ci/prow-deploy/kustom/base/manifests/local/prow-rehearse-deployment.yaml:30-31); the
        // runbook's github/ci/prow/ is gone from the repository.
        "--jobs-config-base=github/ci/prow-deploy/files/jobs",
        "--prow-config-path=github/ci/prow-deploy/kustom/base/configs/current/config/config.yaml",
    ],
    "release-blocker": externalPlugin(),
    pushgateway: () => [],
    "pushgateway-proxy": () => [],
    "branch-protector": (r) => [...CONFIG_ARGS, ...github(r), confirmArg(r)],
    "label-sync": (r) => [
        "--config=/etc/config/labels.yaml",
        confirmArg(r),
        "--orgs=kubevirt",
        "--token=/etc/github/oauth",
    ],
};
