import type { SourcedImage } from "../shared/confirmedImages";

import { RUNBOOK_RELEASE } from "./release";
const PROW_TABLE = `systems.md §3 table "image (test-infra tag ${RUNBOOK_RELEASE} unless noted)", kubevirt/project-infra@145ec5a00`;

/**
 * Every reference systems.md's Prow table names exactly (repository and tag), each with where: what confirms a Prow
 * image without a digest (components/shared/confirmedImages.ts).
 */
export const PROW_SOURCED_IMAGES: readonly SourcedImage[] = [
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
    ].map((name) => ({ image: `gcr.io/k8s-prow/${name}:${RUNBOOK_RELEASE}`, source: PROW_TABLE })),
    { image: "k8s.gcr.io/gcsweb:v1.1.0", source: "systems.md §3 table, row gcsweb" },
    { image: "registry:2.7.1", source: "systems.md §3 table, row docker-mirror" },
    { image: "prom/pushgateway:v0.4.0", source: "systems.md §3 table, row pushgateway + pushgateway-proxy" },
];
