import { readFileSync, readdirSync } from "fs";
import * as path from "path";
import * as ts from "typescript";
import { repoRoot } from "../../../tools/root";

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

/**
 * One parsed file (no type checker: the counts are syntactic, so they also run on a tree edited in memory). Every
 * count reads its own parse of the same files (the template, the function shapes, the handles, the dependencies), and
 * the tests check trees that differ from the real one in a file or two: a text is parsed once per process. The
 * counts only read a parsed file, never change it, so all of them share it.
 */
export function parse(file: string, text: string): ts.SourceFile {
    const key = `${file}\0${text}`;
    let source = parsed.get(key);
    if (!source) {
        source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
        // Bounded: a generated battery makes many variants of a few files; the real tree is a few hundred.
        if (parsed.size >= PARSED_FILES) parsed.clear();
        parsed.set(key, source);
    }
    return source;
}

/** {@link parse} by path and text. */
const parsed = new Map<string, ts.SourceFile>();
const PARSED_FILES = 2000;

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
