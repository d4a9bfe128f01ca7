import { z } from "zod";
import { loadFacts } from "../../components/shared/facts";

// The kube-score checks `npm run kube-score` does not enforce and its own flags, with why
// (facts/kubescore/skips.yaml).

const pattern = z.string().transform((s) => new RegExp(s));

const skipsFacts = z.strictObject({
    skips: z.array(
        z.strictObject({
            /** The check's id, as `kube-score list` prints it. */
            check: z.string().min(1),
            reason: z.string().min(1),
            only: z.strictObject({ message: pattern.optional(), object: pattern.optional() }).optional(),
        }),
    ),
    flags: z.array(z.string().min(1)),
});

export type Skip = z.output<typeof skipsFacts>["skips"][number];

const facts = loadFacts("facts/kubescore/skips.yaml", skipsFacts, "kube-score's skipped checks and flags");

export const KUBE_SCORE_SKIPS: readonly Skip[] = facts.skips;
export const KUBE_SCORE_FLAGS: readonly string[] = facts.flags;
