import type { SourcedImage } from "../shared/confirmedImages";

const station = (image: string, line: number): SourcedImage => ({
    image,
    source: `thoth-station.md:${line}`,
});

/**
 * Every reference thoth-station.md names exactly (repository and tag), each with its line: what confirms a Thoth image
 * without a digest (components/shared/confirmedImages.ts). Tags it names only as a range (Dgraph "v1.0.13–v1.0.15")
 * or not at all (a repository without a tag) are not here.
 */
export const THOTH_SOURCED_IMAGES: readonly SourcedImage[] = [
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
];
