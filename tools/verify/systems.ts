import { isLive } from "../../components/config/system";

// Which systems of a stack verify checks: the live ones, by the program's one rule (components/config/system.ts
// isLive): a staged system is planned, never deployed, so nothing of it answers.

/** The sections (`packit`, `dials`, ...) of `values` (the stack file's, without the `runbooks:` prefix) to verify. */
export function verifiedSystems(values: Record<string, unknown>, sections: readonly string[]): string[] {
    return sections.filter((s) => isLive(values[s]));
}
