import { z } from "zod";
import { closest, textProblem, yaml11Boolean } from "./checks";
import { ConfigProblem, formatPath, fullKey, renameFix } from "./problems";
import { credentialKinds, listOf, multiLineDocument, namedCredentials } from "./secretValues";
import { scalarSource } from "./source";

export { formatPath };

type Segment = string | number;

/** Metadata a schema field may carry (`.meta({...})`). */
export interface FieldMeta {
    /** A valid value: what a broken field of a section is read as, so the section's other checks still run. */
    example?: string;
    /** What only the operator knows to write there (an e-group): the problem says it. Given the field's mapping. */
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
        if (meta.example !== undefined || meta.ask !== undefined) return meta;
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

/** How YAML read an unquoted value, when it read a number or boolean where text was meant (`1.10` as 1.1). */
function yamlNote(
    field: z.ZodType | undefined,
    raw: unknown,
    parent: unknown,
    last: Segment | undefined,
): string {
    if (!field || raw === null || (typeof raw !== "number" && typeof raw !== "boolean")) return "";
    const written = last !== undefined ? scalarSource(parent, last) : undefined;
    const text = written ?? String(raw);
    if (!field.safeParse(text).success) return "";
    const read = `the ${typeof raw === "boolean" ? "boolean" : "number"} ${String(raw)}`;
    return written !== undefined
        ? `: YAML reads the unquoted ${written} as ${read}; quote it ('${written}') so it stays the text written`
        : `: YAML read it as ${read} (an unquoted 1.10 reads as 1.1); quote it exactly as intended`;
}

/**
 * The stack file's error map: what is wrong and what is allowed, in the operator's words. zod's own sentences say
 * what is allowed (the type, the options, the bound, the pattern); a missing value says it is required.
 */
export const stackFileErrors: z.core.$ZodErrorMap = (issue) =>
    issue.code === "invalid_type" && issue.input === undefined
        ? `is required (expected ${issue.expected})`
        : undefined;

function describeIssue(issue: z.core.$ZodIssue): string {
    return issue.message.replace(/^Invalid input: /, "");
}

/** What only the operator can say of a field (its `ask`), as the end of a message. */
function asked(meta: FieldMeta, parent: unknown): string {
    if (meta.ask === undefined) return "";
    return `; set it to ${typeof meta.ask === "string" ? meta.ask : meta.ask(asRecord(parent))}`;
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

/** zod's issues of one config section (parsed with {@link stackFileErrors}) as problems: full key, reason, allowed. */
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
        const key = fullKey(formatPath(section, path));
        if (path.length === 0 && issue.code === "invalid_type" && value !== undefined) {
            problems.push({
                key,
                message: `${describeIssue(issue)}: the section must be a mapping of its settings`,
            });
            continue;
        }
        if (issue.code === "invalid_key") {
            // The name is the mistake: what it should be is the operator's to say.
            const rule = issue.issues.map((i) => i.message).join("; ");
            problems.push({
                key,
                message: `is no valid name here: ${rule}; rename it to the name you meant`,
            });
            continue;
        }
        const raw = valueAt(value, path);
        // A credential is reported once, by credentialProblems, and no other message quotes it.
        if (typeof raw === "string" && credentialKinds(raw).length > 0) continue;
        const field = schemaAt(schema, path);
        const parent = valueAt(value, path.slice(0, -1));
        problems.push({
            key,
            message: `${describeIssue(issue)}${yamlNote(field, raw, parent, path.at(-1))}${asked(metaOf(field), parent)}`,
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
                : `unknown setting "${key}" (${known}); it is ignored: remove it`,
            ...(near
                ? { fix: renameFix(fullKey(keyPath), fullKey(formatPath(section, [...path, near]))) }
                : {}),
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
            const credential = credentialProblem(section, schema, path, v);
            if (credential) {
                problems.push(credential);
                return;
            }
            const reason = textProblem(v, multiLineAllowed(schema, path, v));
            if (reason) {
                const parent = valueAt(value, path.slice(0, -1));
                const message = `${reason}${asked(metaOf(schemaAt(schema, path)), parent)}`;
                problems.push({ key: fullKey(formatPath(section, path)), message });
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
                    const key = fullKey(formatPath(section, [...path, k]));
                    problems.push({ key, message: `the key ${keyReason}: remove it` });
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
    path: readonly Segment[],
    value: string,
): ConfigProblem | undefined {
    const kinds = credentialKindsAt(schema, path, value);
    if (kinds.length === 0) return undefined;
    return { key: fullKey(formatPath(section, path)), message: credentialMessage(section, kinds) };
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
