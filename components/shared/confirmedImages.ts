import { isSha256Digest, parseImageRef } from "./imageRef";
import { memoByString } from "./memo";

// The one rule that decides whether an image reference is confirmed: pinned by a digest (the digest an operator read
// from the running pods or the registry is the confirmation), or named exactly by a source the runbooks point to. A
// tag in a stack file is otherwise a guess: production runs no guess (components/config/passes/systems.ts stops
// `pulumi up` on it), stage may try one and is told so.

/** A reference a source names, with the line that names it. */
export interface SourcedImage {
    image: string;
    source: string;
}

const PROW_RELEASE = "v20201020-a5b49bc903";
const PROW_TABLE = `systems.md §3 table "image (test-infra tag ${PROW_RELEASE} unless noted)", kubevirt/project-infra@145ec5a00`;
const PACKIT_STREAMS =
    'runbook 001 "Manually import a newer image": oc import-image is/packit-{service|service-fedmsg|worker|dashboard|service-centosmsg}:<deployment>, and "Production vs. Staging images" (:stg, :prod)';
const station = (image: string, line: number): SourcedImage => ({
    image,
    source: `thoth-station.md:${line}`,
});

/**
 * Every reference a runbook, systems.md or thoth-station.md names exactly (repository and tag), each with where. Tags
 * a source names only as a range (Dgraph "v1.0.13–v1.0.15") or not at all (a repository without a tag) are not here.
 */
export const SOURCED_IMAGES: readonly SourcedImage[] = [
    // Thoth station (the test environment of the prod stack, stage of the stage stack): thoth-application@f2cf35f.
    station("quay.io/thoth-station/user-api:v0.35.12", 142),
    station("quay.io/thoth-station/user-api:v0.35.10", 131),
    station("quay.io/thoth-station/management-api:v0.18.11", 125),
    station("quay.io/thoth-station/amun-api:v0.10.6", 111),
    station("quay.io/thoth-station/investigator:v0.17.0", 121),
    station("quay.io/thoth-station/metrics-exporter:v0.21.4", 126),
    station("quay.io/argoproj/argocli:v2.12.5", 112),
    station("quay.io/argoproj/workflow-controller:v2.12.5", 113),
    station("quay.io/argoproj/argoexec:v2.12.5", 497),
    station("quay.io/thoth-station/postgres-exporter:v0.3.1", 117),
    station("quay.io/thoth-station/advise-reporter:v0.11.3", 759),
    station("quay.io/thoth-station/cve-update-job:v0.5.7", 760),
    station("quay.io/thoth-station/document-sync-job:v0.1.0", 774),
    station("quay.io/thoth-station/graph-backup-job:v0.10.1", 762),
    station("quay.io/thoth-station/graph-metrics-exporter:v0.6.5", 763),
    station("quay.io/thoth-station/graph-refresh-job:v0.3.22", 764),
    station("quay.io/thoth-station/integration-tests:v0.11.5", 765),
    station("quay.io/thoth-station/mi-scheduler:v1.7.9", 766),
    station("quay.io/thoth-station/package-releases-job:v0.11.11", 769),
    station("quay.io/thoth-station/package-update-job:v0.8.17", 770),
    station("quay.io/thoth-station/pulp-pypi-sync-job:v0.1.1", 771),
    station("quay.io/thoth-station/slo-reporter:v0.19.3", 772),
    station("quay.io/thoth-station/prescriptions-refresh-job:v0.8.0", 1262),
    // The catalog's ImageStreams (Appendix A).
    station("quay.io/thoth-station/adviser:v0.56.3", 1236),
    station("quay.io/thoth-station/graph-sync-job:v0.11.1", 1247),
    station("quay.io/thoth-station/kebechet-job:v1.11.2", 1251),
    station("quay.io/thoth-station/messaging:v0.16.2", 1254),
    station("quay.io/thoth-station/mi:v2.12.0", 1256),
    station("quay.io/thoth-station/package-extract:v1.3.1", 1258),
    station("quay.io/thoth-station/purge-job:v0.1.0", 1265),
    station("quay.io/thoth-station/revsolver:v0.2.13", 1266),
    station("quay.io/thoth-station/s2i-thoth-ubi8-py36:v0.15.0", 1267),
    station("quay.io/thoth-station/si-aggregator:v0.2.0", 1268),
    station("quay.io/thoth-station/si-bandit:v0.2.1", 1269),
    station("quay.io/thoth-station/si-cloc:v0.2.0", 1270),
    station("quay.io/thoth-station/solver-fedora-34-py39:v1.15.0", 1273),
    station("quay.io/thoth-station/solver-fedora-35-py310:v1.15.0", 1274),
    station("quay.io/thoth-station/solver-rhel-8-py36:v1.15.0", 1275),
    station("quay.io/thoth-station/solver-rhel-8-py38:v1.15.0", 1276),
    station("quay.io/thoth-station/thoth-toolbox:v0.6.0", 1278),
    station("quay.io/thoth-station/workflow-helpers:v0.9.16", 1281),
    // Packit's own images: the deployment tags the runbook imports (moving tags by design: runbook 001 imports them).
    ...[
        "packit-service",
        "packit-worker",
        "packit-service-fedmsg",
        "packit-service-centosmsg",
        "dashboard",
    ].flatMap((name) =>
        ["stg", "prod"].map((tag) => ({ image: `quay.io/packit/${name}:${tag}`, source: PACKIT_STREAMS })),
    ),
    ...["stg", "prod"].map((tag) => ({
        image: `quay.io/packit/tokman:${tag}`,
        source: 'systems.md §2: "Images `quay.io/packit/<name>:<deployment>`" and its tokman row',
    })),
    // KubeVirt Prow (kubevirt/project-infra github/ci/prow-deploy/kustom at the commit systems.md names).
    ...[
        "deck",
        "hook",
        "plank",
        "crier",
        "tide",
        "horologium",
        "sinker",
        "status-reconciler",
        "ghproxy",
        "needs-rebase",
        "cherrypicker",
        "exporter",
        "branchprotector",
        "label_sync",
    ].map((name) => ({ image: `gcr.io/k8s-prow/${name}:${PROW_RELEASE}`, source: PROW_TABLE })),
    { image: "k8s.gcr.io/gcsweb:v1.1.0", source: "systems.md §3 table, row gcsweb" },
    { image: "registry:2.7.1", source: "systems.md §3 table, row docker-mirror" },
    { image: "prom/pushgateway:v0.4.0", source: "systems.md §3 table, row pushgateway + pushgateway-proxy" },
];

/**
 * A reference as a registry serves it, so one image has one spelling: Docker Hub's host and `library/` filled in
 * (`registry:2.7.1` = `docker.io/library/registry:2.7.1` = `index.docker.io/library/registry:2.7.1`).
 */
export const canonicalImage = memoByString(spelledAsServed);

function spelledAsServed(image: string): string {
    const { registry: host, repository, tag, digest } = parseImageRef(image.trim());
    const hub =
        host === undefined ||
        host === "docker.io" ||
        host === "index.docker.io" ||
        host === "registry-1.docker.io";
    const registry = hub ? "docker.io" : host;
    const path = hub && !repository.includes("/") ? `library/${repository}` : repository;
    return `${registry}/${path}${tag !== undefined ? `:${tag}` : ""}${digest !== undefined ? `@${digest}` : ""}`;
}

const SOURCED = new Map(SOURCED_IMAGES.map((s) => [canonicalImage(s.image), s.source]));

/** What confirms an image: its digest, or the source that names it; undefined when nothing does. */
export function confirmation(image: string): string | undefined {
    const { digest } = parseImageRef(image.trim());
    if (digest !== undefined) return isSha256Digest(digest) ? "pinned by digest" : undefined;
    return SOURCED.get(canonicalImage(image));
}

export function isConfirmedImage(image: string): boolean {
    return confirmation(image) !== undefined;
}
