import type { ProgramConfig } from "../../components/config/load";
import { shellQuote } from "../../components/config/problems";
import { ReleaseRecord, type RunningReleases, releaseRecords } from "../../components/config/releaseGate";
import { takesOver } from "../../components/config/system";
import { parseImageRef } from "../../components/shared/imageRef";
import {
    compareReleases,
    imageName,
    olderRelease,
    releaseOfImage,
    releaseOfTag,
} from "../../components/shared/releases";
import { Finding, KubeObject, at, objectId } from "./model";

// A takeover runs the program's images where today's run: whatever the live workload serves now is replaced by the
// release the stack pins. Each such change is named once per system, and two of them block the first up: a pinned
// release older than today's (a takeover never rolls production back), and a live tag that names no release
// (`latest`, `prod`, a digest alone) while the stack records none for it (`clusters.<cluster>.running`, the record
// `pulumi up`'s own gate reads: components/config/releaseGate.ts). Releases are ordered by
// components/shared/releases.ts: semantic versions by semver, Prow's `vYYYYMMDD-<commit>` by date.
//
// That gate asks for more than the changes: the release of every image of each system it takes over, since it cannot
// see the cluster. The report prints each record it asks for that the stack lacks (./report.ts, per system), from the
// gate's own list (components/config/releaseGate.ts `releaseRecords`): the release a live tag names, ready to run; a
// look-up where the live tag names none (blocking as above where the change is one); the pin's own release where
// nothing runs the image today. Run as printed, they leave the gate nothing to ask for.

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

/**
 * The release the stack records for the image `image` of `system`: under its name, or under any name the gate reads
 * the record of that image by (`records`, the gate's list).
 */
function recordedFor(
    running: RunningByCluster,
    records: readonly ReleaseRecord[],
    cluster: string,
    system: string,
    image: string,
): string | undefined {
    const own = running[cluster]?.[system];
    const name = imageName(image);
    const names = [
        name,
        ...records
            .filter((r) => r.cluster === cluster && r.section === system && imageNamesOf(r).includes(name))
            .flatMap((r) => r.names),
    ];
    return names.map((n) => own?.[n]).find((v) => v !== undefined);
}

export function imageChanges(
    findings: readonly Finding[],
    running: RunningByCluster = {},
    records: readonly ReleaseRecord[] = [],
): ImageChange[] {
    return findings.flatMap((f) =>
        f.changes.flatMap((c) => {
            const m = CONTAINER_IMAGE.exec(c.path);
            if (!m || typeof c.old !== "string" || typeof c.new !== "string") return [];
            const seen = releaseOfImage(c.old);
            const recorded = seen ? undefined : recordedFor(running, records, f.cluster, f.system, c.new);
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
export function releaseLookup(c: Pick<ImageChange, "id" | "container" | "live">): string {
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
    records: readonly ReleaseRecord[] = [],
): string[] {
    const changes = imageChanges(findings, running, records);
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
            // A change whose record the gate asks for too is read and recorded in the system's records (below).
            ...(c.liveUnknown && !recordedBelow(c, records)
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

/**
 * The names a record's image runs under: the name asked for (an ImageStream's, where the gate reads one) and the
 * repository's. The gate's other name for it (a key's last component, `image`) is no image's name.
 */
function imageNamesOf(r: ReleaseRecord): string[] {
    return [r.name, imageName(r.use.image)];
}

/** Whether the record of a change's image is one the gate asks for (and so printed with the system's records). */
export function recordedBelow(c: ImageChange, records: readonly ReleaseRecord[]): boolean {
    const name = imageName(c.program);
    return records.some(
        (r) => r.cluster === c.cluster && r.section === c.system && imageNamesOf(r).includes(name),
    );
}

/**
 * The release gate's records for the takeover the report prepares: each image of every system on a cluster whose
 * `adoptExisting` step 4 turns on (components/config/system.ts `takesOver`: never a local stack), as the gate lists
 * them (components/config/releaseGate.ts), with what the stack records today.
 */
export function takeoverRecords(
    config: Pick<ProgramConfig, "releaseGates" | "clusters" | "tier">,
): ReleaseRecord[] {
    return config.releaseGates
        .filter((g) =>
            takesOver(
                { ...config.clusters, [g.cluster]: { ...config.clusters[g.cluster], adoptExisting: true } },
                g.cluster,
                config.tier,
            ),
        )
        .flatMap(releaseRecords);
}

/** A container a live workload runs today (its pod template), where the report read it. */
export interface LiveImage {
    cluster: string;
    /** `<apiVersion>/<kind>/<namespace>/<name>` of the workload. */
    id: string;
    container: string;
    image: string;
}

const POD_TEMPLATE: Record<string, readonly string[]> = {
    Deployment: ["spec", "template", "spec"],
    StatefulSet: ["spec", "template", "spec"],
    DaemonSet: ["spec", "template", "spec"],
    DeploymentConfig: ["spec", "template", "spec"],
    CronJob: ["spec", "jobTemplate", "spec", "template", "spec"],
};

/** Every container the live workloads of `objects` run (a Job's or a pod's alone are no workload's: not read). */
export function liveImagesOf(cluster: string, objects: readonly KubeObject[]): LiveImage[] {
    return objects.flatMap((o) => {
        const template = POD_TEMPLATE[o.kind];
        if (!template) return [];
        const pod = at(o, ...template);
        return (["initContainers", "containers"] as const).flatMap((list) => {
            const containers = at(pod, list);
            if (!Array.isArray(containers)) return [];
            return containers.flatMap((c: unknown) => {
                const name = at(c, "name");
                const image = at(c, "image");
                return typeof name === "string" && typeof image === "string" && image.trim() !== ""
                    ? [{ cluster, id: objectId(o), container: name, image }]
                    : [];
            });
        });
    });
}

/** The release a record names where nothing runs the image: the pin's own, or 0.0.0 (below every release) for none. */
export function pinnedRelease(image: string): string {
    return releaseOfImage(image) ? parseImageRef(image).tag! : "0.0.0";
}

/** Placeholder of a record command whose release the operator reads. */
export const READ_RELEASE = "<the release it runs>";

/** One record the gate asks for that the stack lacks, and how the report fills it. */
export interface RecordStep {
    cluster: string;
    section: string;
    /** `clusters.<cluster>.running.<section>.<name>`. */
    path: string;
    /** The images recorded by it (usually one). */
    uses: ReleaseRecord["use"][];
    /** The system's namespaces, where a live container of the image was looked for. */
    namespaces: readonly string[];
    /**
     * `live-tag`: the newest release the live tags of the image name; `read`: a live tag names none (a floating tag,
     * a digest), so the operator reads it; `absent`: nothing runs the image today, so the pin's own release.
     */
    how: "live-tag" | "read" | "absent";
    /** The live containers of the image in the system's namespaces. */
    live: LiveImage[];
    /** The release recorded; {@link READ_RELEASE} where the operator reads it. */
    release: string;
    /** The image whose release stands in for a read one where production runs the pin (the oldest pin). */
    pin: string;
    command: string;
}

/** `pulumi config set` of one running release, in `stack`. */
export function recordAt(path: string, stack: string, release: string): string {
    return `pulumi config set --stack ${stack} --path ${path} ${release}`;
}

/** The oldest release of `images` as recorded at the pin ({@link pinnedRelease}): none of them older than it. */
function oldestPin(images: readonly string[]): string {
    return images.reduce((a, b) =>
        (compareReleases(releaseOfTag(pinnedRelease(b)), releaseOfTag(pinnedRelease(a))) ?? 0) < 0 ? b : a,
    );
}

/** The newest release of `tags`, or undefined when one names none or two cannot be ordered. */
function newestRelease(tags: readonly (string | undefined)[]): string | undefined {
    if (tags.length === 0 || tags.some((t) => releaseOfTag(t) === undefined)) return undefined;
    let newest = tags[0]!;
    for (const t of tags.slice(1)) {
        const order = compareReleases(releaseOfTag(t), releaseOfTag(newest));
        if (order === undefined) return undefined;
        if (order > 0) newest = t!;
    }
    return newest;
}

/**
 * The records the gate asks for that the stack lacks, one per record (images sharing a record share a step), each
 * filled from what runs today: a live container of the image (by its name as pulled, {@link imageNamesOf}) in the
 * system's namespaces on its cluster.
 */
export function recordSteps(
    records: readonly ReleaseRecord[],
    live: readonly LiveImage[],
    stack: string,
): RecordStep[] {
    const byPath = new Map<string, ReleaseRecord[]>();
    for (const r of records.filter((x) => x.recorded === undefined)) {
        const key = `${r.cluster}\t${r.path}`;
        byPath.set(key, [...(byPath.get(key) ?? []), r]);
    }
    return [...byPath.values()].map((group): RecordStep => {
        const [first] = group;
        const { cluster, section, path, namespaces } = first;
        const names = new Set(group.flatMap(imageNamesOf));
        const running = live
            .filter(
                (l) =>
                    l.cluster === cluster &&
                    namespaces.includes(placeOf(l.id).namespace) &&
                    names.has(imageName(l.image)),
            )
            .sort((a, b) => a.id.localeCompare(b.id) || a.container.localeCompare(b.container));
        const uses = group.map((r) => r.use);
        const pin = oldestPin(uses.map((u) => u.image));
        const read = newestRelease(
            running.map((l) => (releaseOfImage(l.image) ? parseImageRef(l.image).tag : undefined)),
        );
        const how = running.length === 0 ? "absent" : read !== undefined ? "live-tag" : "read";
        const release = how === "absent" ? pinnedRelease(pin) : (read ?? READ_RELEASE);
        return {
            cluster,
            section,
            path,
            uses,
            namespaces,
            how,
            live: running,
            release,
            pin,
            command: recordAt(path, stack, release),
        };
    });
}

/** One system's records to set before the up, as the report prints them. */
export function recordStepLines(steps: readonly RecordStep[]): string[] {
    if (steps.length === 0) return [];
    const clusters = [...new Set(steps.map((s) => s.cluster))].join(", ");
    const toRead = steps.filter((s) => s.how === "read").length;
    return [
        `  [RECORD before pulumi up: ${steps.length} running release(s) the up's release gate asks for (it cannot see cluster ${clusters}), not in the stack${toRead > 0 ? `; ${toRead} to read` : ""}]`,
        ...steps.flatMap((s) => {
            const images = s.uses.map((u) => `${u.key} = ${u.image}`).join(", ");
            const where = [...new Set(s.live.map((l) => `${l.id} ${l.container}: ${l.image}`))];
            if (s.how === "live-tag") {
                // A pin older than what runs today: the up refuses it once recorded, as it must (never a rollback).
                const older = s.uses.filter((u) =>
                    olderRelease(releaseOfImage(u.image), releaseOfTag(s.release)),
                );
                return [
                    `      ${s.path} (${images}): ${s.release}, read from the live tag (${where.join("; ")})`,
                    `        record it: ${s.command}`,
                    ...older.map(
                        (u) =>
                            `        ! ${u.key} pins a release OLDER than the ${s.release} running today: pulumi up refuses the takeover until it pins ${s.release} or a newer release`,
                    ),
                ];
            }
            if (s.how === "read") {
                const unknown = s.live.filter((l) => releaseOfImage(l.image) === undefined);
                const lookups = unknown.length > 0 ? unknown : s.live;
                const why =
                    unknown.length > 0
                        ? "today's tag names no release"
                        : "today's releases cannot be ordered";
                return [
                    `      ${s.path} (${images}): ${why} (${where.join("; ")})`,
                    ...lookups
                        .filter((l, i) => lookups.findIndex((x) => x.image === l.image) === i)
                        .map(
                            (l) =>
                                `        ! read it: ${releaseLookup({ id: l.id, container: l.container, live: l.image })}`,
                        ),
                    `        ! record it: ${s.command}`,
                ];
            }
            return [
                `      ${s.path} (${images}): nothing runs it today (in ${s.namespaces.join(", ")}): the pin's own release${s.release === "0.0.0" ? " (a pin that names none: 0.0.0, below every release)" : ""}`,
                `        record it: ${s.command}`,
            ];
        }),
    ];
}
