import type { ReadFacts } from "../../components/shared/evidence/schema";
import type { ImageEvidence } from "../../components/shared/evidence/schema";

/** A generated image's evidence: `example.org/x:v1`, read, holding nothing but what `facts` gives it. */
export const exampleImage = (facts: Partial<ReadFacts>): ImageEvidence => ({
    image: "example.org/x",
    version: "v1",
    source: { repo: "o/r", commit: "c" },
    facts: { state: "read", listens: [], flags: "none", env: [], files: [], ...facts },
});
