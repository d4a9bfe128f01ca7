/**
 * Which runbook lines look operational by their form alone, so a command cannot be filed as context: a line inside a
 * fenced code block, a line of an indented code block, a shell prompt line (`$ ...`), or a line that runs one of
 * {@link COMMAND_WORDS} (at the start of the line or of an inline code span, with an argument). The table may call
 * more lines steps (a value in prose); it may not call these context.
 */

/** Programs whose invocation in a runbook is an operational step, whatever the prose around it says. */
export const COMMAND_WORDS = [
    "oc",
    "kubectl",
    "kustomize",
    "ansible-playbook",
    "ansible-vault",
    "terraform",
    "gopass",
    "helm",
    "curl",
    "psql",
    "pg_dump",
    "pg_dumpall",
    "openstack",
    "ssh",
    "scp",
    "export",
    "make",
] as const;

/** Why a line is operational: its form. */
export type OperationalForm = "fenced code" | "indented code" | "shell prompt" | `runs ${string}`;

const FENCE = /^\s*(`{3,}|~{3,})/;
const LIST_ITEM = /^(\s*)([-*+]|\d+[.)])(\s+|$)/;
/** `VAR=value` assignments, `[OPTIONAL=...]` groups and `sudo` before the program a command runs. */
const PREFIX = /^(?:(?:\[[^\]]*\]|[A-Za-z_][A-Za-z0-9_]*=(?:"[^"]*"|'[^']*'|\S*)|sudo)\s+)*/;

function indentOf(line: string): number {
    let width = 0;
    for (const ch of line) {
        if (ch === " ") width++;
        else if (ch === "\t") width += 4 - (width % 4);
        else break;
    }
    return width;
}

/** The program a command text runs, when it is one of {@link COMMAND_WORDS} and has an argument. */
export function commandWord(command: string): string | undefined {
    const rest = command.trimStart().replace(PREFIX, "");
    const match = /^(\S+)\s+\S/.exec(rest);
    if (!match) return undefined;
    const program = match[1].split("/").pop()!;
    return (COMMAND_WORDS as readonly string[]).includes(program) ? program : undefined;
}

/** The texts of a line in command position: the line after its list marker, quote or prompt, and each code span. */
function commandTexts(line: string): string[] {
    const start = line
        .replace(/^\s*(>\s*)*/, "")
        .replace(LIST_ITEM, "")
        .replace(/^\$\s+/, "");
    const spans = [...line.matchAll(/(`+)([^`]+?)\1(?!`)/g)].map((m) => m[2]);
    return [start, ...spans];
}

/**
 * The operational lines of a runbook by 1-based number, each with the form that makes it so. Markdown is read as
 * CommonMark reads it where that matters: an indented block is code only after a blank line (it cannot interrupt a
 * paragraph) and only when indented four columns past the list item it belongs to (deeper items are a nested list).
 */
export function operationalLines(text: string): Map<number, OperationalForm> {
    const found = new Map<number, OperationalForm>();
    const lines = text.split("\n");
    let fence: string | undefined;
    /** Content columns of the open list items, innermost last. */
    const items: number[] = [];
    let previousBlank = true;
    let inIndentedCode = false;
    lines.forEach((line, i) => {
        const n = i + 1;
        const blank = line.trim() === "";
        if (fence !== undefined) {
            const close = FENCE.exec(line);
            if (
                close &&
                close[1][0] === fence[0] &&
                close[1].length >= fence.length &&
                line.trim() === close[1]
            )
                fence = undefined;
            else if (!blank) found.set(n, "fenced code");
            previousBlank = blank;
            return;
        }
        if (blank) {
            previousBlank = true;
            return;
        }
        const indent = indentOf(line);
        const open = FENCE.exec(line);
        if (open) {
            fence = open[1];
            inIndentedCode = false;
            previousBlank = false;
            return;
        }
        if (previousBlank || inIndentedCode) {
            // A line after a blank leaves the list items it is not indented into.
            if (previousBlank) while (items.length > 0 && indent < items[items.length - 1]) items.pop();
            const base = items[items.length - 1] ?? 0;
            inIndentedCode = indent >= base + 4 && (previousBlank || inIndentedCode);
        }
        if (inIndentedCode) {
            found.set(n, "indented code");
            previousBlank = false;
            return;
        }
        const item = LIST_ITEM.exec(line);
        if (item) {
            while (items.length > 0 && indent < items[items.length - 1]) items.pop();
            items.push(item[0].length + (item[3] === "" ? 1 : 0));
        } else if (/^\s{0,3}#/.test(line)) items.length = 0;
        previousBlank = false;
        if (/^\s*(>\s*)*\$\s/.test(line)) {
            found.set(n, "shell prompt");
            return;
        }
        const program = commandTexts(line)
            .map(commandWord)
            .find((w) => w !== undefined);
        if (program) found.set(n, `runs ${program}`);
    });
    return found;
}
