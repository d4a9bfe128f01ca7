import type { FileFact, ReadFacts } from "./types";
import { ContainerView, envValue } from "./view";

/** Where the process looks for a file in this container: the variable's value when the container sets it. */
function pathOf(f: FileFact, c: ContainerView): string {
    return (f.fromEnv !== undefined ? envValue(c, f.fromEnv) : undefined) ?? f.name;
}

/**
 * What the files an image opens say of a container's mounts, when its evidence holds all of them
 * (`filesComplete`): each Secret key placed is one the process opens, a Secret mounted whole names its keys, and
 * each file the process requires is placed by some mount.
 */
export function fileMismatches(facts: ReadFacts, c: ContainerView, ref: string): string[] {
    if (!facts.filesComplete) return [];
    const opened = new Map(facts.files.map((f) => [pathOf(f, c), f]));
    const mounted = c.files ?? [];
    const out: string[] = [];
    for (const m of mounted) {
        if (m.kind !== "Secret") continue;
        if (m.key === undefined) {
            const under = [...opened.keys()].filter((p) => p.startsWith(`${m.path}/`));
            out.push(
                `mounts all of Secret ${m.object} at ${m.path}, so the plan cannot show which keys it places; mount as items only the keys ${ref} opens there (${under.length > 0 ? under.join(", ") : "none"})`,
            );
        } else if (!opened.has(m.path))
            out.push(`mounts Secret ${m.object} key ${m.key} at ${m.path}, which ${ref} never opens`);
    }
    const wholeDirs = mounted.filter((m) => m.key === undefined).map((m) => `${m.path}/`);
    for (const [path, f] of opened) {
        if (!f.required || mounted.some((m) => m.path === path)) continue;
        // Under a whole Secret the file may be there: the mismatch above already asks for its keys.
        if (wholeDirs.some((d) => path.startsWith(d))) continue;
        out.push(`gives ${ref} no ${path}, which it requires (${f.at})`);
    }
    return out;
}
