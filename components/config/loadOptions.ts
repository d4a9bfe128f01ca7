import { CommittedFiles } from "./identity";
import { SecretSpec } from "./system";

// How the loader (./load.ts) is asked to read a stack; its passes (./passes/) take parts of it, so it sits below both.

/** What the caller of the loader decides: the offline plan, the engine run and the tests each give their own. */
export interface LoadOptions {
    /** Offline plan only: the placeholder of every unset secret, so a plan needs no credentials. */
    placeholderSecret?: (spec: SecretSpec) => string;
    /** Where the stack files are (the project directory): other stacks' grants and file lines are read there. */
    root?: string;
    /** The committed stack files (git at HEAD): production runs only as committed; the offline plan gives none. */
    committed?: CommittedFiles;
}
