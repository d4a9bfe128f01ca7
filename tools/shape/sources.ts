import { readFileSync, readdirSync } from "fs";
import * as path from "path";
import * as ts from "typescript";
import { repoRoot } from "../root";

/** Source texts by path relative to the checkout (`components/dials/etl.ts`): what every shape count reads. */
export type SourceTree = Readonly<Record<string, string>>;

/** The production TypeScript under `dir` (relative to the checkout), read from disk. */
export function readSources(dir = "components", root = repoRoot()): SourceTree {
    const tree: Record<string, string> = {};
    const walk = (rel: string): void => {
        for (const entry of readdirSync(path.join(root, rel), { withFileTypes: true })) {
            const child = path.posix.join(rel, entry.name);
            if (entry.isDirectory()) walk(child);
            else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts"))
                tree[child] = readFileSync(path.join(root, child), "utf8");
        }
    };
    walk(dir);
    return tree;
}

/** One parsed file (no type checker: the counts are syntactic, so they also run on a tree edited in memory). */
export function parse(file: string, text: string): ts.SourceFile {
    return ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
}

/** Every node of `source`, depth first. */
export function* nodes(source: ts.Node): Generator<ts.Node> {
    const stack: ts.Node[] = [source];
    while (stack.length > 0) {
        const node = stack.pop()!;
        yield node;
        const children: ts.Node[] = [];
        node.forEachChild((c) => {
            children.push(c);
        });
        stack.push(...children.reverse());
    }
}

/** 1-based line of `node`'s start. */
export function lineOf(source: ts.SourceFile, node: ts.Node): number {
    return source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
}

/** The name a property or class member is written with, when it is a plain identifier or string. */
export function nameText(name: ts.PropertyName | undefined): string | undefined {
    if (name === undefined) return undefined;
    if (ts.isIdentifier(name) || ts.isStringLiteral(name)) return name.text;
    return undefined;
}
