import { DefinitionError } from "../shared/errors";

/** A YAML/JSON document as Prow's config files hold them. */
export type DocValue = string | number | boolean | null | DocValue[] | Doc;
export interface Doc {
    [key: string]: DocValue;
}

function isDoc(value: unknown): value is Doc {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

// Keys that would reach Object.prototype through a plain object and poison every object in the process.
const FORBIDDEN = new Set(["__proto__", "constructor", "prototype"]);

/**
 * Where a document holds a key {@link deepMerge} refuses, as paths from its root: the stack file's documents are
 * checked with this before the program merges them, so none reaches the refusal.
 */
export function forbiddenKeyPaths(value: unknown, path: (string | number)[] = []): (string | number)[][] {
    if (Array.isArray(value)) return value.flatMap((item, i) => forbiddenKeyPaths(item, [...path, i]));
    if (typeof value !== "object" || value === null) return [];
    return Object.entries(value).flatMap(([key, item]) =>
        FORBIDDEN.has(key) ? [[...path, key]] : forbiddenKeyPaths(item, [...path, key]),
    );
}

function mergeInto(target: Doc, override: Doc, path: string): void {
    for (const [key, value] of Object.entries(override)) {
        if (FORBIDDEN.has(key)) {
            throw new DefinitionError(`deepMerge: key "${key}" at ${path || "the top level"} is not allowed`);
        }
        if (value === null) {
            delete target[key];
        } else if (isDoc(value) && isDoc(target[key])) {
            mergeInto(target[key] as Doc, value, path ? `${path}.${key}` : key);
        } else {
            target[key] = structuredClone(value);
        }
    }
}

/**
 * Deep-merges override documents over a base, the job the yq scripts did per environment. Objects merge key
 * by key; arrays and scalars replace; `null` removes a key. Keys keep the base's order, new keys follow in the
 * override's order. Nothing passed in is modified and the result shares no objects with the inputs.
 */
export function deepMerge(base: Doc, ...overrides: (Doc | undefined)[]): Doc {
    const result = structuredClone(base);
    for (const override of overrides) {
        if (override !== undefined) mergeInto(result, override, "");
    }
    return result;
}
