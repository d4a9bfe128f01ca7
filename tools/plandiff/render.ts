import { diffArrays } from "diff";
import { code } from "../docs/markdown";
import { FieldChange, PlanDiff, ResourceChange } from "./diff";

/** What was compared, for headings. */
export interface DiffMeta {
    stack: string;
    /** The base revision as the user named it, with its commit, e.g. `origin/main (1a2b3c4)`. */
    base: string;
    /** The compared revision, e.g. `working tree` or a commit. */
    head: string;
    /** An extra line, e.g. that the stack file does not exist on the base revision. */
    note?: string;
}

/** Longest value printed inline; longer ones are cut (the full value is in the plan files). */
const MAX_VALUE = 160;
/** Lines shown of a multi-line text change (a config file in a ConfigMap). */
const MAX_DIFF_LINES = 40;
/** GitHub rejects comments over 65,536 characters. */
export const MAX_COMMENT = 60_000;

/** The hidden line that identifies a stack's pull-request comment, so the workflow edits it instead of adding one. */
export function commentMarker(stack: string): string {
    return `<!-- runbooks-plan-diff:${stack} -->`;
}

export function summaryLine(stack: string, diff: PlanDiff): string {
    const { add, change, remove, unchanged } = diff.counts;
    if (diff.changes.length === 0) return `stack ${stack}: no changes (${unchanged} resources)`;
    return `stack ${stack}: ${add} to add, ${change} to change, ${remove} to remove, ${unchanged} unchanged`;
}

/** `text` cut when long. */
function cut(text: string): string {
    return text.length > MAX_VALUE
        ? `${text.slice(0, MAX_VALUE)}…(${text.length - MAX_VALUE} more chars)`
        : text;
}

/** A value as one line: JSON, cut when long. */
function formatValue(value: unknown): string {
    return cut(value === undefined ? "undefined" : JSON.stringify(value));
}

function isMultiline(change: FieldChange): boolean {
    return (
        !change.secret &&
        change.kind === "changed" &&
        typeof change.before === "string" &&
        typeof change.after === "string" &&
        (change.before.includes("\n") || change.after.includes("\n"))
    );
}

/**
 * Line diff of two texts (jsdiff's minimal diff of the lines) as `- `, `+ ` and `  ` lines, with one line of
 * context around each change and `…` between distant hunks; at most `maxLines` lines.
 */
export function lineDiff(before: string, after: string, maxLines = MAX_DIFF_LINES): string[] {
    const a = before.split("\n");
    const b = after.split("\n");
    // A bound on the work for two huge texts; the plan files hold them whole.
    if (a.length * b.length > 4_000_000) return [`(${a.length} lines → ${b.length} lines)`];
    const ops = diffArrays(a, b).flatMap((part) => {
        const op = part.removed ? "-" : part.added ? "+" : " ";
        return part.value.map((line) => ({ op, line }));
    });
    const keep = ops.map(
        (o, k) =>
            o.op !== " " ||
            ops[k - 1]?.op === "-" ||
            ops[k - 1]?.op === "+" ||
            ops[k + 1]?.op === "-" ||
            ops[k + 1]?.op === "+",
    );
    const lines: string[] = [];
    let gap = false;
    ops.forEach((o, k) => {
        if (!keep[k]) {
            gap = true;
            return;
        }
        if (gap) lines.push("…");
        gap = false;
        lines.push(`${o.op} ${o.line}`);
    });
    if (gap) lines.push("…");
    if (lines.length > maxLines) {
        const rest = lines.length - maxLines;
        return [...lines.slice(0, maxLines), `… (${rest} more lines)`];
    }
    return lines;
}

function fieldLabel(change: FieldChange): string {
    return change.scope === "option" ? `(option) ${change.path}` : change.path || "(inputs)";
}

function fieldSymbol(change: FieldChange): string {
    return change.kind === "added" ? "+" : change.kind === "removed" ? "-" : "~";
}

/** `before → after`, `after` or `before`, as one line. */
function fieldValues(change: FieldChange, fmt: (s: string) => string): string {
    if (change.reordered)
        return `order ${fmt((change.before as string[]).join(", "))} → ${fmt((change.after as string[]).join(", "))}`;
    if (change.kind === "added") return fmt(formatValue(change.after));
    if (change.kind === "removed") return fmt(formatValue(change.before));
    const [before, after] = formatChangedPair(change.before, change.after);
    return `${fmt(before)} → ${fmt(after)}`;
}

/** Characters kept on each side of the changed part of a long string. */
const CONTEXT = 40;

/**
 * Both sides of a change as one-liners. Two long strings are cut to the part that differs (with some context),
 * so a one-word change at the end of a long JSON value is visible.
 */
export function formatChangedPair(before: unknown, after: unknown): [string, string] {
    const a = formatValue(before);
    const b = formatValue(after);
    if (
        typeof before !== "string" ||
        typeof after !== "string" ||
        (a.length <= MAX_VALUE && b.length <= MAX_VALUE)
    ) {
        return [a, b];
    }
    let prefix = 0;
    while (prefix < before.length && prefix < after.length && before[prefix] === after[prefix]) prefix++;
    let suffix = 0;
    while (
        suffix < before.length - prefix &&
        suffix < after.length - prefix &&
        before[before.length - 1 - suffix] === after[after.length - 1 - suffix]
    ) {
        suffix++;
    }
    const start = Math.max(0, prefix - CONTEXT);
    const window = (text: string): string => {
        const end = Math.min(text.length, text.length - suffix + CONTEXT);
        const inner = cut(JSON.stringify(text.slice(start, end)).slice(1, -1));
        return `"${start > 0 ? "…" : ""}${inner}${end < text.length ? "…" : ""}"`;
    };
    return [window(before), window(after)];
}

const SYMBOL: Record<ResourceChange["kind"], string> = { add: "+", remove: "-", change: "~" };
const VERB: Record<ResourceChange["kind"], string> = { add: "added", remove: "removed", change: "changed" };

function resourceTitle(r: ResourceChange): string {
    return r.object ? `${r.kindLabel} ${r.object}  (${r.name})` : `${r.kindLabel} ${r.name}`;
}

function bySystem(diff: PlanDiff): Map<string, ResourceChange[]> {
    const groups = new Map<string, ResourceChange[]>();
    for (const c of diff.changes) {
        const list = groups.get(c.system) ?? [];
        list.push(c);
        groups.set(c.system, list);
    }
    return groups;
}

function systemCounts(list: ResourceChange[]): string {
    const parts = (["add", "change", "remove"] as const)
        .map((k) => [k, list.filter((c) => c.kind === k).length] as const)
        .filter(([, n]) => n > 0)
        .map(([k, n]) => `${n} to ${k}`);
    return parts.join(", ");
}

/** The change list for a terminal or a log. */
export function renderText(diff: PlanDiff, meta: DiffMeta): string {
    const lines = [`Plan diff of stack ${meta.stack}: ${meta.base} → ${meta.head}`];
    if (meta.note) lines.push(meta.note);
    for (const [system, list] of bySystem(diff)) {
        lines.push("", `${system} (${systemCounts(list)})`);
        for (const r of list) {
            lines.push(`  ${SYMBOL[r.kind]} ${resourceTitle(r)}`);
            for (const step of r.steps ?? []) lines.push(`      runbook step ${step}`);
            for (const f of r.fields) {
                if (isMultiline(f)) {
                    lines.push(`      ~ ${fieldLabel(f)}:`);
                    for (const l of lineDiff(f.before as string, f.after as string))
                        lines.push(`          ${l}`);
                } else {
                    lines.push(`      ${fieldSymbol(f)} ${fieldLabel(f)}: ${fieldValues(f, (s) => s)}`);
                }
            }
        }
    }
    lines.push("", `Summary: ${summaryLine(meta.stack, diff)}`);
    return `${lines.join("\n")}\n`;
}

/** A fenced code block whose fence is longer than any backtick run inside. */
function fenced(lines: string[], indent: string, language: string): string[] {
    const runs = lines.join("\n").match(/`{3,}/g) ?? [];
    const fence = "`".repeat(Math.max(2, ...runs.map((r) => r.length)) + 1);
    return [`${indent}${fence}${language}`, ...lines.map((l) => `${indent}${l}`), `${indent}${fence}`];
}

function markdownResource(r: ResourceChange): string[] {
    const title = r.object
        ? `${code(r.kindLabel)} ${code(r.object)} <sub>${code(r.name)}</sub>`
        : `${code(r.kindLabel)} ${code(r.name)}`;
    const lines = [`- **${VERB[r.kind]}** ${title}`];
    if (r.steps)
        lines.push(`  - runbook step${r.steps.length === 1 ? "" : "s"}: ${r.steps.map(code).join(", ")}`);
    for (const f of r.fields) {
        const label = f.scope === "option" ? `option ${code(f.path)}` : code(f.path || "(inputs)");
        if (isMultiline(f)) {
            lines.push(
                `  - ${label}:`,
                "",
                ...fenced(lineDiff(f.before as string, f.after as string), "    ", "diff"),
                "",
            );
        } else {
            const verb = f.kind === "changed" ? "" : ` (${f.kind})`;
            lines.push(`  - ${label}${verb}: ${fieldValues(f, code)}`);
        }
    }
    return lines;
}

/**
 * The change list for a pull-request comment or a job summary. The first line is the stack's hidden marker;
 * the text is cut at a resource boundary to stay under `maxChars`.
 */
export function renderMarkdown(diff: PlanDiff, meta: DiffMeta, maxChars = MAX_COMMENT): string {
    const head = [commentMarker(meta.stack), `### Plan diff: stack ${code(meta.stack)}`, ""];
    if (diff.changes.length === 0) {
        head.push(`**No changes.** The offline plan of ${meta.head} equals the plan of ${code(meta.base)}.`);
    } else {
        const { add, change, remove, unchanged } = diff.counts;
        head.push(
            `**${add} to add, ${change} to change, ${remove} to remove** (${unchanged} unchanged) — ${meta.head} compared with ${code(meta.base)}.`,
        );
    }
    if (meta.note) head.push("", meta.note);
    const footer = [
        "",
        "<sub>Offline plan (no cloud access): resource inputs as the program registers them; secrets show as `[secret]`. " +
            "`pulumi preview` shows what the cloud would change.</sub>",
        "",
    ];
    const body: string[] = [];
    let size = [...head, ...footer].join("\n").length + 200;
    let omitted = 0;
    for (const [system, list] of bySystem(diff)) {
        const section = ["", `#### ${system} (${systemCounts(list)})`, ""];
        for (const r of list) {
            const chunk = markdownResource(r);
            const length = [...section, ...chunk].join("\n").length + 1;
            if (omitted > 0 || size + length > maxChars) {
                omitted++;
                continue;
            }
            body.push(...section, ...chunk);
            section.length = 0;
            size += length;
        }
    }
    if (omitted > 0)
        body.push(
            "",
            `_… ${omitted} more changed resources not shown; run \`npm run plan:diff\` or see the job log._`,
        );
    return `${[...head, ...body, ...footer].join("\n")}`;
}

/** The comment when no diff could be made (a plan failed): the error in place of the change list. */
export function renderMarkdownError(stack: string, message: string, maxChars = MAX_COMMENT): string {
    const text = message.length > maxChars - 1000 ? `${message.slice(0, maxChars - 1000)}\n…` : message;
    return [
        commentMarker(stack),
        `### Plan diff: stack ${code(stack)}`,
        "",
        "**The plan diff failed.** Fix the error below (run `npm run plan:diff` locally to reproduce):",
        "",
        ...fenced(text.split("\n"), "", "text"),
        "",
    ].join("\n");
}
