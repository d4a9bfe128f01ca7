import { z } from "zod";
import { closest, textProblem, yaml11Boolean } from "./checks";
import {
    ConfigProblem,
    STACK_FILE,
    formatPath,
    fullKey,
    removeCommand,
    renameFix,
    setCommand,
} from "./problems";

export { formatPath };
import { credentialKinds, listOf, multiLineDocument, namedCredentials } from "./secretValues";
import { scalarSource } from "./source";

type Segment = string | number;

/** Metadata a schema field may carry (`.meta({...})`) to make error messages fixable. */
export interface FieldMeta {
    /** A valid value printed in the `pulumi config set` fix. */
    example?: string;
    /** The valid value meant by what was written (`Packit-Stg` → `packit-stg`); preferred to the example. */
    suggest?: (written: unknown, section: Record<string, unknown>) => string | undefined;
    /** A value only the operator knows (an e-group): the fix asks for it. Given the mapping the field is in. */
    ask?: string | ((parent: Record<string, unknown>) => string);
}

export const asRecord = (v: unknown): Record<string, unknown> =>
    v && typeof v === "object" ? (v as Record<string, unknown>) : {};

export function isMapping(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

// zod keeps its structure in `_zod.def`; walking it lets an error find the example of the field it is about, and the
// generated configuration reference list every key (tools/docs/configuration.ts).
export interface Def {
    type: string;
    shape?: Record<string, z.ZodType>;
    innerType?: z.ZodType;
    valueType?: z.ZodType;
    element?: z.ZodType;
    in?: z.ZodType;
    options?: z.ZodType[];
    left?: z.ZodType;
    right?: z.ZodType;
    entries?: Record<string, string | number>;
    values?: unknown[];
    getter?: () => z.ZodType;
    defaultValue?: unknown;
}

export function defOf(schema: z.ZodType): Def {
    return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

/** The schema a wrapper (optional, default, pipe, lazy) stands for, or undefined when it wraps none. */
function wrapped(schema: z.ZodType): z.ZodType | undefined {
    const def = defOf(schema);
    if (def.innerType) return def.innerType;
    return def.type === "pipe" ? def.in : def.type === "lazy" ? def.getter?.() : undefined;
}

/** The schema below every wrapper (optional, default, pipe, lazy). */
export function unwrap(schema: z.ZodType): z.ZodType {
    let current = schema;
    for (let i = 0, next = wrapped(current); next && i < 20; i++, next = wrapped(current)) current = next;
    return current;
}

/** Finds the schema of the field at `path`, or undefined when the path leaves the schema. */
export function schemaAt(schema: z.ZodType, path: readonly Segment[]): z.ZodType | undefined {
    let current: z.ZodType | undefined = schema;
    for (const seg of path) {
        if (!current) return undefined;
        const def = defOf(unwrap(current));
        if (def.type === "object" && def.shape) {
            current = def.shape[String(seg)];
        } else if (def.type === "record") {
            current = def.valueType;
        } else if (def.type === "array") {
            current = def.element;
        } else if (def.type === "union" && def.options) {
            current = def.options.map((o) => schemaAt(o, [seg])).find((s): s is z.ZodType => s !== undefined);
        } else {
            return undefined;
        }
    }
    return current;
}

function metaOf(schema: z.ZodType | undefined): FieldMeta {
    for (let current = schema, i = 0; current && i < 20; current = wrapped(current), i++) {
        const meta = (current.meta() ?? {}) as FieldMeta;
        if (meta.example !== undefined || meta.ask !== undefined || meta.suggest !== undefined) return meta;
    }
    return {};
}

/** What `pulumi config set --path` writes for a value: `true`/`false` booleans, integers numbers, else strings. */
export function pathValue(text: string): unknown {
    if (text === "true" || text === "false") return text === "true";
    if (/^-?(0|[1-9][0-9]*)$/.test(text) && Number.isSafeInteger(Number(text))) return Number(text);
    return text;
}

/** The value the operator meant, when only its type is wrong (`"false"` for false, `"3"` for 3). */
function coercedRaw(schema: z.ZodType | undefined, raw: unknown): string | undefined {
    if (!schema || raw === undefined || raw === null || typeof raw === "object") return undefined;
    const text = String(raw).trim();
    if (schema.safeParse(pathValue(text)).success) return text;
    const said = yaml11Boolean(text);
    return said !== undefined && schema.safeParse(said).success ? String(said) : undefined;
}

/** How YAML read a number or boolean: the stack file's text of it (`1.10` for 1.1) when the source recorded it. */
function writtenAsNumber(
    raw: unknown,
    parent: unknown,
    last: Segment | undefined,
): { text?: string; known: boolean } | undefined {
    if (raw === null || (typeof raw !== "number" && typeof raw !== "boolean")) return undefined;
    const text = last !== undefined ? scalarSource(parent, last) : undefined;
    return { text, known: text !== undefined };
}

/** True when `pulumi config set --path` might not store `text` as a string (integers, booleans, number-like). */
function needsStringType(text: string): boolean {
    return pathValue(text) !== text || (text.trim() !== "" && Number.isFinite(Number(text)));
}

/** The fix of one field and what its message adds to the issue (how YAML read the value). */
interface FieldFix {
    fix: string;
    note?: string;
    sets?: string;
    invents?: boolean;
}

/** One broken field as the repairs read it. */
interface BrokenField {
    keyPath: string;
    field: z.ZodType | undefined;
    issue: z.core.$ZodIssue;
    raw: unknown;
    parent: unknown;
    section: unknown;
    /** The key is a path (`a.b`, `a[0]`): its fix needs `--path`. */
    path: boolean;
    /** The stack file's text of a value YAML read as a number or boolean, when it is one. */
    written: { text?: string; known: boolean } | undefined;
    /** The `config set` of a value, as a string wherever the CLI would read it as something else. */
    set: (text: string) => string;
}

/** The fix of one broken field: the first repair that applies, else the example. */
function fixFor(
    keyPath: string,
    field: z.ZodType | undefined,
    issue: z.core.$ZodIssue,
    raw: unknown,
    parent: unknown,
    last: Segment | undefined,
    section: unknown,
): FieldFix {
    const path = keyPath.includes(".") || keyPath.includes("[");
    const stringType = (text: string) => path && needsStringType(text) && !!field?.safeParse(text).success;
    const broken: BrokenField = {
        ...{ keyPath, field, issue, raw, parent, section, path },
        written: writtenAsNumber(raw, parent, last),
        set: (text) => setCommand(keyPath, text, { path, type: stringType(text) ? "string" : undefined }),
    };
    for (const repair of REPAIRS) {
        const fix = repair(broken);
        if (fix !== undefined) return fix;
    }
    return exampleFix(broken);
}

/** The repairs of a broken field, most certain first: what the file shows, a near value, a suggestion, asking. */
const REPAIRS: readonly ((broken: BrokenField) => FieldFix | undefined)[] = [
    quoteWrittenText,
    quoteLostText,
    yaml11Word,
    typeSlip,
    nearestAllowedValue,
    suggestedValue,
    askedValue,
];

function readAs(raw: unknown): string {
    return `the ${typeof raw === "boolean" ? "boolean" : "number"} ${String(raw)}`;
}

/** YAML read an unquoted text as a number or boolean, and the file's text of it is known: write that text. */
function quoteWrittenText({ field, raw, written, set }: BrokenField): FieldFix | undefined {
    if (written?.text === undefined || !accepts(field, written.text)) return undefined;
    return {
        fix: set(written.text),
        sets: written.text,
        note: `YAML reads the unquoted ${written.text} as ${readAs(raw)}; quote it ('${written.text}') so it stays the text written`,
    };
}

/** What was written is lost (1.10 and 1.1 read alike): printing the number could deploy the wrong value. */
function quoteLostText({ keyPath, field, raw, written }: BrokenField): FieldFix | undefined {
    if (!written || written.known || !accepts(field, String(raw))) return undefined;
    return {
        fix: `edit ${STACK_FILE}: put the value of ${fullKey(keyPath)} in quotes exactly as intended, e.g. '${String(raw)}'`,
        note: `YAML read it as ${readAs(raw)} (an unquoted 1.10 reads as 1.1); quote it so it stays the text written`,
    };
}

/** A YAML 1.1 word where a boolean is expected says which one (`no` is false), whatever the field's wrapping. */
function yaml11Word({ keyPath, issue, raw, path }: BrokenField): FieldFix | undefined {
    if (typeof raw !== "string" || issue.code !== "invalid_type" || issue.expected !== "boolean")
        return undefined;
    const said = yaml11Boolean(raw);
    return said === undefined
        ? undefined
        : { fix: setCommand(keyPath, String(said), { path }), sets: String(said) };
}

/** Only the value's type is wrong (`"3"` for 3): the value meant. */
function typeSlip({ keyPath, field, raw, path }: BrokenField): FieldFix | undefined {
    const meant = coercedRaw(field, raw);
    return meant === undefined ? undefined : { fix: setCommand(keyPath, meant, { path }), sets: meant };
}

/** A misspelt choice: the allowed value nearest to what was written. */
function nearestAllowedValue({ issue, raw, set }: BrokenField): FieldFix | undefined {
    if (issue.code !== "invalid_value" || typeof raw !== "string" || issue.values.length === 0)
        return undefined;
    const near = closest(raw, issue.values.map(String));
    return near === undefined ? undefined : { fix: set(near), sets: near };
}

/** The field's own suggestion from what was written (`Packit-Stg` → `packit-stg`), when the field takes it. */
function suggestedValue({ field, raw, section, set }: BrokenField): FieldFix | undefined {
    const suggested = metaOf(field).suggest?.(raw, asRecord(section));
    if (suggested === undefined || suggested === raw || !accepts(field, suggested)) return undefined;
    return { fix: set(suggested), sets: suggested };
}

/** A value only the operator knows: the fix asks for it. */
function askedValue({ keyPath, field, parent }: BrokenField): FieldFix | undefined {
    const ask = askFix(keyPath, metaOf(field), parent);
    return ask === undefined ? undefined : { fix: ask };
}

/** The field's example; a text field's is nobody's value for this stack (fixProof offers the committed one or asks). */
function exampleFix({ field, issue, set }: BrokenField): FieldFix {
    const text = field !== undefined && defOf(unwrap(field)).type === "string";
    const expected = issue.code === "invalid_type" ? issue.expected : "";
    const example =
        metaOf(field).example ??
        (issue.code === "invalid_value" && issue.values.length > 0
            ? String(issue.values[0])
            : (EXAMPLES_BY_TYPE[expected] ?? "<value>"));
    return { fix: set(example), ...(text ? { invents: true } : {}) };
}

/** The field accepts `text` as a stack file would hold it after the fix. */
function accepts(field: z.ZodType | undefined, text: string): boolean {
    return !!field && (field.safeParse(text).success || field.safeParse(pathValue(text)).success);
}

/** The fix that asks for a value only the operator knows, when the field declares one. */
function askFix(keyPath: string, meta: FieldMeta, parent: unknown): string | undefined {
    if (meta.ask === undefined) return undefined;
    const what = typeof meta.ask === "string" ? meta.ask : meta.ask(asRecord(parent));
    return `edit ${STACK_FILE}: set ${fullKey(keyPath)} to ${what}`;
}

const EXAMPLES_BY_TYPE: Record<string, string> = {
    number: "1",
    int: "1",
    boolean: "true",
    object: "{}",
    record: "{}",
    array: "[]",
};

function describeIssue(issue: z.core.$ZodIssue, value: unknown): string {
    if (issue.code === "invalid_type" && value === undefined) {
        return `is required (expected ${issue.expected})`;
    }
    return issue.message.replace(/^Invalid input: /, "");
}

/** The value at a path inside a parsed value, undefined when there is none. */
export function valueAt(root: unknown, path: readonly Segment[]): unknown {
    let current = root;
    for (const seg of path) {
        if (current === null || typeof current !== "object") return undefined;
        current = (current as Record<string, unknown>)[String(seg)];
    }
    return current;
}

/** Every string inside a parsed value, with its path, in the value's order. */
export function stringLeaves(value: unknown, path: Segment[] = []): { path: Segment[]; text: string }[] {
    if (typeof value === "string") return [{ path, text: value }];
    if (Array.isArray(value)) return value.flatMap((v, i) => stringLeaves(v, [...path, i]));
    if (value !== null && typeof value === "object")
        return Object.entries(value).flatMap(([k, v]) => stringLeaves(v, [...path, k]));
    return [];
}

/** zod's issues of one config section as problems: full key, what is wrong, and the command that fixes it. */
export function problemsFromIssues(
    section: string,
    schema: z.ZodType,
    value: unknown,
    issues: readonly z.core.$ZodIssue[],
): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    for (const issue of issues) {
        const path = issue.path.filter((p): p is Segment => typeof p !== "symbol");
        if (issue.code === "unrecognized_keys") {
            problems.push(...unknownKeyProblems(section, schema, value, path, issue.keys));
            continue;
        }
        const keyPath = formatPath(section, path);
        const field = schemaAt(schema, path);
        if (path.length === 0 && issue.code === "invalid_type" && value !== undefined) {
            // A whole section of the wrong shape: no one command writes a section's settings back.
            problems.push({
                key: fullKey(keyPath),
                message: `${describeIssue(issue, value)}: the section must be a mapping of its settings`,
                fix: `edit ${STACK_FILE}: write ${fullKey(section)} as a mapping of its settings (docs/reference/configuration.md, "Stack configuration")`,
            });
            continue;
        }
        if (issue.code === "invalid_key") {
            // The name is the mistake: what it should be is the operator's to say, and a set would write it again.
            const rule = issue.issues.map((i) => i.message).join("; ");
            problems.push({
                key: fullKey(keyPath),
                message: `is no valid name here: ${rule}`,
                fix: `edit ${STACK_FILE}: rename ${fullKey(keyPath)} to the name you meant (${rule})`,
            });
            continue;
        }
        const raw = valueAt(value, path);
        // A credential is reported once, by credentialProblems, with the fix that takes it out of the stack file.
        if (typeof raw === "string" && credentialKinds(raw).length > 0) continue;
        const parent = valueAt(value, path.slice(0, -1));
        const { fix, note, sets, invents } = fixFor(keyPath, field, issue, raw, parent, path.at(-1), value);
        problems.push({
            key: fullKey(keyPath),
            message: note ? `${describeIssue(issue, raw)}: ${note}` : describeIssue(issue, raw),
            fix,
            ...(sets !== undefined ? { sets } : {}),
            ...(invents ? { invents } : {}),
        });
    }
    return problems;
}

/** Keys the schema does not know: renamed to the near known key not yet written, else removed (it is ignored). */
function unknownKeyProblems(
    section: string,
    schema: z.ZodType,
    value: unknown,
    path: readonly Segment[],
    keys: readonly string[],
): ConfigProblem[] {
    const parent = valueAt(value, path) as Record<string, unknown> | undefined;
    const at = schemaAt(schema, path);
    const shape = at ? defOf(unwrap(at)).shape : undefined;
    const all = shape ? Object.keys(shape) : [];
    const known = `known settings are: ${all.join(", ") || "(none)"}`;
    return keys.map((key) => {
        const keyPath = formatPath(section, [...path, key]);
        const near = closest(
            key,
            all.filter((k) => !parent || !(k in parent)),
        );
        return {
            key: fullKey(keyPath),
            message: near
                ? `unknown setting "${key}"; did you mean "${near}"? (${known}); it is ignored as written`
                : `unknown setting "${key}" (${known}); it is ignored`,
            fix: near
                ? renameFix(fullKey(keyPath), formatPath(section, [...path, near]))
                : removeCommand(keyPath, { path: true }),
        };
    });
}

/** A key JSON keeps as an own property but a parsed object never shows (zod skips it): refused wherever it stands. */
const PROTO_KEY = "__proto__";

/** Control or bidirectional characters and oversized strings anywhere in a section (and credentials, first). */
export function textProblems(section: string, schema: z.ZodType, value: unknown): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const walk = (v: unknown, path: Segment[], depth: number): void => {
        if (depth > 32) return;
        if (typeof v === "string") {
            const credential = credentialProblem(section, schema, value, path, v);
            if (credential) {
                problems.push(credential);
                return;
            }
            const reason = textProblem(v, multiLineAllowed(schema, path, v));
            if (reason) {
                const keyPath = formatPath(section, path);
                const meta = metaOf(schemaAt(schema, path));
                const ask = askFix(keyPath, meta, valueAt(value, path.slice(0, -1)));
                // The example is nobody's value for this stack: fixProof offers the committed one or asks.
                problems.push({
                    key: fullKey(keyPath),
                    message: reason,
                    fix: ask ?? setCommand(keyPath, meta.example ?? "<value>", { path: path.length > 0 }),
                    ...(ask === undefined ? { invents: true } : {}),
                });
            }
        } else if (Array.isArray(v)) {
            v.forEach((x, i) => walk(x, [...path, i], depth + 1));
        } else if (v && typeof v === "object") {
            for (const [k, x] of Object.entries(v)) {
                const keyReason =
                    k === PROTO_KEY
                        ? `"${PROTO_KEY}" is no setting: the schema drops it without a word, so what it holds would be lost (and merged into an object it would reach every object's prototype)`
                        : textProblem(k);
                if (keyReason) {
                    problems.push({
                        key: fullKey(formatPath(section, [...path, k])),
                        message: `the key ${keyReason}`,
                        fix: removeCommand(formatPath(section, [...path, k]), { path: true }),
                    });
                    continue;
                }
                walk(x, [...path, k], depth + 1);
            }
        }
    };
    walk(value, [], 0);
    return problems;
}

/** The index of the last key of a path: a list's entries are under the list's key (`db_passwords: [...]`). */
function lastKeyAt(path: readonly Segment[]): number {
    let at = path.length - 1;
    while (at >= 0 && typeof path[at] !== "string") at--;
    return at;
}

/** Whether a value may span lines: free-form content whose lines belong together; a typed setting is one line. */
function multiLineAllowed(schema: z.ZodType, path: readonly Segment[], value: string): boolean {
    if (!value.includes("\n")) return false;
    const at = lastKeyAt(path);
    if (at < 0) return false;
    const field = schemaAt(schema, path.slice(0, at + 1));
    const freeForm =
        inFreeFormMap(schema, path.slice(0, at + 1)) || (field !== undefined && isFreeForm(field));
    return freeForm && multiLineDocument(value) !== undefined;
}

/** How a credential's problem begins: the one problem its key gets, so no other message quotes the value. */
export const CREDENTIAL_MESSAGE = "looks like a credential";

/** A credential in a plain setting: the stack file and state hold it unencrypted; secrets have keys of their own. */
export function credentialProblem(
    section: string,
    schema: z.ZodType,
    root: unknown,
    path: readonly Segment[],
    value: string,
): ConfigProblem | undefined {
    const kinds = credentialKindsAt(schema, path, value);
    if (kinds.length === 0) return undefined;
    const keyPath = formatPath(section, path);
    const { fix, invents } =
        path.length === 0
            ? { fix: removeCommand(keyPath), invents: false }
            : credentialFieldFix(keyPath, schema, root, path);
    return {
        key: fullKey(keyPath),
        message: credentialMessage(section, kinds),
        fix,
        ...(invents ? { invents } : {}),
    };
}

/** What credentials a value holds. In a map whose keys are the user's, the key's name says what the value is. */
function credentialKindsAt(schema: z.ZodType, path: readonly Segment[], value: string): string[] {
    const at = lastKeyAt(path);
    const named = path.slice(0, at + 1);
    if (at < 0 || !inFreeFormMap(schema, named)) return credentialKinds(value);
    // The user's keys from the free-form map's root: `auths.<registry>.auth` is read as a registry login.
    let root = at;
    while (root > 0 && inFreeFormMap(schema, path.slice(0, root))) root--;
    const keys = path.slice(root, at + 1).filter((k): k is string => typeof k === "string");
    return namedCredentials(value, String(path[at]), 0, keys);
}

/** A credential's field loses it: asked for, else removed, unless required with an example to stand there. */
function credentialFieldFix(
    keyPath: string,
    schema: z.ZodType,
    root: unknown,
    path: readonly Segment[],
): { fix: string; invents: boolean } {
    const field = schemaAt(schema, path);
    const meta = metaOf(field);
    const ask = askFix(keyPath, meta, valueAt(root, path.slice(0, -1)));
    if (ask !== undefined) return { fix: ask, invents: false };
    const optional = !field || field.safeParse(undefined).success || isFreeForm(field);
    const example = meta.example;
    const invents =
        !optional &&
        example !== undefined &&
        accepts(field, example) &&
        credentialKinds(example).length === 0;
    return invents
        ? { fix: setCommand(keyPath, example, { path: true }), invents }
        : { fix: removeCommand(keyPath, { path: true }), invents };
}

function credentialMessage(section: string, kinds: readonly string[]): string {
    // "a URL", "an npm registry credential": by the sound, so a word's first letter alone does not decide.
    const what = `${/^(?:[aeio]|u[^rs]|npm\b)/i.test(kinds[0]) ? "an" : "a"} ${listOf(kinds)}`;
    return `${CREDENTIAL_MESSAGE} (${listOf(kinds)}): this plain setting is stored unencrypted in the stack file and the state and reaches objects and commands as it is, so the ${kinds.length > 1 ? "credentials are" : "credential is"} leaked if the file was ever committed or pushed: rotate ${kinds.length > 1 ? "them" : "it"}. A setting cannot hold a secret: if the system needs ${what}, it belongs in an encrypted key of its own (pulumi config set --secret ${section.split(".")[0]}-<name> --stack <stack>, docs/reference/secrets.md)`;
}

/** Whether the value at `path` is an entry of a map whose keys the user chooses (a record, or a free-form value). */
function inFreeFormMap(schema: z.ZodType, path: readonly Segment[]): boolean {
    if (path.length === 0) return false;
    const parent = schemaAt(schema, path.slice(0, -1));
    if (!parent) return schemaAt(schema, path) === undefined && path.length > 1;
    const def = defOf(unwrap(parent));
    // A JSON value (z.json(): a union of scalars, lists and records of JSON values) is free-form at any depth.
    const defs = def.type === "union" && def.options ? def.options.map((o) => defOf(unwrap(o))) : [def];
    return defs.some((d) => {
        if (d.type === "unknown" || d.type === "any") return true;
        // A record of typed values (grants: namespace → system) is keyed by names, not by what its values are.
        const valueType = d.type === "record" && d.valueType ? defOf(unwrap(d.valueType)).type : undefined;
        return (
            valueType !== undefined && !["string", "object", "enum", "number", "boolean"].includes(valueType)
        );
    });
}

/** A field whose content is passed on as written (a ConfigMap's free-form settings, Ansible variables). */
function isFreeForm(field: z.ZodType): boolean {
    const type = defOf(unwrap(field)).type;
    return type === "unknown" || type === "any";
}

/**
 * The readable part of a section that failed its schema, for the checks that do not depend on the broken fields
 * (never deployed): each broken field as evidently meant, else its example, else dropped. `exact`: nothing guessed.
 */
export function repairSection<T>(
    schema: z.ZodType<T>,
    value: unknown,
    issues: readonly z.core.$ZodIssue[],
): { value: T; exact: boolean } | undefined {
    if (!value || typeof value !== "object") return undefined;
    const current: unknown = structuredClone(value);
    let exact = true;
    let pending = issues;
    for (let round = 0; round < 4; round++) {
        const drop: { parent: unknown[]; index: number }[] = [];
        for (const issue of pending) {
            const path = issue.path.filter((p): p is Segment => typeof p !== "symbol");
            if (issue.code === "unrecognized_keys") {
                const at = valueAt(current, path);
                if (at && typeof at === "object")
                    issue.keys.forEach((k) => delete (at as Record<string, unknown>)[k]);
                continue;
            }
            if (path.length === 0) return undefined;
            const parent = valueAt(current, path.slice(0, -1));
            if (!parent || typeof parent !== "object") return undefined;
            const last = path[path.length - 1];
            const field = schemaAt(schema, path);
            const raw = (parent as Record<string, unknown>)[String(last)];
            const meant = coercedRaw(field, raw);
            const example = metaOf(field).example;
            if (meant === undefined) exact = false;
            const replacement =
                meant !== undefined
                    ? pathValue(meant)
                    : round < 2 && example !== undefined
                      ? pathValue(example)
                      : undefined;
            if (replacement !== undefined) {
                (parent as Record<string, unknown>)[String(last)] = replacement;
            } else if (Array.isArray(parent) && typeof last === "number") {
                drop.push({ parent, index: last });
            } else {
                delete (parent as Record<string, unknown>)[String(last)];
            }
        }
        // Highest index first, so dropping one entry does not move another.
        drop.sort((a, b) => b.index - a.index).forEach((d) => d.parent.splice(d.index, 1));
        const result = schema.safeParse(current);
        if (result.success) return { value: result.data, exact };
        pending = result.error.issues;
    }
    return undefined;
}
