import { unreadImage } from "../shared/evidence/unread";
import type { EvidenceTable } from "../shared/evidence/verdicts";

// The images the thoth system runs, by version. None of their sources has been read yet (issue 51 item 1): each entry
// says so, the evidence replay (test/evidence) lists their containers as unread, and nothing about them is checked.

/** The evidence of every image the thoth system runs. */
export const THOTH_EVIDENCE: EvidenceTable = {
    file: "components/thoth/evidence.ts",
    images: [
        unreadImage(
            "docker.io/dgraph/dgraph",
            "v1.0.15",
            { repo: "dgraph-io/dgraph", commit: "v1.0.15" },
            "not read yet",
        ),
        unreadImage(
            "quay.io/aicoe/normalizers",
            "v0.1.0",
            { repo: "AICoE/normalizers", commit: "v0.1.0" },
            "not read yet",
        ),
        unreadImage(
            "quay.io/aicoe/review-manager",
            "v0.1.0",
            { repo: "AICoE/review-manager", commit: "v0.1.0" },
            "not read yet",
        ),
        unreadImage(
            "quay.io/aicoe/sesheta",
            "v2.3.3",
            { repo: "AICoE/sesheta", commit: "v2.3.3" },
            "not read yet",
        ),
        unreadImage(
            "quay.io/aicoe/ultrahook",
            "v0.1.0",
            { repo: "AICoE/ultrahook", commit: "v0.1.0" },
            "not read yet",
        ),
        unreadImage(
            "quay.io/aicoe/webhook2kafka",
            "v0.1.0",
            { repo: "AICoE/webhook2kafka", commit: "v0.1.0" },
            "not read yet",
        ),
        unreadImage(
            "quay.io/argoproj/argocli",
            "v2.12.5",
            { repo: "argoproj/argo-workflows", commit: "v2.12.5" },
            "not read yet",
        ),
        unreadImage(
            "quay.io/argoproj/workflow-controller",
            "v2.12.5",
            { repo: "argoproj/argo-workflows", commit: "v2.12.5" },
            "not read yet",
        ),
        unreadImage(
            "quay.io/openshiftio/bayesian-coreapi-pgbouncer",
            "to-be-pinned",
            { repo: "unknown", commit: "to-be-pinned" },
            "to-be-pinned: a placeholder tag, nothing to read",
        ),
        unreadImage(
            "quay.io/thoth-station/advise-reporter",
            "v0.11.3",
            { repo: "thoth-station/advise-reporter", commit: "v0.11.3" },
            "not read yet",
        ),
        unreadImage(
            "quay.io/thoth-station/amun-api",
            "v0.10.6",
            { repo: "thoth-station/amun-api", commit: "v0.10.6" },
            "not read yet",
        ),
        unreadImage(
            "quay.io/thoth-station/cve-update-job",
            "v0.5.7",
            { repo: "thoth-station/cve-update", commit: "v0.5.7" },
            "not read yet",
        ),
        unreadImage(
            "quay.io/thoth-station/document-sync-job",
            "v0.1.0",
            { repo: "thoth-station/document-sync", commit: "v0.1.0" },
            "not read yet",
        ),
        unreadImage(
            "quay.io/thoth-station/graph-backup-job",
            "v0.10.1",
            { repo: "thoth-station/graph-backup-job", commit: "v0.10.1" },
            "not read yet",
        ),
        unreadImage(
            "quay.io/thoth-station/graph-metrics-exporter",
            "v0.6.5",
            { repo: "thoth-station/graph-metrics-exporter", commit: "v0.6.5" },
            "not read yet",
        ),
        unreadImage(
            "quay.io/thoth-station/graph-refresh-job",
            "v0.3.22",
            { repo: "thoth-station/graph-refresh", commit: "v0.3.22" },
            "not read yet",
        ),
        unreadImage(
            "quay.io/thoth-station/integration-tests",
            "v0.11.5",
            { repo: "thoth-station/integration-tests", commit: "v0.11.5" },
            "not read yet",
        ),
        unreadImage(
            "quay.io/thoth-station/investigator",
            "v0.17.0",
            { repo: "thoth-station/investigator", commit: "v0.17.0" },
            "not read yet",
        ),
        unreadImage(
            "quay.io/thoth-station/kebechet-job",
            "v1.6.8",
            { repo: "thoth-station/kebechet", commit: "v1.6.8" },
            "not read yet",
        ),
        unreadImage(
            "quay.io/thoth-station/management-api",
            "v0.18.11",
            { repo: "thoth-station/management-api", commit: "v0.18.11" },
            "not read yet",
        ),
        unreadImage(
            "quay.io/thoth-station/metrics-exporter",
            "v0.21.4",
            { repo: "thoth-station/metrics-exporter", commit: "v0.21.4" },
            "not read yet",
        ),
        unreadImage(
            "quay.io/thoth-station/mi-scheduler",
            "v1.7.9",
            { repo: "thoth-station/mi-scheduler", commit: "v1.7.9" },
            "not read yet",
        ),
        unreadImage(
            "quay.io/thoth-station/nepthys-job",
            "v0.2.6",
            { repo: "thoth-station/nepthys", commit: "v0.2.6" },
            "not read yet",
        ),
        unreadImage(
            "quay.io/thoth-station/package-releases-job",
            "v0.11.11",
            { repo: "thoth-station/package-releases", commit: "v0.11.11" },
            "not read yet",
        ),
        unreadImage(
            "quay.io/thoth-station/package-update-job",
            "v0.8.17",
            { repo: "thoth-station/package-update", commit: "v0.8.17" },
            "not read yet",
        ),
        unreadImage(
            "quay.io/thoth-station/postgres-exporter",
            "v0.3.1",
            { repo: "thoth-station/postgres-exporter", commit: "v0.3.1" },
            "not read yet",
        ),
        unreadImage(
            "quay.io/thoth-station/pulp-pypi-sync-job",
            "v0.1.1",
            { repo: "thoth-station/pulp-pypi-sync", commit: "v0.1.1" },
            "not read yet",
        ),
        unreadImage(
            "quay.io/thoth-station/slo-reporter",
            "v0.19.3",
            { repo: "thoth-station/slo-reporter", commit: "v0.19.3" },
            "not read yet",
        ),
        unreadImage(
            "quay.io/thoth-station/user-api",
            "v0.35.10",
            { repo: "thoth-station/user-api", commit: "v0.35.10" },
            "not read yet",
        ),
        unreadImage(
            "quay.io/thoth-station/user-api",
            "v0.35.12",
            { repo: "thoth-station/user-api", commit: "v0.35.12" },
            "not read yet",
        ),
        unreadImage(
            "registry.access.redhat.com/rhscl/postgresql-10-rhel7",
            "1",
            { repo: "unknown", commit: "1" },
            "not read yet",
        ),
        unreadImage(
            "quay.io/openshift/origin-cli",
            "4.15",
            { repo: "openshift/oc", commit: "4.15" },
            "not read yet",
        ),
        unreadImage(
            "quay.io/argoproj/argoexec",
            "v2.12.5",
            { repo: "argoproj/argo-workflows", commit: "v2.12.5" },
            "not read yet",
        ),
        unreadImage(
            "quay.io/thoth-station/prescriptions-refresh-job",
            "v0.8.0",
            { repo: "thoth-station/prescriptions-refresh-job", commit: "v0.8.0" },
            "not read yet",
        ),
        unreadImage(
            "image-registry.openshift-image-registry.svc:5000/thoth-test-core/prescriptions-refresh-job",
            "latest",
            { repo: "thoth-station/prescriptions-refresh-job", commit: "v0.8.0" },
            "not read yet (the thoth-test-core ImageStream's latest tag, imported from v0.8.0)",
        ),
        unreadImage(
            "image-registry.openshift-image-registry.svc:5000/thoth-backend-stage/prescriptions-refresh-job",
            "latest",
            { repo: "thoth-station/prescriptions-refresh-job", commit: "v0.8.0" },
            "not read yet (the thoth-backend-stage ImageStream's latest tag, imported from v0.8.0)",
        ),
    ],
};
