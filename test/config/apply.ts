import { Document, Node, isCollection, isMap, isNode, isPair, isScalar, isSeq } from "yaml";
import { pathValue } from "../../components/config/issues";
import { PROJECT } from "../../components/config/problems";
import { commandsOf, inputRedirect } from "../../components/config/shellText";

// Applies a printed fix to a stack file the way the Pulumi CLI (or an operator doing the one edit it names) would,
// so a test can prove that following a fix removes its problem.

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
 * A stack file's text as the yaml library writes it, one line per value (lineWidth 0): how every case and every
 * followed fix is written.
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

export { parsePath, shellWords } from "../../components/config/fixCommands";
import { parsePath, shellWords } from "../../components/config/fixCommands";

/** A printed fix as the edits it makes, in order, up to the first part that needs judgement (why, in `manual`). */
export interface FixPlan {
    edits: ((doc: Document) => void)[];
    manual?: string;
}

/**
 * Reads a fix without a document, so a caller knows before parsing a file whether following it changes anything.
 * Throws for a fix no operator could follow (not a `pulumi config` command, the wrong stack, a secret on the line).
 */
export function planFix(fix: string, stack: string): FixPlan {
    const edits: FixPlan["edits"] = [];
    for (const part of commandsOf(fix)) {
        const step = stepOf(part.trim(), stack);
        if (typeof step === "string") return { edits, manual: step };
        edits.push(step);
    }
    return { edits };
}

/** Why a fix cannot be applied mechanically (an edit needing judgement), or undefined when it was applied. */
export function applyFix(doc: Document, fix: string, stack: string): string | undefined {
    const plan = planFix(fix, stack);
    for (const edit of plan.edits) edit(doc);
    return plan.manual;
}

function configKey(key: string): string {
    return key.includes(":") ? key : `${PROJECT}:${key}`;
}

/** One command of a fix as the edit it makes, or the command itself when it needs judgement. */
function stepOf(command: string, stack: string): ((doc: Document) => void) | string {
    const rename = /^edit Pulumi\.(\S+)\.yaml: rename (\S+) to (\S+)$/.exec(command);
    if (rename) {
        if (rename[1] !== stack) throw new Error(`fix edits the file of stack ${rename[1]}, not ${stack}`);
        return (doc) => renameKey(doc, rename[2], rename[3]);
    }
    if (command.startsWith("edit ")) return command;
    // A migration report is made against the live cluster (a database takeover's proof): the operator's to run.
    if (command.startsWith("npm run adopt ")) return command;
    // A value only the live system has: the operator reads it (or acts on it) first, then runs the command that
    // follows, which must itself be one an operator can run on this stack.
    const then = / ; then (pulumi config .*)$/.exec(command);
    if (then && !command.startsWith("pulumi ")) {
        stepOf(then[1], stack);
        return command;
    }
    // What the shell would substitute: the fixes for ssh sources ask for the workstation's own public address.
    const [input, file] = inputRedirect(
        command
            .replace(/\$\(curl -fsS https:\/\/checkip\.amazonaws\.com\)/g, "203.0.113.7")
            .replace(/\$\(curl -6 -fsS https:\/\/api6\.ipify\.org\)/g, "2001:db8::7"),
    );
    const words = shellWords(input);
    if (words[0] !== "pulumi" || words[1] !== "config")
        throw new Error(`not a pulumi config command: ${command}`);
    const flags = new Set(words.filter((w) => w.startsWith("--") && w !== "--stack"));
    const stackAt = words.indexOf("--stack");
    if (stackAt < 0 || words[stackAt + 1] !== stack)
        throw new Error(`fix does not name --stack ${stack}: ${command}`);
    const typeAt = words.indexOf("--type");
    const type = typeAt < 0 ? undefined : words[typeAt + 1];
    if (type !== undefined && type !== "string") throw new Error(`unknown --type ${type}: ${command}`);
    const args = words
        .slice(2)
        .filter(
            (w, i) => !w.startsWith("--") && i + 2 !== stackAt + 1 && (typeAt < 0 || i + 2 !== typeAt + 1),
        );
    const [verb, key, value] = args;
    const usePath = flags.has("--path");
    // `--type string` stores the text as it is; without it, --path reads integers and booleans.
    const typed = (text: string) => (type === "string" ? text : pathValue(text));
    const segments = usePath ? parsePath(key) : [key];
    const head = configKey(String(segments[0]));
    const rest = segments.slice(1);
    if (verb === "rm") {
        // Removing a whole section or secret (no path) is allowed only for a key the program does not read.
        return (doc) => doc.deleteIn(["config", head, ...rest]);
    }
    if (verb !== "set") throw new Error(`unknown verb in ${command}`);
    if (flags.has("--secret")) {
        if (value !== undefined && file === undefined) {
            throw new Error(`a secret fix must prompt or read a file, not carry a value: ${command}`);
        }
        return (doc) => doc.setIn(["config", head], doc.createNode({ secure: "v1:encrypted" }));
    }
    if (value === undefined) throw new Error(`set without a value: ${command}`);
    if (rest.length === 0) return (doc) => doc.setIn(["config", head], usePath ? typed(value) : value);
    return (doc) => {
        if (!doc.hasIn(["config", head])) doc.setIn(["config", head], doc.createNode({}));
        setDeep(doc, ["config", head, ...rest], typed(value));
    };
}

/** Like `pulumi config set --path`: creates the maps on the way. */
function setDeep(doc: Document, path: (string | number)[], value: unknown): void {
    for (let i = 1; i < path.length - 1; i++) {
        const at = doc.getIn(path.slice(0, i + 1));
        if (!isMap(at) && !isSeq(at)) {
            doc.setIn(path.slice(0, i + 1), doc.createNode(typeof path[i + 1] === "number" ? [] : {}));
        }
    }
    doc.setIn(path, value);
}

/** Renames a top-level key, a config key or a `--path` key, keeping its value and position. */
function renameKey(doc: Document, from: string, to: string): void {
    if (!from.includes(":") && !from.includes(".") && doc.has(from)) {
        const value = doc.get(from);
        doc.delete(from);
        doc.set(to, value);
        return;
    }
    const fromPath = keyPath(from);
    const toPath = keyPath(to);
    const value = doc.getIn(fromPath);
    if (value === undefined) throw new Error(`rename of ${from}: no such key`);
    doc.deleteIn(fromPath);
    doc.setIn(toPath, value);
}

function keyPath(key: string): (string | number)[] {
    const colon = key.indexOf(":");
    const ns = colon < 0 ? PROJECT : key.slice(0, colon);
    const segs = parsePath(key.slice(colon + 1));
    return ["config", `${ns}:${segs[0]}`, ...segs.slice(1)];
}
