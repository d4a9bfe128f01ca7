import type { ConfigSource } from "../components/config/source";
import { pathValue } from "../components/config/issues";
import { segments } from "../components/config/problems";
import { commandsOf, shellWords } from "../tools/cli/shellText";

// The `pulumi config set|rm` commands of a printed text read as the CLI reads them: what the e2e's operator values
// and adopt's flow repairs write, applied by their tests to a configuration.

export interface ConfigEdit {
    verb: "set" | "rm";
    head: string;
    path: (string | number)[];
    /** What `set` writes (`--path` reads integers and booleans unless `--type string`). */
    value?: unknown;
    secret?: boolean;
}

/** The edits of a text of `pulumi config` commands joined by `&&`, or undefined when a part is none. */
export function fixEdits(text: string): ConfigEdit[] | undefined {
    const edits: ConfigEdit[] = [];
    for (const part of commandsOf(text)) {
        const words = shellWords(part.trim());
        if (words[0] !== "pulumi" || words[1] !== "config") return undefined;
        const flags = new Set(words.filter((w) => w.startsWith("--")));
        const type = words[words.indexOf("--type") + 1];
        const [verb, key, value] = words
            .slice(2)
            .filter((w, i, all) => !w.startsWith("--") && !["--stack", "--type"].includes(all[i - 1]));
        if ((verb !== "set" && verb !== "rm") || key === undefined || key.includes(":")) return undefined;
        const [head, ...path] = flags.has("--path") ? segments(key) : [key];
        if (verb === "rm") edits.push({ verb, head: String(head), path });
        else if (flags.has("--secret")) edits.push({ verb, head: String(head), path: [], secret: true });
        else if (value === undefined || value.includes("$(")) return undefined;
        else
            edits.push({
                verb,
                head: String(head),
                path,
                value: flags.has("--path") && type !== "string" ? pathValue(value) : value,
            });
    }
    return edits;
}

/** The configuration as `pulumi config set --path` edits leave it (a test's stand-in for the CLI's own writes). */
export function editedSource(source: ConfigSource, edits: readonly ConfigEdit[]): ConfigSource {
    const values = new Map<string, unknown>();
    for (const e of edits) {
        if (e.verb !== "set" || e.secret) throw new Error(`only plain sets are applied here: ${e.head}`);
        if (e.path.length === 0) {
            values.set(e.head, e.value);
            continue;
        }
        const root = values.has(e.head) ? values.get(e.head) : structuredClone(source.getValue(e.head));
        const top = (root !== null && typeof root === "object" ? root : {}) as Record<
            string | number,
            unknown
        >;
        let node = top;
        for (const [i, seg] of e.path.slice(0, -1).entries()) {
            if (node[seg] === null || typeof node[seg] !== "object")
                node[seg] = typeof e.path[i + 1] === "number" ? [] : {};
            node = node[seg] as Record<string | number, unknown>;
        }
        node[e.path[e.path.length - 1]] = e.value;
        values.set(e.head, top);
    }
    return {
        ...source,
        keys: () => [...new Set([...source.keys(), ...values.keys()])].sort(),
        isSecret: (key) => !values.has(key) && source.isSecret(key),
        getValue: (key) => (values.has(key) ? values.get(key) : source.getValue(key)),
        secretText: (key) => (values.has(key) ? undefined : source.secretText?.(key)),
    };
}
