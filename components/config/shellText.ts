// Printed fixes and messages are read as a shell reads them: a quoted value may hold anything (` && `, ` < `, `,`,
// `--stack`, a command's name), and what separates commands or ends one is found only outside quotes.

/** The commands of a printed fix: its parts between ` && ` outside quoted values. */
export function commandsOf(fix: string): string[] {
    return splitOutsideQuotes(fix, " && ");
}

/** A command's input and the file it reads (` < file`, outside quoted values), or only the input. */
export function inputRedirect(command: string): [string, string?] {
    const at = unquoted(command).indexOf(" < ");
    return at < 0 ? [command] : [command.slice(0, at), command.slice(at + 3)];
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
