import { entryRef, evidenceFor } from "./lookup";
import type { ImageEvidence, ReadFacts } from "./types";

/** A container as a pod spec has it, reduced to what the evidence speaks of. */
export interface ContainerView {
    image: string;
    args?: readonly unknown[];
    command?: readonly unknown[];
    /** Every variable the container gets: its `env`, and each key of its `envFrom` sources (`from` names the source). */
    env?: readonly { name: string; from?: string }[];
    /** False when some `envFrom` source's keys are unknown (not given, or masked): a required variable may be there. */
    envComplete?: boolean;
    ports?: readonly { name?: string; containerPort: number }[];
    probes: readonly { kind: string; port: number | string; path?: string }[];
}

/** What the evidence says of one container: mismatches, or that its image was not read (nothing checked). */
export type ContainerVerdict =
    | { state: "checked"; entry: ImageEvidence; mismatches: string[] }
    | { state: "unread"; entry: ImageEvidence; why: string }
    | { state: "missing"; mismatches: string[] };

/**
 * The name of a command line flag (`--name=value`, `-name value`, `--name`), or undefined for a positional
 * argument. Go's flag package and Python's argparse both take one or two dashes; `-` and `--` alone end the flags.
 */
export function flagName(arg: string): string | undefined {
    const m = /^--?([A-Za-z0-9][A-Za-z0-9_.-]*)(=.*)?$/s.exec(arg);
    return m ? m[1] : undefined;
}

/** Resolves a probe's or Service's named port against the container's ports; a number is itself. */
export function resolvePort(port: number | string, ports: ContainerView["ports"]): number | undefined {
    if (typeof port === "number") return port;
    if (/^[0-9]+$/.test(port)) return Number(port);
    return ports?.find((p) => p.name === port)?.containerPort;
}

const fromSource = (e: { from?: string }): string => (e.from ? ` (through envFrom ${e.from})` : "");

/** The script of a container whose command is a shell given one inline (`[<shell>, "-c", <script>]`), else undefined. */
export function shellScript(command: readonly unknown[] | undefined): string | undefined {
    if (!command || command.length < 3) return undefined;
    const [shell, option, script] = command;
    if (typeof shell !== "string" || !/(^|\/)(ba|da|a)?sh$/.test(shell)) return undefined;
    return option === "-c" && typeof script === "string" ? script : undefined;
}

/**
 * The variables a shell script expands: `$NAME`, `${NAME...}`, and the bare names of its arithmetic `$(( ))`. Quoting
 * is not followed, so a `$NAME` inside single quotes counts as well.
 */
export function scriptVariables(script: string): Set<string> {
    const names = new Set<string>();
    for (const m of script.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)) names.add(m[1]);
    for (const m of script.matchAll(/\$\(\(([^()]*)\)\)/g))
        for (const n of m[1].matchAll(/[A-Za-z_][A-Za-z0-9_]*/g)) names.add(n[0]);
    return names;
}

/**
 * The simple commands of a shell script, each as its words (quotes removed): lines joined at a trailing backslash,
 * split at unquoted newlines, `;`, `|`, `&`, parentheses and backticks (so a `$(...)` is a command of its own).
 */
export function scriptCommands(script: string): string[][] {
    const out: string[][] = [];
    let words: string[] = [];
    let word: string | undefined;
    let quote: "'" | '"' | undefined;
    const endWord = () => {
        if (word !== undefined) words.push(word);
        word = undefined;
    };
    const endCommand = () => {
        endWord();
        if (words.length > 0) out.push(words);
        words = [];
    };
    for (const ch of script.replace(/\\\n/g, " ")) {
        if (quote) {
            if (ch === quote) quote = undefined;
            else word = (word ?? "") + ch;
        } else if (ch === "'" || ch === '"') {
            quote = ch;
            word = word ?? "";
        } else if (/\s/.test(ch) && ch !== "\n") endWord();
        else if ("\n;|&()`".includes(ch)) endCommand();
        else word = (word ?? "") + ch;
    }
    endCommand();
    return out;
}

/** The flags a script passes to the image's programs (`facts.binaries`) that those programs do not define. */
function scriptFlagMismatches(facts: ReadFacts, script: string, ref: string): string[] {
    const binaries = new Set(facts.binaries ?? []);
    const flags = facts.flags === "none" ? [] : facts.flags;
    const out: string[] = [];
    for (const words of scriptCommands(script)) {
        const program = words[0].slice(words[0].lastIndexOf("/") + 1);
        if (!binaries.has(program)) continue;
        const rest = words.slice(1);
        for (const arg of rest) {
            const name = flagName(arg);
            if (name === undefined) continue;
            const defined = flags.some(
                (f) => f.name === name && (f.command === undefined || rest.includes(f.command)),
            );
            if (!defined)
                out.push(`its script passes --${name} to ${program}, a flag ${ref} does not define there`);
        }
    }
    return out;
}

function readMismatches(facts: ReadFacts, c: ContainerView, ref: string): string[] {
    const out: string[] = [];
    const listening = new Map(facts.listens.map((l) => [l.port, l]));
    for (const p of c.ports ?? []) {
        if (!listening.has(p.containerPort))
            out.push(
                `declares port ${p.containerPort}${p.name ? ` (${p.name})` : ""}, which ${ref} does not listen on`,
            );
    }
    for (const probe of c.probes) {
        const port = resolvePort(probe.port, c.ports);
        const listener = port !== undefined ? listening.get(port) : undefined;
        if (!listener) {
            out.push(`${probe.kind} probe on port ${String(probe.port)}, which ${ref} does not listen on`);
            continue;
        }
        if (probe.path !== undefined && !(listener.health ?? []).includes(probe.path))
            out.push(
                `${probe.kind} probe asks ${probe.path} on ${listener.port}, which ${ref} does not serve as a health endpoint (${listener.at})`,
            );
    }
    // Arguments after a command belong to that command (a shell, a script), not to the image's own parser.
    if (c.command === undefined || c.command.length === 0) {
        const defined = facts.flags === "none" ? new Set<string>() : new Set(facts.flags.map((f) => f.name));
        for (const arg of c.args ?? []) {
            const name = typeof arg === "string" ? flagName(arg) : undefined;
            if (name !== undefined && !defined.has(name))
                out.push(`passes --${name}, a flag ${ref} does not define`);
        }
    }
    // A container running its own shell script: what the script expands is read too (by the script), and the flags
    // it passes to the image's programs are checked against theirs.
    const script = shellScript(c.command);
    if (script !== undefined) out.push(...scriptFlagMismatches(facts, script, ref));
    const read = new Set([...facts.env.map((e) => e.name), ...(script ? scriptVariables(script) : [])]);
    for (const e of c.env ?? [])
        if (!read.has(e.name))
            out.push(
                `sets ${e.name}${fromSource(e)}, a variable ${ref}${script !== undefined ? " (nor its script)" : ""} never reads`,
            );
    const set = new Set((c.env ?? []).map((e) => e.name));
    for (const e of facts.env)
        if (e.required && c.envComplete !== false && !set.has(e.name))
            out.push(`sets no ${e.name}, which ${ref} needs (${e.at})`);
    return out;
}

/** The evidence's verdict on one container of a plan. */
export function containerVerdict(table: readonly ImageEvidence[], c: ContainerView): ContainerVerdict {
    const { entry, others } = evidenceFor(table, c.image);
    if (!entry) {
        const other = others.length > 0 ? ` (it has ${others.join(", ")})` : "";
        return {
            state: "missing",
            mismatches: [`runs ${c.image}, which the evidence has no entry for${other}`],
        };
    }
    if (entry.facts.state === "unread") return { state: "unread", entry, why: entry.facts.why };
    return { state: "checked", entry, mismatches: readMismatches(entry.facts, c, entryRef(entry)) };
}

/** Whether a container of this image listens on `port` (undefined: its image was not read, so nobody knows). */
export function listensOn(table: readonly ImageEvidence[], image: string, port: number): boolean | undefined {
    const { entry } = evidenceFor(table, image);
    if (!entry || entry.facts.state === "unread") return undefined;
    return entry.facts.listens.some((l) => l.port === port);
}

/**
 * Queues some image publishes that no image of the plan consumes, each with the publisher's entry; unread images
 * are left out (the caller lists them as unread).
 */
export function unconsumedQueues(entries: readonly ImageEvidence[]): { queue: string; by: string }[] {
    const read = entries.flatMap((e) => (e.facts.state === "read" ? [{ e, facts: e.facts }] : []));
    const consumed = new Set(read.flatMap(({ facts }) => (facts.consumes ?? []).map((q) => q.name)));
    return read.flatMap(({ e, facts }) =>
        (facts.publishes ?? [])
            .filter((q) => !consumed.has(q.name))
            .map((q) => ({ queue: q.name, by: entryRef(e) })),
    );
}
