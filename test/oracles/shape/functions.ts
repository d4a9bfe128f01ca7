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

/** ESLint with only the complexity rule, made once: building its configuration costs more than linting a file. */
let linter: ESLint | undefined;

/**
 * Each file's complexities by `line:column`, kept by its path and text: the same text has the same numbers, and the
 * checks read one tree many times with a single file changed (the control of a deviation, the real tree).
 */
const fileComplexities = new Map<string, Promise<Map<string, number>>>();

/** The complexities ESLint reports in one file, by `line:column`. */
function complexitiesOfFile(file: string, text: string): Promise<Map<string, number>> {
    const key = `${file}\u0000${text}`;
    let counted = fileComplexities.get(key);
    if (!counted) {
        linter ??= new ESLint({
            overrideConfigFile: true,
            overrideConfig: [
                {
                    files: ["**/*.ts"],
                    languageOptions: { parser: tseslint.parser as never },
                    rules: { complexity: ["error", { max: 0 }] },
                },
            ],
        });
        counted = linter.lintText(text, { filePath: file }).then(
            ([result]) =>
                new Map(
                    (result?.messages ?? []).flatMap((m): [string, number][] => {
                        const n = COMPLEXITY.exec(m.message);
                        return n ? [[`${m.line}:${m.column}`, Number(n[1])]] : [];
                    }),
                ),
        );
        fileComplexities.set(key, counted);
    }
    return counted;
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
    const shapes: FunctionShape[] = [];
    for (const [file, text] of Object.entries(tree)) {
        const counted = await complexitiesOfFile(file, text);
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
                counted.get(`${start.line + 1}:${start.character + 1}`) ??
                (keyStart ? counted.get(`${keyStart.line + 1}:${keyStart.character + 1}`) : undefined) ??
                nearest(counted, lineOf(source, fn));
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
function nearest(counted: Map<string, number>, line: number): number | undefined {
    for (const [place, n] of counted) if (Number(place.split(":")[0]) === line) return n;
    return undefined;
}
