import { formatPath } from "./issues";
import { KindedNotice, taggedNotice } from "./notices";
import { ConfigProblem, fullKey, shellQuote } from "./problems";
import type { StackTier } from "./system";
import { SourcedImage, confirmation } from "../shared/confirmedImages";
import { parseImageRef } from "../shared/imageRef";

/**
 * One image a configuration renders (a container, an init container, a Job's, a CronJob's or a Workflow's, an
 * ImageStream's source), with the config key whose value decides it.
 */
export interface ImageUse {
    /** Config key without the project namespace, e.g. `thoth.bots.kebechet.image`. */
    key: string;
    /** The reference as rendered (for an ImageStream, the source it imports). */
    image: string;
    /** How the runbook deploys it instead of this reference, i.e. why no source names it. */
    why?: string;
    /** The command that prints the digest running today; without it the fix searches every namespace. */
    running?: string;
    /**
     * Where a confirming digest is written when `key` is not a full reference (a release tag shared by several
     * images): this key takes `sha256:<digest>` alone. Without it, `key` takes `<repository>@sha256:<digest>`.
     */
    digestKey?: string;
}

/**
 * The command that prints, per pod, the digest each container runs (`imageID`): the one fact that confirms an
 * image. It reads only pod status, so it is safe on production; a CronJob's finished pods keep theirs.
 */
export function runningImagesCommand(namespace: string, pods: string, cli: "oc" | "kubectl" = "oc"): string {
    return `${cli} get pods -n ${namespace} -o jsonpath='{range .items[*]}{.metadata.name}{"\\t"}{.status.containerStatuses[*].imageID}{"\\n"}{end}' | ${grepFixed(pods)}`;
}

/**
 * grep for a fixed text as one word the shell keeps whole: a pattern that starts with `-` (a pod suffix such as
 * `-bulk`) is otherwise read as grep's options and refused.
 */
export function grepFixed(text: string): string {
    return `grep -F -e ${shellQuote(text)}`;
}

/** The same for an image whose namespace the program does not know: every namespace the operator may read. */
function anywhereCommand(image: string): string {
    const name = parseImageRef(image).repository.split("/").pop() ?? image;
    return `oc get pods -A -o jsonpath='{range .items[*]}{.metadata.namespace}/{.metadata.name}{"\\t"}{.status.containerStatuses[*].imageID}{"\\n"}{end}' | ${grepFixed(name)}`;
}

/** The repository of a reference, without tag or digest. */
function repositoryOf(image: string): string {
    const { registry, repository } = parseImageRef(image);
    return registry !== undefined ? `${registry}/${repository}` : repository;
}

/**
 * How to confirm an image: read the digest running today, then pin exactly that. The value to write is the
 * operator's to read (never one the program makes up), so the command asks for it; its first word is not
 * `pulumi`, so the fix proof prints it as it is.
 */
function pinFix(use: ImageUse): string {
    const value = use.digestKey
        ? "sha256:<the digest printed>"
        : `${repositoryOf(use.image)}@sha256:<the digest printed>`;
    const read = use.running ?? anywhereCommand(use.image);
    return `${read} ; then pin exactly the digest it prints: pulumi config set --path ${use.digestKey ?? use.key} ${value}`;
}

/** Why no source confirms the image, for messages. */
function unconfirmedWhy(use: ImageUse): string {
    return use.why ?? "no runbook, systems.md or thoth-station.md line names this reference";
}

/**
 * The stopping problem of an unconfirmed image on a production stack, or nothing when the rule
 * (components/shared/confirmedImages.ts) confirms it. A placeholder problem: the offline plan renders and lists it,
 * `pulumi up` stops on it before anything is created.
 */
export function unconfirmedImageProblem(
    use: ImageUse,
    sourced: readonly SourcedImage[],
): ConfigProblem | undefined {
    if (confirmation(use.image, sourced) !== undefined) return undefined;
    return {
        key: fullKey(use.key),
        message: `is ${use.image}: ${unconfirmedWhy(use)}, so nobody has confirmed it exists or is what runs today (components/shared/confirmedImages.ts). A production stack runs only an image pinned by digest or named by a source: pin the digest running today`,
        fix: pinFix(use),
        placeholder: true,
    };
}

/** The notice of an unconfirmed image on a stack that may try it (stage), or nothing when the rule confirms it. */
export function unconfirmedImageNotice(
    use: ImageUse,
    sourced: readonly SourcedImage[],
): KindedNotice | undefined {
    if (confirmation(use.image, sourced) !== undefined) return undefined;
    return taggedNotice(
        "UNCONFIRMED IMAGE",
        `${fullKey(use.key)} = ${use.image}: ${unconfirmedWhy(use)}, so nobody has confirmed this tag exists or is what runs today; a production stack refuses it. To confirm it: ${pinFix(use)}`,
    );
}

/** A full image reference with a tag or digest, as the config schema's `imageRef` accepts it. */
const FULL_REFERENCE =
    /^[a-z0-9.-]+(:[0-9]+)?\/[a-z0-9._/-]+(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})$/;

/**
 * Every full image reference of a parsed section that a field named `image`, or a field of an `images` map, holds:
 * what a system runs from its stack file or its schema's defaults. Other image-shaped values (the images a job
 * analyses) are data, not what runs.
 */
export function sectionImages(section: string, value: unknown): ImageUse[] {
    const found: ImageUse[] = [];
    const walk = (node: unknown, path: (string | number)[], runs: boolean) => {
        if (typeof node === "string") {
            if (runs && FULL_REFERENCE.test(node))
                found.push({ key: formatPath(section, path), image: node });
            return;
        }
        if (Array.isArray(node)) node.forEach((v, i) => walk(v, [...path, i], false));
        else if (node !== null && typeof node === "object")
            for (const [k, v] of Object.entries(node))
                walk(
                    v,
                    [...path, k],
                    k === "image" || (path[path.length - 1] === "images" && typeof v === "string"),
                );
    };
    walk(value, [], false);
    return found;
}

/**
 * Every image a system's section runs: what its definition declares (derived references, where each runs today)
 * and every image field of the section; a key declared wins over the same key found by the walk.
 */
export function systemImages(section: string, parsed: unknown, declared: readonly ImageUse[]): ImageUse[] {
    const keys = new Set(declared.map((u) => u.key));
    return [...declared, ...sectionImages(section, parsed).filter((u) => !keys.has(u.key))];
}

/**
 * What the rule says of a system's images on a tier, against the references its sources name: problems that stop
 * production, notices for stage.
 */
export function imageVerdicts(
    uses: readonly ImageUse[],
    tier: StackTier | undefined,
    sourced: readonly SourcedImage[],
): { problems: ConfigProblem[]; notices: KindedNotice[] } {
    if (tier === "production")
        return { problems: uses.flatMap((u) => unconfirmedImageProblem(u, sourced) ?? []), notices: [] };
    if (tier === "staging")
        return { problems: [], notices: uses.flatMap((u) => unconfirmedImageNotice(u, sourced) ?? []) };
    // A local (kwok) cluster pulls no image at all.
    return { problems: [], notices: [] };
}
