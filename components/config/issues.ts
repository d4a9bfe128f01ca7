import { z } from "zod";
import { ConfigProblem, fullKey, removeCommand, setCommand } from "./problems";

type Segment = string | number;

/** Metadata a schema field may carry (`.meta({...})`) to make error messages fixable. */
export interface FieldMeta {
    /** A valid value printed in the `pulumi config set` fix. */
    example?: string;
    /** What the field means; also used in generated documentation. */
    description?: string;
}

/** Renders a path as Pulumi's `--path` syntax: `thoth.hosts[0].name`, `a["key.with.dots"]`. */
export function formatPath(section: string, path: readonly Segment[]): string {
    let out = section;
    for (const seg of path) {
        if (typeof seg === "number") {
            out += `[${seg}]`;
        } else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(seg)) {
            out += `.${seg}`;
        } else {
            out += `["${seg}"]`;
        }
    }
    return out;
}

// zod keeps its structure in `_zod.def`; walking it lets an error find the example of the field it is about.
interface Def {
    type: string;
    shape?: Record<string, z.ZodType>;
    innerType?: z.ZodType;
    valueType?: z.ZodType;
    element?: z.ZodType;
    in?: z.ZodType;
    options?: z.ZodType[];
    getter?: () => z.ZodType;
}

function defOf(schema: z.ZodType): Def {
    return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

function unwrap(schema: z.ZodType): z.ZodType {
    let current = schema;
    for (let i = 0; i < 20; i++) {
        const def = defOf(current);
        if (def.innerType) {
            current = def.innerType;
        } else if (def.type === "pipe" && def.in) {
            current = def.in;
        } else if (def.type === "lazy" && def.getter) {
            current = def.getter();
        } else {
            return current;
        }
    }
    return current;
}

/** Finds the schema of the field at `path`, or undefined when the path leaves the schema. */
export function schemaAt(schema: z.ZodType, path: readonly Segment[]): z.ZodType | undefined {
    let current: z.ZodType | undefined = schema;
    for (const seg of path) {
        if (!current) {
            return undefined;
        }
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
    let current = schema;
    for (let i = 0; current && i < 20; i++) {
        const meta = (current.meta() ?? {}) as FieldMeta;
        if (meta.example !== undefined) {
            return meta;
        }
        const def = defOf(current);
        current = def.innerType ?? (def.type === "pipe" ? def.in : undefined);
    }
    return {};
}

function exampleFor(schema: z.ZodType | undefined, issue: z.core.$ZodIssue): string {
    const meta = metaOf(schema);
    if (meta.example !== undefined) {
        return meta.example;
    }
    if (issue.code === "invalid_value" && issue.values.length > 0) {
        return String(issue.values[0]);
    }
    const expected = issue.code === "invalid_type" ? issue.expected : undefined;
    switch (expected) {
        case "number":
        case "int":
            return "1";
        case "boolean":
            return "true";
        case "object":
        case "record":
            return "{}";
        case "array":
            return "[]";
        default:
            return "<value>";
    }
}

function describeIssue(issue: z.core.$ZodIssue, value: unknown): string {
    if (issue.code === "invalid_type" && value === undefined) {
        return `is required (expected ${issue.expected})`;
    }
    return issue.message.replace(/^Invalid input: /, "");
}

function valueAt(root: unknown, path: readonly Segment[]): unknown {
    let current = root;
    for (const seg of path) {
        if (current === null || typeof current !== "object") {
            return undefined;
        }
        current = (current as Record<string, unknown>)[String(seg)];
    }
    return current;
}

/**
 * Turns zod's issues for one config section into operator-facing problems: full key, what is wrong,
 * and the `pulumi config set --path` (or `rm`) command that fixes it.
 */
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
            for (const key of issue.keys) {
                const keyPath = formatPath(section, [...path, key]);
                problems.push({
                    key: fullKey(keyPath),
                    message: `unknown setting "${key}" (typo? known settings are: ${knownKeys(schema, path)})`,
                    fix: removeCommand(keyPath, { path: true }),
                });
            }
            continue;
        }
        const keyPath = formatPath(section, path);
        const field = schemaAt(schema, path);
        problems.push({
            key: fullKey(keyPath),
            message: describeIssue(issue, valueAt(value, path)),
            fix: setCommand(keyPath, exampleFor(field, issue), { path: path.length > 0 }),
        });
    }
    return problems;
}

function knownKeys(schema: z.ZodType, path: readonly Segment[]): string {
    const at = schemaAt(schema, path);
    const def = at ? defOf(unwrap(at)) : undefined;
    return def?.shape ? Object.keys(def.shape).join(", ") : "(none)";
}
