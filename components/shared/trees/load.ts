import { readFileSync } from "fs";
import * as path from "path";
import { parse } from "yaml";
import { DefinitionError } from "../errors";
import { repoRoot } from "../repoRoot";
import { PathEntry, Tree, TreesRecord, treesRecordSchema } from "./schema";

/** Where the records live, beside the program's sources (components/shared/buildFreshness.ts PROGRAM_SOURCES has `facts`). */
export const TREES_DIR = path.join("facts", "trees");

/** A record's text checked against the schema; `source` names the file in the error a malformed one raises. */
export function parseTreesRecord(text: string, source: string): TreesRecord {
    const result = treesRecordSchema.safeParse(parse(text));
    if (result.success) return result.data;
    const issues = result.error.issues.map((i) => `${i.path.join(".") || "(top)"}: ${i.message}`);
    throw new DefinitionError(`${source} is not a tree record: ${issues.join("; ")}`);
}

const loaded = new Map<string, TreesRecord>();

/**
 * The record `facts/trees/<name>.yaml` of the checkout this code belongs to (the nearest directory with Pulumi.yaml,
 * the same from the sources and from dist/), read once per process.
 */
export function loadTreesRecord(name: string): TreesRecord {
    let record = loaded.get(name);
    if (record === undefined) {
        const file = path.join(repoRoot(), TREES_DIR, `${name}.yaml`);
        record = parseTreesRecord(readFileSync(file, "utf8"), path.join(TREES_DIR, `${name}.yaml`));
        loaded.set(name, record);
    }
    return record;
}

/** A clone URL as it is compared: no scheme, `.git`, trailing slash or case (GitHub's names are case-blind). */
function repositoryKey(url: string): string {
    return url
        .trim()
        .toLowerCase()
        .replace(/^[a-z+]+:\/\//, "")
        .replace(/\/+$/, "")
        .replace(/\.git$/, "");
}

/** Whether `url` names the record's repository. */
export function namesRepository(record: TreesRecord, url: string): boolean {
    return repositoryKey(url) === repositoryKey(record.clone);
}

/**
 * The recorded tree a pin names: a commit id, whole or abbreviated to at least 7 digits. A branch or a tag names no
 * tree: it moves, so what it runs was never read.
 */
export function treeAt(record: TreesRecord, version: string): Tree | undefined {
    if (!/^[0-9a-f]{7,40}$/.test(version)) return undefined;
    const found = record.trees.filter((t) => t.commit.startsWith(version));
    return found.length === 1 ? found[0] : undefined;
}

/** The entry of `file` in a tree, if recorded. */
export function pathIn(tree: Tree, file: string): PathEntry | undefined {
    return tree.paths.find((p) => p.path === file);
}

/** How a tree holds a path a key names: its entry, whether it may be used as `kind` for `serves`, and what may. */
export interface PathVerdict {
    entry: PathEntry | undefined;
    accepted: boolean;
    /** The recorded paths of `kind` serving `serves`: the only ones a fix may offer. */
    serving: PathEntry[];
}

/** One rule for every system that runs a recorded tree's path: recorded, of the kind it is run as, serving its use. */
export function judgePath(tree: Tree, file: string, kind: PathEntry["kind"], serves: string): PathVerdict {
    const entry = pathIn(tree, file);
    return {
        entry,
        accepted: entry?.kind === kind && entry.serves.includes(serves),
        serving: tree.paths.filter((p) => p.kind === kind && p.serves.includes(serves)),
    };
}

/** A key's repository and pin against the record: the tree pinned (when recorded) and each problem, built on demand. */
export function pinProblems<P>(
    record: TreesRecord,
    repository: string,
    pin: string,
    problems: { unrecordedRepository: () => P; unrecordedPin: (commits: string[]) => P },
): { tree: Tree | undefined; problems: P[] } {
    const found: P[] = [];
    if (!namesRepository(record, repository)) found.push(problems.unrecordedRepository());
    const tree = treeAt(record, pin);
    if (tree === undefined) found.push(problems.unrecordedPin(record.trees.map((t) => t.commit)));
    return { tree, problems: found };
}
