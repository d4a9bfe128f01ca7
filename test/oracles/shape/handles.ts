import * as ts from "typescript";
import { SourceTree, nodes, parse } from "./sources";

/** A class and the class it extends, as written. */
interface Declared {
    file: string;
    name: string;
    base?: string;
}

/** Every class declaration of `tree` with the name of its base class (type arguments dropped). */
export function classes(tree: SourceTree): Declared[] {
    const found: Declared[] = [];
    for (const [file, text] of Object.entries(tree)) {
        for (const node of nodes(parse(file, text))) {
            if (!ts.isClassDeclaration(node) || !node.name) continue;
            const heritage = node.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword);
            const base = heritage?.types[0]?.expression;
            found.push({
                file,
                name: node.name.text,
                ...(base
                    ? { base: ts.isPropertyAccessExpression(base) ? base.name.text : base.getText() }
                    : {}),
            });
        }
    }
    return found;
}

/** The classes of `tree` that derive from `root` (directly or through others of `tree`), `root` included. */
export function derivedFrom(tree: SourceTree, root: string): Declared[] {
    const all = classes(tree);
    const inFamily = new Set([root]);
    for (let grew = true; grew;) {
        grew = false;
        for (const c of all) {
            if (c.base && inFamily.has(c.base) && !inFamily.has(c.name)) {
                inFamily.add(c.name);
                grew = true;
            }
        }
    }
    return all.filter((c) => inFamily.has(c.name));
}
