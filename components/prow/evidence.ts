import type { FlagFact, ImageEvidence, Listener, NamedFact, ReadFacts } from "../shared/evidence/types";
import type { EvidenceTable } from "../shared/evidence/verdicts";

// What kubernetes/test-infra at the release the stacks pin (v20201020-a5b49bc903 = commit a5b49bc903) says of each
// Prow binary the program runs, read from prow/cmd/<name>/main.go and the option groups they add; and of the other
// images of systems.md §3 where their source could be read. Facts carried over with their lines, no code.

const RELEASE = "v20201020-a5b49bc903";
const TEST_INFRA = "kubernetes/test-infra";
const COMMIT = "a5b49bc903d6496a23e1b383c1f5d843091c8cf6";
const at = (path: string, lines: string | number): string => `${TEST_INFRA}@a5b49bc903:${path}:${lines}`;
const flags = (path: string, spec: Record<string, number>): FlagFact[] =>
    Object.entries(spec).map(([name, line]) => ({ name, at: at(path, line) }));

// The option groups of prow/flagutil, each binary adding those its main.go names.
const GITHUB = flags("prow/flagutil/github.go", {
    "github-host": 49,
    "github-endpoint": 51,
    "github-graphql-endpoint": 52,
    "github-token-path": 53,
});
const KUBERNETES = flags("prow/flagutil/kubernetes_cluster_clients.go", { kubeconfig: 58, "deck-url": 59 });
const STORAGE = flags("prow/flagutil/storage.go", { "gcs-credentials-file": 43, "s3-credentials-file": 44 });
const INSTRUMENTATION = flags("prow/flagutil/instrumentation.go", { "metrics-port": 38, "pprof-port": 39 });

/** pjutil.ServePProf on --pprof-port (default 6060), started by every binary that adds the instrumentation flags. */
const pprof = (main: string, line: number): Listener => ({
    port: 6060,
    serves: "/debug/pprof/ (pjutil.ServePProf, prow/pjutil/pprof.go:33-41)",
    at: at(main, line),
});
/** pjutil.NewHealth on 8081, `/healthz/ready` once ServeReady is called (prow/pjutil/health.go:29-51). */
const health = (main: string, lines: string): Listener => ({
    port: 8081,
    serves: "health",
    health: ["/healthz", "/healthz/ready"],
    at: at(main, lines),
});

const NO_ENV: readonly NamedFact[] = [];

function release(
    name: string,
    facts: Omit<ReadFacts, "state" | "env"> & { env?: NamedFact[] },
): ImageEvidence {
    return {
        image: `gcr.io/k8s-prow/${name}`,
        version: RELEASE,
        source: { repo: TEST_INFRA, commit: COMMIT },
        facts: { state: "read", env: NO_ENV, ...facts },
    };
}

const CRIER = "prow/cmd/crier/main.go";
const DECK = "prow/cmd/deck/main.go";
const HOOK = "prow/cmd/hook/main.go";
const TIDE = "prow/cmd/tide/main.go";
const NEEDS_REBASE = "prow/external-plugins/needs-rebase/main.go";
const CHERRYPICKER = "prow/external-plugins/cherrypicker/main.go";

/** The Prow release's binaries. */
const RELEASE_IMAGES: ImageEvidence[] = [
    release("deck", {
        listens: [
            { port: 8080, serves: "the UI and its API", at: at(DECK, "495-500") },
            health(DECK, "306,454"),
            pprof(DECK, 283),
        ],
        flags: [
            ...flags(DECK, {
                "config-path": 175,
                "job-config-path": 176,
                "tide-url": 177,
                "hook-url": 178,
                "oauth-url": 179,
                "github-oauth-config-file": 180,
                "cookie-secret": 181,
                "redirect-http-to": 183,
                "hidden-only": 185,
                "pregenerated-data": 186,
                "show-hidden": 187,
                spyglass: 188,
                "spyglass-files-location": 189,
                "static-files-location": 190,
                "template-files-location": 191,
                "gcs-no-auth": 192,
                "gcs-cookie-auth": 193,
                "rerun-creates-job": 194,
                "allow-insecure": 195,
                "dry-run": 196,
                "plugin-config": 197,
            }),
            ...INSTRUMENTATION,
            ...KUBERNETES,
            ...GITHUB,
            ...STORAGE,
        ],
        files: [],
    }),
    release("hook", {
        listens: [
            // `/` answers 200 as a legacy health check (main.go:239-241); /hook takes the webhooks.
            { port: 8888, serves: "/hook, /plugin-help", health: ["/"], at: at(HOOK, "80,241-252") },
            health(HOOK, "237,250"),
            pprof(HOOK, 221),
        ],
        flags: [
            ...flags(HOOK, {
                port: 80,
                "config-path": 82,
                "job-config-path": 83,
                "plugin-config": 84,
                "dry-run": 86,
                "grace-period": 87,
                "hmac-secret-file": 92,
                "slack-token-file": 93,
            }),
            ...KUBERNETES,
            ...GITHUB,
            ...flags("prow/flagutil/bugzilla.go", { "bugzilla-endpoint": 38, "bugzilla-api-key-path": 39 }),
            ...INSTRUMENTATION,
            ...flags("prow/flagutil/jira.go", {
                "jira-endpoint": 36,
                "jira-username": 37,
                "jira-password-file": 38,
            }),
        ],
        files: [],
    }),
    release("plank", {
        listens: [pprof("prow/cmd/plank/main.go", 98)],
        flags: [
            ...flags("prow/cmd/plank/main.go", {
                "tot-url": 54,
                "config-path": 56,
                "job-config-path": 57,
                "label-selector": 58,
                "skip-report": 59,
                "dry-run": 61,
            }),
            ...KUBERNETES,
            ...INSTRUMENTATION,
        ],
        files: [],
    }),
    release("crier", {
        // No health server; metrics only pushed (config push_gateway, no serve_metrics: prow/metrics/metrics.go:38-42).
        listens: [pprof(CRIER, 196)],
        flags: [
            ...flags(CRIER, {
                cookiefile: 149,
                "gerrit-projects": 150,
                "gerrit-workers": 151,
                "pubsub-workers": 152,
                "github-workers": 153,
                "slack-workers": 154,
                "gcs-workers": 155,
                "kubernetes-gcs-workers": 156,
                "blob-storage-workers": 157,
                "kubernetes-blob-storage-workers": 158,
                "kubernetes-report-fraction": 159,
                "slack-token-file": 160,
                "report-agent": 161,
                "config-path": 163,
                "job-config-path": 164,
                "dry-run": 167,
            }).map((f) =>
                f.name === "slack-workers"
                    ? {
                          ...f,
                          requires: `--slack-token-file and slack_reporter_configs in config.yaml (${at(CRIER, "113-117,223-224")})`,
                      }
                    : f,
            ),
            ...GITHUB,
            ...KUBERNETES,
            ...STORAGE,
            ...INSTRUMENTATION,
        ],
        files: [],
    }),
    release("tide", {
        // Listens only after its first sync (main.go:194-201); no health endpoint.
        listens: [
            { port: 8888, serves: "pool status (/), /history", at: at(TIDE, "86,187-201") },
            pprof(TIDE, 114),
        ],
        flags: [
            ...flags(TIDE, {
                port: 86,
                "config-path": 87,
                "job-config-path": 88,
                "dry-run": 89,
                "run-once": 90,
                "sync-hourly-tokens": 94,
                "status-hourly-tokens": 95,
                "max-records-per-pool": 96,
                "history-uri": 97,
                "status-path": 98,
            }),
            ...KUBERNETES,
            ...GITHUB,
            ...STORAGE,
            ...INSTRUMENTATION,
        ],
        files: [],
    }),
    release("horologium", {
        listens: [pprof("prow/cmd/horologium/main.go", 87)],
        flags: [
            ...flags("prow/cmd/horologium/main.go", {
                "config-path": 54,
                "job-config-path": 55,
                "dry-run": 57,
            }),
            ...KUBERNETES,
            ...INSTRUMENTATION,
        ],
        files: [],
    }),
    release("sinker", {
        listens: [pprof("prow/cmd/sinker/main.go", 104)],
        flags: [
            ...flags("prow/cmd/sinker/main.go", {
                "run-once": 69,
                "config-path": 70,
                "job-config-path": 71,
                "dry-run": 74,
            }),
            ...KUBERNETES,
            ...INSTRUMENTATION,
        ],
        files: [],
    }),
    release("status-reconciler", {
        listens: [pprof("prow/cmd/status-reconciler/main.go", 107)],
        flags: [
            ...flags("prow/cmd/status-reconciler/main.go", {
                "config-path": 70,
                "job-config-path": 71,
                "plugin-config": 72,
                "status-path": 73,
                "continue-on-error": 75,
                blacklist: 76,
                "dry-run": 77,
                tokens: 78,
                "token-burst": 79,
            }),
            ...KUBERNETES,
            ...GITHUB,
            ...STORAGE,
            ...INSTRUMENTATION,
        ],
        files: [],
    }),
    release("ghproxy", {
        listens: [
            { port: 8888, serves: "the GitHub API proxy", at: at("ghproxy/ghproxy.go", "121,166,171") },
            health("ghproxy/ghproxy.go", "168-169"),
            {
                port: 9090,
                serves: "/metrics, with --serve-metrics=true (prow/metrics/metrics.go:60-68)",
                at: at("ghproxy/ghproxy.go", "127,157-163"),
            },
            pprof("ghproxy/ghproxy.go", 155),
        ],
        flags: [
            ...flags("ghproxy/ghproxy.go", {
                "cache-dir": 117,
                "cache-sizeGB": 118,
                "legacy-disable-disk-cache-partitions-by-auth-header": 119,
                "redis-address": 120,
                port: 121,
                upstream: 122,
                concurrency: 123,
                "push-gateway": 124,
                "push-gateway-interval": 125,
                "log-level": 126,
                "serve-metrics": 127,
            }),
            ...INSTRUMENTATION,
        ],
        files: [],
    }),
    release("needs-rebase", {
        listens: [
            { port: 8888, serves: "the external plugin's webhook", at: at(NEEDS_REBASE, "68,130-131") },
            health(NEEDS_REBASE, "124-125"),
        ],
        flags: [
            ...flags(NEEDS_REBASE, {
                port: 68,
                "plugin-config": 69,
                "dry-run": 70,
                "update-period": 71,
                "hmac-secret-file": 72,
            }),
            ...GITHUB,
        ],
        files: [],
    }),
    release("cherrypicker", {
        listens: [
            { port: 8888, serves: "the external plugin's webhook", at: at(CHERRYPICKER, "64,148-150") },
            health(CHERRYPICKER, "142-143"),
        ],
        // No --plugin-config: the plugin reads no plugins.yaml at this release.
        flags: [
            ...flags(CHERRYPICKER, {
                port: 64,
                "dry-run": 65,
                labels: 66,
                "hmac-secret-file": 67,
                "use-prow-assignments": 68,
                "allow-all": 69,
                "create-issue-on-conflict": 70,
            }),
            ...GITHUB,
        ],
        files: [],
    }),
    release("exporter", {
        listens: [health("prow/cmd/exporter/main.go", "81,106"), pprof("prow/cmd/exporter/main.go", 80)],
        flags: [
            ...flags("prow/cmd/exporter/main.go", { "config-path": 45 }),
            ...KUBERNETES,
            ...INSTRUMENTATION,
        ],
        files: [],
    }),
    release("branchprotector", {
        listens: [],
        flags: [
            ...flags("prow/cmd/branchprotector/protect.go", {
                "config-path": 71,
                "job-config-path": 72,
                confirm: 73,
                "verify-restrictions": 74,
                tokens: 75,
                "token-burst": 76,
            }),
            ...GITHUB,
        ],
        files: [],
    }),
    release("label_sync", {
        listens: [],
        flags: flags("label_sync/main.go", {
            debug: 122,
            confirm: 123,
            "graphql-endpoint": 125,
            config: 126,
            only: 127,
            orgs: 128,
            skip: 129,
            token: 130,
            action: 131,
            "css-template": 132,
            "css-output": 133,
            "docs-template": 134,
            "docs-output": 135,
            tokens: 136,
            "token-burst": 137,
            endpoint: 141,
        }),
        files: [],
    }),
];

/** An image of systems.md §3 whose source at the deployed version was not read, and why. */
function unread(image: string, version: string, repo: string, commit: string, why: string): ImageEvidence {
    return { image, version, source: { repo, commit }, facts: { state: "unread", why } };
}

const PROJECT_INFRA = "kubevirt/project-infra";
const REHEARSE = "external-plugins/rehearse/plugin/main.go";
const atInfra = (path: string, lines: string | number): string => `${PROJECT_INFRA}@145ec5a:${path}:${lines}`;

/** KubeVirt's rehearse plugin: its tag names the project-infra commit it was built from (145ec5a). */
const REHEARSE_IMAGE: ImageEvidence = {
    image: "index.docker.io/kubevirtci/rehearse",
    version: "v20201021-145ec5a",
    source: { repo: PROJECT_INFRA, commit: "145ec5a0081261e7bf7b56114d9e04707f65ac3a" },
    facts: {
        state: "read",
        // Serves the webhook on --endpoint (/) of --port (9900); no health endpoint.
        listens: [
            { port: 9900, serves: "the external plugin's webhook", at: atInfra(REHEARSE, "73-76,167-170") },
        ],
        flags: [
            ...Object.entries({
                port: 74,
                endpoint: 78,
                "dry-run": 82,
                "hmac-secret-file": 86,
                kubeconfig: 90,
                "prow-config-path": 94,
                "jobs-config-base": 98,
                "jobs-namespace": 102,
                "always-run": 106,
                "cache-dir": 110,
            }).map(([name, line]) => ({ name, at: atInfra(REHEARSE, line) })),
            // GitHubOptions of the test-infra its go.mod pins (v0.0.0-20200714015921-96801a40ed66), added at line 113.
            ...Object.entries({
                "github-host": 50,
                "github-endpoint": 52,
                "github-graphql-endpoint": 53,
                "github-token-path": 54,
            }).map(([name, line]) => ({
                name,
                at: `${TEST_INFRA}@96801a40ed66:prow/flagutil/github.go:${line}`,
            })),
        ],
        env: NO_ENV,
        files: [],
    },
};

const OTHER_IMAGES: ImageEvidence[] = [
    REHEARSE_IMAGE,
    unread(
        "gcr.io/k8s-testimages/greenhouse",
        "sha256:ab1a3421cc3c072a813d8543735f218ca6caa811011391a0e5b00104700e6e7b",
        TEST_INFRA,
        "unknown",
        "pinned by digest; no source records which test-infra commit built it (greenhouse/main.go at a5b49bc903 serves the cache on --cache-port 8080 and /prometheus on --metrics-port 9090, lines 50-51,88-105, but that is not this build)",
    ),
    unread(
        "index.docker.io/kubevirtci/release-blocker",
        "sha256:aa89a48eca962ba63f089e7f923d56540c85fbbe34ccc324c3c733137195f0e4",
        "kubevirt/project-infra",
        "unknown",
        "pinned by digest; no source records which kubevirt/project-infra commit built it",
    ),
    unread(
        "k8s.gcr.io/gcsweb",
        "v1.1.0",
        "kubernetes/k8s.io",
        "unknown",
        "no source found that maps the v1.1.0 tag to a commit",
    ),
    unread(
        "registry",
        "2.7.1",
        "distribution/distribution",
        "v2.7.1",
        "not read yet (registry/handlers at v2.7.1)",
    ),
    unread(
        "prom/pushgateway",
        "v0.4.0",
        "prometheus/pushgateway",
        "v0.4.0",
        "not read yet (main.go at v0.4.0)",
    ),
    unread(
        "nginxinc/nginx-unprivileged",
        "1.19.3-alpine",
        "nginxinc/docker-nginx-unprivileged",
        "unknown",
        "serves what its ConfigMap says (the program's pushgateway-proxy-config, components/prow/documents.ts); the image's source was not read",
    ),
];

/** The evidence of every image the Prow system runs. */
export const PROW_EVIDENCE: EvidenceTable = {
    file: "components/prow/evidence.ts",
    images: [...RELEASE_IMAGES, ...OTHER_IMAGES],
};
