import { SemVer, parse as parseSemver } from "semver";
import { parseImageRef } from "../../components/shared/imageRef";
import { Finding } from "./model";

// A takeover runs the program's images where today's run: whatever the live workload serves now is replaced by the
// release the stack pins. Each such change is named once per system. Where both tags name a release of the same kind
// (a date, as Prow's and KubeVirt's `vYYYYMMDD…-<commit>`, or a semantic version, as DIALS' `v1.8.0`) an older one
// is said so, and where today's tag names none (`latest`, `prod`, a digest) the report says it cannot tell: a
// takeover must never roll production back unnoticed in the long list of changed fields.

const CONTAINER_IMAGE =
    /^spec\.(?:jobTemplate\.spec\.)?template\.spec\.(?:initContainers|containers)\[([^\]]+)\]\.image$/;
const RELEASE_DATE = /^v(\d{8})(?:$|[-.])/;

/** A live container whose image the first up changes. */
export interface ImageChange {
    id: string;
    container: string;
    live: string;
    program: string;
    /** Both tags name a release of the same kind and the program's is earlier. */
    older: boolean;
    /** Today's tag names no release, so whether the program's is older cannot be told. */
    liveUnknown: boolean;
}

type Release = { date: string } | { semver: SemVer };

function releaseOf(ref: string): Release | undefined {
    const { tag } = parseImageRef(ref);
    if (tag === undefined) return undefined;
    const date = RELEASE_DATE.exec(tag)?.[1];
    if (date) return { date };
    const semver = parseSemver(tag, { loose: true });
    return semver ? { semver } : undefined;
}

/** The program's release is earlier than today's; false where the two cannot be ordered. */
function earlier(program: Release | undefined, live: Release | undefined): boolean {
    if (program && live && "date" in program && "date" in live) return program.date < live.date;
    if (program && live && "semver" in program && "semver" in live)
        return program.semver.compare(live.semver) < 0;
    return false;
}

export function imageChanges(findings: readonly Finding[]): ImageChange[] {
    return findings.flatMap((f) =>
        f.changes.flatMap((c) => {
            const m = CONTAINER_IMAGE.exec(c.path);
            if (!m || typeof c.old !== "string" || typeof c.new !== "string") return [];
            const live = releaseOf(c.old);
            return [
                {
                    id: f.id,
                    container: m[1],
                    live: c.old,
                    program: c.new,
                    older: earlier(releaseOf(c.new), live),
                    liveUnknown: live === undefined,
                },
            ];
        }),
    );
}

export function imageChangeLines(findings: readonly Finding[]): string[] {
    const changes = imageChanges(findings);
    if (changes.length === 0) return [];
    const older = changes.filter((c) => c.older).length;
    const unknown = changes.filter((c) => c.liveUnknown).length;
    const counts = [
        ...(older > 0 ? [`${older} of an older release`] : []),
        ...(unknown > 0 ? [`${unknown} where today's tag names no release`] : []),
    ];
    return [
        `  [WARNING: the first up runs other software than today in ${changes.length} container(s)${counts.map((c) => `, ${c}`).join("")}]`,
        ...changes.map(
            (c) =>
                `      ${c.id} ${c.container}: ${c.live} → ${c.program}${c.older ? " (an OLDER release than today's)" : c.liveUnknown ? " (today's release unknown)" : ""}`,
        ),
        "      ! these are the stack's pinned images; an older one rolls production back: agree on it with the system's owner before step 4",
        ...(unknown > 0
            ? [
                  "      ! where today's release is unknown, read the version the running image reports (its registry tags for the digest, or the application's own version page) before you agree",
              ]
            : []),
    ];
}
