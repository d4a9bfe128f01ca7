import { FULL_IMAGE_REFERENCE } from "./fields";
import { formatPath, stringLeaves } from "./issues";
import { KindedNotice, taggedNotice } from "./notices";
import { ConfigProblem, fullKey, shellQuote } from "./problems";
import type { StackTier } from "./system";
import { SourcedImage, confirmation } from "../shared/confirmedImages";
import { parseImageRef } from "../shared/imageRef";

/** One image a configuration renders (of any container, or an ImageStream's source), with the key deciding it. */
export interface ImageUse {
    /** Config key without the project namespace, e.g. `thoth.bots.kebechet.image`. */
    key: string;
    /** The reference as rendered (for an ImageStream, the source it imports). */
    image: string;
    /** How the runbook deploys it instead of this reference, i.e. why no source names it. */
    why?: string;
    /** The command that prints the digest running today; without it the fix searches every namespace. */
    running?: string;
    /** Where `sha256:<digest>` alone is written when `key` is no full reference (else `key` takes repo@digest). */
    digestKey?: string;
}

/** The command printing per pod the digest each container runs: the one fact confirming an image (read-only). */
export function runningImagesCommand(namespace: string, pods: string, cli: "oc" | "kubectl" = "oc"): string {
    return `${cli} get pods -n ${namespace} -o jsonpath='{range .items[*]}{.metadata.name}{"\\t"}{.status.containerStatuses[*].imageID}{"\\n"}{end}' | ${grepFixed(pods)}`;
}

/** grep for a fixed text, `-e` so a pattern starting with `-` (`-bulk`) is not read as options. */
export function grepFixed(text: string): string {
    return `grep -F -e ${shellQuote(text)}`;
}

/** The same for an image whose namespace the program does not know: every namespace the operator may read. */
function anywhereCommand(image: string): string {
    const name = parseImageRef(image).repository.split("/").pop() ?? image;
    return `oc get pods -A -o jsonpath='{range .items[*]}{.metadata.namespace}/{.metadata.name}{"\\t"}{.status.containerStatuses[*].imageID}{"\\n"}{end}' | ${grepFixed(name)}`;
}

function repositoryOf(image: string): string {
    const { registry, repository } = parseImageRef(image);
    return registry !== undefined ? `${registry}/${repository}` : repository;
}

/** How to confirm an image: read the digest running today, then pin exactly that (the operator reads the value). */
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

/** The placeholder problem of an image the rule does not confirm, on a production stack. */
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

/** Every full image reference an `image` field or an `images` map's field holds (other image-like values are data). */
export function sectionImages(section: string, value: unknown): ImageUse[] {
    const runs = (path: readonly (string | number)[]) =>
        typeof path.at(-1) === "string" && (path.at(-1) === "image" || path.at(-2) === "images");
    return stringLeaves(value)
        .filter(({ path, text }) => runs(path) && FULL_IMAGE_REFERENCE.test(text))
        .map(({ path, text }) => ({ key: formatPath(section, path), image: text }));
}

/** Every image a section runs: the definition's declared ones, then the section's image fields not declared. */
export function systemImages(section: string, parsed: unknown, declared: readonly ImageUse[]): ImageUse[] {
    const keys = new Set(declared.map((u) => u.key));
    return [...declared, ...sectionImages(section, parsed).filter((u) => !keys.has(u.key))];
}

/** What the rule says of a system's images on a tier: problems that stop production, notices for stage. */
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
