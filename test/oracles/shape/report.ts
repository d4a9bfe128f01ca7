import { HandDependsOn, handDependsOn } from "./dependsOn";
import { FunctionShape, functionShapes } from "./functions";
import { derivedFrom } from "./handles";
import { SourceTree } from "./sources";
import { CONSTRUCTOR_COMPLEXITY, CONSTRUCTOR_LINES, templateProblems } from "./template";
import { LiteralVolumeName, literalVolumeNames } from "./volumeNames";

/** Functions at or over this complexity are a finding anywhere in `components/` (issue 40's bar). */
export const COMPLEX = 20;

/** The source-side shape of the program: the counts issues 40 and 53 are measured by, each with its sites. */
export interface SourceShape {
    dependsOn: HandDependsOn[];
    complex: FunctionShape[];
    longConstructors: FunctionShape[];
    handleClasses: string[];
    untypedThrows: number;
    template: string[];
    /** Volumes and volumeMounts paired by a name written as a literal on each side (issue 53: none). */
    literalVolumeNames: LiteralVolumeName[];
}

/** Classes that are typed references to objects (`ObjectHandle` and what derives from it, or a generic `Handle`). */
function handleClasses(tree: SourceTree): string[] {
    const names = new Set(
        [...derivedFrom(tree, "ObjectHandle"), ...derivedFrom(tree, "Handle")].map((c) => c.name),
    );
    return [...names].sort();
}

/** Every `throw new Error(` of the system folders: bad input is a ConfigProblem or a ResourceError, not an Error. */
function untypedThrows(tree: SourceTree): number {
    return Object.entries(tree)
        .filter(([file]) => !/^components\/(config|shared)\//.test(file))
        .reduce((n, [, text]) => n + (text.match(/throw new Error\(/g) ?? []).length, 0);
}

export async function sourceShape(tree: SourceTree): Promise<SourceShape> {
    const functions = await functionShapes(tree);
    return {
        dependsOn: handDependsOn(tree),
        complex: functions.filter((f) => f.complexity >= COMPLEX),
        longConstructors: functions.filter(
            (f) => f.constructor && (f.lines > CONSTRUCTOR_LINES || f.complexity >= CONSTRUCTOR_COMPLEXITY),
        ),
        handleClasses: handleClasses(tree),
        untypedThrows: untypedThrows(tree),
        template: templateProblems(tree, functions),
        literalVolumeNames: literalVolumeNames(tree),
    };
}

const site = (f: FunctionShape) =>
    `${f.file}:${f.line} ${f.name} (${f.lines} lines, complexity ${f.complexity})`;

/** The report `npm run shape` prints. */
export function renderShape(
    shape: SourceShape,
    placed: Record<string, { string: number; foreign: number }>,
): string {
    const unexplained = shape.dependsOn.filter((d) => !d.reason);
    const lines = [
        `hand dependsOn in components/: ${shape.dependsOn.length} (${unexplained.length} without an "// order:" reason)`,
        ...unexplained.map((d) => `  ${d.file}:${d.line}`),
        ...Object.entries(placed).map(
            ([stack, p]) =>
                `${stack}: objects placed in a namespace the stack creates by a name string: ${p.string} ` +
                `(${p.foreign} objects in namespaces it does not create)`,
        ),
        `functions of complexity >= ${COMPLEX} in components/: ${shape.complex.length}`,
        ...shape.complex.map((f) => `  ${site(f)}`),
        `constructors over ${CONSTRUCTOR_LINES} lines or of complexity >= ${CONSTRUCTOR_COMPLEXITY}: ${shape.longConstructors.length}`,
        ...shape.longConstructors.map((f) => `  ${site(f)}`),
        `handle classes: ${shape.handleClasses.length} (${shape.handleClasses.join(", ")})`,
        `throw new Error in system folders: ${shape.untypedThrows}`,
        `system template deviations: ${shape.template.length}`,
        ...shape.template.map((p) => `  ${p}`),
        `volumes and volumeMounts paired by a literal name in components/: ${shape.literalVolumeNames.length}`,
        ...shape.literalVolumeNames.map((v) => `  ${v.file}:${v.line} ${v.what}`),
    ];
    return `${lines.join("\n")}\n`;
}
