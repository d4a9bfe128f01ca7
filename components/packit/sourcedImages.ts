import type { SourcedImage } from "../shared/confirmedImages";

const PACKIT_STREAMS =
    'runbook 001 "Manually import a newer image": oc import-image is/packit-{service|service-fedmsg|worker|dashboard|service-centosmsg}:<deployment>, and "Production vs. Staging images" (:stg, :prod)';

/**
 * Every reference runbook 001 and systems.md name exactly for Packit's and Stream's images, each with where: what
 * confirms one of their images without a digest (components/shared/confirmedImages.ts).
 */
export const PACKIT_SOURCED_IMAGES: readonly SourcedImage[] = [
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
];
