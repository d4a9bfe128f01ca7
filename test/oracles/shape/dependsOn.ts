import * as ts from "typescript";
import { SourceTree, lineOf, nameText, nodes, parse } from "./sources";

/** A `dependsOn` written in an object literal: an order the code states by hand rather than by a reference. */
export interface HandDependsOn {
    file: string;
    line: number;
    /** The `// order: <why>` comment above it, which a real order (behaviour, not wiring) carries. */
    reason?: string;
}

const ORDER = /\/\/\s*order:\s*(.+)$/;

/**
 * Every `dependsOn` property in an object literal of `tree` (`{ dependsOn: [ns] }` and the shorthand
 * `{ dependsOn }`): what a reader must check by hand to know the order of two objects.
 */
export function handDependsOn(tree: SourceTree): HandDependsOn[] {
    const found: HandDependsOn[] = [];
    for (const [file, text] of Object.entries(tree)) {
        const source = parse(file, text);
        const lines = text.split("\n");
        for (const node of nodes(source)) {
            if (!ts.isPropertyAssignment(node) && !ts.isShorthandPropertyAssignment(node)) continue;
            if (nameText(node.name) !== "dependsOn" || !ts.isObjectLiteralExpression(node.parent)) continue;
            const line = lineOf(source, node);
            const reason = orderAbove(lines, line - 2);
            found.push({ file, line, ...(reason ? { reason } : {}) });
        }
    }
    return found.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
}

/** The reason of the `// order:` comment that ends on line index `last`, read over all its lines. */
function orderAbove(lines: readonly string[], last: number): string | undefined {
    const comment: string[] = [];
    for (let i = last; i >= 0 && /^\s*\/\//.test(lines[i]); i--) {
        comment.unshift(lines[i]);
        const start = ORDER.exec(lines[i]);
        if (start) {
            const rest = comment.slice(1).map((l) => l.replace(/^\s*\/\/\s*/, ""));
            return [start[1].trim(), ...rest].join(" ");
        }
    }
    return undefined;
}
