import { Finding } from "./model";

// A takeover runs the program's images where today's run: whatever the live workload serves now is replaced by the
// release the stack pins. Each such change is named once per system, and where both tags carry a release date
// (Prow's and KubeVirt's `vYYYYMMDD…-<commit>`) an older one is said so: a takeover must never roll production back
// unnoticed in the long list of changed fields.

const CONTAINER_IMAGE =
    /^spec\.(?:jobTemplate\.spec\.)?template\.spec\.(?:initContainers|containers)\[([^\]]+)\]\.image$/;
const RELEASE_DATE = /:v(\d{8})/;

/** A live container whose image the first up changes. */
export interface ImageChange {
    id: string;
    container: string;
    live: string;
    program: string;
    /** Both tags carry a release date and the program's is earlier. */
    older: boolean;
}

export function imageChanges(findings: readonly Finding[]): ImageChange[] {
    return findings.flatMap((f) =>
        f.changes.flatMap((c) => {
            const m = CONTAINER_IMAGE.exec(c.path);
            if (!m || typeof c.old !== "string" || typeof c.new !== "string") return [];
            const [was, will] = [RELEASE_DATE.exec(c.old)?.[1], RELEASE_DATE.exec(c.new)?.[1]];
            return [
                {
                    id: f.id,
                    container: m[1],
                    live: c.old,
                    program: c.new,
                    older: was !== undefined && will !== undefined && will < was,
                },
            ];
        }),
    );
}

export function imageChangeLines(findings: readonly Finding[]): string[] {
    const changes = imageChanges(findings);
    if (changes.length === 0) return [];
    const older = changes.filter((c) => c.older).length;
    return [
        `  [WARNING: the first up runs other software than today in ${changes.length} container(s)${older > 0 ? `, ${older} of an older release` : ""}]`,
        ...changes.map(
            (c) =>
                `      ${c.id} ${c.container}: ${c.live} → ${c.program}${c.older ? " (an OLDER release than today's)" : ""}`,
        ),
        "      ! these are the stack's pinned images; an older one rolls production back: agree on it with the system's owner before step 4",
    ];
}
