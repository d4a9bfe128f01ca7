import { unreadImage } from "../shared/evidence/unread";
import type { EvidenceTable } from "../shared/evidence/verdicts";

// The images the packit system runs, by version. None of their sources has been read yet (issue 51 item 1): each entry
// says so, the evidence replay (test/evidence) lists their containers as unread, and nothing about them is checked.
// A moving tag names the branch that builds it and that branch's head in the source snapshot of RESOLVED.

const RESOLVED = "2026-11-25";

/** The evidence of every image the packit system runs (and stream, which shares its layout). */
export const PACKIT_EVIDENCE: EvidenceTable = {
    file: "components/packit/evidence.ts",
    images: [
        unreadImage(
            "docker.io/nginxinc/nginx-unprivileged",
            "1.27",
            { repo: "nginxinc/docker-nginx-unprivileged", commit: "1.27" },
            "not read yet",
        ),
        unreadImage(
            "docker.io/prom/pushgateway",
            "v1.6.2",
            { repo: "prometheus/pushgateway", commit: "v1.6.2" },
            "not read yet",
        ),
        unreadImage(
            "quay.io/openshift/origin-cli",
            "4.15",
            { repo: "openshift/oc", commit: "4.15" },
            "not read yet",
        ),
        unreadImage(
            "quay.io/packit/dashboard",
            "prod",
            {
                repo: "packit/dashboard",
                commit: "92b9b55b3b5f75f8a265963bcaca16579f896c2f",
                moving: { branch: "stable", resolved: RESOLVED },
            },
            "not read yet; packit/dashboard@92b9b55b3b is the head of stable, which builds :prod (packit/dashboard@main:.github/workflows/build-and-push.yml:29-34)",
        ),
        unreadImage(
            "quay.io/packit/dashboard",
            "stg",
            {
                repo: "packit/dashboard",
                commit: "e573903f4a0d1488cef61cada90b727f167ba799",
                moving: { branch: "main", resolved: RESOLVED },
            },
            "not read yet; packit/dashboard@e573903f4a is the head of main, which builds :stg (packit/dashboard@main:.github/workflows/build-and-push.yml:29-34)",
        ),
        unreadImage(
            "quay.io/packit/hardly",
            "prod",
            {
                repo: "packit/hardly",
                commit: "9ed959fe6e4417aabcbb8d3bcdb6aaf8c3a9217f",
                moving: { branch: "stable", resolved: RESOLVED },
            },
            "not read yet; packit/hardly@9ed959fe6e is the head of stable, which builds :prod (packit/hardly@main:.github/workflows/rebuild-and-push-images.yml:29-33)",
        ),
        unreadImage(
            "quay.io/packit/hardly",
            "stg",
            {
                repo: "packit/hardly",
                commit: "9ed959fe6e4417aabcbb8d3bcdb6aaf8c3a9217f",
                moving: { branch: "main", resolved: RESOLVED },
            },
            "not read yet; packit/hardly@9ed959fe6e is the head of main, which builds :stg (packit/hardly@main:.github/workflows/rebuild-and-push-images.yml:29-33)",
        ),
        unreadImage(
            "quay.io/packit/packit-service-centosmsg",
            "prod",
            {
                repo: "packit/packit-service-centosmsg",
                commit: "unresolved",
                moving: { branch: "stable", resolved: RESOLVED },
            },
            "not read yet, and the stable head that builds :prod was not resolved (packit/packit-service-centosmsg not fetched)",
        ),
        unreadImage(
            "quay.io/packit/packit-service-centosmsg",
            "stg",
            {
                repo: "packit/packit-service-centosmsg",
                commit: "unresolved",
                moving: { branch: "main", resolved: RESOLVED },
            },
            "not read yet, and the main head that builds :stg was not resolved (packit/packit-service-centosmsg not fetched)",
        ),
        unreadImage(
            "quay.io/packit/packit-service-fedmsg",
            "prod",
            {
                repo: "packit/packit-service-fedmsg",
                commit: "unresolved",
                moving: { branch: "stable", resolved: RESOLVED },
            },
            "not read yet, and the stable head that builds :prod was not resolved (packit/packit-service-fedmsg not fetched)",
        ),
        unreadImage(
            "quay.io/packit/packit-service-fedmsg",
            "stg",
            {
                repo: "packit/packit-service-fedmsg",
                commit: "unresolved",
                moving: { branch: "main", resolved: RESOLVED },
            },
            "not read yet, and the main head that builds :stg was not resolved (packit/packit-service-fedmsg not fetched)",
        ),
        unreadImage(
            "quay.io/packit/packit-service",
            "prod",
            {
                repo: "packit/packit-service",
                commit: "b828c3d7b987c760aa3c09a82d99e69c04e23b68",
                moving: { branch: "stable", resolved: RESOLVED },
            },
            "not read yet; packit/packit-service@b828c3d7b9 is the head of stable, which builds :prod (packit/packit-service@main:.github/workflows/rebuild-and-push-images.yml:38-42)",
        ),
        unreadImage(
            "quay.io/packit/packit-service",
            "stg",
            {
                repo: "packit/packit-service",
                commit: "b828c3d7b987c760aa3c09a82d99e69c04e23b68",
                moving: { branch: "main", resolved: RESOLVED },
            },
            "not read yet; packit/packit-service@b828c3d7b9 is the head of main, which builds :stg (packit/packit-service@main:.github/workflows/rebuild-and-push-images.yml:38-42)",
        ),
        unreadImage(
            "quay.io/packit/packit-worker",
            "prod",
            {
                repo: "packit/packit-service",
                commit: "b828c3d7b987c760aa3c09a82d99e69c04e23b68",
                moving: { branch: "stable", resolved: RESOLVED },
            },
            "not read yet; packit/packit-service@b828c3d7b9 is the head of stable, which builds :prod (packit/packit-service@main:.github/workflows/rebuild-and-push-images.yml:38-42)",
        ),
        unreadImage(
            "quay.io/packit/packit-worker",
            "stg",
            {
                repo: "packit/packit-service",
                commit: "b828c3d7b987c760aa3c09a82d99e69c04e23b68",
                moving: { branch: "main", resolved: RESOLVED },
            },
            "not read yet; packit/packit-service@b828c3d7b9 is the head of main, which builds :stg (packit/packit-service@main:.github/workflows/rebuild-and-push-images.yml:38-42)",
        ),
        unreadImage(
            "quay.io/packit/tokman",
            "prod",
            {
                repo: "packit/tokman",
                commit: "1a0d933f557909ce949017000cc3a6ecebda15f5",
                moving: { branch: "stable", resolved: RESOLVED },
            },
            "not read yet; packit/tokman@1a0d933f55 is the head of stable, which builds :prod (packit/tokman@main:.github/workflows/build-and-push.yml:28-32)",
        ),
        unreadImage(
            "quay.io/packit/tokman",
            "stg",
            {
                repo: "packit/tokman",
                commit: "d574a3622f6ada95f92c1fc3d6842f7e9792856f",
                moving: { branch: "main", resolved: RESOLVED },
            },
            "not read yet; packit/tokman@d574a3622f is the head of main, which builds :stg (packit/tokman@main:.github/workflows/build-and-push.yml:28-32)",
        ),
        unreadImage(
            "quay.io/sclorg/postgresql-15-c9s",
            "c9s",
            {
                repo: "sclorg/postgresql-container",
                commit: "unresolved",
                moving: { branch: "master", resolved: RESOLVED },
            },
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
            "docker.io/mher/flower",
            "2.0.1",
            { repo: "mher/flower", commit: "2.0.1" },
            "not read yet",
        ),
        unreadImage(
            "docker.io/rediscommander/redis-commander",
            "redis-commander-210",
            { repo: "joeferner/redis-commander", commit: "unresolved" },
            "not read yet",
        ),
        unreadImage(
            "quay.io/sclorg/postgresql-13-c9s",
            "c9s",
            {
                repo: "sclorg/postgresql-container",
                commit: "unresolved",
                moving: { branch: "unresolved", resolved: RESOLVED },
            },
            "not read yet (the server a major upgrade starts from)",
        ),
    ],
};
