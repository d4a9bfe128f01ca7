import { readFileSync, readdirSync } from "fs";
import * as path from "path";
import { LineCounter, Node, isMap, isSeq, parseDocument } from "yaml";
import type { z } from "zod";
import { repoRoot } from "../root";
import { RunbookTable, runbookFacts } from "./schema";

/** Where each runbook's facts are, from the repository root: `<runbook>.yaml` for `<runbook>.txt`. */
export const FACTS_DIR = "facts/runbooks";

/** The facts file of a runbook (`000-thoth-station.txt`), from the repository root. */
export function factsFile(runbook: string): string {
    return `${FACTS_DIR}/${path.basename(runbook, ".txt")}.yaml`;
}

/** A facts file the schema refuses: every message names the file, its line and the key of the bad value. */
export class FactsError extends Error {
    constructor(readonly problems: string[]) {
        super(problems.join("\n"));
        this.name = "FactsError";
    }
}

/** `steps[3].objects[0].name`: a zod path as the file's author finds it. */
function keyOf(at: readonly PropertyKey[]): string {
    return at
        .map((k, i) => (typeof k === "number" ? `[${k}]` : `${i === 0 ? "" : "."}${String(k)}`))
        .join("");
}

/** A union's issues are one list per option; the option that came closest says what is wrong. */
function leafIssues(issues: readonly z.core.$ZodIssue[], above: PropertyKey[] = []): z.core.$ZodIssue[] {
    return issues.flatMap((issue) => {
        const at = [...above, ...issue.path];
        if (issue.code === "invalid_union" && issue.errors.length > 0) {
            const closest = [...issue.errors].sort((a, b) => a.length - b.length)[0];
            return leafIssues(closest, at);
        }
        // A misspelt key is found at the key, not at the row that holds it.
        if (issue.code === "unrecognized_keys")
            return issue.keys.map((key) => ({
                ...issue,
                keys: [key],
                path: [...at, key],
                message: `Unrecognized key: "${key}"`,
            }));
        return [{ ...issue, path: at }];
    });
}

/** Where the value at `at` starts (a map's entry at its key), or its nearest enclosing value when it is missing. */
function offsetOf(node: Node | null, at: readonly PropertyKey[]): number | undefined {
    let here = node?.range?.[0];
    for (const key of at) {
        let next: Node | undefined;
        if (isMap(node)) {
            const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === key);
            here = (pair?.key as Node | undefined)?.range?.[0] ?? here;
            next = pair?.value as Node | undefined;
        } else if (isSeq(node) && typeof key === "number") {
            next = node.items[key] as Node | undefined;
            here = next?.range?.[0] ?? here;
        }
        if (!next) return here;
        node = next;
    }
    return here;
}

/**
 * The table of one facts file (`name` is how messages call it), or a {@link FactsError} listing each refused value as
 * `<name>:<line>: <key>: <what is wrong>`, with the runbook line of the step it is in.
 */
export function parseRunbookFacts(text: string, name: string): RunbookTable {
    const counter = new LineCounter();
    const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false });
    const lineAt = (offset: number | undefined): number =>
        offset === undefined ? 1 : counter.linePos(offset).line;
    if (doc.errors.length > 0)
        throw new FactsError(doc.errors.map((e) => `${name}:${lineAt(e.pos[0])}: ${e.message}`));
    const data: unknown = doc.toJS();
    const parsed = runbookFacts.safeParse(data);
    if (!parsed.success) {
        const steps = (data as { steps?: { lines?: unknown }[] } | null)?.steps;
        throw new FactsError(
            leafIssues(parsed.error.issues).map((issue) => {
                const at = issue.path;
                const offset = offsetOf(doc.contents, at);
                const row =
                    at[0] === "steps" && typeof at[1] === "number" && Array.isArray(steps)
                        ? ` (the step at runbook line ${String(steps[at[1]]?.lines ?? "?")})`
                        : "";
                return `${name}:${lineAt(offset)}: ${keyOf(at) || "(the file)"}${row}: ${issue.message}`;
            }),
        );
    }
    const { system, steps, context } = parsed.data;
    // The runbook is the file's name, so no two facts files can disagree about which one they describe.
    return { system, runbook: `${path.basename(name, ".yaml")}.txt`, steps, context };
}

const loaded = new Map<string, readonly RunbookTable[]>();

/**
 * Every runbook's table, in runbook order, from the facts of this checkout (or of `root`): what the generated pages,
 * the plan diff, drift and the conformance test read. Read once per root.
 */
export function runbookTables(root: string = repoRoot()): readonly RunbookTable[] {
    const known = loaded.get(root);
    if (known) return known;
    const dir = path.join(root, FACTS_DIR);
    const tables = readdirSync(dir)
        .filter((f) => f.endsWith(".yaml"))
        .sort()
        .map((f) => parseRunbookFacts(readFileSync(path.join(dir, f), "utf8"), `${FACTS_DIR}/${f}`));
    loaded.set(root, tables);
    return tables;
}
