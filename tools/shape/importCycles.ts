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

/**
 * Every import cycle of `graph`: each strongly connected group of more than one file, and each file that imports
 * itself. Files sorted within a group, groups by their first file.
 */
export function importCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
    // Tarjan's algorithm with an explicit stack: the production tree's import chains are long.
    const index = new Map<string, number>();
    const low = new Map<string, number>();
    const onStack = new Set<string>();
    const stack: string[] = [];
    const groups: string[][] = [];
    for (const root of graph.keys()) {
        if (index.has(root)) continue;
        const work: { file: string; next: number }[] = [{ file: root, next: 0 }];
        index.set(root, index.size);
        low.set(root, index.get(root)!);
        stack.push(root);
        onStack.add(root);
        while (work.length > 0) {
            const frame = work[work.length - 1];
            const targets = graph.get(frame.file) ?? [];
            if (frame.next < targets.length) {
                const target = targets[frame.next++];
                if (!graph.has(target)) continue;
                if (!index.has(target)) {
                    index.set(target, index.size);
                    low.set(target, index.get(target)!);
                    stack.push(target);
                    onStack.add(target);
                    work.push({ file: target, next: 0 });
                } else if (onStack.has(target)) {
                    low.set(frame.file, Math.min(low.get(frame.file)!, index.get(target)!));
                }
                continue;
            }
            work.pop();
            if (work.length > 0) {
                const parent = work[work.length - 1].file;
                low.set(parent, Math.min(low.get(parent)!, low.get(frame.file)!));
            }
            if (low.get(frame.file) !== index.get(frame.file)) continue;
            const group: string[] = [];
            let member: string;
            do {
                member = stack.pop()!;
                onStack.delete(member);
                group.push(member);
            } while (member !== frame.file);
            if (group.length > 1 || targets.includes(frame.file)) groups.push(group.sort());
        }
    }
    return groups.sort((a, b) => a[0].localeCompare(b[0]));
}
