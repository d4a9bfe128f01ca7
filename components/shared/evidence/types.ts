// The evidence's types are inferred from its schema (./schema.ts), the one description of facts/evidence/: kept
// under this name so that what reads the evidence need not know where its types come from.
export type {
    ArgumentFact,
    At,
    EvidenceSource,
    FlagFact,
    ImageEvidence,
    Listener,
    NamedFact,
    QueueFacts,
    ReadFacts,
    Requirement,
    UnreadFacts,
} from "./schema";
