import { z } from "zod";
import { checked } from "./fields";
import { ConfigProblem, STACK_FILE, formatPath, fullKey, shellQuote } from "./problems";
import type { ImageUse } from "./unconfirmedImage";
import { imageName, olderRelease, releaseOfImage, releaseOfTag } from "../shared/releases";

// `pulumi up` never rolls production back. While a cluster's `adoptExisting` is on, the up replaces what runs there
// today with the stack's pinned images, and the program cannot see what runs: the stack records it, as the operator
// read it with the printed look-up, under `clusters.<cluster>.running.<section>.<image>` (the image's name as the
// pods pull it: the repository's last component, for an OpenShift ImageStream the stream). The up refuses while an
// image of a system it takes over has no recorded release, and while a pinned release is older than the recorded
// one. The migration report (`npm run adopt`) reads the same records against the live tags (tools/adopt/imageChanges.ts).

/** A running release as recorded: a tag that names a release (`v1.12.0`, `v20260819-7593870dc`). */
const recordedRelease = z
    .string()
    .superRefine(
        checked((v) =>
            releaseOfTag(v) === undefined
                ? "must be a release: a semantic version (v1.12.0) or a dated build (v20260819-7593870dc). A floating tag (latest) or a digest names none: read the release the running digest is (skopeo inspect docker://<repository>@<digest>, its org.opencontainers.image.version label or the registry tags that hold the digest)"
                : undefined,
        ),
    )
    .meta({ example: "v1.12.0" });

/**
 * `clusters.<name>.running`: the release each image runs today on this cluster, per system section and image name
 * (`{ dials: { backend: v1.12.0 } }`), as read with the look-up a takeover's refusal prints. Required, for every image
 * of a system the up takes over, while `adoptExisting` is on; `pulumi up` refuses a pinned release older than it.
 */
export const runningReleasesSchema = z.record(
    z.string().min(1).meta({ example: "dials" }),
    z.record(z.string().min(1).meta({ example: "backend" }), recordedRelease),
);
export type RunningReleases = z.infer<typeof runningReleasesSchema>;

/**
 * The names an image's running release may be recorded under, the first one asked for: the key's last component
 * where the repository's name ends with it (`dials.images.confirmed.backend` of `dials-backend`: the ImageStream the
 * pods pull, which the migration report reads too), else the repository's name.
 */
function recordedNames(use: ImageUse): string[] {
    const last = use.key.split(".").pop() ?? use.key;
    const repository = imageName(use.image);
    return repository.endsWith(`-${last}`) ? [last, repository] : [repository, last];
}

/** The command printing, per pod of `namespaces`, each container's image as pulled and the digest it runs. */
export function runningReleaseLookup(namespaces: readonly string[], name: string): string {
    const read = (ns: string) =>
        `kubectl -n ${ns} get pods -o jsonpath='{range .items[*]}{.metadata.name}{"\\t"}{.spec.containers[*].image}{"\\t"}{.status.containerStatuses[*].imageID}{"\\n"}{end}'`;
    const grep = `grep -F -e ${shellQuote(`/${name}`)}`;
    return `${namespaces.length === 1 ? read(namespaces[0]) : `{ ${namespaces.map(read).join("; ")}; }`} | ${grep}`;
}

export interface ReleaseGateInput {
    section: string;
    cluster: string;
    /** The namespaces the system runs in, where the look-up reads its pods. */
    namespaces: readonly string[];
    /** Every image the system runs (the confirmation rule's list). */
    uses: readonly ImageUse[];
    /** `clusters.<cluster>.running`, as the stack records it. */
    running: RunningReleases | undefined;
}

/** One image of a system taken over, and the record the gate reads its running release from. */
export interface ReleaseRecord {
    cluster: string;
    section: string;
    /** The name the record is asked for under ({@link recordedNames}' first). */
    name: string;
    /** Every name the gate reads the record under, the one asked for first. */
    names: string[];
    /** `clusters.<cluster>.running.<section>.<name>`, as `pulumi config set --path` takes it. */
    path: string;
    /** The image (its pinned reference and key) whose running release the record tells. */
    use: ImageUse;
    /** The namespaces the system runs in, where the look-up reads its pods. */
    namespaces: readonly string[];
    /** The release the stack records, under whichever name it does; unset: the record is missing. */
    recorded?: { name: string; release: string };
}

/**
 * The records the gate needs of one system taken over: one per image it runs, in the order of `uses` (two images of
 * one name share a record). What `pulumi up` refuses ({@link releaseGateProblems}) and what the migration report
 * prints to record (tools/adopt/imageChanges.ts) both read this list.
 */
export function releaseRecords(input: ReleaseGateInput): ReleaseRecord[] {
    const { section, cluster, namespaces } = input;
    const recorded = input.running?.[section] ?? {};
    return input.uses.map((use) => {
        const names = recordedNames(use);
        const name = names.find((n) => recorded[n] !== undefined);
        return {
            cluster,
            section,
            name: names[0],
            names,
            path: formatPath("clusters", [cluster, "running", section, names[0]]),
            use,
            namespaces,
            ...(name !== undefined ? { recorded: { name, release: recorded[name] } } : {}),
        };
    });
}

/** The takeover's refusals, one per image: no release recorded, or a pin older than the recorded one. */
export function releaseGateProblems(input: ReleaseGateInput): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const seen = new Set<string>();
    for (const record of releaseRecords(input)) {
        const { cluster, section, use, recorded } = record;
        if (recorded === undefined) {
            if (seen.has(record.name)) continue;
            seen.add(record.name);
            problems.push({
                key: fullKey(record.path),
                message: `is not set while clusters.${cluster}.adoptExisting is on: this up replaces the ${record.name} running today with ${use.image} (${use.key}), and which release runs today is not recorded, so the up cannot tell it does not roll production back. Read it with the look-up and record it (a floating tag or a digest names no release: read the release that digest is)`,
                fix: `${runningReleaseLookup(record.namespaces, record.name)} ; then pulumi config set --path ${record.path} <the release it runs>`,
            });
            continue;
        }
        const running = recorded.release;
        if (!olderRelease(releaseOfImage(use.image), releaseOfTag(running))) continue;
        problems.push({
            key: fullKey(use.key),
            message: `is ${use.image}, a release older than the ${running} that clusters.${cluster}.running.${section}.${recorded.name} records running today: this up would roll production back over data a later release may have migrated. Pin ${running} or a newer release`,
            fix: `edit ${STACK_FILE}: pin ${running} or a newer release at ${use.key} (or the release tag that decides it), after reading what that release changes`,
        });
    }
    return problems;
}
