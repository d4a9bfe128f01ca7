import * as ts from "typescript";
import { SourceTree, lineOf, nameText, nodes, parse } from "./sources";

/**
 * Issue 53: a pod volume and the volumeMount that mounts it are made by one call (`handle.mount(path, { volume })`,
 * `podVolume(name, source).mount(path)`, `claimTemplate(spec).mount(path)`, components/shared/volumes.ts), never
 * matched by the same name string written twice. This finds the second way, syntactically: the name written as a
 * literal where only one side of the pair is made.
 */

/** One side of a pair matched by a literal name: where, and which name. */
export interface LiteralVolumeName {
    file: string;
    line: number;
    /** `volume "postgres-data"`, `volumeMount "postgres-data"`, `.volume("postgres-data")`. */
    what: string;
}

/**
 * The fields of a pod Volume that say what it is a volume of (core/v1 Volume's sources). Not `image` (an image
 * volume): a container's `{ name, image }` would read as one.
 */
const VOLUME_SOURCES = new Set([
    "emptyDir",
    "secret",
    "configMap",
    "persistentVolumeClaim",
    "hostPath",
    "downwardAPI",
    "projected",
    "ephemeral",
    "csi",
    "nfs",
]);

/** The text of a string literal or a template without substitutions; undefined for anything computed. */
function literalText(node: ts.Node | undefined): string | undefined {
    return node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node))
        ? node.text
        : undefined;
}

/** What a `{ name: "<literal>", ... }` object is by its other fields: a volumeMount, a pod volume, or neither. */
function literalObject(node: ts.ObjectLiteralExpression): string | undefined {
    const fields = new Map<string, ts.Node>();
    for (const p of node.properties) {
        const key =
            ts.isPropertyAssignment(p) || ts.isShorthandPropertyAssignment(p) ? nameText(p.name) : undefined;
        if (key !== undefined) fields.set(key, p);
    }
    const nameField = fields.get("name");
    const name =
        nameField && ts.isPropertyAssignment(nameField) ? literalText(nameField.initializer) : undefined;
    if (name === undefined) return undefined;
    if (fields.has("mountPath")) return `volumeMount ${JSON.stringify(name)}`;
    if ([...fields.keys()].some((k) => VOLUME_SOURCES.has(k))) return `volume ${JSON.stringify(name)}`;
    return undefined;
}

/**
 * Every place of `tree` that writes a volume's name as a literal for one side of a volume/mount pair: a volumeMount
 * or Volume object literal whose `name` is a string, and a handle's `.volume("<name>")` (the volume whose mount
 * names it again elsewhere). Issue 53 holds it at none in components/.
 */
export function literalVolumeNames(tree: SourceTree): LiteralVolumeName[] {
    const found: LiteralVolumeName[] = [];
    for (const [file, text] of Object.entries(tree)) {
        const source = parse(file, text);
        for (const node of nodes(source)) {
            let what: string | undefined;
            if (ts.isObjectLiteralExpression(node)) what = literalObject(node);
            else if (
                ts.isCallExpression(node) &&
                ts.isPropertyAccessExpression(node.expression) &&
                node.expression.name.text === "volume"
            ) {
                const name = literalText(node.arguments[0]);
                if (name !== undefined) what = `.volume(${JSON.stringify(name)})`;
            }
            if (what !== undefined) found.push({ file, line: lineOf(source, node), what });
        }
    }
    return found;
}
