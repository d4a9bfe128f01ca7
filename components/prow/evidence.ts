import type { FlagFact, ImageEvidence, Listener, NamedFact, ReadFacts } from "../shared/evidence/types";
import type { EvidenceTable } from "../config/evidenceVerdicts";
import { RUNBOOK_RELEASE } from "./release";

// What kubernetes/test-infra at the release the stacks pin (v20201020-a5b49bc903 = commit a5b49bc903) says of each
// Prow binary the program runs, read from prow/cmd/<name>/main.go and the option groups they add; and of the other
// images of systems.md §3 where their source could be read. Facts carried over with their lines, no code.

const RELEASE = RUNBOOK_RELEASE;
const TEST_INFRA = "kubernetes/test-infra";
const COMMIT = "a5b49bc903d6496a23e1b383c1f5d843091c8cf6";
const at = (path: string, lines: string | number): string => `${TEST_INFRA}@a5b49bc903:${path}:${lines}`;
/** Each flag of `spec` (name → line), where `place` puts its line. */
const flagsAt = (place: (line: number) => string, spec: Record<string, number>): FlagFact[] =>
    Object.entries(spec).map(([name, line]) => ({ name, at: place(line) }));
const flags = (path: string, spec: Record<string, number>): FlagFact[] =>
    flagsAt((line) => at(path, line), spec);

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

/** A binary of the release; none of them opens a file of its own unless `files` says so. */
function release(
    name: string,
    facts: Omit<ReadFacts, "state" | "env" | "files"> & { env?: NamedFact[]; files?: NamedFact[] },
): ImageEvidence {
    return {
        image: `gcr.io/k8s-prow/${name}`,
        version: RELEASE,
        source: { repo: TEST_INFRA, commit: COMMIT },
        facts: { state: "read", env: NO_ENV, ...facts, files: facts.files ?? [] },
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
    }),
    release("exporter", {
        listens: [health("prow/cmd/exporter/main.go", "81,106"), pprof("prow/cmd/exporter/main.go", 80)],
        flags: [
            ...flags("prow/cmd/exporter/main.go", { "config-path": 45 }),
            ...KUBERNETES,
            ...INSTRUMENTATION,
        ],
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
            ...flagsAt((line) => atInfra(REHEARSE, line), {
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
            }),
            // GitHubOptions of the test-infra its go.mod pins (v0.0.0-20200714015921-96801a40ed66), added at line 113.
            ...flagsAt((line) => `${TEST_INFRA}@96801a40ed66:prow/flagutil/github.go:${line}`, {
                "github-host": 50,
                "github-endpoint": 52,
                "github-graphql-endpoint": 53,
                "github-token-path": 54,
            }),
        ],
        env: NO_ENV,
        files: [],
    },
};

/** `owner/repo@commit` → a function naming `path:lines` there. */
const atIn =
    (repoAt: string) =>
    (path: string, lines: string | number): string =>
        `${repoAt}:${path}:${lines}`;

/**
 * KubeVirt's release-blocker plugin, pinned by digest. Its Makefile's `push` target (lines 15-17) runs the bazel
 * `container_push` of external-plugins/release-blocker (BUILD.bazel:37-43, index.docker.io/kubevirtci/release-blocker)
 * and then update-job-with-latest-release-blocker-image.sh, which pulls the pushed `latest` and writes its digest into
 * github/ci/prow/templates/release-blocker_deployment.yaml (script lines 4-8): the digest the stacks pin first appears
 * there (line 20) in 74c488d (PR #451, 2020-06-24), the squash of the branch it was pushed from. Nothing under
 * external-plugins/release-blocker or the vendored prow/flagutil changed from there to 145ec5a, where the kustomize
 * base took the pin over. The image was built from the PR branch's working tree, which the squash commit holds.
 */
const atBlocker = atIn(`${PROJECT_INFRA}@74c488d`);
const BLOCKER = "external-plugins/release-blocker/main.go";
const RELEASE_BLOCKER_IMAGE: ImageEvidence = {
    image: "index.docker.io/kubevirtci/release-blocker",
    version: "sha256:aa89a48eca962ba63f089e7f923d56540c85fbbe34ccc324c3c733137195f0e4",
    source: { repo: PROJECT_INFRA, commit: "74c488d4635093bad9a0cc91699d33dc0d1e5527" },
    facts: {
        state: "read",
        // The webhook (and /help of the plugin help) on --port; no health endpoint: `/` is the webhook itself.
        listens: [
            { port: 8888, serves: "the external plugin's webhook", at: atBlocker(BLOCKER, "46,110-115") },
        ],
        // Its own FlagSet: no --plugin-config, no --labels (the options field is never registered).
        flags: [
            ...flagsAt((line) => atBlocker(BLOCKER, line), {
                port: 46,
                "dry-run": 47,
                "hmac-secret-file": 48,
            }),
            // GitHubOptions of the vendored test-infra (go.mod:15, v0.0.0-20200519204219-34a27f5e6d4e), main.go:49-51.
            ...flagsAt((line) => atBlocker("vendor/k8s.io/test-infra/prow/flagutil/github.go", line), {
                "github-host": 48,
                "github-endpoint": 50,
                "github-graphql-endpoint": 51,
                "github-token-path": 52,
            }),
        ],
        env: NO_ENV,
        // The secret agent loads the token and the HMAC secret at start (main.go:68).
        files: [{ name: "/etc/webhook/hmac", at: atBlocker(BLOCKER, "48,68") }],
    },
};

/**
 * gcsweb v1.1.0: gcsweb/Makefile sets `VERSION := v1.1.0` (line 28) from e29358aaea, merged with the
 * -upgrade-proxied-http-to-https option (6527eb5f06) as 7d1d63c8a1 (PR #11176, 2019-02-07), and pushes
 * staging-k8s.gcr.io/gcsweb:$(VERSION), promoted to k8s.gcr.io. The version never moved again until the Makefile was
 * removed (a4c6603056, 2020-04-02; the bazel image after it pushes gcr.io/k8s-prow/gcsweb with dated tags), and
 * gcsweb/cmd and gcsweb/pkg are identical over that range: every build tagged v1.1.0 is this source.
 */
const atGcsweb = atIn(`${TEST_INFRA}@7d1d63c8a1`);
const GCSWEB = "gcsweb/cmd/gcsweb/gcsweb.go";
const GCSWEB_IMAGE: ImageEvidence = {
    image: "k8s.gcr.io/gcsweb",
    version: "v1.1.0",
    source: { repo: TEST_INFRA, commit: "7d1d63c8a1c05760767cfc8b27579d33789c2236" },
    facts: {
        state: "read",
        listens: [
            {
                port: 8080,
                serves: "/gcs/<bucket>/ for each -b bucket, /icons/, /styles/, /robots.txt",
                // /healthz answers `ok` to a GET, never redirected to https (lines 133-142).
                health: ["/healthz"],
                at: atGcsweb(GCSWEB, "44,112,116,133-142"),
            },
        ],
        flags: flagsAt((line) => atGcsweb(GCSWEB, line), {
            p: 44,
            i: 45,
            s: 46,
            version: 47,
            "upgrade-proxied-http-to-https": 48,
            b: 74,
        }),
        env: NO_ENV,
        // The icons and styles the image adds (gcsweb/Dockerfile.in:23-24), at the -i and -s defaults.
        files: [
            { name: "/icons", at: atGcsweb("gcsweb/Dockerfile.in", 23) },
            { name: "/styles", at: atGcsweb("gcsweb/Dockerfile.in", 24) },
        ],
    },
};

/**
 * The Docker Hub `registry:2.7.1` image: distribution v2.7.1's `registry` binary in
 * distribution/distribution-library-image's amd64/ at b804bcd ("Update registry to 2.7.1"): ENTRYPOINT
 * docker-entrypoint.sh, which turns a first argument ending in .yml into `registry serve <it>`, and CMD
 * /etc/docker/registry/config.yml (amd64/Dockerfile:9,15,17; docker-entrypoint.sh:5-8). Its later rebuilds of the tag
 * changed only the Alpine base.
 */
const atRegistry = atIn("distribution/distribution@2461543d98");
const atLibrary = atIn("distribution/distribution-library-image@b804bcd6a4");
const REGISTRY_IMAGE: ImageEvidence = {
    image: "docker.io/library/registry",
    version: "2.7.1",
    source: { repo: "distribution/distribution", commit: "2461543d988979529609e8cb6fca9ca190dc48da" },
    facts: {
        state: "read",
        listens: [
            {
                // http.addr of the config: :5000 in the image's config and in the program's mirror-config.
                port: 5000,
                serves: "the registry API (/v2/), here a pull-through cache (proxy.remoteurl)",
                // `/` answers 200 (alive, registry.go:110, 357-368) behind health.Handler, which answers 503 to every
                // request while a registered check (health.storagedriver of the config) fails (registry.go:111,
                // health/health.go:262-272, registry/handlers/app.go:353-370).
                health: ["/"],
                at: atRegistry("registry/registry.go", "110-111,132"),
            },
            // No debug listener (/debug/health, pprof, metrics): only with http.debug.addr (registry.go:54-61), which
            // the program's config does not set.
        ],
        // `registry serve <config>` defines no flag (registry.go:38-81); only the root command has --version
        // (registry/root.go:22), and the container's arguments go to `serve`.
        flags: [],
        // Any REGISTRY_<SECTION>_<KEY> overrides the config's key (configuration/parser.go:91-96,110-136); the
        // program sets none.
        env: [{ name: "REGISTRY_CONFIGURATION_PATH", at: atRegistry("registry/registry.go", "374-375") }],
        files: [
            { name: "/etc/docker/registry/config.yml", at: atLibrary("amd64/Dockerfile", "9,17") },
            // storage.filesystem.rootdirectory of the config; a VOLUME of the image.
            { name: "/var/lib/registry", at: atLibrary("amd64/Dockerfile", 11) },
        ],
    },
};

/** prom/pushgateway v0.4.0 (tag v0.4.0 = 6ceb4a19fa, 2017-06-09): ENTRYPOINT /bin/pushgateway (Dockerfile:8). */
const atPushgateway = atIn("prometheus/pushgateway@6ceb4a19fa");
const PUSHGATEWAY_IMAGE: ImageEvidence = {
    image: "docker.io/prom/pushgateway",
    version: "v0.4.0",
    source: { repo: "prometheus/pushgateway", commit: "6ceb4a19fa85ac2d6c2d386c144566fb1ede1f6c" },
    facts: {
        state: "read",
        listens: [
            {
                port: 9091,
                serves: "GET /metrics, the push API under /metrics/job/ (PUT, POST, DELETE), /static/, /debug/pprof/",
                // No /-/healthy or /-/ready at this version: the router has only the routes of main.go:70-100.
                health: ["/metrics", "/status", "/"],
                at: atPushgateway("main.go", "39,70-100,103"),
            },
        ],
        // Go's flag package (one or two dashes), and the two flags the vendored prometheus/common/log adds.
        flags: [
            ...flagsAt((line) => atPushgateway("main.go", line), {
                version: 38,
                "web.listen-address": 39,
                "web.telemetry-path": 40,
                "persistence.file": 41,
                "persistence.interval": 42,
            }),
            ...flagsAt((line) => atPushgateway("vendor/github.com/prometheus/common/log/log.go", line), {
                "log.level": 95,
                "log.format": 96,
            }),
        ],
        env: NO_ENV,
        // Opens a file only with -persistence.file (storage/diskmetricstore.go:262,269,285); without it (the
        // program's case) the pushed metrics live in memory and a restart drops them.
        files: [],
    },
};

/**
 * nginxinc/nginx-unprivileged:1.19.3-alpine: mainline/alpine at 097c32d ("Update mainline NGINX to 1.19.3",
 * 2020-10-08; the next change of mainline/ is 1.19.4), which the tag is built (and rebuilt) from.
 */
const atNginx = atIn("nginxinc/docker-nginx-unprivileged@097c32dafc");
const NGINX = "mainline/alpine";
const PUSHGATEWAY_PROXY_CONF =
    "kubevirt/project-infra@145ec5a:github/ci/prow-deploy/kustom/base/manifests/test_infra/e88598c4a7f86e0564a2d8b46ce5f729247791e6/pushgateway_deployment.yaml";
const NGINX_IMAGE: ImageEvidence = {
    image: "docker.io/nginxinc/nginx-unprivileged",
    version: "1.19.3-alpine",
    source: {
        repo: "nginxinc/docker-nginx-unprivileged",
        commit: "097c32dafcfc366ce6e2b0b9cd281650d2053485",
    },
    facts: {
        state: "read",
        listens: [
            {
                // The image's own conf.d/default.conf listens on 8080 (Dockerfile:112,127), but the program mounts
                // pushgateway-proxy-config over /etc/nginx/conf.d, which hides it: its default.conf listens on 8081
                // as KubeVirt's proxy config does (line 58), and adds `location = /healthz` answered by nginx itself
                // (components/prow/documents.ts pushgatewayProxyConf; test/prow/evidence.test.ts holds the two
                // together).
                port: 8081,
                serves: "pushgateway-proxy-config: GET proxied to the pushgateway Service, other methods denied",
                health: ["/healthz"],
                at: `${PUSHGATEWAY_PROXY_CONF}:57-65`,
            },
        ],
        // CMD ["nginx", "-g", "daemon off;"] (Dockerfile:133); the program passes no argument.
        flags: "none",
        env: Object.entries({
            NGINX_ENTRYPOINT_QUIET_LOGS: atNginx(`${NGINX}/docker-entrypoint.sh`, 6),
            NGINX_ENVSUBST_TEMPLATE_DIR: atNginx(`${NGINX}/20-envsubst-on-templates.sh`, 8),
            NGINX_ENVSUBST_TEMPLATE_SUFFIX: atNginx(`${NGINX}/20-envsubst-on-templates.sh`, 9),
            NGINX_ENVSUBST_OUTPUT_DIR: atNginx(`${NGINX}/20-envsubst-on-templates.sh`, 10),
        }).map(([name, at]) => ({ name, at })),
        files: [
            // A read-only conf.d is expected: the IPv6 script leaves a default.conf it cannot modify alone.
            {
                name: "/etc/nginx/conf.d/",
                at: atNginx(`${NGINX}/10-listen-on-ipv6-by-default.sh`, "7,15-21"),
            },
            // The pid file and every temp path are moved to /tmp for the unprivileged user.
            { name: "/tmp/", at: atNginx(`${NGINX}/Dockerfile`, "114-115") },
        ],
    },
};

const OTHER_IMAGES: ImageEvidence[] = [
    REHEARSE_IMAGE,
    RELEASE_BLOCKER_IMAGE,
    GCSWEB_IMAGE,
    REGISTRY_IMAGE,
    PUSHGATEWAY_IMAGE,
    NGINX_IMAGE,
    unread(
        "gcr.io/k8s-testimages/greenhouse",
        "sha256:ab1a3421cc3c072a813d8543735f218ca6caa811011391a0e5b00104700e6e7b",
        TEST_INFRA,
        "unknown",
        "pinned by digest alone, copied in by kubevirt/project-infra f7bca24cb (2019-02-13) without a tag; test-infra then deployed the moving gcr.io/k8s-testimages/greenhouse:latest (greenhouse/deployment.yaml) and greenhouse/BUILD.bazel has an image rule but no push target, so no file records when or from which commit this digest was pushed (greenhouse/main.go at a5b49bc903 serves the cache on --cache-port 8080 and /prometheus on --metrics-port 9090, lines 50-51,88-105, but that is not this build)",
    ),
];

/** The evidence of every image the Prow system runs. */
export const PROW_EVIDENCE: EvidenceTable = {
    file: "components/prow/evidence.ts",
    images: [...RELEASE_IMAGES, ...OTHER_IMAGES],
};
