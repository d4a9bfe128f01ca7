import * as path from "path";
import * as ts from "typescript";
import { SourceTree } from "./sources";

// Import cycles (issue 53): files that import each other, directly or round a loop, cannot be read, tested or moved
// one at a time, and a value read during the loop's evaluation is undefined. Type-only imports count: they tie the
// files together for a reader all the same. Read from the import lines alone (no type checker), so it is fast and
// runs on a tree edited in memory.

/** The files of the tree each file imports, by path relative to the checkout; imports outside the tree are left out. */
export function importGraph(tree: SourceTree): Map<string, string[]> {
    const graph = new Map<string, string[]>();
    for (const [file, text] of Object.entries(tree)) {
        const targets = new Set<string>();
        // `true, true`: `export ... from`, `import type`, `import("...")` and `require("...")` are imports too.
        for (const { fileName } of ts.preProcessFile(text, true, true).importedFiles) {
            const target = resolveImport(tree, file, fileName);
            if (target !== undefined) targets.add(target);
        }
        graph.set(file, [...targets].sort());
    }
    return graph;
}

/** The file of `tree` that `specifier`, written in `from`, names: `./x` is `x.ts` or `x/index.ts`. */
function resolveImport(tree: SourceTree, from: string, specifier: string): string | undefined {
    if (!specifier.startsWith(".")) return undefined;
    const base = path.posix
        .normalize(path.posix.join(path.posix.dirname(from), specifier))
        .replace(/\.js$/, "");
    return [`${base}.ts`, `${base}/index.ts`].find((candidate) => candidate in tree);
}

/** The files `file` reaches by following one import or more (itself only round a loop). */
function reachable(graph: ReadonlyMap<string, readonly string[]>, file: string): Set<string> {
    const seen = new Set<string>();
    // A work list, not recursion: the production tree's import chains are long.
    const todo = [...(graph.get(file) ?? [])];
    while (todo.length > 0) {
        const next = todo.pop()!;
        if (seen.has(next) || !graph.has(next)) continue;
        seen.add(next);
        todo.push(...graph.get(next)!);
    }
    return seen;
}

/**
 * Every import cycle of `graph`: each strongly connected group of more than one file, and each file that imports
 * itself. Files sorted within a group, groups by their first file.
 */
export function importCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
    const reach = new Map([...graph.keys()].map((file) => [file, reachable(graph, file)]));
    const grouped = new Set<string>();
    const groups: string[][] = [];
    for (const [file, reached] of reach) {
        // A file on a loop reaches itself; its group is every file it reaches that reaches it back.
        if (grouped.has(file) || !reached.has(file)) continue;
        const group = [...reached].filter((other) => reach.get(other)!.has(file)).sort();
        group.forEach((member) => grouped.add(member));
        groups.push(group);
    }
    return groups.sort((a, b) => a[0].localeCompare(b[0]));
}
