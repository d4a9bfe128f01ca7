import { isDeepStrictEqual } from "node:util";
import { Document, LineCounter, Node, isMap, isPair, isScalar, isSeq, parseDocument, visit } from "yaml";
import { ConfigProblem, PROJECT, formatPath, keyWithin } from "./problems";

// A key written twice: the yaml library keeps the last, go-yaml (the Pulumi CLI) refuses the file, and `tier:` beside
// `runbooks:tier:` is one key whose value changes from run to run (Pulumi's config map is read in no fixed order).
// Each pair is one problem with the edit that removes the stray copy; every other check reads the file as it leaves it.

/** Where a key is written in the stack file. */
export interface KeyAt {
    /** The key as the file writes it (`tier`, `runbooks:tier`, `frontendHost`). */
    written: string;
    /** First and last line of the key and its value (1-based). */
    line: number;
    endLine: number;
    /** Where the key starts in the text: which pair of the document it is. */
    offset: number;
}

/** One key written twice: the copy that stays and the stray one the fix deletes. */
export interface DuplicateKey {
    /** Full key of the value (`runbooks:tier`, `runbooks:dials.web.frontendHost`), or `config` for the section itself. */
    key: string;
    kept: KeyAt;
    stray: KeyAt;
    /** `namespace`: `tier` beside `runbooks:tier` (the namespaced one stays); `repeated`: twice in one mapping. */
    kind: "namespace" | "repeated";
    /** Both copies hold the same value: deleting either changes nothing the program reads. */
    same: boolean;
    /** What the copy that stays holds (a stack's config key only): what every other check reads. */
    keptValue?: unknown;
}

/** A merge key (`<<: *defaults`): the yaml library reads it as a symbol when it resolves merges, else as text. */
const isMergeKey = (key: unknown) => key === "<<" || typeof key === "symbol";

const lineOf = (lines: LineCounter, offset: number) => lines.linePos(offset).line;

function keyAt(pair: { key: unknown; value: unknown }, lines: LineCounter): KeyAt {
    const key = pair.key as Node;
    const value = pair.value as Node | null;
    const start = key.range?.[0] ?? 0;
    // A value's range ends where the next line starts: its last character is the one before.
    const end = Math.max(start, (value?.range?.[1] ?? key.range?.[1] ?? start + 1) - 1);
    return {
        written: String((key as { value?: unknown }).value),
        line: lineOf(lines, start),
        endLine: lineOf(lines, end),
        offset: start,
    };
}

const plain = (node: unknown): unknown =>
    node && typeof node === "object" && "toJSON" in node ? (node as Node).toJSON() : node;

/** Every key a stack file writes twice: in `config` by its full key, in every mapping below it, and at the top. */
export function duplicateKeys(doc: Document, lines: LineCounter): DuplicateKey[] {
    const found: DuplicateKey[] = [];
    const contents = doc.contents;
    if (!isMap(contents)) return found;
    const same = (a: unknown, b: unknown) => isDeepStrictEqual(plain(a), plain(b));
    const walk = (node: unknown, base: string, depth: number): void => {
        if (depth > 64) return;
        if (isSeq(node)) {
            node.items.forEach((item, i) => walk(item, formatPath(base, [i]), depth + 1));
            return;
        }
        if (!isMap(node)) return;
        const first = new Map<string, { at: KeyAt; value: unknown }>();
        for (const pair of node.items) {
            if (!isPair(pair) || !isScalar(pair.key) || isMergeKey(pair.key.value)) continue;
            const name = String(pair.key.value);
            const at = keyAt(pair, lines);
            const seen = first.get(name);
            const key = formatPath(base, [name]);
            const sameValue = seen && same(seen.value, pair.value);
            if (seen) found.push({ key, kept: seen.at, stray: at, kind: "repeated", same: !!sameValue });
            else {
                first.set(name, { at, value: pair.value });
                walk(pair.value, key, depth + 1);
            }
        }
    };
    const config = new Map<string, { at: KeyAt; value: unknown; namespaced: boolean }>();
    const seenTop = new Map<string, KeyAt>();
    for (const pair of contents.items) {
        if (!isPair(pair) || !isScalar(pair.key)) continue;
        const top = String(pair.key.value);
        const at = keyAt(pair, lines);
        const before = seenTop.get(top);
        if (before) {
            found.push({ key: top, kept: before, stray: at, kind: "repeated", same: false });
            continue;
        }
        seenTop.set(top, at);
        if (top !== "config" || !isMap(pair.value)) continue;
        for (const item of pair.value.items) {
            if (!isPair(item) || !isScalar(item.key) || isMergeKey(item.key.value)) continue;
            const written = String(item.key.value);
            // Pulumi puts a key without a namespace into the project's.
            const full = written.includes(":") ? written : `${PROJECT}:${written}`;
            const here = { at: keyAt(item, lines), value: item.value, namespaced: written.includes(":") };
            const seen = config.get(full);
            if (!seen) {
                config.set(full, here);
                if (full.startsWith(`${PROJECT}:`)) walk(item.value, full, 0);
                continue;
            }
            // The copy with the namespace is what `pulumi config set` writes: it stays, wherever it stands.
            const namespace = seen.namespaced !== here.namespaced;
            const [kept, stray] = namespace && !seen.namespaced ? [here, seen] : [seen, here];
            const kind = namespace ? "namespace" : "repeated";
            const sameValue = same(kept.value, stray.value);
            found.push({
                key: full,
                kept: kept.at,
                stray: stray.at,
                kind,
                same: sameValue,
                keptValue: plain(kept.value),
            });
            if (kept === here) {
                config.set(full, here);
                walk(item.value, full, 0);
            }
        }
    }
    return found;
}

/** A copy of the document as the duplicates' fixes leave it: every stray copy deleted. */
export function withoutStrays(doc: Document, dups: readonly DuplicateKey[]): Document {
    if (dups.length === 0) return doc;
    const strays = new Set(dups.map((d) => d.stray.offset));
    const clean = doc.clone();
    visit(clean, {
        Pair(_, pair) {
            if (isScalar(pair.key) && strays.has(pair.key.range?.[0] ?? -1)) return visit.REMOVE;
            return undefined;
        },
    });
    return clean;
}

/** A stack file's text as its check reads it (merge keys resolved, a key twice allowed), with its keys written twice. */
export function readStackFile(text: string): { doc: Document; dups: DuplicateKey[] } | undefined {
    const lines = new LineCounter();
    const doc = parseDocument(text, { uniqueKeys: false, lineCounter: lines, merge: true });
    return doc.errors.length > 0 ? undefined : { doc, dups: duplicateKeys(doc, lines) };
}

/** {@link duplicateKeys} of a stack file's text (the engine's run reads the file the CLI read). */
export function duplicateKeysOf(text: string): DuplicateKey[] {
    return readStackFile(text)?.dups ?? [];
}

const span = (at: KeyAt) => (at.endLine > at.line ? `lines ${at.line}-${at.endLine}` : `line ${at.line}`);

/** One problem per key written twice, keyed by the stray copy's place; no value is quoted (it may be a credential). */
export function duplicateKeyProblems(dups: readonly DuplicateKey[], file: string): ConfigProblem[] {
    return dups.map((d) => {
        const readers =
            d.kind === "namespace"
                ? `Pulumi reads "${d.stray.written}" as ${d.key} too and keeps one of the two at random from run to run (its config map is read in no fixed order); this program reads the file as if line ${d.stray.line} were not there`
                : `The Pulumi CLI refuses a file with a key twice in one mapping; this program reads the copy at line ${d.kept.line}${d.same ? "" : ", and checks what lies at this key once one copy is left"}`;
        const values = d.same
            ? "both hold the same value"
            : d.kind === "namespace"
              ? "they hold different values"
              : "they hold different values, and which one this stack needs only you know";
        const message = `is written twice in ${file}: as ${d.kept.written} at line ${d.kept.line} and as ${d.stray.written} at line ${d.stray.line}; ${values}. ${readers}`;
        const fix =
            d.same || d.kind === "namespace"
                ? `edit ${file}: delete ${span(d.stray)} (${d.stray.written}, ${d.kind === "namespace" ? `the copy without the ${PROJECT}: namespace` : "the second copy"}), keeping ${d.kept.written} at line ${d.kept.line}`
                : `edit ${file}: keep the one of ${d.kept.written} at line ${d.kept.line} and ${d.stray.written} at line ${d.stray.line} that holds this stack's value and delete the other (${span(d.kept)} or ${span(d.stray)})`;
        return { key: `${d.key} (${file}:${d.stray.line})`, message, fix };
    });
}

/** Whether a problem's key is a duplicated key whose copies differ, or lies below one: its value is not known. */
export function underAmbiguous(key: string, dups: readonly DuplicateKey[]): boolean {
    return dups.some(
        (d) =>
            !d.same &&
            d.kind === "repeated" &&
            // Two `config` sections: nothing in either is known.
            (d.key === "config" || keyWithin(key, d.key)),
    );
}
