import type { Document, LineCounter } from "yaml";
import type { z } from "zod";

// What the schema refused in a file of facts/evidence, as its reader fixes it: the key (`facts.listens[0].port`), its
// line, and what is wrong there.

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
export function refusals(issues: readonly Issue[], doc: Document, lines: LineCounter): string[] {
    return issues.flatMap((i) => keyed(i)).map((r) => problemOf(r, doc, lines));
}
