/**
 * Items that differ only in one part of their path, and are otherwise the same (`same`), as one item with that part
 * in braces: `components.{deck,hook}.replicas`. Every combination a merged path names is one of the items' paths.
 * The first item of a group keeps its place.
 */
export function mergePaths<T extends { path: string[] }>(
    items: readonly T[],
    same: (item: T) => string = () => "",
): T[] {
    let current = [...items];
    for (let changed = true; changed;) {
        changed = false;
        const depth = Math.max(0, ...current.map((r) => r.path.length));
        for (let i = 0; i < depth; i++) {
            const groups = new Map<string, number[]>();
            current.forEach((r, n) => {
                if (r.path.length <= i) return;
                const id = JSON.stringify([r.path.length, r.path.filter((_, j) => j !== i), same(r)]);
                groups.set(id, [...(groups.get(id) ?? []), n]);
            });
            const drop = new Set<number>();
            for (const members of groups.values()) {
                if (members.length < 2) continue;
                const first = current[members[0]];
                const parts = [...new Set(members.flatMap((n) => alternatives(current[n].path[i])))];
                const path = [...first.path];
                path[i] = parts.length === 1 ? parts[0] : `{${parts.join(",")}}`;
                current[members[0]] = { ...first, path };
                for (const n of members.slice(1)) drop.add(n);
                changed = true;
            }
            current = current.filter((_, n) => !drop.has(n));
        }
    }
    return current;
}

function alternatives(part: string): string[] {
    return /^\{.*\}$/.test(part) ? part.slice(1, -1).split(",") : [part];
}

/**
 * Keys in short form, merged as {@link mergePaths} does: configuration keys by their dotted parts
 * (`thoth.bots.{namespace,createNamespace}`), secret keys by their dashed parts (`{packit,stream}-aws-access-key-id`).
 */
export function bracedKeys(keys: readonly string[]): string[] {
    const dotted = keys.filter((k) => k.includes("."));
    const dashed = keys.filter((k) => !k.includes("."));
    return [
        ...mergePaths(dotted.map((k) => ({ path: k.split(".") }))).map((r) => r.path.join(".")),
        ...mergePaths(dashed.map((k) => ({ path: k.split("-") }))).map((r) => r.path.join("-")),
    ];
}
