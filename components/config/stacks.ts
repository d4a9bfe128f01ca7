import { existsSync, readFileSync, statSync } from "fs";
import { parse } from "yaml";
import { gitCommittedFiles } from "./committedFiles";
import * as path from "path";
import { ClusterMarks, provenDistinct, provenSame, writtenMarks } from "./clusterIdentity";
import { readStackFile, withoutStrays } from "./duplicateKeys";
import { COMMITTED_STACKS, isLocalStack, isProductionStack } from "./identity";
import { ForeignCluster, Grants } from "./ownership";
import { isMapping } from "./issues";
import { PROJECT, projectSettings } from "./problems";
import { resolveMergeKeys } from "./source";

// The other committed stacks, as far as ownership needs them: the clusters they write to and what they are granted
// there, so stage cannot take what prod's file grants to prod. Which files count is one committed list.

/** A cluster entry as another stack's file writes it: only what ownership compares. */
interface ClusterEntry {
    name: string;
    /** What its file says of which cluster it is: its API server (canonical) and its pinned identity. */
    marks: ClusterMarks;
    grants: Grants;
}

export interface OtherStack {
    stack: string;
    production: boolean;
    clusters: ClusterEntry[];
    /** Its project's settings (keys without the namespace, merge keys resolved), for checks across stacks. */
    values: Record<string, unknown>;
}

function record(value: unknown): Record<string, string> {
    if (!isMapping(value)) return {};
    return Object.fromEntries(
        Object.entries(value).filter((e): e is [string, string] => typeof e[1] === "string"),
    );
}

/** Each stack file's reading, kept while the file is unchanged: every validation of a stack reads all the others. */
const readings = new Map<string, { mtimeMs: number; size: number; stack: OtherStack | undefined }>();

/** What ownership needs of one stack file, or undefined when it does not parse (that stack's run's problem). */
function readOther(file: string, name: string): OtherStack | undefined {
    let config: Record<string, unknown>;
    try {
        // Read as that stack's own check reads it: a key written twice there (its run's problem) must not make its
        // whole file, and every grant in it, vanish from this stack's ownership check.
        const read = readStackFile(readFileSync(file, "utf8"));
        if (!read) return undefined;
        const doc = withoutStrays(read.doc, read.dups).toJS() as { config?: unknown } | null;
        if (!doc || typeof doc.config !== "object" || doc.config === null) return undefined;
        config = doc.config as Record<string, unknown>;
    } catch {
        return undefined;
    }
    const clusters = config[`${PROJECT}:clusters`];
    const entries: ClusterEntry[] = isMapping(clusters)
        ? Object.entries(clusters as Record<string, Record<string, unknown> | null>).map(([n, c]) => ({
              name: n,
              marks: writtenMarks(c ?? undefined),
              grants: {
                  namespaces: record(c?.namespaces),
                  hosts: record(c?.hosts),
                  clusterScoped: record(c?.clusterScoped),
              },
          }))
        : [];
    return {
        stack: name,
        // By its name only: another file's `tier` line makes no stack production (components/config/identity.ts).
        production: isProductionStack(name),
        clusters: entries,
        values: projectSettings(config, resolveMergeKeys),
    };
}

/** The other committed stacks' files in `root`, read leniently (a file that does not parse contributes nothing). */
export function otherStacks(stack: string, root = process.cwd()): OtherStack[] {
    const out: OtherStack[] = [];
    for (const name of [...COMMITTED_STACKS].sort()) {
        if (name === stack) continue;
        const full = path.join(root, `Pulumi.${name}.yaml`);
        if (!existsSync(full)) continue;
        const { mtimeMs, size } = statSync(full);
        let reading = readings.get(full);
        if (!reading || reading.mtimeMs !== mtimeMs || reading.size !== size) {
            reading = { mtimeMs, size, stack: readOther(full, name) };
            readings.set(full, reading);
        }
        if (reading.stack) out.push(reading.stack);
    }
    return out;
}

/** The entries of other stacks not proven a different cluster: names do not decide, a silent entry may be any. */
export function sameClusterElsewhere(
    others: readonly OtherStack[],
    marks: ClusterMarks,
    /** The entry is pinned to a local stack's own cluster: only entries proven to be that cluster are. */
    ownCluster = false,
): ForeignCluster[] {
    return others.flatMap((o) =>
        o.clusters
            // A local stack's entries are pinned to a cluster of its own, as this one is when it is local.
            .filter((c) =>
                ownCluster || isLocalStack(o.stack)
                    ? provenSame(marks, c.marks)
                    : !provenDistinct(marks, c.marks),
            )
            .map((c) => ({
                stack: o.stack,
                production: o.production,
                cluster: c.name,
                grants: c.grants,
                byApiServer: provenSame(marks, c.marks),
            })),
    );
}

/** The tier the stack's file has at git's HEAD (a stack that now claims production is checked as that), if any. */
export function committedTier(stack: string | undefined, root = process.cwd()): unknown {
    if (stack === undefined) return undefined;
    try {
        const text = gitCommittedFiles(root).atHead(stack);
        return (parse(text ?? "") as { config?: Record<string, unknown> } | null)?.config?.[
            `${PROJECT}:tier`
        ];
    } catch {
        return undefined;
    }
}
