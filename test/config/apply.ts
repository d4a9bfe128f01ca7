import { Document, Node, isCollection, isNode, isPair, isScalar } from "yaml";

// Drafts of a stack file: the battery's cases are edits of the committed files, each on a cheap copy.

/**
 * A copy of `base` to edit that shares every node with it until an edit reaches one: an edit (set, setIn, delete,
 * deleteIn, add, addIn) first copies the few nodes on its path, so making a variant of a stack file costs those nodes
 * instead of all of them (Document.clone copies the ~2000 nodes of a stack file, ~8 ms). `base` is frozen, so an edit
 * that reaches a shared node any other way throws instead of silently changing `base` and every copy made after it.
 */
export function draft<D extends Document>(base: D): D {
    freeze(base);
    const doc = Object.create(Object.getPrototypeOf(base), Object.getOwnPropertyDescriptors(base)) as D;
    doc.errors = base.errors.slice();
    doc.warnings = base.warnings.slice();
    for (const name of ["add", "addIn", "delete", "deleteIn", "set", "setIn"] as const) {
        const edit = Document.prototype[name] as (...args: unknown[]) => unknown;
        // Configurable: a draft of this draft redefines them for itself.
        Object.defineProperty(doc, name, {
            configurable: true,
            value: (...args: unknown[]) => {
                own(
                    doc,
                    name === "add"
                        ? []
                        : name.endsWith("In")
                          ? [...(args[0] as Iterable<unknown>)]
                          : [args[0]],
                );
                return edit.apply(doc, args);
            },
        });
    }
    return doc;
}

/** Makes the nodes on `path` (and the document's top collection) the draft's own: copies, linked in its tree. */
function own(doc: Document, path: unknown[]): void {
    if (!isCollection(doc.contents)) return;
    let at = (doc.contents = shallowCopy(doc.contents));
    for (const key of path) {
        const next = at.get(key, true);
        if (!isNode(next)) return;
        const mine = shallowCopy(next);
        at.set(key, mine);
        if (!isCollection(mine)) return;
        at = mine;
    }
}

/** A node with the same properties, its items list and the pairs in it copied (edits write there). */
function shallowCopy<T extends Node>(node: T): T {
    const copy = writableCopy(node);
    if (isCollection(copy)) copy.items = copy.items.map((item) => (isPair(item) ? writableCopy(item) : item));
    return copy;
}

function writableCopy<T extends object>(value: T): T {
    const props = Object.getOwnPropertyDescriptors(value) as Record<PropertyKey, PropertyDescriptor>;
    for (const key of Object.keys(props)) {
        props[key] = { value: props[key].value, writable: true, enumerable: true, configurable: true };
    }
    return Object.create(Object.getPrototypeOf(value), props) as T;
}

/**
 * Whether the plan reading `print(doc)` back gets what it would get from `doc`: the same values, and for every number,
 * boolean or null the text the file has for it (the fixes quote that text, see components/config/source.ts). Nodes
 * shared with the parsed file (frozen) have it; a scalar an edit made or changed does not: a new one has no text until
 * printed, and one whose value an edit set keeps the text of its old value. Merge keys are left to the reader (the
 * plan resolves them; `doc` may have been parsed without).
 */
export function readsBack(doc: Document, text: string): boolean {
    return !text.includes("<<") && editedScalarsAreText(doc.contents);
}

function editedScalarsAreText(node: unknown): boolean {
    // A plain value an edit stored without making a node (an edit's key, most often) has no text either.
    if (!isNode(node)) return node === undefined || typeof node === "string";
    if (Object.isFrozen(node)) return true;
    if (isScalar(node)) return typeof node.value === "string";
    if (!isCollection(node)) return false;
    return node.items.every((item) =>
        isPair(item)
            ? editedScalarsAreText(item.key) && editedScalarsAreText(item.value)
            : editedScalarsAreText(item),
    );
}

function freeze(doc: Document): void {
    if (isNode(doc.contents)) freezeNode(doc.contents);
}

function freezeNode(node: unknown): void {
    if (!isNode(node) || Object.isFrozen(node)) return;
    if (isCollection(node)) {
        for (const item of node.items) {
            if (isPair(item)) {
                freezeNode(item.key);
                freezeNode(item.value);
                Object.freeze(item);
            } else freezeNode(item);
        }
        Object.freeze(node.items);
    }
    Object.freeze(node);
}

/**
 * A stack file's text as the yaml library writes it, one line per value (lineWidth 0): how every case is written.
 */
export function print(doc: Document): string {
    // Printing the directives walks every node for custom tags, only to print %TAG lines; a document with no
    // document marker, no %YAML and only the default tag handle prints none either way.
    const dir = doc.directives;
    const none =
        !dir ||
        (!dir.docStart &&
            !dir.yaml.explicit &&
            Object.entries(dir.tags).every(([h, prefix]) => h === "!!" && prefix === "tag:yaml.org,2002:"));
    return doc.toString(none ? { lineWidth: 0, directives: false } : { lineWidth: 0 });
}
