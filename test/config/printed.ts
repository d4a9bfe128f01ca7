import { readFileSync } from "fs";
import * as path from "path";
import { parse } from "yaml";
import { COMMITTED_STACKS } from "../../components/config/identity";
import { ConfigProblem, PROJECT } from "../../components/config/problems";
import { credentialKinds } from "../../components/config/secretValues";
import { repoRoot } from "../../tools/root";

// What one run prints says where and why; what it must never print: another stack's value (in any spelling a
// resolver reads alike: case, a trailing dot, a URL around it), a credential or a secret's value, or a command that
// writes a value. A command is one of FIX_KINDS, or the instruction of an operator value (a placeholder).

/** The commands a problem may print: none sets a value. */
export const FIX_KINDS: readonly RegExp[] = [
    // A key renamed or moved, its value kept.
    /^edit Pulumi\.[\w.-]+\.yaml: (?:rename|move) \S+ to \S+$/,
    // A key written twice: which copy stays.
    /^edit Pulumi\.[\w.-]+\.yaml: (?:delete|keep) /,
    // A value made a secret: prompted for, or read from a file, never on the command line.
    /^pulumi config set --secret \S+ --stack \S+(?: < \S+)?$/,
    // A retired secret moved to the key that replaced it, its value never printed.
    /^pulumi config get \S+ --stack \S+ \| pulumi config set --secret \S+ --stack \S+ && pulumi config rm \S+ --stack \S+$/,
    // A read of what only the live system has.
    /^(?:\{ )?(?:kubectl|oc|openstack|curl) /,
    // The migration report, read from the live cluster.
    /^npm run adopt -- /,
];

/** A value as a resolver reads it: a URL's host, NFKC (fullwidth letters as ASCII), lower case, no trailing dot. */
export function canonical(text: string): string {
    const t = text.normalize("NFKC");
    const host = /^[a-z][a-z0-9+.-]*:\/\//i.test(t) && URL.canParse(t) ? new URL(t).hostname : t;
    return host.toLowerCase().replace(/\.+$/, "");
}

/** Settings whose value is a stack's own object or endpoint. */
const OWNED = (key: string) =>
    ["namespace", "host", "domain", "subdomain", "bucket", "egroup"].includes(key) ||
    /[a-z0-9](Host|Namespace|Domain|Bucket)$/.test(key);

/** Every value a stack file holds at an owned setting, and every namespace and host its clusters grant, canonical. */
export function ownedValues(text: string): Set<string> {
    const config = ((parse(text, { merge: true }) as { config?: Record<string, unknown> } | null)?.config ??
        {}) as Record<string, unknown>;
    const out = new Set<string>();
    const walk = (v: unknown, last: string, grant: boolean, depth: number): void => {
        if (depth > 32) return;
        if (typeof v === "string") {
            if (OWNED(last)) out.add(canonical(v));
        } else if (Array.isArray(v)) v.forEach((x) => walk(x, last, false, depth + 1));
        else if (v !== null && typeof v === "object")
            for (const [k, x] of Object.entries(v)) {
                if (grant) out.add(canonical(k));
                walk(x, k, depth === 1 && (k === "namespaces" || k === "hosts"), depth + 1);
            }
    };
    for (const [k, v] of Object.entries(config))
        walk(v, k.slice(PROJECT.length + 1), false, k === `${PROJECT}:clusters` ? 0 : 2);
    return out;
}

const ROOT = repoRoot();
const files = new Map<string, string>();
const fileOf = (stack: string) => {
    if (!files.has(stack)) files.set(stack, readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8"));
    return files.get(stack)!;
};

/** The values other committed stacks own that `stack`'s committed file does not hold (4 characters or more). */
export const foreignValues = (() => {
    const memo = new Map<string, string[]>();
    return (stack: string): string[] => {
        if (!memo.has(stack)) {
            const own = COMMITTED_STACKS.includes(stack) ? ownedValues(fileOf(stack)) : new Set<string>();
            const others = [...COMMITTED_STACKS]
                .filter((s) => s !== stack)
                .flatMap((s) => [...ownedValues(fileOf(s))]);
            memo.set(
                stack,
                [...new Set(others)].filter((v) => v.length >= 4 && !own.has(v) && !v.includes("*")),
            );
        }
        return memo.get(stack)!;
    };
})();

/** Where `value` (canonical) stands in `text` as a whole name, with the spelling `text` has there. */
function spellings(text: string, value: string): string[] {
    const lower = text.toLowerCase();
    const out: string[] = [];
    for (let at = lower.indexOf(value); at >= 0; at = lower.indexOf(value, at + 1)) {
        const before = lower[at - 1] ?? " ";
        let end = at + value.length;
        while (text[end] === ".") end++;
        const after = lower[end] ?? " ";
        if (/[a-z0-9-]/.test(before) || /[a-z0-9-]/.test(after)) continue;
        out.push(text.slice(at, end));
    }
    return out;
}

/** Keys whose value is a credential by name: what sits there is never printed, whatever it looks like. */
const CREDENTIAL_KEY = /(?:token|password|passwd|api-?key|private-?key|credentials?)$/i;

/**
 * Every string in a stack file's config that is a credential: one that looks like one (a key written as one too), a
 * plain top-level value other than the tier (every other top-level key is a secret's), or a value under a key named
 * for a credential.
 */
function credentialsIn(text: string): string[] {
    let config: unknown;
    try {
        config = (parse(text, { merge: true }) as { config?: unknown } | null)?.config;
    } catch {
        return [];
    }
    const out: string[] = [];
    const walk = (v: unknown, key: string, depth: number): void => {
        if (depth > 32) return;
        if (typeof v === "string") {
            const topLevel =
                depth === 1 &&
                !/^(?:runbooks:)?tier$/.test(key) &&
                (!key.includes(":") || key.startsWith(`${PROJECT}:`));
            const named = topLevel || CREDENTIAL_KEY.test(key);
            if ((v.length >= 8 && credentialKinds(v).length > 0) || (named && v.length >= 6)) out.push(v);
        } else if (v !== null && typeof v === "object")
            for (const [k, x] of Object.entries(v)) {
                if (k.length >= 8 && credentialKinds(k).length > 0) out.push(k);
                walk(x, k, depth + 1);
            }
    };
    walk(config, "", 0);
    return out;
}

/**
 * Every way what one run printed for `text` falls short: a command of no allowed kind, or one not naming the stack; a
 * value of another stack in a fix, or in a message in another spelling than this file wrote; a credential quoted.
 */
export function printFaults(text: string, stack: string, problems: readonly ConfigProblem[]): string[] {
    const faults: string[] = [];
    const foreign = foreignValues(stack);
    const credentials = credentialsIn(text);
    for (const p of problems) {
        const printed = `${p.key}: ${p.message}${p.fix !== undefined ? `\n${p.fix}` : ""}`;
        if (p.fix !== undefined && !p.placeholder && !FIX_KINDS.some((k) => k.test(p.fix!)))
            faults.push(`fix of ${p.key} is no allowed kind: ${p.fix}`);
        if (p.fix !== undefined && /\bpulumi config /.test(p.fix) && !p.fix.includes(`--stack ${stack}`))
            faults.push(`fix of ${p.key} does not name --stack ${stack}: ${p.fix}`);
        for (const v of foreign) {
            // The key the problem is at may be named as written (a running record's image name is the program's).
            if (p.fix !== undefined && spellings(p.fix, v).some((s) => !p.key.includes(s)))
                faults.push(`fix of ${p.key} holds another stack's ${v}: ${p.fix}`);
            const unwritten = spellings(`${p.key}: ${p.message}`, v).filter((s) => !text.includes(s));
            if (unwritten.length > 0) faults.push(`${p.key} prints another stack's ${v} as ${unwritten[0]}`);
        }
        for (const c of credentials)
            if (printed.includes(c) || printed.includes(JSON.stringify(c).slice(1, -1)))
                faults.push(`${p.key} quotes a credential`);
    }
    return faults;
}
