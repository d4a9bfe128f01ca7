import type { ContainerView } from "./view";

const SHELLS = new Set(["sh", "bash", "ash", "dash", "zsh"]);

/**
 * The variables a container's own inline shell script (`sh -c '<script>'` as its command) expands: the container
 * itself reads those, whatever its image does. None when it runs no inline script.
 */
export function scriptVariables(c: Pick<ContainerView, "command" | "args">): Set<string> {
    const argv = [...(c.command ?? []), ...(c.args ?? [])];
    const shell = typeof argv[0] === "string" ? argv[0].split("/").pop() : undefined;
    const dashC = argv.findIndex((a, i) => i > 0 && typeof a === "string" && /^-[a-z]*c[a-z]*$/.test(a));
    const script = dashC > 0 ? argv[dashC + 1] : undefined;
    if (!shell || !SHELLS.has(shell) || typeof script !== "string") return new Set();
    const expanded = [...script.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]);
    // Arithmetic expansion names its variables bare: $((now - MAX_AGE * 3600)).
    const arithmetic = [...script.matchAll(/\$\(\((.*?)\)\)/gs)].flatMap((m) =>
        [...m[1].matchAll(/[A-Za-z_][A-Za-z0-9_]*/g)].map((v) => v[0]),
    );
    return new Set([...expanded, ...arithmetic]);
}
