import { pathValue } from "./issues";
import { commandsOf, inputRedirect } from "./shellText";

// A printed fix read back as the edits it makes: what the program applies to a configuration to prove the fix
// before printing it (fixProof.ts), and what the tests apply to a stack file (test/config/apply.ts). One reading,
// as the Pulumi CLI reads the command.

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

/** Pulumi's `--path` syntax: `a.b[0]["c.d"]` → a, b, 0, c.d. */
export function parsePath(key: string): (string | number)[] {
    const out: (string | number)[] = [];
    const re = /([^.[\]]+)|\[(\d+)\]|\["([^"]*)"\]/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(key))) {
        if (m[1] !== undefined) out.push(m[1]);
        else if (m[2] !== undefined) out.push(Number(m[2]));
        else out.push(m[3]);
    }
    return out;
}

/** One `pulumi config set|rm` of a fix: the config key (without the project) and the path below it. */
export interface FixEdit {
    verb: "set" | "rm";
    head: string;
    path: (string | number)[];
    /** What `set` writes, as the CLI types it (`--path` reads integers and booleans unless `--type string`). */
    value?: unknown;
    /** `set --secret`: an encrypted value of its own. */
    secret?: boolean;
}

/** The positional words of a `pulumi config ...` command after `config` (verb, key, value), its flags left out. */
export function configArgs(words: readonly string[]): string[] {
    const valued = new Set(["--stack", "--type"]);
    return words.slice(2).filter((w, i, all) => !w.startsWith("--") && !valued.has(all[i - 1]));
}

/** The edits of a fix, or undefined when a part needs judgement or is no `pulumi config` command (shown only). */
export function fixEdits(fix: string): FixEdit[] | undefined {
    const edits: FixEdit[] = [];
    for (const part of commandsOf(fix)) {
        const [input, file] = inputRedirect(part.trim());
        const words = shellWords(input);
        if (words[0] !== "pulumi" || words[1] !== "config") return undefined;
        const args = configArgs(words);
        const flags = new Set(words.filter((w) => w.startsWith("--")));
        const type = words[words.indexOf("--type") + 1];
        const [verb, key, text] = args;
        if ((verb !== "set" && verb !== "rm") || key === undefined || key.includes(":")) return undefined;
        const segments = flags.has("--path") ? parsePath(key) : [key];
        const head = String(segments[0]);
        if (verb === "rm") {
            edits.push({ verb, head, path: segments.slice(1) });
        } else if (flags.has("--secret")) {
            if (text !== undefined && file === undefined) return undefined;
            edits.push({ verb, head, path: [], secret: true });
        } else {
            if (text === undefined || text.includes("$(")) return undefined;
            const value = flags.has("--path") && type !== "string" ? pathValue(text) : text;
            edits.push({ verb, head, path: segments.slice(1), value });
        }
    }
    return edits;
}
