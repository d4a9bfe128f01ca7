import { unreadImage } from "../shared/evidence/unread";
import type { EvidenceTable } from "../shared/evidence/verdicts";

// The images the dials system runs, by version. None of their sources has been read yet (issue 51 item 1): each entry
// says so, the evidence replay (test/evidence) lists their containers as unread, and nothing about them is checked.

const RESOLVED = "2026-11-25";

/** The evidence of every image the dials system runs. */
export const DIALS_EVIDENCE: EvidenceTable = {
    file: "components/dials/evidence.ts",
    images: [
        unreadImage(
            "image-registry.openshift-image-registry.svc:5000/cms-dials-prod/backend",
            "v1.8.0",
            { repo: "cms-DQM/dials", commit: "v1.8.0" },
            "not read yet (the release's ImageStream in the namespace; cms-DQM/dials at v1.8.0)",
        ),
        unreadImage(
            "image-registry.openshift-image-registry.svc:5000/cms-dials-prod/etl",
            "v1.8.0",
            { repo: "cms-DQM/dials", commit: "v1.8.0" },
            "not read yet (the release's ImageStream in the namespace; cms-DQM/dials at v1.8.0)",
        ),
        unreadImage(
            "image-registry.openshift-image-registry.svc:5000/cms-dials-prod/frontend",
            "v1.8.0",
            { repo: "cms-DQM/dials", commit: "v1.8.0" },
            "not read yet (the release's ImageStream in the namespace; cms-DQM/dials at v1.8.0)",
        ),
        unreadImage(
            "image-registry.openshift-image-registry.svc:5000/cms-dials-prod/nginx-unprivileged",
            "1.27.4-alpine",
            { repo: "nginxinc/docker-nginx-unprivileged", commit: "1.27.4-alpine" },
            "not read yet",
        ),
        unreadImage(
            "image-registry.openshift-image-registry.svc:5000/cms-dials-stage/backend",
            "v1.8.0",
            { repo: "cms-DQM/dials", commit: "v1.8.0" },
            "not read yet (the release's ImageStream in the namespace; cms-DQM/dials at v1.8.0)",
        ),
        unreadImage(
            "image-registry.openshift-image-registry.svc:5000/cms-dials-stage/etl",
            "v1.8.0",
            { repo: "cms-DQM/dials", commit: "v1.8.0" },
            "not read yet (the release's ImageStream in the namespace; cms-DQM/dials at v1.8.0)",
        ),
        unreadImage(
            "image-registry.openshift-image-registry.svc:5000/cms-dials-stage/frontend",
            "v1.8.0",
            { repo: "cms-DQM/dials", commit: "v1.8.0" },
            "not read yet (the release's ImageStream in the namespace; cms-DQM/dials at v1.8.0)",
        ),
        unreadImage(
            "image-registry.openshift-image-registry.svc:5000/cms-dials-stage/nginx-unprivileged",
            "1.27.4-alpine",
            { repo: "nginxinc/docker-nginx-unprivileged", commit: "1.27.4-alpine" },
            "not read yet",
        ),
        unreadImage(
            "quay.io/sclorg/redis-7-c9s",
            "c9s",
            {
                repo: "sclorg/redis-container",
                commit: "unresolved",
                moving: { branch: "unresolved", resolved: RESOLVED },
            },
            "not read yet",
        ),
        unreadImage(
            "registry.cern.ch/cms-dqmdc/dials-etl",
            "v1.8.0",
            { repo: "cms-DQM/dials", commit: "v1.8.0" },
            "not read yet (the external build the etl ImageStream imports)",
        ),
        unreadImage(
            "registry.cern.ch/cms-dqmdc/dials-backend",
            "v1.8.0",
            { repo: "cms-DQM/dials", commit: "v1.8.0" },
            "not read yet (the external build the backend ImageStream imports)",
        ),
        unreadImage(
            "registry.cern.ch/cms-dqmdc/dials-frontend",
            "v1.8.0",
            { repo: "cms-DQM/dials", commit: "v1.8.0" },
            "not read yet (the external build the frontend ImageStream imports)",
        ),
        unreadImage(
            "docker.io/nginxinc/nginx-unprivileged",
            "1.27.4-alpine",
            { repo: "nginxinc/docker-nginx-unprivileged", commit: "1.27.4-alpine" },
            "not read yet",
        ),
    ],
};
