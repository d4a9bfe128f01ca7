import { posix } from "path";
import { parse } from "yaml";
import { entryRef, evidenceFor } from "./lookup";
import type { FlagFact, ImageEvidence, NamedFact, ReadFacts, Requirement } from "./schema";

/** A container as a pod spec has it, reduced to what the evidence speaks of. */
export interface ContainerView {
    image: string;
    args?: readonly unknown[];
    command?: readonly unknown[];
    /**
     * Every variable a container gets: its `env`, and each key of its `envFrom` sources (`from` names the source), with
     * its value where the plan shows it (plain, or a ConfigMap's).
     */
    env?: readonly { name: string; from?: string; value?: unknown }[];
    /** False when some `envFrom` source's keys are unknown (not given, or masked): a required variable may be there. */
    envComplete?: boolean;
    ports?: readonly { name?: string; containerPort: number }[];
    probes: readonly { kind: string; port: number | string; path?: string }[];
    /** What the container's Secret volumes place in it (absent: none, or not looked at). */
    secretFiles?: SecretFiles;
    /**
     * Where its volumes are mounted, each with the paths it places there where the plan shows them (a Secret's or a
     * ConfigMap's keys; absent: an emptyDir or a claim, which may hold anything). Absent: not looked at, so no file a
     * flag names is checked.
     */
    mounts?: readonly { path: string; files?: readonly string[] }[];
    /** The text of each file its ConfigMap volumes place, by path: the documents a `{config}` requirement reads. */
    configFiles?: ReadonlyMap<string, string>;
    /** The directory its process starts in, when the container sets one (else the image's, which is not recorded). */
    workingDir?: string;
}

/** The files Secret volumes place in a container, each with its Secret and key. */
export interface SecretFiles {
    files: readonly { path: string; secret: string; key: string }[];
    /** Every mount directory of a Secret volume whose keys are known (so what it does not hold is known too). */
    dirs: readonly string[];
    /** Mount directories of Secrets whose keys the plan cannot show (masked, or not in it): not checked. */
    undecided: readonly string[];
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
 * The inline shell script a container runs: in its command (`[<shell>, "-c", <script>]`), or given to a command of a
 * shell and `-c` as its first argument (`command: [<shell>, "-c"]`, `args: [<script>]`), as the kubelet joins them.
 */
function containerScript(c: ContainerView): string | undefined {
    return shellScript(c.command) ?? shellScript([...(c.command ?? []), ...(c.args ?? [])]);
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

/** The index just past the `)` that closes the `(` at `open`, or the script's end. */
function closingParen(script: string, open: number): number {
    let depth = 0;
    for (let i = open; i < script.length; i++) {
        if (script[i] === "(") depth++;
        else if (script[i] === ")" && --depth === 0) return i + 1;
    }
    return script.length;
}

/**
 * The simple commands of a shell script, each as its words (quotes removed): lines joined at a trailing backslash,
 * split at unquoted newlines, `;`, `|`, `&`, parentheses and backticks. A command substitution `$(...)` is a command
 * of its own, and stays in the word it is part of as written (`--my=$(hostname -f):7080` is one argument); an
 * arithmetic `$((...))` is part of its word only.
 */
export function scriptCommands(script: string): string[][] {
    const text = script.replace(/\\\n/g, " ");
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
    for (let i = 0; i < text.length; i++) {
        const ch = text[i];
        if (ch === "$" && text[i + 1] === "(" && quote !== "'") {
            const end = closingParen(text, i + 1);
            if (text[i + 2] !== "(") out.push(...scriptCommands(text.slice(i + 2, end - 1)));
            word = (word ?? "") + text.slice(i, end);
            i = end - 1;
        } else if (quote) {
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

/**
 * The program a simple command of a script runs (its file name) and the words it passes: `exec` before it replaces
 * the shell with the same program, so it is read through.
 */
function scriptCall(words: readonly string[]): { program: string; rest: string[] } {
    const call = words[0] === "exec" && words.length > 1 ? words.slice(1) : [...words];
    return { program: posix.basename(call[0]), rest: call.slice(1) };
}

/** The flags a script passes to the image's programs (`facts.binaries`) that those programs do not define. */
function scriptFlagMismatches(facts: ReadFacts, script: string, ref: string): string[] {
    const binaries = new Set(facts.binaries ?? []);
    const flags = facts.flags === "none" ? [] : facts.flags;
    const out: string[] = [];
    for (const words of scriptCommands(script)) {
        const { program, rest } = scriptCall(words);
        if (!binaries.has(program)) continue;
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

/**
 * The paths a container tells its process to open: each argument, command word and plain `env` value, whole or after
 * `=`. A binary that takes a file by flag or variable (`--hmac-secret-file=/etc/webhook/hmac`) opens what it is told, so
 * its evidence lists the flag, not the file.
 */
function namedPaths(c: ContainerView): string[] {
    const script = containerScript(c);
    const words = [
        ...(c.command ?? []),
        ...(c.args ?? []),
        ...(c.env ?? []).map((e) => e.value),
        ...(script !== undefined ? scriptCommands(script).flat() : []),
    ];
    return words.flatMap((w) => (typeof w === "string" ? [w, w.slice(w.indexOf("=") + 1)] : []));
}

/** Whether the process opens `path`: the image opens it by name, or the container names it or a directory above it. */
function opens(facts: ReadFacts, named: readonly string[], path: string): boolean {
    if (facts.files.some((f) => f.name === path)) return true;
    return named.some(
        (n) => n.startsWith("/") && (n === path || path.startsWith(`${n.replace(/\/+$/, "")}/`)),
    );
}

/**
 * Secret files against the files the image opens: a key placed where the process never looks is a credential handed
 * out for nothing, and a file it opens under a Secret mount that the mount does not hold stops it (or, worse, makes
 * it run without the credential).
 */
function secretFileMismatches(facts: ReadFacts, c: ContainerView, ref: string): string[] {
    const given = c.secretFiles;
    if (!given) return [];
    const named = namedPaths(c);
    const out: string[] = [];
    for (const f of given.files)
        if (!opens(facts, named, f.path))
            out.push(`is given Secret ${f.secret} key ${f.key} at ${f.path}, which ${ref} never opens`);
    const placed = new Set(given.files.map((f) => f.path));
    for (const f of facts.files) {
        const dir = f.name.slice(0, f.name.lastIndexOf("/"));
        if (given.dirs.includes(dir) && !placed.has(f.name))
            out.push(`${ref} opens ${f.name} (${f.at}), which its Secret volume at ${dir} does not hold`);
    }
    return out;
}

/**
 * The value each flag of a command line has: what an argument gives it (`--x=v`; a bare `--x` is `true`), else the
 * flag's default in the source. Only flags the image defines.
 */
function flagValues(
    facts: ReadFacts,
    args: readonly unknown[],
): Map<string, { value: string; given: boolean }> {
    const values = new Map<string, { value: string; given: boolean }>();
    if (facts.flags === "none") return values;
    for (const f of facts.flags)
        if (f.default !== undefined) values.set(f.name, { value: f.default, given: false });
    for (const arg of args) {
        if (typeof arg !== "string") continue;
        const name = flagName(arg);
        if (name === undefined) continue;
        const eq = arg.indexOf("=");
        values.set(name, { value: eq < 0 ? "true" : arg.slice(eq + 1), given: true });
    }
    return values;
}

/**
 * A flag or variable as the process starts with it: the value a container gives it, else its default in the source
 * (`value` undefined: a variable set from a Secret or ConfigMap key, whose value the plan does not show, so no `when`
 * and no refusal can be decided for it).
 */
interface Setting {
    fact: FlagFact | NamedFact;
    value: string | undefined;
    given: boolean;
    /** How a mismatch names it: `runs --x=v`, `sets X=v`, `leaves X at its default v`. */
    shown: string;
}

/**
 * What the image's own command line parser is given: the container's args under the image's entrypoint, or the rest
 * of a command that names one of the image's programs (`binaries`: `[workflow-controller]`, `[celery, --app=x]`) with
 * the args after it. Undefined when a command of the container's own (a shell, a script) takes them.
 */
function parserArgs(facts: ReadFacts, c: ContainerView): readonly unknown[] | undefined {
    if (c.command === undefined || c.command.length === 0) return c.args ?? [];
    const [program, ...rest] = c.command;
    if (typeof program !== "string" || !(facts.binaries ?? []).includes(posix.basename(program)))
        return undefined;
    return [...rest, ...(c.args ?? [])];
}

/** The flags the image's own parser is given (none when a command replaces it: those arguments are the command's). */
function flagSettings(facts: ReadFacts, c: ContainerView): Setting[] {
    const argv = parserArgs(facts, c);
    if (facts.flags === "none" || argv === undefined) return [];
    const values = flagValues(facts, argv);
    return facts.flags.flatMap((fact): Setting[] => {
        const v = values.get(fact.name);
        if (v === undefined) return [];
        const shown = `runs --${fact.name}=${v.value}${v.given ? "" : " (its default)"}`;
        return [{ fact, value: v.value, given: v.given, shown }];
    });
}

/**
 * Whether the container starts the image's software: no inline shell script of its own, or one that calls one of the
 * image's programs (`binaries`), with the flag that makes it load the image's code where one must (`codeFlags`). A
 * script that calls none of them (a curl check run in an API's image), or calls celery over a broker without the
 * image's app, never starts the software, so what the software needs from its variables does not apply to it.
 */
export function startsImage(facts: ReadFacts, c: ContainerView): boolean {
    const script = containerScript(c);
    if (script === undefined) return true;
    const binaries = new Set(facts.binaries ?? []);
    return scriptCommands(script).some((words) => {
        const { program, rest } = scriptCall(words);
        if (!binaries.has(program)) return false;
        const code = facts.codeFlags?.find((f) => f.binary === program);
        return (
            code === undefined ||
            rest.some(
                (a) => flagName(a) === code.flag || (code.short !== undefined && a === `-${code.short}`),
            ) ||
            (code.env !== undefined && (c.env ?? []).some((e) => e.name === code.env))
        );
    });
}

/** The variables the image reads that a container sets, or that have a default in the source. */
function envSettings(facts: ReadFacts, c: ContainerView): Setting[] {
    if (!startsImage(facts, c)) return [];
    return facts.env.flatMap((fact): Setting[] => {
        const e = (c.env ?? []).find((x) => x.name === fact.name);
        if (e !== undefined) {
            const value = typeof e.value === "string" ? e.value : undefined;
            const shown = `sets ${fact.name}${value !== undefined ? `=${value}` : ""}${fromSource(e)}`;
            return [{ fact, value, given: true, shown }];
        }
        if (fact.default === undefined) return [];
        return [
            {
                fact,
                value: fact.default,
                given: false,
                shown: `leaves ${fact.name} at its default ${JSON.stringify(fact.default)}`,
            },
        ];
    });
}

/**
 * Why `path` is not there when the process starts (the deepest volume mount above it does not hold it, or there is
 * none), or undefined. A relative path (the working directory's) and a container whose mounts were not looked at are
 * not checked.
 */
function missingFile(c: ContainerView, path: string): string | undefined {
    if (c.mounts === undefined || !path.startsWith("/")) return undefined;
    const file = path.replace(/\/+$/, "");
    const under = (dir: string) => file === dir || file.startsWith(`${dir}/`);
    const mount = c.mounts.filter((m) => under(m.path)).sort((a, b) => b.path.length - a.path.length)[0];
    if (!mount) return "which no volume of the container holds";
    if (
        mount.files &&
        file !== mount.path &&
        !mount.files.some((f) => f === file || f.startsWith(`${file}/`))
    )
        return `which its volume at ${mount.path} does not hold`;
    return undefined;
}

/**
 * What every container holds whatever its image: the filesystems and devices the OCI runtime supplies
 * (opencontainers/runtime-spec@6999a89a76:config-linux.md:6-18,178-189).
 */
export const RUNTIME_PATHS: readonly string[] = [
    "/proc",
    "/sys",
    "/dev/pts",
    "/dev/shm",
    "/dev/null",
    "/dev/zero",
    "/dev/full",
    "/dev/random",
    "/dev/urandom",
    "/dev/tty",
    "/dev/ptmx",
];

const trimmed = (path: string): string => (path === "/" ? path : path.replace(/\/+$/, ""));
/** Whether `path` is `dir` or lies below it. */
const within = (path: string, dir: string): boolean =>
    path === dir || path.startsWith(`${dir === "/" ? "" : dir}/`);

/**
 * Why `path` is not there when the process starts, or undefined when it is: a volume mounted at or above it decides
 * (the deepest one, which hides what the image has there), else the image's recorded `paths` hold it (the path
 * itself, a directory above it, or a file below it, which makes it a directory the image has), else the runtime
 * supplies it. A directory above a mount is there too: the runtime makes every mount point. A relative path is not
 * checked here (its caller resolves it against a known working directory first).
 */
export function missingPath(facts: ReadFacts, c: ContainerView, path: string): string | undefined {
    if (!path.startsWith("/")) return undefined;
    const file = trimmed(posix.normalize(path));
    if (file === "/") return undefined;
    const mounts = c.mounts ?? [];
    if (mounts.some((m) => within(file, m.path))) return missingFile(c, file);
    if (mounts.some((m) => within(m.path, file))) return undefined;
    const recorded = (facts.paths ?? []).map((p) => trimmed(p.path));
    if (recorded.some((p) => within(file, p) || within(p, file))) return undefined;
    if (RUNTIME_PATHS.some((p) => within(file, p))) return undefined;
    return "which no volume of the container holds and the image's paths do not record";
}

/** A path a container names, and where it names it (for messages). */
export interface NamedPath {
    path: string;
    how: string;
}

/** Programs that run the file their first argument names (`sh x.sh`, `python3 manage.py`). */
const INTERPRETER = /^((ba|da|a)?sh|python[0-9.]*|perl|ruby|node)$/;
/** Words a shell reads before a command's program: reserved words, `exec`, and variable assignments. */
const LEADING = /^(if|then|else|elif|while|until|do|!|\{|exec|[A-Za-z_][A-Za-z0-9_]*=.*)$/s;

/**
 * The path a word names as far as it is known before the shell expands it: the word itself, or for one with an
 * expansion or a glob (`/opt/$APP/run.sh`), the directory before it; undefined when nothing of it is literal.
 */
function literalPath(word: string): string | undefined {
    const cut = word.search(/[$*?[{~`]/);
    if (cut < 0) return word;
    const dir = word.slice(0, word.lastIndexOf("/", cut));
    return dir === "" ? undefined : dir;
}

/** Programs that print their arguments and open none of them. */
const PRINTS = /^(echo|printf)$/;

/**
 * The paths one command (its words, program first) names: its program when that is a path, the file an interpreter
 * is told to run, and each word that is an absolute path. A relative one is resolved against `cwd` when that is
 * known, else left out. A flag's word (`--config=/x`, `--path=/metrics`) is not a path here: whether its value is one
 * is the flag's fact (`namesFile`). In a shell's command (`shell`), a comment ends the words, and a redirection's
 * target counts as the shell opens it: a file read (`<`) must be there, a file written (`>`, `>>`) only its directory.
 */
function commandPaths(
    all: readonly string[],
    cwd: string | undefined,
    how: string,
    shell = false,
): NamedPath[] {
    const comment = shell ? all.findIndex((w) => w.startsWith("#")) : -1;
    const words = comment < 0 ? all : all.slice(0, comment);
    let start = 0;
    while (start < words.length - 1 && LEADING.test(words[start])) start++;
    const program = words[start] ?? "";
    // A program without a slash is looked up on PATH; the file an interpreter is given is opened where it says.
    const runs = program.includes("/") ? [program] : [];
    const script = words[start + 1];
    if (INTERPRETER.test(posix.basename(program)) && script !== undefined && !script.startsWith("-"))
        runs.push(script);
    const out: NamedPath[] = [];
    for (const word of runs) {
        if (word.startsWith("/") || cwd === undefined) continue;
        const path = literalPath(word);
        if (path !== undefined) out.push({ path: posix.join(cwd, path), how });
    }
    const prints = PRINTS.test(posix.basename(program));
    for (let i = start; i < words.length; i++) {
        const redirect = shell ? /^[0-9&]?(>>?|<)(.*)$/s.exec(words[i]) : null;
        const target = redirect ? (redirect[2] !== "" ? redirect[2] : (words[++i] ?? "")) : words[i];
        if (!target.startsWith("/") || (prints && !redirect)) continue;
        const path = literalPath(target);
        if (path !== undefined)
            out.push({ path: redirect && redirect[1] !== "<" ? posix.dirname(path) : path, how });
    }
    return out;
}

/**
 * Every path a container's command line names: the words of its command and arguments, or, for a shell given a
 * script (`[<shell>, "-c", <script>]`, the script in `command` or in `args`), the shell and each command of the
 * script, following a `cd` to a literal directory for the relative paths after it. Arguments to the image's own
 * entrypoint (no `command`) have no program word: only their absolute paths count.
 */
export function commandLinePaths(c: ContainerView): NamedPath[] {
    const argv = [...(c.command ?? []), ...(c.args ?? [])].filter((w): w is string => typeof w === "string");
    const script = c.command !== undefined ? shellScript(argv) : undefined;
    if (script === undefined)
        return c.command !== undefined
            ? commandPaths(argv, c.workingDir, "in its command")
            : argv.flatMap((w) => {
                  // Kubernetes expands $(VAR) in arguments: only the directory before it is known.
                  const path = w.startsWith("/") ? literalPath(w) : undefined;
                  return path !== undefined ? [{ path, how: "in its arguments" }] : [];
              });
    const out = commandPaths([argv[0]], c.workingDir, "in its command");
    let cwd = c.workingDir;
    for (const words of scriptCommands(script)) {
        out.push(...commandPaths(words, cwd, "in its script", true));
        if (words[0] === "cd") {
            // `cd` alone goes home, and an expanded directory is not known: the relative paths after it are not checked.
            const to = words[1];
            const known = to !== undefined && literalPath(to) === to;
            cwd = !known ? undefined : to.startsWith("/") ? to : cwd && posix.join(cwd, to);
        }
    }
    return out;
}

/**
 * Every path a container names that is not there when it starts (issue 67): not on one of its volumes, not in its
 * image's recorded `paths`, not supplied by the runtime. Its process, or the script it runs, stops at that word.
 */
function pathMismatches(facts: ReadFacts, c: ContainerView, ref: string): string[] {
    const seen = new Set<string>();
    const out: string[] = [];
    for (const p of commandLinePaths(c)) {
        if (seen.has(p.path)) continue;
        seen.add(p.path);
        const why = missingPath(facts, c, p.path);
        if (why !== undefined)
            out.push(`names ${p.path} ${p.how}, ${why}: it is not there when ${ref} starts`);
    }
    return out;
}

/** A requirement's file with each `<name>` replaced by that flag's or variable's value; undefined when one has none. */
function requiredPath(file: string, settings: readonly Setting[]): string | undefined {
    let unset = false;
    const path = file.replace(/<([^<>]+)>/g, (_, name: string) => {
        const value = settings.find((x) => x.fact.name === name)?.value ?? "";
        if (value === "") unset = true;
        return value;
    });
    return unset ? undefined : path;
}

/** Whether a YAML document has a value at a dotted key (`deck.spyglass`). */
function hasKey(text: string, key: string): boolean {
    let node: unknown = parse(text);
    for (const part of key.split(".")) {
        if (typeof node !== "object" || node === null) return false;
        node = (node as Record<string, unknown>)[part];
    }
    return node !== undefined && node !== null;
}

/**
 * The documents a `{config, file}` requirement is read in: each path the container names whose file name is `file`,
 * as a ConfigMap volume of the plan places it. A requirement without `file`, or on a file the plan does not carry (a
 * Secret's payload, which the plan masks; a file of the image), cannot be read offline and is not checked.
 */
function configMisses(c: ContainerView, r: Extract<Requirement, { config: string }>): string[] {
    if (r.file === undefined || c.configFiles === undefined) return [];
    const docs = new Set(namedPaths(c).filter((p) => posix.basename(p) === r.file && c.configFiles?.has(p)));
    return [...docs].filter((p) => !hasKey(c.configFiles?.get(p) ?? "", r.config));
}

/**
 * What the software refuses at start, from the flags a container passes and the variables it sets, and those it
 * leaves at their default: a requirement of a value that the container does not meet (another flag it does not pass, a
 * variable it does not set, a file no volume of it holds, a section its configuration lacks), or a value the software
 * refuses. Flags and variables are held to one rule: only how each is given differs.
 */
function requirementMismatches(facts: ReadFacts, c: ContainerView, ref: string): string[] {
    const flags = flagSettings(facts, c);
    const settings = [...flags, ...envSettings(facts, c)];
    const passed = new Set(flags.filter((s) => s.given).map((s) => s.fact.name));
    // A variable that may come from an envFrom source whose keys the plan does not show is not counted missing.
    const hasEnv = (name: string) => c.envComplete === false || (c.env ?? []).some((e) => e.name === name);
    const out: string[] = [];
    for (const { fact, value, shown } of settings) {
        // A relative path is opened in the working directory, where one is known.
        const path =
            value && !value.startsWith("/") && c.workingDir ? posix.join(c.workingDir, value) : value;
        const missing = fact.namesFile && path ? missingPath(facts, c, path) : undefined;
        if (missing) out.push(`${shown}: ${ref} opens ${path} at start (${fact.at}), ${missing}`);
        for (const r of fact.requires ?? []) {
            if (r.when !== undefined && r.when !== value) continue;
            const at = r.at ?? fact.at;
            if ("flag" in r) {
                if (!passed.has(r.flag))
                    out.push(`${shown} without --${r.flag}, which ${ref} requires with it (${at})`);
            } else if ("config" in r) {
                for (const doc of configMisses(c, r))
                    out.push(`${shown}: ${ref} needs ${r.config} in ${r.file} (${at}), which ${doc} lacks`);
            } else if ("env" in r) {
                if (!hasEnv(r.env))
                    out.push(`${shown} without ${r.env}, which ${ref} requires with it (${at})`);
            } else {
                const path = requiredPath(r.file, settings);
                const why = path !== undefined ? missingPath(facts, c, path) : undefined;
                if (why) out.push(`${shown}: ${ref} opens ${path} at start (${at}), ${why}`);
            }
        }
        for (const r of fact.refuses ?? [])
            if (value !== undefined && r.value === value)
                out.push(`${shown}, which ${ref} refuses: ${r.why} (${r.at})`);
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
    // Arguments after a command of the container's own belong to it (a shell, a script), not to the image's parser.
    const argv = parserArgs(facts, c);
    if (argv !== undefined) {
        const defined = facts.flags === "none" ? new Set<string>() : new Set(facts.flags.map((f) => f.name));
        for (const arg of argv) {
            const name = typeof arg === "string" ? flagName(arg) : undefined;
            if (name !== undefined && !defined.has(name))
                out.push(`passes --${name}, a flag ${ref} does not define`);
        }
    }
    out.push(...requirementMismatches(facts, c, ref));
    // A container running its own shell script: what the script expands is read too (by the script), and the flags
    // it passes to the image's programs are checked against theirs.
    const script = containerScript(c);
    if (script !== undefined) out.push(...scriptFlagMismatches(facts, script, ref));
    out.push(...secretFileMismatches(facts, c, ref));
    out.push(...pathMismatches(facts, c, ref));
    const read = new Set([...facts.env.map((e) => e.name), ...(script ? scriptVariables(script) : [])]);
    for (const e of c.env ?? [])
        if (!read.has(e.name))
            out.push(
                `sets ${e.name}${fromSource(e)}, a variable ${ref}${script !== undefined ? " (nor its script)" : ""} never reads`,
            );
    const set = new Set((c.env ?? []).map((e) => e.name));
    const starts = startsImage(facts, c);
    for (const e of facts.env)
        if (e.required && starts && c.envComplete !== false && !set.has(e.name))
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

/** A container as the queue rule sees it: where it runs (its broker's reach), its image's facts and its variables. */
export interface QueueView {
    where: string;
    namespace: string;
    /** Its cluster and namespace: a namespace's broker is one per cluster. */
    scope: string;
    facts: ReadFacts;
    /** The values the plan shows of the variables it sets (plain, or a ConfigMap's; a Secret's has none here). */
    values: ReadonlyMap<string, string>;
}

const listOf = (value: string): string[] =>
    value
        .split(",")
        .map((q) => q.trim())
        .filter((q) => q !== "");

/** The queues a container serves: those its variable names (or the script's default) among what its image consumes. */
export function servedQueues(c: QueueView): string[] {
    const can = (c.facts.consumes ?? []).map((q) => q.name);
    const from = c.facts.queues?.servedFrom;
    if (!from) return can;
    const role = from.onlyWhen;
    if (role && (c.values.get(role.env) ?? role.unset) !== role.equals) return [];
    const value = c.values.get(from.env);
    const named = value !== undefined ? listOf(value) : from.unset;
    return named.filter((q) => can.includes(q));
}

/** The queues a container publishes to: the one its variable names (or the default), else its image's own. */
export function publishedQueuesOf(c: QueueView): string[] {
    const from = c.facts.queues?.publishedFrom;
    if (from) return [c.values.get(from.env) ?? from.unset];
    return (c.facts.publishes ?? []).map((q) => q.name);
}

/**
 * Each queue a container publishes to that no container serves within its broker's reach (its namespace, for an
 * image whose facts say each namespace has its own broker; else the whole plan). A task sent there waits forever.
 */
export function unservedQueues(containers: readonly QueueView[]): string[] {
    const reach = (c: QueueView): string => (c.facts.queues?.broker === "namespace" ? c.scope : "");
    const served = new Set(containers.flatMap((c) => servedQueues(c).map((q) => `${reach(c)}\0${q}`)));
    return containers.flatMap((c) =>
        publishedQueuesOf(c)
            .filter((q) => !served.has(`${reach(c)}\0${q}`))
            .map(
                (q) =>
                    `${c.where}: publishes to ${q}, which no worker ${reach(c) !== "" ? `of ${c.namespace}` : "of the plan"} serves`,
            ),
    );
}
