import { CommittedFiles } from "./identity";
import { SecretSpec } from "./system";

// How the loader (./load.ts) is asked to read a stack; its passes (./passes/) take parts of it, so it sits below both.

/** What the caller of the loader decides: the offline plan, the engine run and the tests each give their own. */
export interface LoadOptions {
    /**
     * Offline plan only: fill every secret that is not set with this placeholder instead of reporting it, so a
     * plan needs no credentials.
     */
    placeholderSecret?: (spec: SecretSpec) => string;
    /** Where the stack files are (the project directory): other stacks' grants and file lines are read there. */
    root?: string;
    /**
     * The committed stack files (git at HEAD): production runs only as committed. The engine run gives git's; the
     * offline plan gives none (it deploys nothing), a test its own.
     */
    committed?: CommittedFiles;
}
