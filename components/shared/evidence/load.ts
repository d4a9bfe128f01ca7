import { readFileSync, readdirSync, statSync } from "fs";
import * as path from "path";
import { DefinitionError } from "../errors";
import { repoRoot } from "../repoRoot";
import { imageVersion } from "./lookup";
import { parseFacts } from "../facts";
import { ImageEvidence, evidenceFile } from "./schema";

// The evidence is data of the checkout (facts/evidence/<system>/<image>@<version>.yaml), read through ../facts.

/** Where the evidence lives, relative to the checkout. */
export const EVIDENCE_ROOT = "facts/evidence";

/** The file name of an image version: its repository's last part and the version, a digest cut to 12 digits. */
export function evidenceFileName(image: string, version: string): string {
    const repository = imageVersion(image).repository;
    const tag = version.startsWith("sha256:") ? `sha256-${version.slice(7, 19)}` : version;
    return `${repository.slice(repository.lastIndexOf("/") + 1)}@${tag.replace(/[^\w.-]/g, "-")}.yaml`;
}

/** The entries of one evidence file: its image, then each alias. `file` is how errors name it. */
export function parseEvidence(file: string, text: string): ImageEvidence[] {
    const { aliases = [], ...entry } = parseFacts(file, text, evidenceFile, "evidence");
    const name = evidenceFileName(entry.image, entry.version);
    if (!path.basename(file).endsWith(name))
        throw new DefinitionError(`${file} holds ${entry.image} at ${entry.version}: name it ${name}`);
    return [
        entry,
        ...aliases.map((a) => ({ ...entry, image: a.image, version: a.version ?? entry.version })),
    ];
}

/** Every entry of the evidence at `target` (a folder of files, in name order, or one file), read now. */
export function readEvidence(target: string, root = repoRoot()): ImageEvidence[] {
    const files = statSync(target).isDirectory()
        ? readdirSync(target)
              .filter((f) => f.endsWith(".yaml"))
              .sort()
              .map((f) => path.join(target, f))
        : [target];
    const shown = (file: string) =>
        file.startsWith(`${root}${path.sep}`) ? path.relative(root, file) : file;
    return files.flatMap((file) => parseEvidence(shown(file), readFileSync(file, "utf8")));
}

const loaded = new Map<string, readonly ImageEvidence[]>();

/** {@link readEvidence} of `relative` under facts/evidence, read once per process and shared by every table. */
export function loadEvidence(relative: string): readonly ImageEvidence[] {
    const target = path.join(repoRoot(), EVIDENCE_ROOT, relative);
    let entries = loaded.get(target);
    if (entries === undefined) loaded.set(target, (entries = readEvidence(target)));
    return entries;
}

/** Where a system's evidence is, for the messages, and its entries. */
export interface EvidenceTable {
    /** The module that holds the table (the plan's notices name it). */
    file: string;
    /** The folder an image version's file is added to. */
    folder: string;
    readonly images: readonly ImageEvidence[];
}

/**
 * A system's table: the files of facts/evidence/<system>/, then the files of facts/evidence/shared/ it names (an
 * image several systems run, read once). Read when first looked at: a local stack never looks.
 */
export function evidenceTable(file: string, system: string, shared: readonly string[] = []): EvidenceTable {
    let images: readonly ImageEvidence[] | undefined;
    const load = (): readonly ImageEvidence[] => {
        const all = [...loadEvidence(system), ...shared.flatMap((s) => loadEvidence(`shared/${s}.yaml`))];
        const seen = new Set<string>();
        for (const e of all) {
            const key = `${imageVersion(e.image).repository}@${e.version}`;
            if (seen.has(key))
                throw new DefinitionError(`${EVIDENCE_ROOT}/${system}: ${key} has two entries`);
            seen.add(key);
        }
        return Object.freeze(all);
    };
    return {
        file,
        folder: `${EVIDENCE_ROOT}/${system}/`,
        get images() {
            return (images ??= load());
        },
    };
}
