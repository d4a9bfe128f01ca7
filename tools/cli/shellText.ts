import { STACK_FILE, shellQuote } from "../../components/config/problems";

// The operator tools' commands (adopt's fixes and reasons, the e2e following them) read as a shell reads them: a
// quoted value may hold anything (` && `, ` < `, `,`, `--stack`, a command's name), and what separates commands or
// ends one is found only outside quotes.

/** `pulumi config set --path <key> <value>`, each word quoted only where it needs it. */
export function configSetPath(key: string, value: string): string {
    return `pulumi config set --path ${shellQuote(key)} ${shellQuote(value)}`;
}

/** Shell words of a command line, with single quotes as the fixes use them (`'a'"'"'b'`). */
export function shellWords(line: string): string[] {
    const words: string[] = [];
    let current = "";
    let inWord = false;
    for (let i = 0; i < line.length; i++) {
        const c = line[i];
        if (c === "'" || c === '"') {
            const end = line.indexOf(c, i + 1);
            current += line.slice(i + 1, end < 0 ? line.length : end);
            i = end < 0 ? line.length : end;
            inWord = true;
        } else if (c === " ") {
            if (inWord) words.push(current);
            current = "";
            inWord = false;
        } else {
            current += c;
            inWord = true;
        }
    }
    if (inWord) words.push(current);
    return words;
}

/** The commands of a printed fix: its parts between ` && ` outside quoted values. */
export function commandsOf(fix: string): string[] {
    return splitOutsideQuotes(fix, " && ");
}

/** `text` split at each `separator` outside quoted values. */
function splitOutsideQuotes(text: string, separator: string): string[] {
    const words = unquoted(text);
    const parts: string[] = [];
    let from = 0;
    for (let at = words.indexOf(separator); at >= 0; at = words.indexOf(separator, at + separator.length)) {
        parts.push(text.slice(from, at));
        from = at + separator.length;
    }
    return [...parts, text.slice(from)];
}

/**
 * `text` with every quoted value blanked out (same length): what a shell reads as words and operators. A quote opens
 * a value only at a word's start or in a word begun quoted, so prose ("the program's") holds none.
 */
export function unquoted(text: string): string {
    const literal = new Set<number>();
    for (;;) {
        let out = "";
        let open: number | undefined;
        let quotedWord = false;
        for (let i = 0; i < text.length; i++) {
            const c = text[i];
            if (open !== undefined) {
                out += "_";
                if (c === text[open]) open = undefined;
                else if (c === "\\" && text[open] === '"' && i + 1 < text.length) {
                    out += "_";
                    i++;
                }
                continue;
            }
            const wordStart = i === 0 || /[\s=(]/.test(text[i - 1]);
            if ((c === "'" || c === '"') && !literal.has(i) && (wordStart || quotedWord)) {
                open = i;
                quotedWord = true;
                out += "_";
                continue;
            }
            if (/\s/.test(c)) quotedWord = false;
            out += c;
        }
        if (open === undefined) return out;
        literal.add(open);
    }
}

/** Adds `--stack <stack>` to every `pulumi config` command of a fix and names the stack file. */
export function withStack(fix: string, stack: string): string {
    return commandsOf(fix)
        .map((part) => {
            // A step that is not a config command (a tool run, then its config set) names the stack in each command.
            if (!part.startsWith("pulumi config ")) return withStackInText(part, stack);
            const words = unquoted(part);
            // A fix that names its stacks itself (a pipe between two commands) is already complete.
            if (words.includes(" --stack ")) return part;
            const input = words.indexOf(" < ");
            const flag = ` --stack ${shellQuote(stack)}`;
            return input < 0 ? `${part}${flag}` : `${part.slice(0, input)}${flag}${part.slice(input)}`;
        })
        .join(" && ");
}
/** Names the stack in every `pulumi` command a free text carries, so pasted it acts on that stack only. */
export function withStackInText(text: string, stack: string): string {
    const flag = `--stack ${shellQuote(stack)}`;
    const named = text.replaceAll(STACK_FILE, `Pulumi.${stack}.yaml`).replace(/--stack <stack>/g, flag);
    const words = unquoted(named);
    // Commands are found, and where each ends, outside quoted values (a value may hold `pulumi up`, `,` or ` && `).
    const commands =
        /\bpulumi (?:config (?:set|rm|get)|stack output|preview|up)\b|\bnpm run (?:adopt|preflight) --/g;
    let out = "";
    let from = 0;
    for (const m of words.matchAll(commands)) {
        const after = m.index + m[0].length;
        const rest = words.slice(after);
        const end = rest.search(/[,;)\n]| && /);
        const own = end < 0 ? rest : rest.slice(0, end);
        out += named.slice(from, after) + (own.includes("--stack ") ? "" : ` ${flag}`);
        from = after;
    }
    return out + named.slice(from);
}
