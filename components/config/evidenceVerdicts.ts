import { KindedNotice, taggedNotice } from "./notices";
import { ConfigProblem, fullKey } from "./problems";
import type { StackTier } from "./system";
import type { ImageUse } from "./unconfirmedImage";
import { parseImageRef } from "../shared/imageRef";
import { entryRef, evidenceFor } from "../shared/evidence/lookup";
import type { EvidenceTable } from "../shared/evidence/load";

export type { EvidenceTable };

function howToAdd(use: ImageUse, table: EvidenceTable, others: string[]): string {
    const back =
        others.length > 0 ? `, or set ${fullKey(use.key)} to a version it has (${others.join(", ")})` : "";
    return `read the upstream source at the commit ${use.image} was built from and add its entry to ${table.folder} (ports it listens on, health endpoints, flags, variables, files and queues, each with owner/repo@commit:path:line)${back}`;
}

/**
 * What the evidence table says of a system's images on a tier: a version without an entry stops production and is a
 * notice on stage; an unread source or a moving tag is a notice on both; a local cluster runs no image.
 */
export function evidenceVerdicts(
    uses: readonly ImageUse[],
    table: EvidenceTable,
    tier: StackTier | undefined,
): { problems: ConfigProblem[]; notices: KindedNotice[] } {
    const problems: ConfigProblem[] = [];
    const notices: KindedNotice[] = [];
    if (tier !== "production" && tier !== "staging") return { problems, notices };
    for (const use of uses) {
        const { entry, others } = evidenceFor(table.images, use.image);
        const ref = parseImageRef(use.image);
        // A digest pin (what confirms an image) names no version: the evidence of its repository stands for it, or
        // every confirmed image would be refused. Which version the digest is, the confirmation's reading tells.
        if (!entry && ref.digest !== undefined && ref.tag === undefined && others.length > 0) continue;
        if (!entry) {
            const what = `${table.file} has no evidence for ${use.image}, so nothing checks its probes, ports, flags and variables against the software`;
            if (tier === "production")
                problems.push({
                    key: fullKey(use.key),
                    message: `is ${use.image}: ${what}. A production stack runs only an image version with evidence`,
                    fix: howToAdd(use, table, others),
                    placeholder: true,
                });
            else
                notices.push(
                    taggedNotice(
                        "NO EVIDENCE",
                        `${fullKey(use.key)} = ${use.image}: ${what}; a production stack refuses it. To add it: ${howToAdd(use, table, others)}`,
                    ),
                );
            continue;
        }
        if (entry.facts.state === "unread")
            notices.push(
                taggedNotice(
                    "UNREAD IMAGE",
                    `${fullKey(use.key)} = ${use.image}: its source was not read (${entry.facts.why}), so nothing checks its probes, ports, flags and variables (${table.file})`,
                ),
            );
        const moving = entry.source.moving;
        if (moving)
            notices.push(
                taggedNotice(
                    "MOVING TAG",
                    `${fullKey(use.key)} = ${use.image}: the evidence was read at ${entry.source.repo}@${entry.source.commit}, the head of ${moving.branch} on ${moving.resolved}; the registry may serve a later build of ${entryRef(entry)}`,
                ),
            );
    }
    return { problems, notices };
}
