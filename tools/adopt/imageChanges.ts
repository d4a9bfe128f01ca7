import { shellQuote } from "../../components/config/problems";
import type { RunningReleases } from "../../components/config/releaseGate";
import { parseImageRef } from "../../components/shared/imageRef";
import { imageName, olderRelease, releaseOfImage, releaseOfTag } from "../../components/shared/releases";
import { Finding } from "./model";

// A takeover runs the program's images where today's run: whatever the live workload serves now is replaced by the
// release the stack pins. Each such change is named once per system, and two of them block the first up: a pinned
// release older than today's (a takeover never rolls production back), and a live tag that names no release
// (`latest`, `prod`, a digest alone) while the stack records none for it (`clusters.<cluster>.running`, the record
// `pulumi up`'s own gate reads: components/config/releaseGate.ts). Releases are ordered by
// components/shared/releases.ts: semantic versions by semver, Prow's `vYYYYMMDD-<commit>` by date.

const CONTAINER_IMAGE =
    /^spec\.(?:jobTemplate\.spec\.)?template\.spec\.(?:initContainers|containers)\[([^\]]+)\]\.image$/;

/** A live container whose image the first up changes. */
export interface ImageChange {
    id: string;
    cluster: string;
    /** The system's stack section, under which its running releases are recorded. */
    system: string;
    container: string;
    live: string;
    program: string;
    /** The program's release is earlier than today's (read from the live tag, else from the stack's record). */
    older: boolean;
    /** Today's tag names no release and the stack records none, so whether the program's is older cannot be told. */
    liveUnknown: boolean;
    /** The release the stack records running today, when the live tag names none. */
    recorded?: string;
}

/** Recorded running releases per cluster (`clusters.<cluster>.running`). */
export type RunningByCluster = Readonly<Record<string, RunningReleases | undefined>>;

export function imageChanges(findings: readonly Finding[], running: RunningByCluster = {}): ImageChange[] {
    return findings.flatMap((f) =>
        f.changes.flatMap((c) => {
            const m = CONTAINER_IMAGE.exec(c.path);
            if (!m || typeof c.old !== "string" || typeof c.new !== "string") return [];
            const seen = releaseOfImage(c.old);
            const recorded = seen ? undefined : running[f.cluster]?.[f.system]?.[imageName(c.new)];
            const live = seen ?? releaseOfTag(recorded);
            return [
                {
                    id: f.id,
                    cluster: f.cluster,
                    system: f.system,
                    container: m[1],
                    live: c.old,
                    program: c.new,
                    older: olderRelease(releaseOfImage(c.new), live),
                    liveUnknown: live === undefined,
                    ...(recorded !== undefined ? { recorded } : {}),
                },
            ];
        }),
    );
}

/** Whether a change stops the first up: it rolls back, or nobody can tell whether it does. */
export const blocksUp = (c: ImageChange): boolean => c.older || c.liveUnknown;

/** `<apiVersion>/<kind>/<namespace>/<name>`: the namespace and name (apiVersion may hold a `/`). */
function placeOf(id: string): { namespace: string; name: string } {
    const parts = id.split("/");
    return { namespace: parts.at(-2) ?? "", name: parts.at(-1) ?? id };
}

/** The read-only commands that tell which release a live container runs, from this stack's own values. */
export function releaseLookup(c: ImageChange): string {
    const { namespace, name } = placeOf(c.id);
    const { registry, repository } = parseImageRef(c.live);
    const repo = registry !== undefined ? `${registry}/${repository}` : repository;
    const digests = `kubectl -n ${namespace} get pods -o jsonpath='{range .items[*]}{.metadata.name}{"\\t"}{.status.containerStatuses[?(@.name=="${c.container}")].imageID}{"\\n"}{end}' | grep -F -e ${shellQuote(name)}`;
    return `${digests} ; then skopeo inspect --format '{{index .Labels "org.opencontainers.image.version"}}' docker://${repo}@<the digest printed> (or the registry's tags holding that digest)`;
}

/** The command that records the release read, as `pulumi up`'s gate and this report read it. */
export function recordCommand(c: ImageChange, stack: string): string {
    return `pulumi config set --stack ${stack} --path clusters.${c.cluster}.running.${c.system}.${imageName(c.program)} <the release it runs>`;
}

export function imageChangeLines(
    findings: readonly Finding[],
    stack = "<stack>",
    running: RunningByCluster = {},
): string[] {
    const changes = imageChanges(findings, running);
    if (changes.length === 0) return [];
    const older = changes.filter((c) => c.older).length;
    const unknown = changes.filter((c) => c.liveUnknown).length;
    const counts = [
        ...(older > 0 ? [`${older} of an older release`] : []),
        ...(unknown > 0 ? [`${unknown} where today's tag names no release and none is recorded`] : []),
    ];
    const label = older + unknown > 0 ? "BLOCKING: the first up may roll production back" : "NOTE";
    return [
        `  [${label}: the first up runs other software than today in ${changes.length} container(s)${counts.map((c) => `, ${c}`).join("")}]`,
        ...changes.flatMap((c) => [
            `      ${c.id} ${c.container}: ${c.live}${c.recorded ? ` (recorded ${c.recorded})` : ""} → ${c.program}${c.older ? " (an OLDER release than today's)" : c.liveUnknown ? " (today's release unknown)" : ""}`,
            ...(c.liveUnknown
                ? [
                      `        ! read it: ${releaseLookup(c)}`,
                      `        ! record it: ${recordCommand(c, stack)}`,
                  ]
                : []),
        ]),
        ...(older > 0
            ? [
                  "      ! an older release rolls production back over data a later release may have migrated: pin today's release or a newer one (pulumi up refuses the takeover until then)",
              ]
            : []),
    ];
}
