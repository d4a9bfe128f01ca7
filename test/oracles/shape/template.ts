import * as ts from "typescript";
import { FunctionShape } from "./functions";
import { classes } from "./handles";
import { SourceTree, lineOf, nameText, nodes, parse } from "./sources";

// The one shape of a system folder (docs/develop/layout.md, "The system template"): a reader who has learned one
// system predicts the files, the root component, the definition's deploy and how parts are made in every other.

/** Folders of `components/` that are not systems: the program's configuration and the shared building blocks. */
export const NOT_SYSTEMS: ReadonlySet<string> = new Set(["config", "shared"]);

/** Files every system folder holds, beside `<system>.ts`. */
export const TEMPLATE_FILES = ["index.ts", "config.ts", "checks.ts", "notices.ts", "secrets.ts"] as const;

/** Longest constructor of a system component or part, in lines, and the complexity it must stay under. */
export const CONSTRUCTOR_LINES = 60;
export const CONSTRUCTOR_COMPLEXITY = 10;

/** A throw that stands for a type the check should have narrowed ("validation should have prevented this"). */
const UNTYPED_GUARD = /validat|prevent|should have|cannot happen|unreachable|never happens/i;

/** The system folders of a tree: `components/<system>/` for every folder holding an `index.ts`. */
export function systemFolders(tree: SourceTree): string[] {
    const folders = new Set<string>();
    for (const file of Object.keys(tree)) {
        const parts = file.split("/");
        if (
            parts.length === 3 &&
            parts[0] === "components" &&
            parts[2] === "index.ts" &&
            !NOT_SYSTEMS.has(parts[1])
        )
            folders.add(parts[1]);
    }
    return [...folders].sort();
}

function imports(source: ts.SourceFile): Set<string> {
    const from = new Set<string>();
    for (const s of source.statements) {
        if (ts.isImportDeclaration(s) && ts.isStringLiteral(s.moduleSpecifier))
            from.add(s.moduleSpecifier.text);
    }
    return from;
}

/** The object literals passed to `defineSystem(...)` in a file. */
function definitions(source: ts.SourceFile): ts.ObjectLiteralExpression[] {
    return [...nodes(source)]
        .filter(
            (n): n is ts.CallExpression =>
                ts.isCallExpression(n) && n.expression.getText() === "defineSystem",
        )
        .map((call) => call.arguments[0])
        .filter((a): a is ts.ObjectLiteralExpression => a !== undefined && ts.isObjectLiteralExpression(a));
}

function property(
    literal: ts.ObjectLiteralExpression,
    name: string,
): ts.ObjectLiteralElementLike | undefined {
    return literal.properties.find((p) => nameText(p.name) === name);
}

/** Whether `deploy` is `(config, context) => new <component>(name, { config, context }).outputs`. */
function deploysOutputsOf(deploy: ts.ObjectLiteralElementLike, component: string): boolean {
    if (!ts.isPropertyAssignment(deploy) || !ts.isArrowFunction(deploy.initializer)) return false;
    const body = deploy.initializer.body;
    if (!ts.isPropertyAccessExpression(body) || body.name.text !== "outputs") return false;
    const made = body.expression;
    if (!ts.isNewExpression(made) || made.expression.getText() !== component) return false;
    const args = made.arguments?.[1];
    if (args === undefined || !ts.isObjectLiteralExpression(args)) return false;
    const keys = args.properties.map((p) => nameText(p.name)).sort();
    return keys.length === 2 && keys[0] === "config" && keys[1] === "context";
}

function folderProblems(tree: SourceTree, system: string, functions: readonly FunctionShape[]): string[] {
    const dir = `components/${system}`;
    const problems: string[] = [];
    const missing = [...TEMPLATE_FILES, `${system}.ts`].filter((f) => tree[`${dir}/${f}`] === undefined);
    for (const f of missing) problems.push(`${dir}/${f} is missing`);

    const rootFile = `${dir}/${system}.ts`;
    const roots = (tree[rootFile] ? classes({ [rootFile]: tree[rootFile] }) : []).filter(
        (c) => c.base === "SystemComponent",
    );
    if (tree[rootFile] && roots.length !== 1) {
        problems.push(
            `${rootFile} must hold exactly one class extending SystemComponent (found ${roots.length})`,
        );
    }
    const root = roots.length === 1 ? roots[0].name : undefined;

    const indexFile = `${dir}/index.ts`;
    if (tree[indexFile]) {
        const index = parse(indexFile, tree[indexFile]);
        const from = imports(index);
        for (const own of ["./checks", "./notices", "./secrets"]) {
            if (!from.has(own))
                problems.push(`${indexFile} does not take its ${own.slice(2)} from ${own}.ts`);
        }
        const defs = definitions(index);
        if (defs.length === 0) problems.push(`${indexFile} defines no system (defineSystem({...}))`);
        for (const def of defs) {
            for (const key of ["check", "notices", "secrets", "deploy"])
                if (!property(def, key)) problems.push(`${indexFile}: the definition has no ${key}`);
            const deploy = property(def, "deploy");
            if (deploy && root && !deploysOutputsOf(deploy, root)) {
                problems.push(
                    `${indexFile}: deploy must be (config, context) => new ${root}(name, { config, context }).outputs`,
                );
            }
        }
    }

    for (const [file, text] of Object.entries(tree)) {
        if (!file.startsWith(`${dir}/`)) continue;
        for (const c of classes({ [file]: text }))
            if (c.base === "RunbookComponent")
                problems.push(`${file}: ${c.name} extends RunbookComponent; a part extends SystemPart`);
        const source = parse(file, text);
        for (const n of nodes(source)) {
            if (!ts.isThrowStatement(n) || !n.expression || !ts.isNewExpression(n.expression)) continue;
            if (n.expression.expression.getText() === "Error" && UNTYPED_GUARD.test(n.expression.getText())) {
                problems.push(
                    `${file}:${lineOf(source, n)}: a throw stands for what the check should prove (narrow the section)`,
                );
            }
        }
    }

    for (const f of functions) {
        if (!f.constructor || !f.file.startsWith(`${dir}/`)) continue;
        if (f.lines > CONSTRUCTOR_LINES || f.complexity >= CONSTRUCTOR_COMPLEXITY) {
            problems.push(
                `${f.file}:${f.line}: ${f.name} is ${f.lines} lines, complexity ${f.complexity} ` +
                    `(at most ${CONSTRUCTOR_LINES} lines, under ${CONSTRUCTOR_COMPLEXITY}): make it a list of named steps`,
            );
        }
    }
    return problems;
}

/**
 * Every way a system folder of `tree` differs from the template, one line each, with the file; `functions` are the
 * tree's function shapes ({@link functionShapes}), for the constructors' size.
 */
export function templateProblems(tree: SourceTree, functions: readonly FunctionShape[]): string[] {
    return systemFolders(tree).flatMap((system) => folderProblems(tree, system, functions));
}
