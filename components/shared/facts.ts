import { readFileSync } from "fs";
import * as path from "path";
import { Document, LineCounter, parseDocument } from "yaml";
import type { z } from "zod";
import { DefinitionError } from "./errors";
import { repoRoot } from "./repoRoot";

// The program's knowledge kept as data (facts/): each kind has one zod schema, and every file is read here. The
// files are found from the checkout's root, so that the sources, the compiled dist/ and a copy of the program (which
// carries facts/) read the same files. What a schema refuses stops whoever reads it, naming the file, the key
// (`facts.listens[0].port`), its line and what is wrong: the data is the program's own definition, so a mistake in
// it is the program's.

type Issue = z.core.$ZodIssue;
type Key = string | number;

/**
 * Each refusal with the keys it is at. A union whose value took one form (the other forms refused it at the union's
 * own level: `none` for a list of flags) is reported by what that form refused inside it, not as "Invalid input".
 */
function keyed(issue: Issue, base: readonly Key[] = []): { issue: Issue; keys: Key[] }[] {
    const keys = [...base, ...issue.path.filter((k): k is Key => typeof k !== "symbol")];
    if (issue.code === "invalid_union") {
        const taken = issue.errors.filter((form) => form.length > 0 && form.every((i) => i.path.length > 0));
        if (taken.length === 1) return taken[0].flatMap((i) => keyed(i, keys));
    }
    return [{ issue, keys }];
}

/** `facts.listens[0].port (line 12): <what is wrong>`, naming an unknown key itself. */
function problemOf(
    { issue, keys }: { issue: Issue; keys: Key[] },
    doc: Document,
    lines: LineCounter,
): string {
    const named = issue.code === "unrecognized_keys" ? [...keys, issue.keys[0]] : keys;
    const key = named.reduce<string>(
        (s, k) => (typeof k === "number" ? `${s}[${k}]` : s ? `${s}.${k}` : k),
        "",
    );
    // A missing key has no line: its object's is the place to add it.
    let range: [number, number, number] | undefined;
    for (let n = keys.length; range === undefined && n >= 0; n--)
        range = (doc.getIn(keys.slice(0, n), true) as { range?: [number, number, number] } | undefined)
            ?.range;
    const line = range ? ` (line ${lines.linePos(range[0]).line})` : "";
    return `${key || "the file"}${line}: ${issue.message}`;
}

/** Each refusal of `issues` as `key (line n): what is wrong`. */
function refusals(issues: readonly Issue[], doc: Document, lines: LineCounter): string[] {
    return issues.flatMap((i) => keyed(i)).map((r) => problemOf(r, doc, lines));
}

/** The data of a facts file's text, as `schema` reads it; `file` and `kind` name it in a refusal. */
export function parseFacts<S extends z.ZodType>(
    file: string,
    text: string,
    schema: S,
    kind: string,
): z.output<S> {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines });
    if (doc.errors.length > 0) throw new DefinitionError(`${file} is not YAML: ${doc.errors[0].message}`);
    const parsed = schema.safeParse(doc.toJS());
    if (!parsed.success)
        throw new DefinitionError(
            `${file} is not ${kind}: ${refusals(parsed.error.issues, doc, lines).join("; ")}`,
        );
    return parsed.data;
}

const loaded = new Map<string, unknown>();

/** {@link parseFacts} of the file `relative` to the checkout, read once per process. */
export function loadFacts<S extends z.ZodType>(relative: string, schema: S, kind: string): z.output<S> {
    if (!loaded.has(relative))
        loaded.set(
            relative,
            parseFacts(relative, readFileSync(path.join(repoRoot(), relative), "utf8"), schema, kind),
        );
    return loaded.get(relative) as z.output<S>;
}
