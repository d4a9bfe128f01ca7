import { z } from "zod";
import { loadFacts } from "../shared/facts";
import { COMPONENT_NAMES } from "./componentNames";
import type { Doc, DocValue } from "./merge";

const names = z.array(z.string().min(1)).readonly();
const label = z.strictObject({
    name: z.string().min(1),
    color: z.string().regex(/^[0-9A-Fa-f]{6}$/, "must be six hex digits"),
    target: z.enum(["prs", "issues", "both"]),
    prowPlugin: z.string().min(1),
    addedBy: z.string().min(1),
    description: z.string().min(1).optional(),
});
const labels = z.strictObject({ labels: z.array(label).readonly() });

const prowDocumentsFile = z.strictObject({
    repos: z
        .array(
            z.strictObject({
                repo: z.string().regex(/^[\w.-]+\/[\w.-]+$/, "must be org/repository"),
                merge: z.enum(["squash", "merge"]),
                strict: z.boolean(),
                plugins: names,
            }),
        )
        .readonly(),
    orgPlugins: z.record(z.string(), names),
    externalPlugins: z.record(
        z.string(),
        z.array(z.strictObject({ plugin: z.enum(COMPONENT_NAMES), events: names.optional() })).readonly(),
    ),
    missingLabels: names,
    strictMissingLabels: names,
    labels: z.strictObject({ default: labels, repos: z.record(z.string(), labels) }),
    mirror: z.record(z.string(), z.unknown()),
    /** The fixed parts of config.yaml, by the key each is at. */
    config: z.strictObject({
        lenses: z.json(),
        rerun_auth_configs: z.json(),
        sinker: z.json(),
        slack_reporter_configs: z.json(),
        "branch-protection": z.json(),
    }),
});

/** Prow's own documents as data (facts/prow/documents.yaml); the label and mirror documents as Prow reads them. */
export function prowDocumentFacts() {
    const facts = loadFacts("facts/prow/documents.yaml", prowDocumentsFile, "Prow's documents");
    return {
        ...facts,
        labels: facts.labels as unknown as Doc,
        mirror: facts.mirror as Doc,
        config: facts.config as Record<keyof typeof facts.config, DocValue>,
    };
}
