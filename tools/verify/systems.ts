// Which systems of a stack verify checks: the one place that decides it. Today a system is deployed when its
// section is enabled; a section marked staged (planned, not deployed) is left out, so when stacks learn to say which
// systems are live, only this function changes.

/** The sections (`packit`, `dials`, ...) of `values` (the stack file's, without the `runbooks:` prefix) to verify. */
export function verifiedSystems(values: Record<string, unknown>, sections: readonly string[]): string[] {
    return sections.filter((s) => {
        const section = values[s] as { enabled?: unknown; staged?: unknown; live?: unknown } | undefined;
        if (!section || section.enabled !== true) return false;
        return section.staged !== true && section.live !== false;
    });
}
