import type { FlagFact, ImageEvidence } from "../../shared/evidence/types";
import { unreadImage } from "../../shared/evidence/unread";
import { ORIGIN_CLI_EVIDENCE } from "../../shared/originCliEvidence";
import { Source, at, readImage, reads } from "./sources";

// What the station runs beside its own modules: Argo Workflows v2.12.5, Dgraph, PostgreSQL with pgbouncer and its
// exporter, and the oc image of the watcher restart.

const ARGO = { repo: "argoproj/argo-workflows", commit: "53f022c3f740b5a8636d74873462011702403e42" };
const flagsAt = (source: Source, path: string, spec: Record<string, number>): FlagFact[] =>
    Object.entries(spec).map(([name, line]) => ({ name, at: at(source, path, line) }));

// The kubectl override flags argoproj/pkg's kube/cli adds to both commands (clientcmd) are not listed: nothing here
// passes one, and a container that did would fail the check until they are read.

/** workflow-controller: its metrics server listens where workflow-controller-configmap's metricsConfig says. */
const WORKFLOW_CONTROLLER = readImage("quay.io/argoproj/workflow-controller", "v2.12.5", ARGO, {
    listens: [
        {
            port: 8080,
            serves: "Prometheus metrics (promhttp) on metricsConfig.port/path; 8080 and /metrics are what the program's workflow-controller-configmap sets (unset: 9090, metrics.go:18)",
            health: ["/metrics"],
            at: at(ARGO, "workflow/controller/controller.go", "896-910"),
        },
    ],
    flags: flagsAt(ARGO, "cmd/workflow-controller/main.go", {
        configmap: 97,
        "executor-image": 98,
        "executor-image-pull-policy": 99,
        "container-runtime-executor": 100,
        loglevel: 101,
        gloglevel: 102,
        "workflow-workers": 103,
        "workflow-ttl-workers": 104,
        "pod-workers": 105,
        burst: 106,
        qps: 107,
        namespaced: 108,
        "managed-namespace": 109,
    }),
});

/** argocli (`argo server`): plain HTTP unless --secure (default false at v2.12), the UI's static files on `/`. */
const ARGO_SERVER = readImage("quay.io/argoproj/argocli", "v2.12.5", ARGO, {
    listens: [
        {
            port: 2746,
            serves: "the Argo API (gRPC and HTTP) and UI, plain HTTP without --secure",
            health: ["/"],
            at: at(ARGO, "server/apiserver/argoserver.go", "171-175,294"),
        },
    ],
    flags: [
        ...flagsAt(ARGO, "cmd/argo/commands/server.go", {
            port: 130,
            basehref: 135,
            secure: 137,
            hsts: 138,
            "auth-mode": 139,
            configmap: 140,
            namespaced: 141,
            "managed-namespace": 142,
            browser: 143,
            "event-operation-queue-size": 144,
            "event-worker-count": 145,
            "x-frame-options": 146,
        }),
        ...flagsAt(ARGO, "cmd/argo/commands/root.go", { loglevel: 129, gloglevel: 130, verbose: 131 }),
    ],
});

/**
 * argoexec: the controller puts it into every workflow pod (wait, init, resource). Its image has no USER
 * (Dockerfile:49,118-123: debian-slim, root), so it runs non-root only where the pod's securityContext or the
 * platform (OpenShift's restricted SCC) assigns a user; the controller's executor.securityContext asks runAsNonRoot.
 */
const ARGO_EXEC = readImage("quay.io/argoproj/argoexec", "v2.12.5", ARGO, { listens: [] });

const DGRAPH = { repo: "dgraph-io/dgraph", commit: "ff5ee1e27df1a0d8adcaeec588382a9d37cc44e3" };
const DGRAPH_CONFIG = {
    repo: "thoth-station/dgraph-thoth-config",
    commit: "1979d32aed5b164337c30b2af5f5146f61a2d540",
};

/**
 * Dgraph v1.0.15: `dgraph zero` and `dgraph alpha` from one image, each started by a bash command the program gives
 * (so their flags are read here, and checked in dgraphCommands' own test, not by the replay).
 */
const DGRAPH_IMAGE = readImage("docker.io/dgraph/dgraph", "v1.0.15", DGRAPH, {
    listens: [
        {
            port: 5080,
            serves: "zero: gRPC (cluster membership)",
            at: at(DGRAPH, "dgraph/cmd/zero/run.go", 208),
        },
        {
            port: 6080,
            serves: "zero: HTTP (/state, /assign...)",
            at: at(DGRAPH, "dgraph/cmd/zero/run.go", 212),
        },
        {
            port: 7080,
            serves: "alpha: internal gRPC between alphas and zero",
            at: at(DGRAPH, "worker/worker.go", 50),
        },
        {
            port: 8080,
            serves: "alpha: HTTP (/query, /mutate, /alter, /admin...), TLS with --tls_dir",
            health: ["/health"],
            at: at(DGRAPH, "dgraph/cmd/alpha/run.go", "352,369"),
        },
        {
            port: 9080,
            serves: "alpha: gRPC clients, TLS with --tls_dir",
            at: at(DGRAPH, "dgraph/cmd/alpha/run.go", 357),
        },
    ],
    flags: [
        ...flagsAt(DGRAPH, "dgraph/cmd/zero/run.go", { idx: 83, replicas: 84, peer: 86 }),
        ...flagsAt(DGRAPH, "dgraph/cmd/alpha/run.go", { whitelist: 116, my: 122, zero: 124, lru_mb: 144 }),
        {
            name: "tls_dir",
            at: at(DGRAPH, "x/tls_helper.go", 58),
            requires: "ca.crt, node.crt and node.key in it",
        },
    ],
    // `my` is defined by both subcommands (zero/run.go:79, alpha/run.go:122). Dgraph reads no variable of the pod; the HA layout's own command expands POD_NAMESPACE into zero-0's address,
    // as the reference's StatefulSets do.
    env: reads(DGRAPH_CONFIG, { POD_NAMESPACE: "openshift/dgraph-zero.yaml:123,138" }, ["POD_NAMESPACE"]),
    files: [
        { name: "<tls_dir>/ca.crt", at: at(DGRAPH, "x/tls_helper.go", "41,66") },
        { name: "<tls_dir>/node.crt", at: at(DGRAPH, "dgraph/cmd/alpha/run.go", "60,470") },
        { name: "<tls_dir>/node.key", at: at(DGRAPH, "dgraph/cmd/alpha/run.go", "61,470") },
    ],
});

/**
 * rhscl/postgresql-10-rhel7 `1`: a moving tag of Red Hat's build of sclorg/postgresql-container 10/Dockerfile.rhel7,
 * whose last source is the commit before the RHEL 7 build was dropped (8063db8, 2024-07-02).
 */
const PG_CONTAINER = {
    repo: "sclorg/postgresql-container",
    commit: "d741d4742739f9a2aae7484e15f90b34e39b040b",
    moving: { branch: "master", resolved: "2024-07-02" },
};
const POSTGRESQL = readImage("registry.access.redhat.com/rhscl/postgresql-10-rhel7", "1", PG_CONTAINER, {
    listens: [{ port: 5432, serves: "PostgreSQL", at: at(PG_CONTAINER, "10/Dockerfile.rhel7", 38) }],
    // run-postgresql (Dockerfile.rhel7:99) checks the three together (common.sh:64-69) and creates them (236-237).
    env: reads(PG_CONTAINER, {
        POSTGRESQL_USER: "10/root/usr/share/container-scripts/postgresql/common.sh:64-68",
        POSTGRESQL_PASSWORD: "10/root/usr/share/container-scripts/postgresql/common.sh:64-66",
        POSTGRESQL_DATABASE: "10/root/usr/share/container-scripts/postgresql/common.sh:64-69",
    }),
});

/** The evidence of what the station runs beside its modules. */
export const PLATFORM_IMAGES: ImageEvidence[] = [
    WORKFLOW_CONTROLLER,
    ARGO_SERVER,
    ARGO_EXEC,
    DGRAPH_IMAGE,
    POSTGRESQL,
    // The watcher restart's kubectl: one reading, shared with packit and stream.
    ORIGIN_CLI_EVIDENCE,
    unreadImage(
        "quay.io/openshiftio/bayesian-coreapi-pgbouncer",
        "to-be-pinned",
        { repo: "fabric8-analytics/fabric8-analytics-pgbouncer", commit: "unknown" },
        "the stacks pin no version (to-be-pinned), so no commit can be read for it; the repository's head (64555c7, 2023-03-14) listens on 5432 and reads POSTGRESQL_USER, _PASSWORD, _DATABASE and POSTGRES_SERVICE_HOST (run-pgbouncer.sh:3-30, Dockerfile:14), which is what the plan gives it",
    ),
    unreadImage(
        "quay.io/thoth-station/postgres-exporter",
        "v0.3.1",
        { repo: "thoth-station/postgres-exporter", commit: "v0.3.1" },
        "thoth-station/postgres-exporter could not be read here (no snapshot, not in the index), so its /liveness and /readiness probes on 9187 are unchecked; upstream postgres_exporter answers every path it does not route with its landing page (prometheus-community/postgres_exporter@v0.8.0 cmd/postgres_exporter/postgres_exporter.go:1667), but which one this image builds is not known",
    ),
];
