import { existsSync, readFileSync, readdirSync } from "fs";
import * as path from "path";
import { Document, LineCounter, isMap, isSeq, parseDocument } from "yaml";
import { closest } from "../../components/config/checks";
import { ConfigError, ConfigProblem, PROJECT, renameFix } from "../../components/config/problems";
import { ConfigSource, memoryConfigSource, recordDocumentSources } from "../../components/config/source";
import { DuplicateKey, duplicateKeys, withoutStrays } from "../../components/config/duplicateKeys";
import { NamedError } from "../cli/args";

/** The configuration of `Pulumi.<stack>.yaml`, split into plain values and the keys of encrypted values. */
export interface StackFile {
    stack: string;
    values: Record<string, unknown>;
    /** Keys whose values are `secure:` (encrypted); the plan cannot and does not decrypt them. */
    secureKeys: string[];
    /** Full keys in other namespaces (`kubernetes:...`, or a misspelt `runbook:...`). */
    foreignKeys: string[];
    /** Keys written twice: each a problem of the configuration; `values` holds the copy that stays. */
    duplicates: DuplicateKey[];
}

/** A stack file that cannot be read at all (missing, not YAML): one line, no stack trace. */
export class StackFileError extends NamedError {}

/** Top-level keys Pulumi itself reads in a stack file. */
const STACK_FILE_KEYS = ["config", "secretsprovider", "encryptedkey", "encryptionsalt", "environment"];

export function stackFilePath(stack: string, root = process.cwd()): string {
    return path.join(root, `Pulumi.${stack}.yaml`);
}

/** The stacks that have a stack file in `root`. */
export function stacksIn(root = process.cwd()): string[] {
    return readdirSync(root)
        .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined)
        .sort();
}

/** A file that is not one YAML mapping: one problem at the file's name, what it is and what a stack file is. */
function notOneMapping(stack: string, name: string, what: string): ConfigError {
    const message = `${what}. A stack file is one YAML mapping whose config: key maps runbooks:tier and one runbooks:<system> section per system to their settings (Pulumi.stage.yaml shows the layout)`;
    return new ConfigError([{ key: name, message }], stack);
}

export function readStackFile(stack: string, root = process.cwd()): StackFile {
    const file = stackFilePath(stack, root);
    if (!/^[A-Za-z0-9_.-]+$/.test(stack) || !existsSync(file)) {
        const stacks = stacksIn(root);
        const near = closest(stack, stacks);
        throw new StackFileError(
            `no stack "${stack}": ${path.basename(file)} does not exist. Stacks here: ${stacks.join(", ") || "none"}${near ? `; did you mean --stack ${near}?` : ""}`,
        );
    }
    return stackFileOf(stack, path.basename(file), parseStackText(readFileSync(file, "utf8")));
}

/** A stack file's text parsed the way {@link readStackFile} reads it. */
export interface ParsedStackText {
    doc: Document.Parsed;
    lines: LineCounter;
}

export function parseStackText(text: string): ParsedStackText {
    const lines = new LineCounter();
    // Merge keys as Pulumi reads them (`<<: *defaults`).
    const doc = parseDocument(text, { uniqueKeys: true, lineCounter: lines, merge: true });
    return { doc, lines };
}

/**
 * The configuration of a stack file named `name` (`Pulumi.<stack>.yaml`) from its parsed text, as
 * {@link readStackFile} reads it; the document is only read. Split from the reading of the file so a test that checks
 * many texts (test/config/battery.ts) reads each text once and needs no file.
 */
export function stackFileOf(stack: string, name: string, { doc, lines }: ParsedStackText): StackFile {
    // A key written twice is a problem of the configuration, named at both lines with every other problem; the file
    // is still read (the yaml library keeps both copies).
    const errors = doc.errors.filter((e) => e.code !== "DUPLICATE_KEY");
    const documents = errors.find((e) => e.code === "MULTIPLE_DOCS");
    if (documents) {
        const at = documents.linePos?.[0] ?? lines.linePos(documents.pos[0]);
        throw notOneMapping(
            stack,
            name,
            `holds more than one YAML document (the second begins at line ${at.line}): which one holds this stack's settings only you know; keep that one alone`,
        );
    }
    if (errors.length > 0) {
        const err = errors[0];
        const pos = err.linePos?.[0] ?? lines.linePos(err.pos[0]);
        const what = err.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
        throw new StackFileError(`${name}:${pos.line}:${pos.col}: ${what}`);
    }
    if (doc.contents === null || doc.contents === undefined) throw notOneMapping(stack, name, "is empty");
    if (!isMap(doc.contents))
        throw notOneMapping(
            stack,
            name,
            `is a YAML ${isSeq(doc.contents) ? "list" : "scalar"}, not a mapping`,
        );
    const duplicates = duplicateKeys(doc, lines);
    // Two top-level config: keys: which holds this stack's settings only the operator knows, so nothing below is read.
    const configs = duplicates.filter((d) => d.key === "config");
    if (configs.length > 0) {
        const at = [configs[0].kept.line, ...configs.map((d) => d.stray.line)].join(", ");
        throw notOneMapping(
            stack,
            name,
            `has config: at the top level more than once (lines ${at}): the Pulumi CLI refuses the file, and which copy holds this stack's settings only you know; keep one config: mapping`,
        );
    }
    // Read as the duplicates' fixes leave the file: `tier` beside `runbooks:tier` is read as `runbooks:tier` alone.
    const read = withoutStrays(doc, duplicates);
    const top = read.toJS() as Record<string, unknown>;
    const problems: ConfigProblem[] = [];
    for (const key of Object.keys(top)) {
        if (STACK_FILE_KEYS.includes(key)) continue;
        const near = closest(key, STACK_FILE_KEYS);
        problems.push({
            key: `${name}: ${key}`,
            message: `unknown top-level key${near ? `; did you mean "${near}"?` : ""} Pulumi ignores it, and everything under it`,
            fix: near
                ? renameFix(key, near)
                : `edit ${name}: move what is under ${key} into config:, or delete it`,
        });
    }
    const config = top.config;
    const misspelt = problems.some((p) => p.message.includes('did you mean "config"'));
    if (config === undefined || config === null) {
        if (!misspelt) {
            problems.push({
                key: `${name}: config`,
                message:
                    "is missing: the stack has no configuration at all; it maps runbooks:tier and one runbooks:<system> section per system to their settings",
            });
        }
    } else if (typeof config !== "object" || Array.isArray(config)) {
        problems.push({
            key: `${name}: config`,
            message:
                "is not a mapping of keys to values (runbooks:tier: staging, runbooks:<system>: its settings, ...)",
        });
    }
    if (problems.length > 0) throw new ConfigError(problems, stack);

    const values: Record<string, unknown> = {};
    const secureKeys: string[] = [];
    const foreignKeys: string[] = [];
    for (const [rawKey, value] of Object.entries(config as Record<string, unknown>)) {
        // Pulumi puts a key without a namespace into the project's.
        const fullKey = rawKey.includes(":") ? rawKey : `${PROJECT}:${rawKey}`;
        if (!fullKey.startsWith(`${PROJECT}:`)) {
            foreignKeys.push(fullKey);
            continue;
        }
        const key = fullKey.slice(PROJECT.length + 1);
        if (typeof value === "object" && value !== null && "secure" in (value as object)) {
            secureKeys.push(key);
        } else {
            values[key] = value;
        }
    }
    // The written text of each value, so a number YAML read from `1.10` is reported as written, not as 1.1.
    recordDocumentSources(values, read);
    return { stack, values, secureKeys, foreignKeys, duplicates };
}

/** A config source for a stack file whose encrypted values are replaced by a placeholder. */
export function stackFileSource(file: StackFile, placeholder: string): ConfigSource {
    return memoryConfigSource(file.values, Object.fromEntries(file.secureKeys.map((k) => [k, placeholder])), {
        stack: file.stack,
        foreignKeys: file.foreignKeys,
        duplicates: file.duplicates,
    });
}
