import * as pulumi from "@pulumi/pulumi";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { Document, Node, isMap, isPair, isScalar, isSeq, parseDocument } from "yaml";
import { DuplicateKey, duplicateKeysOf } from "./duplicateKeys";
import { PROJECT } from "./problems";

// Exported but @internal in the SDK's typings: the only way to know a key is encrypted without reading its value.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const runtimeConfig = require("@pulumi/pulumi/runtime/config") as { isConfigSecret(key: string): boolean };

/** The project's directory when the engine runs the program: with `main: dist/index.js` it starts in `dist/`. */
export function engineProjectRoot(): string {
    return pulumi.getRootDirectory() || process.cwd();
}

/** Where the configuration comes from: `pulumi.Config`, or the offline plan's and tests' own. */
export interface ConfigSource {
    /** The stack this is the whole configuration of; unset for a partial configuration (a test of one system). */
    stack?: string;
    /** Full keys (`ns:key`) in other namespaces, so keys under a misspelt project name are not silently ignored. */
    foreignKeys?(): string[];
    /** Keys (without namespace) set in the stack under this project's namespace. Values are not read. */
    keys(): string[];
    isSecret(key: string): boolean;
    /** A non-secret value: objects and numbers parsed from their JSON text, strings as they are. */
    getValue(key: string): unknown;
    /** A secret value as a secret Output, undefined when unset. */
    getSecret(key: string): pulumi.Output<string> | undefined;
    /** A secret's decrypted text as {@link getSecret} hands it on (unparsed), for checks; undefined offline. */
    secretText?(key: string): string | undefined;
    /** Keys the stack file writes twice: every other check reads the copy that stays. */
    duplicateKeys?(): readonly DuplicateKey[];
}

function parseValue(raw: string): unknown {
    try {
        return JSON.parse(raw);
    } catch {
        return raw;
    }
}

// YAML reads an unquoted `1.10` as the number 1.1 and `007` as 7, and so does the Pulumi CLI: the value the program
// gets has lost what the operator wrote. The stack file still has it; a fix must print that, not the number.
const scalarSources = new WeakMap<object, Map<string, string>>();

/** The text the stack file has for the non-string scalar at `parent[key]`, when it was recorded. */
export function scalarSource(parent: unknown, key: string | number): string | undefined {
    return parent && typeof parent === "object" ? scalarSources.get(parent)?.get(String(key)) : undefined;
}

/**
 * A text two values share only when every reader reads them alike: same keys in the same order, same scalars (-0 apart)
 * and same stack-file text of each non-string scalar. Undefined for what a stack file cannot hold (NaN, a class...).
 */
export function contentKey(value: unknown): string | undefined {
    const parts: string[] = [];
    const scalar = (v: unknown): boolean => {
        if (v === null) parts.push("n");
        else if (typeof v === "string") parts.push(JSON.stringify(v));
        else if (typeof v === "boolean") parts.push(v ? "t" : "f");
        else if (typeof v === "number" && Number.isFinite(v)) parts.push(Object.is(v, -0) ? "-0" : String(v));
        else return false;
        return true;
    };
    const walk = (v: unknown, depth: number): boolean => {
        if (v === null || typeof v !== "object") return scalar(v);
        if (depth > 256 || Object.getOwnPropertySymbols(v).length > 0) return false;
        const proto = Object.getPrototypeOf(v) as unknown;
        const keys = Object.keys(v);
        const sources = scalarSources.get(v);
        const entry = (key: string, child: unknown): boolean => {
            const text = sources?.get(key);
            if (text !== undefined) parts.push(`@${JSON.stringify(text)}`);
            return walk(child, depth + 1);
        };
        if (Array.isArray(v)) {
            if (proto !== Array.prototype || keys.length !== v.length) return false;
            parts.push("[");
            for (let i = 0; i < v.length; i++) {
                if (!(i in v) || !entry(String(i), v[i])) return false;
                parts.push(",");
            }
            parts.push("]");
            return true;
        }
        if (proto !== Object.prototype && proto !== null) return false;
        parts.push(proto === null ? "{0" : "{");
        for (const key of keys) {
            parts.push(JSON.stringify(key), ":");
            if (!entry(key, (v as Record<string, unknown>)[key])) return false;
            parts.push(",");
        }
        parts.push("}");
        return true;
    };
    return walk(value, 0) ? parts.join("") : undefined;
}

/** Records the stack file's text of every number, boolean or null in `value`, for scalarSource. */
function recordSources(value: unknown, node: unknown): void {
    if (!value || typeof value !== "object") return;
    const record = (key: string | number, child: unknown, childNode: unknown) => {
        if (isScalar(childNode) && typeof childNode.value !== "string" && childNode.source !== undefined) {
            const texts = scalarSources.get(value) ?? new Map<string, string>();
            texts.set(String(key), childNode.source);
            scalarSources.set(value, texts);
        } else {
            recordSources(child, childNode);
        }
    };
    if (Array.isArray(value) && isSeq(node)) {
        node.items.forEach((item, i) => record(i, value[i], item));
    } else if (isMap(node)) {
        for (const pair of node.items) {
            if (!isPair(pair) || !isScalar(pair.key) || pair.key.value === "<<") continue;
            const key = String(pair.key.value);
            record(key, (value as Record<string, unknown>)[key], pair.value);
        }
    }
}

/** Records the stack file's text of the non-string scalars of `values` (config values by key without namespace). */
export function recordStackFileSources(values: Record<string, unknown>, text: string): void {
    recordDocumentSources(values, parseDocument(text, { merge: true }));
}

/** {@link recordStackFileSources} for a stack file its reader has already parsed (merge keys resolved). */
export function recordDocumentSources(values: Record<string, unknown>, doc: Document): void {
    const config = doc.get("config", true);
    if (!isMap(config)) return;
    for (const pair of config.items) {
        if (!isPair(pair) || !isScalar(pair.key)) continue;
        const full = String(pair.key.value);
        const key = full.startsWith(`${PROJECT}:`) ? full.slice(PROJECT.length + 1) : full;
        if (key in values) recordSources(values[key], pair.value as Node);
    }
}

/** Resolves YAML merge keys (`<<: *defaults`) in place as the Pulumi CLI does: own keys first, then earlier merges. */
export function resolveMergeKeys(value: unknown, depth = 0): unknown {
    if (depth > 64 || !value || typeof value !== "object") return value;
    if (Array.isArray(value)) {
        value.forEach((v) => resolveMergeKeys(v, depth + 1));
        return value;
    }
    const map = value as Record<string, unknown>;
    if ("<<" in map) {
        const merged = map["<<"];
        delete map["<<"];
        const sources = (Array.isArray(merged) ? merged : [merged]).filter(
            (m): m is Record<string, unknown> => !!m && typeof m === "object" && !Array.isArray(m),
        );
        for (const source of sources) {
            for (const [k, v] of Object.entries(source)) if (!(k in map)) map[k] = structuredClone(v);
        }
    }
    Object.values(map).forEach((v) => resolveMergeKeys(v, depth + 1));
    return map;
}

export function pulumiConfigSource(): ConfigSource {
    const config = new pulumi.Config(PROJECT);
    const prefix = `${PROJECT}:`;
    // The stack file the CLI read, for the source text of values YAML turned into numbers.
    const file = path.join(engineProjectRoot(), `Pulumi.${pulumi.getStack()}.yaml`);
    let text: string | undefined;
    try {
        text = existsSync(file) ? readFileSync(file, "utf8") : undefined;
    } catch {
        text = undefined;
    }
    // `tier` beside `runbooks:tier` is one key to the CLI, with either value: the namespaced copy is read instead.
    const duplicates = text === undefined ? [] : duplicateKeysOf(text);
    const kept = new Map(
        duplicates
            .filter((d) => d.kind === "namespace" && d.key.startsWith(prefix))
            .map((d) => [d.key.slice(prefix.length), d.keptValue]),
    );
    return {
        stack: pulumi.getStack(),
        foreignKeys: () => Object.keys(pulumi.runtime.allConfig()).filter((k) => !k.startsWith(prefix)),
        keys: () =>
            Object.keys(pulumi.runtime.allConfig())
                .filter((k) => k.startsWith(prefix))
                .map((k) => k.slice(prefix.length)),
        isSecret: (key) => runtimeConfig.isConfigSecret(`${prefix}${key}`),
        duplicateKeys: () => duplicates,
        getValue: (key) => {
            if (kept.has(key)) {
                const value = kept.get(key);
                return value !== null && typeof value === "object" && "secure" in value ? undefined : value;
            }
            const raw = config.get(key);
            if (raw === undefined) return undefined;
            const value = parseValue(raw);
            if (text !== undefined) recordStackFileSources({ [key]: value }, text);
            return value;
        },
        getSecret: (key) => config.getSecret(key),
        // What getSecret wraps: the raw text, before getValue's JSON reading turns `123` or `"a"` into something else.
        secretText: (key) => (runtimeConfig.isConfigSecret(`${prefix}${key}`) ? config.get(key) : undefined),
    };
}

/** An in-memory source (tests, offline plan); `whole` makes it a whole stack's configuration. */
export function memoryConfigSource(
    values: Record<string, unknown>,
    secrets: Record<string, string> = {},
    whole?: { stack: string; foreignKeys?: string[]; duplicates?: readonly DuplicateKey[] },
): ConfigSource {
    return {
        stack: whole?.stack,
        foreignKeys: () => whole?.foreignKeys ?? [],
        duplicateKeys: () => whole?.duplicates ?? [],
        keys: () => [...new Set([...Object.keys(values), ...Object.keys(secrets)])].sort(),
        isSecret: (key) => key in secrets,
        getValue: (key) => resolveMergeKeys(values[key]),
        getSecret: (key) => (key in secrets ? pulumi.secret(secrets[key]) : undefined),
    };
}
