import { ESLint } from "eslint";
import * as ts from "typescript";
import tseslint from "typescript-eslint";
import { SourceTree, lineOf, nodes, parse } from "./sources";

/** One function of the production code: where it is, how long and how branched. */
export interface FunctionShape {
    file: string;
    line: number;
    /** `Class.constructor`, `Class.method`, `name`, or `(anonymous)`. */
    name: string;
    constructor: boolean;
    lines: number;
    /** Cyclomatic complexity as ESLint's `complexity` rule counts it (1 for straight-line code). */
    complexity: number;
}

// ESLint's own rule, reporting every function (max 0), so the number is the one a reader's linter would show.
const COMPLEXITY = /has a complexity of (\d+)/;

async function complexities(tree: SourceTree): Promise<Map<string, number>> {
    const eslint = new ESLint({
        overrideConfigFile: true,
        overrideConfig: [
            {
                files: ["**/*.ts"],
                languageOptions: { parser: tseslint.parser as never },
                rules: { complexity: ["error", { max: 0 }] },
            },
        ],
    });
    const byPlace = new Map<string, number>();
    for (const [file, text] of Object.entries(tree)) {
        const [result] = await eslint.lintText(text, { filePath: file });
        for (const m of result?.messages ?? []) {
            const n = COMPLEXITY.exec(m.message);
            if (n) byPlace.set(`${file}:${m.line}:${m.column}`, Number(n[1]));
        }
    }
    return byPlace;
}

function functionName(node: ts.FunctionLikeDeclaration): string {
    const owner = ts.isClassLike(node.parent) ? (node.parent.name?.text ?? "(class)") : undefined;
    if (ts.isConstructorDeclaration(node)) return `${owner}.constructor`;
    const own = node.name && ts.isIdentifier(node.name) ? node.name.text : undefined;
    if (own) return owner ? `${owner}.${own}` : own;
    const holder = node.parent;
    if (ts.isVariableDeclaration(holder) && ts.isIdentifier(holder.name)) return holder.name.text;
    if (ts.isPropertyAssignment(holder) && ts.isIdentifier(holder.name)) return holder.name.text;
    return "(anonymous)";
}

/** Every function, method and constructor of `tree` with its length in lines and its complexity. */
export async function functionShapes(tree: SourceTree): Promise<FunctionShape[]> {
    const counted = await complexities(tree);
    const shapes: FunctionShape[] = [];
    for (const [file, text] of Object.entries(tree)) {
        const source = parse(file, text);
        for (const node of nodes(source)) {
            if (!ts.isFunctionLike(node) || !("body" in node) || node.body === undefined) continue;
            const fn = node as ts.FunctionLikeDeclaration;
            const start = source.getLineAndCharacterOfPosition(fn.getStart(source));
            const end = source.getLineAndCharacterOfPosition(fn.getEnd()).line + 1;
            // ESLint reports a function at its start, a method or constructor at its key: both are tried.
            const keyStart =
                ts.isMethodDeclaration(fn) || ts.isConstructorDeclaration(fn) ? start : undefined;
            const complexity =
                counted.get(`${file}:${start.line + 1}:${start.character + 1}`) ??
                (keyStart
                    ? counted.get(`${file}:${keyStart.line + 1}:${keyStart.character + 1}`)
                    : undefined) ??
                nearest(counted, file, lineOf(source, fn));
            shapes.push({
                file,
                line: lineOf(source, fn),
                name: functionName(fn),
                constructor: ts.isConstructorDeclaration(fn),
                lines: end - start.line,
                complexity: complexity ?? 1,
            });
        }
    }
    return shapes;
}

// An arrow function assigned to a property is reported at its parameters, which share the function's line.
function nearest(counted: Map<string, number>, file: string, line: number): number | undefined {
    for (const [place, n] of counted) {
        const [f, l] = place.split(":");
        if (f === file && Number(l) === line) return n;
    }
    return undefined;
}
